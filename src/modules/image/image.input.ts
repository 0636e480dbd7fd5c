import { Field, InputType } from 'type-graphql';
import { JSONScalar, SafeIntScalar, StringMapScalar } from '../../platform/graphql/scalars.js';
import { ObjectMetaInput } from '../image-stream/image-stream.input.js';

/** Inputs mirror the Image JSON: a client can send an Image body without kind/apiVersion. */

@InputType()
export class ImageLayerInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => SafeIntScalar, { nullable: true })
  size?: number | null;

  @Field(() => String, { nullable: true })
  mediaType?: string | null;
}

@InputType()
export class ImageManifestInput {
  @Field(() => String, { nullable: true })
  digest?: string | null;

  @Field(() => String, { nullable: true })
  mediaType?: string | null;

  @Field(() => SafeIntScalar, { nullable: true })
  manifestSize?: number | null;

  @Field(() => String, { nullable: true })
  architecture?: string | null;

  @Field(() => String, { nullable: true })
  os?: string | null;

  @Field(() => String, { nullable: true })
  variant?: string | null;
}

@InputType()
export class SignatureIssuerInput {
  @Field(() => String, { nullable: true })
  organization?: string | null;

  @Field(() => String, { nullable: true })
  commonName?: string | null;

  @Field(() => String, { nullable: true })
  publicKeyID?: string | null;
}

@InputType({ description: 'An ImageSignature body. Server-populated fields are accepted and cleared on create.' })
export class ImageSignatureInput {
  @Field(() => ObjectMetaInput, { nullable: true, description: 'name is "<image>@<signature>".' })
  metadata?: ObjectMetaInput | null;

  @Field(() => String, { nullable: true })
  type?: string | null;

  @Field(() => String, { nullable: true, description: 'The signature bytes, base64.' })
  content?: string | null;

  @Field(() => JSONScalar, { nullable: true })
  conditions?: unknown[] | null;

  @Field(() => String, { nullable: true })
  imageIdentity?: string | null;

  @Field(() => StringMapScalar, { nullable: true })
  signedClaims?: Record<string, string> | null;

  @Field(() => String, { nullable: true })
  created?: string | null;

  @Field(() => SignatureIssuerInput, { nullable: true })
  issuedBy?: SignatureIssuerInput | null;

  @Field(() => SignatureIssuerInput, { nullable: true })
  issuedTo?: SignatureIssuerInput | null;
}

@InputType({ description: 'An Image body. With dockerImageManifest (and dockerImageConfig for schema 2/OCI) and no layers, the server derives layers and metadata.' })
export class ImageInput {
  @Field(() => ObjectMetaInput, { nullable: true, description: 'name is the image digest.' })
  metadata?: ObjectMetaInput | null;

  @Field(() => String, { nullable: true })
  dockerImageReference?: string | null;

  @Field(() => JSONScalar, { nullable: true })
  dockerImageMetadata?: Record<string, unknown> | null;

  @Field(() => String, { nullable: true })
  dockerImageMetadataVersion?: string | null;

  @Field(() => String, { nullable: true })
  dockerImageManifest?: string | null;

  @Field(() => [ImageLayerInput], { nullable: true })
  dockerImageLayers?: ImageLayerInput[] | null;

  @Field(() => [ImageSignatureInput], { nullable: true, description: 'Ignored on create; use createImageSignature.' })
  signatures?: ImageSignatureInput[] | null;

  @Field(() => [String], { nullable: true })
  dockerImageSignatures?: string[] | null;

  @Field(() => String, { nullable: true })
  dockerImageManifestMediaType?: string | null;

  @Field(() => String, { nullable: true })
  dockerImageConfig?: string | null;

  @Field(() => [ImageManifestInput], { nullable: true })
  dockerImageManifests?: ImageManifestInput[] | null;
}

import { Field, ObjectType } from 'type-graphql';
import { JSONScalar, SafeIntScalar, StringMapScalar } from '../../platform/graphql/scalars.js';
import { ObjectMeta, PageInfo } from '../image-stream/image-stream.type.js';

@ObjectType({ description: 'One layer of an image.' })
export class ImageLayer {
  @Field(() => String, { description: 'The layer digest.' })
  name!: string;

  @Field(() => SafeIntScalar, { description: 'Bytes of the layer blob.' })
  size!: number;

  @Field(() => String)
  mediaType!: string;
}

@ObjectType({ description: 'One platform entry of a manifest list; `image` is the Image it names.' })
export class ImageManifest {
  @Field(() => String, { description: 'Digest of the platform manifest, also the name of its Image.' })
  digest!: string;

  @Field(() => String)
  mediaType!: string;

  @Field(() => SafeIntScalar, { description: 'Bytes of the raw manifest.' })
  manifestSize!: number;

  @Field(() => String)
  architecture!: string;

  @Field(() => String)
  os!: string;

  @Field(() => String, { nullable: true, description: 'CPU variant, such as v7 for ARM.' })
  variant?: string;
}

@ObjectType({ description: 'The runtime settings of an image config, typed (the whole blob stays in DockerImageMetadata.raw).' })
export class DockerConfig {
  @Field(() => String, { nullable: true })
  user?: string;

  @Field(() => [String], { nullable: true })
  env?: string[];

  @Field(() => [String], { nullable: true })
  cmd?: string[];

  @Field(() => [String], { nullable: true })
  entrypoint?: string[];

  @Field(() => String, { nullable: true })
  workingDir?: string;

  @Field(() => StringMapScalar, { nullable: true })
  labels?: Record<string, string>;

  @Field(() => [String], { nullable: true, description: 'Keys of ExposedPorts, such as "8080/tcp".' })
  exposedPorts?: string[];

  @Field(() => [String], { nullable: true, description: 'Keys of Volumes.' })
  volumes?: string[];

  @Field(() => String, { nullable: true })
  stopSignal?: string;
}

@ObjectType({ description: 'dockerImageMetadata: the whole JSON object as `raw`, and its common parts typed.' })
export class DockerImageMetadata {
  @Field(() => JSONScalar, { description: 'The object exactly as the JSON API carries it (capitalised keys).' })
  raw!: unknown;

  @Field(() => String, { nullable: true, description: 'Id: the config digest (a list: its own name).' })
  id?: string;

  @Field(() => String, { nullable: true })
  created?: string;

  @Field(() => String, { nullable: true })
  architecture?: string;

  @Field(() => String, { nullable: true, description: 'The config os (not part of the JSON metadata, kept beside it).' })
  os?: string;

  @Field(() => SafeIntScalar, { nullable: true, description: 'Config bytes plus each distinct layer once.' })
  size?: number;

  @Field(() => String, { nullable: true })
  author?: string;

  @Field(() => String, { nullable: true })
  dockerVersion?: string;

  @Field(() => DockerConfig, { nullable: true })
  config?: DockerConfig;
}

@ObjectType({ description: 'A condition of a signature (for example Trusted or ForImage).' })
export class SignatureCondition {
  @Field(() => String)
  type!: string;

  @Field(() => String)
  status!: string;

  @Field(() => String, { nullable: true })
  lastProbeTime?: string;

  @Field(() => String, { nullable: true })
  lastTransitionTime?: string;

  @Field(() => String, { nullable: true })
  reason?: string;

  @Field(() => String, { nullable: true })
  message?: string;
}

@ObjectType()
export class SignatureIssuer {
  @Field(() => String, { nullable: true })
  organization?: string;

  @Field(() => String, { nullable: true })
  commonName?: string;
}

@ObjectType()
export class SignatureSubject {
  @Field(() => String, { nullable: true })
  organization?: string;

  @Field(() => String, { nullable: true })
  commonName?: string;

  @Field(() => String, { nullable: true })
  publicKeyID?: string;
}

@ObjectType({ description: 'A signature of an image (the JSON ImageSignature); name "<image>@<signature>".' })
export class Signature {
  @Field(() => ObjectMeta)
  metadata!: ObjectMeta;

  @Field(() => String, { description: 'The kind of blob, such as AtomicImageV1.' })
  type!: string;

  @Field(() => String, { description: 'The signature bytes, base64.' })
  content!: string;

  @Field(() => [SignatureCondition], { nullable: true })
  conditions?: SignatureCondition[];

  @Field(() => String, { nullable: true })
  imageIdentity?: string;

  @Field(() => StringMapScalar, { nullable: true })
  signedClaims?: Record<string, string>;

  @Field(() => String, { nullable: true })
  created?: string;

  @Field(() => SignatureIssuer, { nullable: true })
  issuedBy?: SignatureIssuer;

  @Field(() => SignatureSubject, { nullable: true })
  issuedTo?: SignatureSubject;

  @Field(() => String, { description: 'The signed image (the part of the name before "@").' })
  imageName!: string;
}

@ObjectType({ description: 'An image, named by its digest (cluster-scoped).' })
export class Image {
  @Field(() => ObjectMeta)
  metadata!: ObjectMeta;

  @Field(() => String, { description: 'Where the image can be pulled from.' })
  dockerImageReference!: string;

  @Field(() => String, { nullable: true })
  dockerImageMetadataVersion?: string;

  @Field(() => String, { nullable: true, description: 'The raw manifest JSON, when kept.' })
  dockerImageManifest?: string;

  @Field(() => [ImageLayer], { description: 'Base layer first; empty for manifest lists.' })
  dockerImageLayers!: ImageLayer[];

  @Field(() => [Signature], { nullable: true })
  signatures?: Signature[];

  @Field(() => [String], { nullable: true, description: 'Schema 1 signatures, base64.' })
  dockerImageSignatures?: string[];

  @Field(() => String, { nullable: true })
  dockerImageManifestMediaType?: string;

  @Field(() => String, { nullable: true, description: 'The raw config JSON, when kept.' })
  dockerImageConfig?: string;

  @Field(() => [ImageManifest], { nullable: true, description: 'Platform manifests of a manifest list.' })
  dockerImageManifests?: ImageManifest[];
}

@ObjectType()
export class ImageEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Image)
  node!: Image;
}

@ObjectType({ description: 'A page of images (Relay connection), ordered by name.' })
export class ImageConnection {
  @Field(() => [ImageEdge])
  edges!: ImageEdge[];

  @Field(() => [Image])
  nodes!: Image[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => String, { description: 'The version of the data this page was read at.' })
  resourceVersion!: string;

  totalCount!: number;
}

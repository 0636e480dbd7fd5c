import { Field, Int, ObjectType } from 'type-graphql';
import { ImageStream } from '../image-stream/image-stream.type.js';
import { Image } from '../image/image.type.js';

@ObjectType({ simpleResolvers: true })
export class ImportPolicy {
  @Field(() => Boolean)
  insecure!: boolean;

  @Field(() => Boolean)
  scheduled!: boolean;

  @Field(() => String)
  importMode!: string;
}

@ObjectType({ simpleResolvers: true })
export class ImportSource {
  @Field(() => String)
  kind!: string;

  @Field(() => String)
  name!: string;
}

@ObjectType({ simpleResolvers: true })
export class LocalObjectReference {
  @Field(() => String)
  name!: string;
}

@ObjectType({ simpleResolvers: true })
export class ImportReferencePolicy {
  @Field(() => String)
  type!: string;
}

@ObjectType({ simpleResolvers: true })
export class ImageImportSpec {
  @Field(() => ImportSource)
  from!: ImportSource;

  @Field(() => LocalObjectReference, { nullable: true, description: 'After defaulting: the tag of `from` when none was given.' })
  to?: LocalObjectReference;

  @Field(() => ImportPolicy)
  importPolicy!: ImportPolicy;

  @Field(() => ImportReferencePolicy)
  referencePolicy!: ImportReferencePolicy;

  @Field(() => Boolean)
  includeManifest!: boolean;
}

@ObjectType({ simpleResolvers: true })
export class RepositoryImportSpec {
  @Field(() => ImportSource)
  from!: ImportSource;

  @Field(() => ImportPolicy)
  importPolicy!: ImportPolicy;

  @Field(() => ImportReferencePolicy)
  referencePolicy!: ImportReferencePolicy;

  @Field(() => Boolean)
  includeManifest!: boolean;
}

@ObjectType({ simpleResolvers: true })
export class ImageStreamImportSpec {
  @Field(() => Boolean)
  import!: boolean;

  @Field(() => [ImageImportSpec], { nullable: true })
  images?: ImageImportSpec[];

  @Field(() => RepositoryImportSpec, { nullable: true })
  repository?: RepositoryImportSpec;
}

@ObjectType({ simpleResolvers: true })
export class StatusDetails {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  group!: string;

  @Field(() => String)
  kind!: string;
}

@ObjectType({ simpleResolvers: true, description: 'A Kubernetes Status (metav1.Status) without kind/apiVersion: the outcome of one import.' })
export class ImportStatus {
  @Field(() => String, { description: 'Success or Failure.' })
  status!: string;

  @Field(() => String, { nullable: true })
  message?: string;

  @Field(() => String, { nullable: true, description: 'NotFound, Unauthorized, Forbidden, BadRequest, NotV2Registry, InternalError, ImportFailed.' })
  reason?: string;

  @Field(() => Int, { nullable: true })
  code?: number;

  @Field(() => StatusDetails, { nullable: true })
  details?: StatusDetails;
}

@ObjectType({ description: 'The result of importing one image.' })
export class ImageImportStatus {
  @Field(() => ImportStatus)
  status!: ImportStatus;

  @Field(() => Image, { nullable: true })
  image?: Image;

  @Field(() => String, { nullable: true, description: 'The tag imported; empty for digest imports.' })
  tag?: string;

  @Field(() => [Image], { nullable: true, description: 'PreserveOriginal: every platform image of the list.' })
  manifests?: Image[];
}

@ObjectType()
export class RepositoryImportStatus {
  @Field(() => ImportStatus)
  status!: ImportStatus;

  @Field(() => [ImageImportStatus], { nullable: true })
  images?: ImageImportStatus[];

  @Field(() => [String], { nullable: true, description: 'Tags beyond the bulk limit, not imported.' })
  additionalTags?: string[];
}

@ObjectType()
export class ImageStreamImportStatus {
  @Field(() => ImageStream, { nullable: true, description: 'The stored stream after a real import; absent for previews.' })
  import?: ImageStream;

  @Field(() => RepositoryImportStatus, { nullable: true })
  repository?: RepositoryImportStatus;

  @Field(() => [ImageImportStatus], { nullable: true, description: 'One entry per spec.images entry, same order.' })
  images?: ImageImportStatus[];
}

@ObjectType({ simpleResolvers: true })
export class ImageStreamImportMeta {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  namespace!: string;

  @Field(() => String, { nullable: true })
  resourceVersion?: string;

  @Field(() => String, { nullable: true })
  uid?: string;
}

@ObjectType({ description: 'An import request and its per-image results.' })
export class ImageStreamImport {
  @Field(() => ImageStreamImportMeta)
  metadata!: ImageStreamImportMeta;

  @Field(() => ImageStreamImportSpec)
  spec!: ImageStreamImportSpec;

  @Field(() => ImageStreamImportStatus)
  status!: ImageStreamImportStatus;
}

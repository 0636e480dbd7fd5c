import { Field, ObjectType } from 'type-graphql';
import { SafeIntScalar, StringMapScalar } from '../../platform/graphql/scalars.js';

@ObjectType({ simpleResolvers: true, description: 'Standard object metadata, as Kubernetes defines it.' })
export class ObjectMeta {
  @Field(() => String, { description: 'Unique within the namespace.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Empty for cluster-scoped objects.' })
  namespace?: string;

  @Field(() => String, { nullable: true, description: 'Prefix the server used to generate the name, when it did.' })
  generateName?: string;

  @Field(() => String, { description: 'Unique for all time; set by the server on create.' })
  uid!: string;

  @Field(() => String, { description: 'Opaque version of this object; send it back to update optimistically.' })
  resourceVersion!: string;

  @Field(() => SafeIntScalar, { nullable: true, description: 'Advances when the desired state (spec) changes.' })
  generation?: number;

  @Field(() => String, { description: 'RFC 3339 time of creation.' })
  creationTimestamp!: string;

  @Field(() => StringMapScalar, { nullable: true })
  labels?: Record<string, string>;

  @Field(() => StringMapScalar, { nullable: true })
  annotations?: Record<string, string>;

  @Field(() => String, { nullable: true, description: 'Set when deletion was requested; this service deletes at once, so it stays null.' })
  deletionTimestamp?: string;

  @Field(() => [String], { nullable: true })
  finalizers?: string[];
}

@ObjectType({ simpleResolvers: true, description: 'Points at another object by kind, namespace and name.' })
export class ObjectReference {
  @Field(() => String, { nullable: true })
  kind?: string;

  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true })
  namespace?: string;

  @Field(() => String, { nullable: true })
  apiVersion?: string;

  @Field(() => String, { nullable: true })
  uid?: string;

  @Field(() => String, { nullable: true })
  resourceVersion?: string;

  @Field(() => String, { nullable: true })
  fieldPath?: string;
}

@ObjectType({ simpleResolvers: true, description: 'How images of a tag are imported.' })
export class TagImportPolicy {
  @Field(() => Boolean, { nullable: true, description: 'Allow plain HTTP or unverified TLS when importing.' })
  insecure?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'Re-import periodically to follow the remote tag.' })
  scheduled?: boolean;

  @Field(() => String, { nullable: true, description: 'Legacy (one platform manifest) or PreserveOriginal (the whole manifest list).' })
  importMode?: string;
}

@ObjectType({ simpleResolvers: true, description: 'How pull specs for this tag are handed to consumers.' })
export class TagReferencePolicy {
  @Field(() => String, { description: 'Source (the original pull spec) or Local (through the integrated registry).' })
  type!: string;
}

@ObjectType({ simpleResolvers: true, description: 'A spec tag: what a tag should point at.' })
export class TagReference {
  @Field(() => String)
  name!: string;

  @Field(() => StringMapScalar, { nullable: true, description: 'Applied to images reached through this tag.' })
  annotations?: Record<string, string> | null;

  @Field(() => ObjectReference, { nullable: true, description: 'A DockerImage, ImageStreamTag or ImageStreamImage to follow.' })
  from?: ObjectReference;

  @Field(() => Boolean, { nullable: true, description: 'True: only point at the pull spec, never import.' })
  reference?: boolean;

  @Field(() => SafeIntScalar, { nullable: true, description: 'The stream generation at which this tag last changed; set by the server.' })
  generation?: number | null;

  @Field(() => TagImportPolicy)
  importPolicy!: TagImportPolicy;

  @Field(() => TagReferencePolicy)
  referencePolicy!: TagReferencePolicy;
}

@ObjectType({ simpleResolvers: true, description: 'One entry in the history of a tag.' })
export class TagEvent {
  @Field(() => String, { description: 'When the tag came to point at this image.' })
  created!: string;

  @Field(() => String, { description: 'The pull spec of the image.' })
  dockerImageReference!: string;

  @Field(() => String, { description: 'The image name (its digest); empty for pure references.' })
  imageName!: string;

  @Field(() => SafeIntScalar, { description: 'The spec-tag generation that produced this event.' })
  generation!: number;
}

@ObjectType({ simpleResolvers: true, description: 'A condition of a tag, such as a failed import.' })
export class TagEventCondition {
  @Field(() => String)
  type!: string;

  @Field(() => String, { description: 'True, False or Unknown.' })
  status!: string;

  @Field(() => String)
  lastTransitionTime!: string;

  @Field(() => String, { nullable: true })
  reason?: string;

  @Field(() => String, { nullable: true })
  message?: string;

  @Field(() => SafeIntScalar)
  generation!: number;
}

@ObjectType({ simpleResolvers: true, description: 'The history of one tag, newest first (the JSON NamedTagEventList).' })
export class TagEventList {
  @Field(() => String)
  tag!: string;

  @Field(() => [TagEvent], { nullable: true, description: 'items[0] is the current image.' })
  items?: TagEvent[] | null;

  @Field(() => [TagEventCondition], { nullable: true })
  conditions?: TagEventCondition[];
}

@ObjectType({ simpleResolvers: true })
export class ImageLookupPolicy {
  @Field(() => Boolean, { description: 'Resolve short image names in this namespace to this stream.' })
  local!: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'What the stream should contain.' })
export class ImageStreamSpec {
  @Field(() => ImageLookupPolicy)
  lookupPolicy!: ImageLookupPolicy;

  @Field(() => String, { nullable: true, description: 'Deprecated: a repository to import all tags from.' })
  dockerImageRepository?: string;

  @Field(() => [TagReference], { nullable: true, description: 'Sorted by name.' })
  tags?: TagReference[];
}

@ObjectType({ simpleResolvers: true, description: 'What the stream contains, as recorded by the server.' })
export class ImageStreamStatus {
  @Field(() => String, { description: 'Where the stream can be pulled from inside the cluster; may be empty.' })
  dockerImageRepository!: string;

  @Field(() => String, { nullable: true, description: 'Where the stream can be pulled from outside the cluster.' })
  publicDockerImageRepository?: string;

  @Field(() => [TagEventList], { nullable: true, description: 'Sorted by tag.' })
  tags?: TagEventList[];
}

@ObjectType({ simpleResolvers: true, description: 'A named set of tags, each with the history of images it pointed at.' })
export class ImageStream {
  @Field(() => String)
  kind!: string;

  @Field(() => String)
  apiVersion!: string;

  @Field(() => ObjectMeta)
  metadata!: ObjectMeta;

  @Field(() => ImageStreamSpec)
  spec!: ImageStreamSpec;

  @Field(() => ImageStreamStatus)
  status!: ImageStreamStatus;
}

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class ImageStreamEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => ImageStream)
  node!: ImageStream;
}

@ObjectType({ simpleResolvers: true, description: 'A page of image streams (Relay connection).' })
export class ImageStreamConnection {
  @Field(() => [ImageStreamEdge])
  edges!: ImageStreamEdge[];

  @Field(() => [ImageStream])
  nodes!: ImageStream[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => String, { description: 'The version of the data this page was read at.' })
  resourceVersion!: string;

  /** Filled by a field resolver: counting is a separate query, paid only when asked for. */
  totalCount!: number;
}

import { Field, ObjectType } from 'type-graphql';
import { SafeIntScalar } from '../../platform/graphql/scalars.js';
import { ImageLookupPolicy, ObjectMeta, TagEventCondition, TagReference } from '../image-stream/image-stream.type.js';

@ObjectType({ description: 'A tag of a stream with its current image (virtual; name "stream:tag").' })
export class ImageStreamTag {
  @Field(() => ObjectMeta, { description: 'uid and resourceVersion are the stream\'s; annotations the spec tag\'s.' })
  metadata!: ObjectMeta;

  @Field(() => TagReference, { nullable: true, description: 'The spec tag; null when the tag exists only in status (a push).' })
  tag?: TagReference | null;

  @Field(() => SafeIntScalar, { nullable: true, description: 'Generation of the current history item.' })
  generation?: number | null;

  @Field(() => ImageLookupPolicy)
  lookupPolicy!: ImageLookupPolicy;

  @Field(() => [TagEventCondition], { nullable: true })
  conditions?: TagEventCondition[];

  @Field(() => String, { nullable: true, description: 'Name (digest) of the current image; null while the tag has none.' })
  imageName?: string | null;
}

@ObjectType({ description: 'An image reached through a stream\'s history (virtual; name "stream@digest-or-prefix").' })
export class ImageStreamImage {
  @Field(() => ObjectMeta, { description: 'Name as requested; annotations are the stream\'s.' })
  metadata!: ObjectMeta;
}

import { Field, InputType, ObjectType } from 'type-graphql';
import { ObjectMetaInput } from '../image-stream/image-stream.input.js';
import { ObjectMeta } from '../image-stream/image-stream.type.js';
import { ImageInput } from '../image/image.input.js';
import { Image } from '../image/image.type.js';

@InputType({ description: 'An ImageStreamMapping body: metadata.name is the target stream.' })
export class ImageStreamMappingInput {
  @Field(() => ObjectMetaInput, { nullable: true })
  metadata?: ObjectMetaInput | null;

  @Field(() => ImageInput, { nullable: true, description: 'The image; metadata.name (digest) and dockerImageReference are required.' })
  image?: ImageInput | null;

  @Field(() => String, { nullable: true, description: 'The tag whose history receives the image.' })
  tag?: string | null;
}

@ObjectType({ description: 'A recorded mapping: the image now in the tag\'s history.' })
export class ImageStreamMapping {
  @Field(() => ObjectMeta, { description: 'The target stream\'s name, uid and resourceVersion after the write.' })
  metadata!: ObjectMeta;

  @Field(() => Image, { description: 'The stored image (an existing one is never changed by a mapping).' })
  image!: Image;

  @Field(() => String)
  tag!: string;
}

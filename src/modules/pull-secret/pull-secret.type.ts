import { Field, ObjectType } from 'type-graphql';
import { ObjectMeta } from '../image-stream/image-stream.type.js';

@ObjectType({ description: 'Registry credentials of a namespace (a Secret of type kubernetes.io/dockerconfigjson), used by imports.' })
export class PullSecret {
  @Field(() => ObjectMeta)
  metadata!: ObjectMeta;

  @Field(() => String, { description: 'kubernetes.io/dockerconfigjson' })
  type!: string;
}

import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { ImageStream } from '../image-stream/image-stream.type.js';

export enum WatchEventType {
  ADDED = 'ADDED',
  MODIFIED = 'MODIFIED',
  DELETED = 'DELETED',
  BOOKMARK = 'BOOKMARK',
}

registerEnumType(WatchEventType, {
  name: 'WatchEventType',
  description: 'What happened to the object (Kubernetes watch event types).',
  valuesConfig: {
    ADDED: { description: 'Created, or present when a watch started without a resourceVersion.' },
    MODIFIED: { description: 'Changed; the object is its state after the change.' },
    DELETED: { description: 'Deleted; the object is its last state.' },
    BOOKMARK: { description: 'No change: the object carries only metadata.resourceVersion, a point to resume from.' },
  },
});

@ObjectType({ description: 'One change to an image stream, in resourceVersion order.' })
export class ImageStreamEvent {
  @Field(() => WatchEventType)
  type!: WatchEventType;

  @Field(() => ImageStream)
  object!: ImageStream;

  @Field(() => String, { description: 'The version after this event: resume a watch from it.' })
  resourceVersion!: string;
}

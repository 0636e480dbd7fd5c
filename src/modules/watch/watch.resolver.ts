import { Arg, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context.js';
import type { WatchArgs } from './watch.service.js';
import type { WatchEvent } from './watch.rules.js';
import { ImageStreamEvent } from './watch.type.js';

@Resolver(() => ImageStreamEvent)
export class WatchResolver {
  @Subscription(() => ImageStreamEvent, {
    description:
      'Changes to image streams. Without resourceVersion: an ADDED per current match first; with one: every change after it. ' +
      'A version older than the retention window fails with EXPIRED. BOOKMARK events carry the latest version to resume from.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, WatchArgs, RequestContext>) =>
      context.services.watch.watchImageStreams(context.caller, args, {
        onSlowConsumer: context.closeConnection,
        reauthenticate: context.reauthenticate,
        sink: context.watchSink,
      }),
  })
  watchImageStreams(
    @Root() event: WatchEvent,
    @Arg('namespace', () => String, { nullable: true }) _namespace?: string,
    @Arg('name', () => String, { nullable: true }) _name?: string,
    @Arg('labelSelector', () => String, { nullable: true }) _labelSelector?: string,
    @Arg('resourceVersion', () => String, { nullable: true }) _resourceVersion?: string,
  ): ImageStreamEvent {
    if (event.error) throw event.error;
    return event as unknown as ImageStreamEvent;
  }
}

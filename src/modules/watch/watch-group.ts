import { DISPATCH_SLICE, type FeedSubscriber } from './change-feed.js';
import { classifyForWatch, sharedEvent, type ChangeRow, type WatchEvent, type WatchFilter } from './watch.rules.js';
import type { WatchSubscription } from './watch-subscription.js';

/**
 * The subscriptions of one process that share a filter (namespace, name,
 * selectors): the feed hands each row to the group, which classifies it
 * once for all of them and passes one shared event object on. A row the
 * filter drops costs the group one check, whatever its size; a large group
 * is handed over in slices (see ChangeFeed).
 */
export class WatchGroup implements FeedSubscriber {
  readonly members = new Set<WatchSubscription>();

  constructor(
    readonly key: string,
    readonly filter: WatchFilter,
  ) {}

  offer(row: ChangeRow): void | Iterator<unknown> {
    const type = classifyForWatch(this.filter, row);
    if (!type) return;
    const event = sharedEvent(row, type);
    if (this.members.size <= DISPATCH_SLICE) {
      for (const sub of this.members) sub.offer(row, event);
      return;
    }
    return this.deliver(row, event);
  }

  /** One step per member, for the feed to run in slices. */
  private *deliver(row: ChangeRow, event: WatchEvent): Generator<void> {
    for (const sub of this.members) {
      sub.offer(row, event);
      yield;
    }
  }
}

/** Equal keys: equal filters. */
export function groupKey(filter: WatchFilter): string {
  return JSON.stringify([filter.resource, filter.namespace ?? null, filter.name ?? null, filter.labels, filter.fields ?? []]);
}

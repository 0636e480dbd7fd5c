import { BadRequestError, ExpiredError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { AuthService } from '../auth/auth.service.js';
import type { Identity } from '../auth/identity.js';
import { IMAGE_STREAM_RESOURCE } from '../image-stream/image-stream.model.js';
import type { ImageStreamService } from '../image-stream/image-stream.service.js';
import type { StreamFilter } from '../image-stream/image-stream.store.js';
import { parseFieldSelector } from '../image-stream/field-selector.rules.js';
import { parseLabelSelector, SelectorError } from '../image-stream/label-selector.rules.js';
import { ChangeFeed, type FeedSubscriber } from './change-feed.js';
import { groupKey, WatchGroup } from './watch-group.js';
import { WatchSubscription, type WatchSink } from './watch-subscription.js';
import { bookmarkEvent, classifyForWatch, parseResumeVersion, type ChangeRow, type WatchEvent, type WatchFilter } from './watch.rules.js';
import type { WatchStore } from './watch.store.js';

export interface WatchArgs {
  namespace?: string | null;
  name?: string | null;
  labelSelector?: string | null;
  fieldSelector?: string | null;
  resourceVersion?: string | null;
  /** False: no BOOKMARK events at all (REST `allowWatchBookmarks` unset); the subscription always has them. */
  bookmarks?: boolean;
}

export interface WatchHooks {
  /** Closes the subscriber's connection: it fell too far behind. */
  onSlowConsumer?: (pending: number) => void;
  /** Authenticates the subscriber's credentials again (throws UNAUTHENTICATED once revoked or expired). */
  reauthenticate?: () => Promise<Identity>;
  /** The transport writes events itself (see WatchSink); the iterator then carries only a final error. */
  sink?: WatchSink;
}

interface SharedSnapshot {
  resourceVersion: number;
  events: Array<{ at: Pick<ChangeRow, 'namespace' | 'name'>; event: WatchEvent }>;
}

interface ActiveWatch {
  bookmarks: boolean;
  /** Re-checks the subscriber's credentials (the shared reauthentication ticker calls it). */
  reauth?: () => void;
}

export interface WatchConfig {
  retentionMs: number;
  bookmarkIntervalMs: number;
  compactionIntervalMs: number;
  bufferLimit: number;
  reauthIntervalMs: number;
}

const REPLAY_PAGE = 1000;

/**
 * Kubernetes watch semantics over the change log (§8.2): the current state
 * as ADDED or a replay after a version, then live changes, in
 * resourceVersion order, each one authorized for the subscriber.
 */
export class WatchService {
  private readonly active = new Map<WatchSubscription, ActiveWatch>();
  private readonly groups = new Map<string, WatchGroup>();
  /** Snapshot reads in flight, by list filter (see `snapshot`). */
  private readonly snapshots = new Map<string, Promise<SharedSnapshot>>();
  private compaction?: NodeJS.Timeout;
  /** One timer each for every subscription's bookmarks and reauthentication, not one per subscription. */
  private bookmarkTicker?: NodeJS.Timeout;
  private reauthTicker?: NodeJS.Timeout;

  constructor(
    private readonly store: WatchStore,
    private readonly feed: ChangeFeed,
    private readonly auth: AuthService,
    private readonly imageStreams: ImageStreamService,
    private readonly config: WatchConfig,
    private readonly log: Logger,
  ) {}

  /**
   * Hands every change-log row this process reads to `sub` (caches kept
   * current by the log); answers the version it will be fed after.
   */
  follow(sub: FeedSubscriber): number {
    return this.feed.register(sub);
  }

  async start(listen: (onSignal: () => void) => Promise<() => Promise<void>>): Promise<void> {
    await this.feed.start(listen);
    this.compaction = setInterval(() => void this.compact(), this.config.compactionIntervalMs);
    this.compaction.unref();
    if (this.config.bookmarkIntervalMs > 0) {
      this.bookmarkTicker = setInterval(() => this.bookmarkAll(), this.config.bookmarkIntervalMs);
      this.bookmarkTicker.unref();
    }
    this.reauthTicker = setInterval(() => {
      for (const watch of this.active.values()) watch.reauth?.();
    }, this.config.reauthIntervalMs);
    this.reauthTicker.unref();
  }

  /** Completes every subscription (clients get `complete`), then stops reading. */
  async stop(): Promise<void> {
    if (this.compaction) clearInterval(this.compaction);
    if (this.bookmarkTicker) clearInterval(this.bookmarkTicker);
    if (this.reauthTicker) clearInterval(this.reauthTicker);
    for (const sub of this.active.keys()) sub.complete();
    await this.feed.stop();
  }

  /** A BOOKMARK for every subscription that wants them; subscribers at one version share one event object. */
  private bookmarkAll(): void {
    const byVersion = new Map<number, WatchEvent>();
    const shared = (rv: number) => {
      let event = byVersion.get(rv);
      if (!event) byVersion.set(rv, (event = bookmarkEvent(rv)));
      return event;
    };
    for (const [sub, watch] of this.active) if (watch.bookmarks) sub.bookmarkTick(shared);
  }

  get subscriptionCount(): number {
    return this.active.size;
  }

  /**
   * How far this replica's feed trails the change log, for the operator's
   * metrics (no caller: it reveals counts only, like subscriptionCount).
   * `versions`: committed versions not yet handed to subscribers;
   * `seconds`: age of the oldest of them (0 when the feed is current).
   */
  async feedLag(now = Date.now()): Promise<{ latest: number; dispatched: number; versions: number; seconds: number }> {
    const dispatched = this.feed.position;
    const { latest, oldestPendingAt } = await this.store.pendingAfter(dispatched);
    return {
      latest,
      dispatched,
      versions: Math.max(0, latest - dispatched),
      seconds: oldestPendingAt ? Math.max(0, (now - oldestPendingAt.getTime()) / 1000) : 0,
    };
  }

  /** Runs one compaction now (the background job calls this). */
  async compact(): Promise<number> {
    try {
      const n = await this.store.compact(this.config.retentionMs);
      if (n) this.log.debug({ rows: n }, 'compacted the change log');
      return n;
    } catch (err) {
      this.log.warn({ err }, 'change log compaction failed');
      return 0;
    }
  }

  async watchImageStreams(caller: Identity, args: WatchArgs, hooks: WatchHooks = {}): Promise<AsyncIterableIterator<WatchEvent>> {
    const namespace = args.namespace || undefined;
    const name = args.name || undefined;
    let listFilter: StreamFilter;
    if (namespace) {
      listFilter = this.imageStreams.listFilter(caller, namespace, args.labelSelector, args.fieldSelector);
      this.auth.authorize(caller, { verb: 'watch', resource: IMAGE_STREAM_RESOURCE, namespace, name });
    } else {
      const scope = this.auth.listScope(caller, IMAGE_STREAM_RESOURCE);
      // Nothing visible anywhere: refuse as Kubernetes refuses a cluster-wide watch.
      if (scope !== 'all' && scope.length === 0) this.auth.authorize(caller, { verb: 'watch', resource: IMAGE_STREAM_RESOURCE });
      listFilter = this.imageStreams.listFilter(caller, undefined, args.labelSelector, args.fieldSelector);
    }
    if (name) listFilter = { ...listFilter, fields: [...(listFilter.fields ?? []), { field: 'metadata.name', equals: true, value: name }] };
    const filter: WatchFilter = { resource: IMAGE_STREAM_RESOURCE, namespace, name, labels: parseLabels(args.labelSelector), fields: parseFields(args.fieldSelector) };
    const bookmarks = args.bookmarks ?? true;
    const start = parseResumeVersion(args.resourceVersion);
    if (start !== undefined) {
      const horizon = await this.store.horizon(this.config.retentionMs);
      if (start < horizon) throw new ExpiredError(`too old resource version: ${start} (${horizon})`);
    }

    // The identity events are checked against: refreshed while the subscription lives.
    let current = caller;
    const key = groupKey(filter);
    let group = this.groups.get(key);
    if (!group) {
      group = new WatchGroup(key, filter);
      this.groups.set(key, group);
      this.feed.register(group);
    }
    const joined = group;
    const sub: WatchSubscription = new WatchSubscription({
      accepts: (row) => (this.visible(current, row) ? classifyForWatch(filter, row) : null),
      visible: (row) => this.visible(current, row),
      feedPosition: () => this.feed.position,
      bufferLimit: this.config.bufferLimit,
      bookmarkIntervalMs: 0, // the shared ticker (bookmarkAll)
      sink: hooks.sink,
      onSlowConsumer: (pending) => {
        this.log.warn({ user: caller.user, pending }, 'closing a slow watch consumer');
        hooks.onSlowConsumer?.(pending);
      },
      onEnd: () => {
        joined.members.delete(sub);
        if (!joined.members.size && this.groups.get(key) === joined) {
          this.groups.delete(key);
          this.feed.unregister(joined);
        }
        this.active.delete(sub);
      },
    });
    const watch: ActiveWatch = { bookmarks };
    if (hooks.reauthenticate) {
      const again = hooks.reauthenticate;
      watch.reauth = () =>
        void again().then(
          (identity) => void (current = identity),
          (err) => sub.fail(err), // revoked or expired: the subscription ends with UNAUTHENTICATED
        );
    }
    // Join before reading anything: every row after `fedAfter` reaches the subscription live.
    group.members.add(sub);
    const fedAfter = this.feed.joinPoint;
    this.active.set(sub, watch);
    try {
      let from: number;
      if (start === undefined) {
        const snapshot = await this.snapshot(listFilter);
        const initial = snapshot.events.filter((e) => this.visible(caller, e.at)).map((e) => e.event);
        sub.seed(initial, snapshot.resourceVersion, { markEnd: bookmarks });
        from = snapshot.resourceVersion;
      } else {
        sub.seed([], start);
        from = start;
      }
      // Rows already dispatched before registration come back from the log.
      while (from < fedAfter && !sub.isEnded) {
        await sub.whenBelow(REPLAY_PAGE);
        if (sub.isEnded) break;
        const rows = await this.store.readAfter(from, REPLAY_PAGE, fedAfter);
        if (!rows.length) break;
        for (const row of rows) sub.replay(row);
        from = rows[rows.length - 1].resourceVersion;
      }
      sub.goLive();
    } catch (e) {
      await sub.return();
      throw e;
    }
    return sub;
  }

  /**
   * The current state as ADDED events. Subscribers arriving together (a
   * reconnecting crowd) with the same list filter share one read and one
   * event object per stream, so a transport renders each once per audience.
   * Any snapshot taken after the subscriber joined its group is right for
   * it: the replay covers the rest up to where it joined.
   */
  private snapshot(listFilter: StreamFilter): Promise<SharedSnapshot> {
    const key = JSON.stringify(listFilter);
    let reading = this.snapshots.get(key);
    if (!reading) {
      reading = this.store.snapshot(listFilter).then((s) => ({
        resourceVersion: s.resourceVersion,
        events: s.items.map((stream) => {
          const object = this.imageStreams.present(stream);
          return { at: { namespace: object.metadata.namespace ?? '', name: object.metadata.name }, event: { type: 'ADDED', object, resourceVersion: object.metadata.resourceVersion } };
        }),
      }));
      this.snapshots.set(key, reading);
      const done = () => void (this.snapshots.get(key) === reading && this.snapshots.delete(key));
      reading.then(done, done);
    }
    return reading;
  }

  /** Per event: a subscriber never sees an object it may not read, even if its rights change mid-watch. */
  private visible(caller: Identity, row: Pick<ChangeRow, 'namespace' | 'name'>): boolean {
    const decided: unknown = this.auth.can(caller, { verb: 'watch', resource: IMAGE_STREAM_RESOURCE, namespace: row.namespace, name: row.name });
    // Fail loudly rather than show everything if authorization ever becomes asynchronous.
    if (typeof decided !== 'boolean') throw new Error('AuthService.can did not answer a boolean: watch needs a synchronous per-event decision');
    return decided;
  }
}

function parseFields(selector: string | null | undefined) {
  try {
    return parseFieldSelector(selector);
  } catch (e) {
    if (e instanceof SelectorError) throw new BadRequestError(e.message);
    throw e;
  }
}

function parseLabels(selector: string | null | undefined) {
  try {
    return parseLabelSelector(selector);
  } catch (e) {
    if (e instanceof SelectorError) throw new BadRequestError(e.message);
    throw e;
  }
}

import { describe, expect, it } from 'vitest';
import { ChangeFeed, DISPATCH_SLICE } from '../../src/modules/watch/change-feed.js';
import { WatchGroup } from '../../src/modules/watch/watch-group.js';
import type { WatchStore } from '../../src/modules/watch/watch.store.js';
import type { Logger } from '../../src/platform/logger.js';
import { WatchSubscription, type WatchSink, type WatchSubscriptionOptions } from '../../src/modules/watch/watch-subscription.js';
import { bookmarkEvent, classifyForWatch, matchesWatch, parseResumeVersion, type ChangeRow, type WatchEvent } from '../../src/modules/watch/watch.rules.js';
import { ConfigError, loadConfig, parseDuration } from '../../src/platform/config.js';
import { BadRequestError } from '../../src/platform/errors.js';

const row = (rv: number, name = 's', labels?: Record<string, string>, namespace = 'ns'): ChangeRow => ({
  resourceVersion: rv,
  type: 'MODIFIED',
  resource: 'imagestreams',
  namespace,
  name,
  object: { metadata: { name, namespace, resourceVersion: String(rv), ...(labels ? { labels } : {}) } },
});

function subscription(overrides: Partial<WatchSubscriptionOptions> = {}) {
  const log = { slow: [] as number[], ended: 0 };
  const sub = new WatchSubscription({
    accepts: (r) => r.type,
    bufferLimit: 3,
    bookmarkIntervalMs: 0,
    onSlowConsumer: (pending) => log.slow.push(pending),
    onEnd: () => log.ended++,
    ...overrides,
  });
  return { sub, log };
}

async function drain(sub: WatchSubscription, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await sub.next();
    if (r.done) break;
    out.push(`${r.value.type}:${r.value.resourceVersion}`);
  }
  return out;
}

describe('WatchSubscription', () => {
  it('delivers replayed rows, then held live rows, each version once and in order', async () => {
    const { sub } = subscription({ bufferLimit: 10 });
    sub.seed([], 1);
    sub.offer(row(3)); // live while starting: held
    sub.offer(row(4));
    sub.replay(row(2));
    sub.replay(row(3)); // the overlap between replay and live
    sub.goLive();
    sub.offer(row(4)); // a duplicate from the feed is ignored too
    sub.offer(row(5));
    expect(await drain(sub, 4)).toEqual(['MODIFIED:2', 'MODIFIED:3', 'MODIFIED:4', 'MODIFIED:5']);
  });

  it('skips rows at or below the initial state, which a bookmark at its version closes', async () => {
    const { sub } = subscription({ bufferLimit: 10 });
    sub.seed([{ type: 'ADDED', object: {}, resourceVersion: '5' }], 7, { markEnd: true });
    sub.offer(row(6));
    sub.offer(row(7));
    sub.goLive();
    sub.offer(row(8));
    expect(await drain(sub, 3)).toEqual(['ADDED:5', 'BOOKMARK:7', 'MODIFIED:8']);
  });

  it('ends a consumer that falls more than the buffer behind, and says so once', async () => {
    const { sub, log } = subscription({ bufferLimit: 3 });
    sub.seed([], 0);
    sub.goLive();
    for (let rv = 1; rv <= 10; rv++) sub.offer(row(rv));
    expect(log.slow).toEqual([3]);
    expect(log.ended).toBe(1);
    expect(sub.isEnded).toBe(true);
    expect(await sub.next()).toEqual({ value: undefined, done: true });
  });

  it('keeps a consumer that reads as fast as events come', async () => {
    const { sub, log } = subscription({ bufferLimit: 2 });
    sub.seed([], 0);
    sub.goLive();
    const got: string[] = [];
    for (let rv = 1; rv <= 20; rv++) {
      sub.offer(row(rv));
      got.push(...(await drain(sub, 1)));
    }
    expect(got).toHaveLength(20);
    expect(log.slow).toEqual([]);
  });

  it('a pending next() resolves on the next accepted row and on return()', async () => {
    const { sub, log } = subscription({ accepts: (r) => (r.name === 'keep' ? r.type : null), bufferLimit: 5 });
    sub.seed([], 0);
    sub.goLive();
    const pending = sub.next();
    sub.offer(row(1, 'drop'));
    sub.offer(row(2, 'keep'));
    expect((await pending).value?.resourceVersion).toBe('2');
    const waiting = sub.next();
    await sub.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(log.ended).toBe(1);
  });

  it('emits a BOOKMARK at the version processed, filtered rows included, only when caught up', async () => {
    const { sub } = subscription({ accepts: (r) => (r.name === 'keep' ? r.type : null), bufferLimit: 5, bookmarkIntervalMs: 5 });
    sub.seed([], 0);
    sub.goLive();
    sub.offer(row(1, 'keep'));
    sub.offer(row(2, 'drop'));
    expect(await drain(sub, 2)).toEqual(['MODIFIED:1', 'BOOKMARK:2']);
    await sub.return();
  });

  it('lets the replay read its next page only once the client has drained the queue', async () => {
    const { sub } = subscription({ bufferLimit: 10 });
    sub.seed([], 0);
    for (let rv = 1; rv <= 5; rv++) sub.replay(row(rv));
    let room = false;
    const waiting = sub.whenBelow(2).then(() => (room = true));
    await Promise.resolve();
    expect(room).toBe(false);
    await drain(sub, 2);
    await Promise.resolve();
    expect(room).toBe(false);
    await drain(sub, 1);
    await waiting;
    expect(room).toBe(true);
    // an ended subscription never keeps the replay waiting
    sub.replay(row(6));
    sub.replay(row(7));
    sub.replay(row(8));
    const ended = sub.whenBelow(0);
    await sub.return();
    await ended;
  });

  it('ends with the error as its last event when failed, dropping what was queued', async () => {
    const { sub, log } = subscription({ bufferLimit: 5 });
    sub.seed([], 0);
    sub.goLive();
    sub.offer(row(1));
    const err = new Error('revoked');
    sub.fail(err);
    const last = await sub.next();
    expect(last.value?.error).toBe(err);
    expect(await sub.next()).toEqual({ value: undefined, done: true });
    expect(log.ended).toBe(1);
  });

  it('completes after what is queued on graceful shutdown', async () => {
    const { sub } = subscription({ bufferLimit: 5 });
    sub.seed([], 0);
    sub.goLive();
    sub.offer(row(1));
    sub.complete();
    expect(await drain(sub, 5)).toEqual(['MODIFIED:1']);
  });
});

/** A transport that writes at once; `pending` is what the "network" has not taken yet. */
class FakeSink implements WatchSink {
  sent: WatchEvent[] = [];
  pending = 0;
  onDrain?: () => void;
  gate?: Promise<void>;
  send(event: WatchEvent): void {
    this.sent.push(event);
    this.pending++;
  }
  settled(): Promise<void> {
    return this.gate ?? Promise.resolve();
  }
  drain(): void {
    this.pending = 0;
    this.onDrain?.();
  }
  get summary(): string[] {
    return this.sent.map((e) => `${e.type}:${e.resourceVersion}`);
  }
}

describe('WatchSubscription with a sink (graphql-ws writes events itself)', () => {
  it('hands initial, replayed, held and live events to the sink in order, each version once, and the iterator only ends', async () => {
    const sink = new FakeSink();
    const { sub } = subscription({ bufferLimit: 10, sink });
    const ended = sub.next();
    sub.seed([{ type: 'ADDED', object: {}, resourceVersion: '1' }], 1, { markEnd: true });
    sub.offer(row(3)); // held while starting
    sub.replay(row(2));
    sub.replay(row(3));
    sub.goLive();
    sub.offer(row(3));
    sub.offer(row(4));
    expect(sink.summary).toEqual(['ADDED:1', 'BOOKMARK:1', 'MODIFIED:2', 'MODIFIED:3', 'MODIFIED:4']);
    sub.complete();
    expect(await ended).toEqual({ value: undefined, done: true });
  });

  it('closes a consumer whose sink holds the buffer limit of live events', () => {
    const sink = new FakeSink();
    const { sub, log } = subscription({ bufferLimit: 3, sink });
    sub.seed([], 0);
    sub.goLive();
    for (let rv = 1; rv <= 3; rv++) sub.offer(row(rv));
    sink.drain();
    for (let rv = 4; rv <= 10; rv++) sub.offer(row(rv));
    expect(sink.summary).toEqual(['MODIFIED:1', 'MODIFIED:2', 'MODIFIED:3', 'MODIFIED:4', 'MODIFIED:5', 'MODIFIED:6']);
    expect(log.slow).toEqual([3]);
    expect(sub.isEnded).toBe(true);
  });

  it('lets the replay go on once the sink drained', async () => {
    const sink = new FakeSink();
    const { sub } = subscription({ bufferLimit: 10, sink });
    sub.seed([], 0);
    for (let rv = 1; rv <= 5; rv++) sub.replay(row(rv));
    let room = false;
    const waiting = sub.whenBelow(2).then(() => (room = true));
    await Promise.resolve();
    expect(room).toBe(false);
    sink.drain();
    await waiting;
    expect(room).toBe(true);
    await sub.return();
  });

  it('sends the error of a failed subscription through the iterator only after the sink has written everything', async () => {
    const sink = new FakeSink();
    let open!: () => void;
    sink.gate = new Promise((resolve) => (open = resolve));
    const { sub } = subscription({ bufferLimit: 10, sink });
    sub.seed([], 0);
    sub.goLive();
    sub.offer(row(1));
    const err = new Error('revoked');
    sub.fail(err);
    let last: IteratorResult<WatchEvent> | undefined;
    const next = sub.next().then((r) => (last = r));
    await Promise.resolve();
    await Promise.resolve();
    expect(last).toBeUndefined();
    open();
    await next;
    expect(last?.value?.error).toBe(err);
    expect(sink.summary).toEqual(['MODIFIED:1']);
    expect(await sub.next()).toEqual({ value: undefined, done: true });
  });

  it('bookmarks from the shared ticker at the feed position once live, not while starting', () => {
    const sink = new FakeSink();
    let feed = 7;
    const { sub } = subscription({ bufferLimit: 10, sink, feedPosition: () => feed });
    const shared = new Map<number, WatchEvent>();
    const tick = () => sub.bookmarkTick((rv) => shared.get(rv) ?? shared.set(rv, bookmarkEvent(rv)).get(rv)!);
    sub.seed([], 5);
    tick();
    expect(sink.sent).toEqual([]);
    sub.goLive();
    tick();
    feed = 9; // rows 8 and 9 were filtered out for the whole group
    tick();
    expect(sink.summary).toEqual(['BOOKMARK:7', 'BOOKMARK:9']);
    expect(sink.sent[0]).toBe(shared.get(7));
  });

  it('a group classifies a row once and hands every visible member the same event object', () => {
    const filter = { resource: 'imagestreams', namespace: 'ns', labels: [] };
    const group = new WatchGroup('k', filter);
    const sinks = [new FakeSink(), new FakeSink(), new FakeSink()];
    const subs = sinks.map((sink, i) => {
      const { sub } = subscription({ bufferLimit: 10, sink, visible: () => i !== 2 });
      sub.seed([], 0);
      sub.goLive();
      group.members.add(sub);
      return sub;
    });
    group.offer(row(1));
    group.offer(row(2, 's', undefined, 'elsewhere'));
    expect(sinks.map((s) => s.summary)).toEqual([['MODIFIED:1'], ['MODIFIED:1'], []]);
    expect(sinks[0].sent[0]).toBe(sinks[1].sent[0]);
    subs.forEach((s) => void s.return());
  });
});

describe('ChangeFeed', () => {
  it('hands a large group each row in slices, letting other work run between them, every member in order', async () => {
    const log: ChangeRow[] = [row(1), row(2), row(3)];
    const store = { latest: async () => 0, readAfter: async (after: number, limit: number) => log.filter((r) => r.resourceVersion > after).slice(0, limit) } as unknown as WatchStore;
    const feed = new ChangeFeed(store, { warn: () => undefined } as unknown as Logger, { pollIntervalMs: 60_000 });
    await feed.start(async () => async () => undefined);
    const group = new WatchGroup('k', { resource: 'imagestreams', labels: [] });
    feed.register(group);
    const sinks = Array.from({ length: DISPATCH_SLICE * 2 + 1 }, () => new FakeSink());
    for (const sink of sinks) {
      const { sub } = subscription({ bufferLimit: 10, sink, visible: () => true, feedPosition: () => feed.position });
      sub.seed([], 0);
      sub.goLive();
      group.members.add(sub);
    }
    let otherWork = 0;
    const positionsSeen: number[] = [];
    // Other work of the process, while the dispatch is unfinished; a subscriber registering meanwhile is fed after the version it is told.
    const late: number[] = [];
    let lateFrom: number | undefined;
    const tick = setInterval(() => {
      if (sinks.every((s) => s.sent.length === 3)) return;
      otherWork++;
      positionsSeen.push(feed.position);
      lateFrom ??= feed.register({ offer: (r) => void late.push(r.resourceVersion) });
    }, 0);
    feed.poke();
    await new Promise<void>((resolve) => {
      const check = () => (sinks.every((s) => s.sent.length === 3) ? resolve() : setImmediate(check));
      check();
    });
    clearInterval(tick);
    expect(new Set(sinks.map((s) => s.summary.join()))).toEqual(new Set(['MODIFIED:1,MODIFIED:2,MODIFIED:3']));
    expect(otherWork).toBeGreaterThan(0);
    // Mid-row, the dispatched position stays below the row being handed out.
    expect(positionsSeen.every((p) => p < 3)).toBe(true);
    expect(feed.position).toBe(3);
    expect(lateFrom).toBeDefined();
    expect(late).toEqual([1, 2, 3].filter((rv) => rv > lateFrom!));
    await feed.stop();
  });
});

describe('watch rules', () => {
  it('matches namespace, name and labels on the object after the change', () => {
    const f = { resource: 'imagestreams', namespace: 'ns', labels: [{ key: 'app', operator: 'in' as const, values: ['web'] }] };
    expect(matchesWatch(f, row(1, 'a', { app: 'web' }))).toBe(true);
    expect(matchesWatch(f, row(1, 'a', { app: 'db' }))).toBe(false);
    expect(matchesWatch(f, row(1, 'a', { app: 'web' }, 'other'))).toBe(false);
    expect(matchesWatch({ ...f, name: 'b' }, row(1, 'a', { app: 'web' }))).toBe(false);
    expect(matchesWatch({ ...f, resource: 'images' }, row(1, 'a', { app: 'web' }))).toBe(false);
  });

  it('turns a MODIFIED that crosses the label selector into ADDED or DELETED', () => {
    const f = { resource: 'imagestreams', labels: [{ key: 'app', operator: 'in' as const, values: ['web'] }] };
    const modified = (before: Record<string, string> | undefined, after: Record<string, string>): ChangeRow => ({ ...row(5, 'a', after), ...(before ? { previousLabels: before } : {}) });
    expect(classifyForWatch(f, modified({ app: 'web' }, { app: 'web', v: '2' }))).toBe('MODIFIED');
    expect(classifyForWatch(f, modified({}, { app: 'web' }))).toBe('ADDED');
    expect(classifyForWatch(f, modified({ app: 'web' }, { app: 'db' }))).toBe('DELETED');
    expect(classifyForWatch(f, modified({ app: 'db' }, { app: 'x' }))).toBeNull();
    // not recorded: judged on the object after the change alone
    expect(classifyForWatch(f, modified(undefined, { app: 'web' }))).toBe('MODIFIED');
    // without a label selector nothing is transformed
    expect(classifyForWatch({ resource: 'imagestreams', labels: [] }, modified({ app: 'web' }, { app: 'db' }))).toBe('MODIFIED');
  });

  it('filters by field requirements on metadata.name and metadata.namespace', () => {
    const byName = { resource: 'imagestreams', labels: [], fields: [{ field: 'metadata.name' as const, equals: true, value: 'a' }] };
    expect(classifyForWatch(byName, row(5, 'a'))).toBe('MODIFIED');
    expect(classifyForWatch(byName, row(5, 'b'))).toBeNull();
    const notInNs = { resource: 'imagestreams', labels: [], fields: [{ field: 'metadata.namespace' as const, equals: false, value: 'ns' }] };
    expect(classifyForWatch(notInNs, row(5, 'a'))).toBeNull();
    expect(classifyForWatch(notInNs, row(5, 'a', undefined, 'other'))).toBe('MODIFIED');
  });

  it('reads a resume version: none and "0" mean the current state, garbage is a bad request', () => {
    expect(parseResumeVersion(undefined)).toBeUndefined();
    expect(parseResumeVersion('0')).toBeUndefined();
    expect(parseResumeVersion('42')).toBe(42);
    expect(() => parseResumeVersion('4x')).toThrow(BadRequestError);
    expect(() => parseResumeVersion('-1')).toThrow(BadRequestError);
  });

  it('parses retention durations', () => {
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1d')).toBeUndefined();
    expect(parseDuration('ten')).toBeUndefined();
  });

  it('configures retention with a one-hour default and refuses a malformed one', () => {
    expect(loadConfig({}).IMAGESTREAMS_WATCH_RETENTION).toBe(3_600_000);
    expect(loadConfig({ IMAGESTREAMS_WATCH_RETENTION: '15m' }).IMAGESTREAMS_WATCH_RETENTION).toBe(900_000);
    expect(() => loadConfig({ IMAGESTREAMS_WATCH_RETENTION: '15' })).toThrow(ConfigError);
    expect(() => loadConfig({ IMAGESTREAMS_WATCH_RETENTION: '10ms' })).toThrow(ConfigError);
  });
});

import { bookmarkEvent, toWatchEvent, type ChangeRow, type WatchEvent } from './watch.rules.js';

export interface WatchSubscriptionOptions {
  /** Filter and authorization, decided per event: the event type this subscriber sees, or null to skip. */
  accepts(row: ChangeRow): ChangeRow['type'] | null;
  /** Live events allowed to wait for the client before it is cut off. */
  bufferLimit: number;
  bookmarkIntervalMs: number;
  /** The client fell more than `bufferLimit` events behind: its transport closes the connection. */
  onSlowConsumer(pending: number): void;
  /** Called once when the subscription ends for any reason (unregister from the feed). */
  onEnd(): void;
}

interface Queued {
  event: WatchEvent;
  live: boolean;
}

/**
 * One subscriber: an async iterator fed by the process's change feed.
 *
 * Start-up has two phases. While the service sends the initial state (a
 * synthetic ADDED per object, or a replay from the log), rows arriving live
 * are held; then `goLive` releases them. Every row, initial or live, passes
 * through one cursor (`position`): a row at or below it was already handled,
 * which is what removes the overlap between the replay and the live rows.
 *
 * Memory is bounded: past `bufferLimit` undelivered live events the
 * subscription ends and the transport closes the connection with a clear
 * code, rather than buffering for a client that does not read.
 */
export class WatchSubscription implements AsyncIterableIterator<WatchEvent> {
  private readonly queue: Queued[] = [];
  private head = 0;
  private liveQueued = 0;
  private held: ChangeRow[] | undefined = [];
  private position = 0;
  private waiter?: (result: IteratorResult<WatchEvent>) => void;
  private ended = false;
  private bookmarkDue = false;
  private bookmarkTimer?: NodeJS.Timeout;
  private roomWaiters: Array<{ below: number; resolve: () => void }> = [];

  constructor(private readonly opts: WatchSubscriptionOptions) {}

  get isEnded(): boolean {
    return this.ended;
  }

  /** Undelivered events: the measure of a slow consumer. */
  get pending(): number {
    return this.queue.length - this.head + (this.held?.length ?? 0);
  }

  /**
   * Where the initial state stands: rows at or below `position` are already
   * reflected. After a current-state start, a BOOKMARK at `position` ends the
   * ADDED events: the objects' own versions may be older than the snapshot,
   * and resuming from one of them would replay changes already seen.
   */
  seed(initial: WatchEvent[], position: number, opts: { markEnd?: boolean } = {}): void {
    for (const event of initial) this.queue.push({ event, live: false });
    if (opts.markEnd) this.queue.push({ event: bookmarkEvent(position, { initialEventsEnd: true }), live: false });
    this.position = position;
    this.wake();
  }

  /** A row read back from the log during start-up. */
  replay(row: ChangeRow): void {
    if (!this.ended) this.take(row, false);
  }

  /** Start-up is over: release the rows held meanwhile and deliver live from now on. */
  goLive(): void {
    if (this.ended) return;
    const held = this.held ?? [];
    this.held = undefined;
    for (const row of held) this.take(row, true);
    if (this.opts.bookmarkIntervalMs > 0) {
      this.bookmarkTimer = setInterval(() => {
        this.bookmarkDue = true;
        this.wake();
      }, this.opts.bookmarkIntervalMs);
      this.bookmarkTimer.unref();
    }
  }

  /** From the feed, in resourceVersion order. Synchronous: never blocks the feed. */
  offer(row: ChangeRow): void {
    if (this.ended) return;
    if (this.held) {
      this.held.push(row);
      if (this.held.length > this.opts.bufferLimit) this.overflow();
      return;
    }
    this.take(row, true);
  }

  /**
   * Resolves once at most `below` events wait for the client (or the
   * subscription ended). The replay reads its next page only then, so a
   * long replay to a slow client costs a page of memory, not the whole log.
   */
  whenBelow(below: number): Promise<void> {
    if (this.ended || this.queue.length - this.head <= below) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push({ below, resolve }));
  }

  /** Ends the subscription after the events already queued (graceful shutdown). */
  complete(): void {
    this.finish();
    this.wake();
  }

  /**
   * Ends the subscription with an error the client receives as the last
   * event (as a GraphQL error, like EXPIRED), whatever was still queued.
   */
  fail(err: unknown): void {
    if (this.ended) return;
    this.queue.length = 0;
    this.head = 0;
    this.liveQueued = 0;
    this.queue.push({ event: { type: 'BOOKMARK', object: null, resourceVersion: '', error: err }, live: false });
    this.finish();
    this.wake();
  }

  next(): Promise<IteratorResult<WatchEvent>> {
    const event = this.shift();
    if (event) return Promise.resolve({ value: event, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  return(): Promise<IteratorResult<WatchEvent>> {
    this.finish();
    this.queue.length = 0;
    this.head = 0;
    this.wake();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private take(row: ChangeRow, live: boolean): void {
    if (row.resourceVersion <= this.position) return;
    this.position = row.resourceVersion;
    const type = this.opts.accepts(row);
    if (!type) return;
    if (live && this.liveQueued >= this.opts.bufferLimit) return this.overflow();
    this.queue.push({ event: toWatchEvent(row, type), live });
    if (live) this.liveQueued++;
    this.wake();
  }

  private shift(): WatchEvent | undefined {
    if (this.head < this.queue.length) {
      const item = this.queue[this.head++];
      if (item.live) this.liveQueued--;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      if (this.roomWaiters.length) this.releaseRoom();
      return item.event;
    }
    // Bookmarks only when caught up: then `position` is exactly what the client has seen.
    if (this.bookmarkDue && !this.held && !this.ended) {
      this.bookmarkDue = false;
      return bookmarkEvent(this.position);
    }
    return undefined;
  }

  private wake(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    const event = this.shift();
    if (event) {
      this.waiter = undefined;
      waiter({ value: event, done: false });
    } else if (this.ended) {
      this.waiter = undefined;
      waiter({ value: undefined, done: true });
    }
  }

  private overflow(): void {
    const pending = this.pending;
    this.finish();
    this.queue.length = 0;
    this.head = 0;
    this.held = undefined;
    this.opts.onSlowConsumer(pending);
    this.wake();
  }

  private releaseRoom(): void {
    const waiting = this.queue.length - this.head;
    const ready = this.roomWaiters.filter((w) => this.ended || waiting <= w.below);
    this.roomWaiters = this.roomWaiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    queueMicrotask(() => this.releaseRoom());
    if (this.bookmarkTimer) clearInterval(this.bookmarkTimer);
    this.opts.onEnd();
  }
}

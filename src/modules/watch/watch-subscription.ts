import { bookmarkEvent, sharedEvent, type ChangeRow, type WatchEvent } from './watch.rules.js';

export interface WatchSubscriptionOptions {
  /** Filter and authorization, decided per event: the event type this subscriber sees, or null to skip. */
  accepts(row: ChangeRow): ChangeRow['type'] | null;
  /**
   * Authorization alone, for live rows its group already classified
   * (`offer(row, event)`); without it `accepts` decides those too.
   */
  visible?(row: ChangeRow): boolean;
  /**
   * The newest version the feed offered this subscriber's group: rows up to
   * it that never reached `offer` were filtered out for the whole group, so
   * a caught-up subscriber stands there (bookmarks report it).
   */
  feedPosition?(): number;
  /** Live events allowed to wait for the client before it is cut off. */
  bufferLimit: number;
  /** A timer of its own (0: none; the service's shared ticker calls `bookmarkTick` instead). */
  bookmarkIntervalMs: number;
  /**
   * Where events go when the transport writes them itself (graphql-ws):
   * each event is handed over at once, in order, and nothing waits in this
   * subscription; the iterator then only carries a final error. Without a
   * sink the transport pulls events through the iterator.
   */
  sink?: WatchSink;
  /** The client fell more than `bufferLimit` events behind: its transport closes the connection. */
  onSlowConsumer(pending: number): void;
  /** Called once when the subscription ends for any reason (unregister from the feed). */
  onEnd(): void;
}

/**
 * A transport's writer for one subscription. Events several subscribers
 * receive from one change are the same object (`sharedEvent`), so a sink may
 * render such an event once for all subscribers that would get the same bytes.
 */
export interface WatchSink {
  /** Writes `event` after every event written before it. */
  send(event: WatchEvent): void;
  /** Events written but not yet taken by the network: the measure of a slow consumer. */
  readonly pending: number;
  /** Resolves once every event written so far has left (before the transport ends the operation). */
  settled(): Promise<void>;
  /** Set by the subscription: called when `pending` drops. */
  onDrain?: () => void;
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
  private queue: Queued[] = [];
  private head = 0;
  private liveQueued = 0;
  private held: ChangeRow[] | undefined = [];
  private position = 0;
  private waiter?: (result: IteratorResult<WatchEvent>) => void;
  private ended = false;
  private bookmarkDue = false;
  private bookmarkTimer?: NodeJS.Timeout;
  private roomWaiters?: Array<{ below: number; resolve: () => void }>;
  private readonly sink?: WatchSink;

  constructor(private readonly opts: WatchSubscriptionOptions) {
    this.sink = opts.sink;
    if (this.sink) this.sink.onDrain = () => this.drained();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Undelivered events: the measure of a slow consumer. */
  get pending(): number {
    return this.waiting + (this.held?.length ?? 0);
  }

  /** Events handed over but not yet taken by the client. */
  private get waiting(): number {
    return this.sink ? this.sink.pending : this.queue.length - this.head;
  }

  /**
   * Where the initial state stands: rows at or below `position` are already
   * reflected. After a current-state start, a BOOKMARK at `position` ends the
   * ADDED events: the objects' own versions may be older than the snapshot,
   * and resuming from one of them would replay changes already seen.
   */
  seed(initial: WatchEvent[], position: number, opts: { markEnd?: boolean } = {}): void {
    for (const event of initial) this.push(event, false);
    if (opts.markEnd) this.push(bookmarkEvent(position, { initialEventsEnd: true }), false);
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

  /**
   * From the feed, in resourceVersion order. Synchronous: never blocks the
   * feed. `event`: what the subscriber's group made of the row (filters
   * applied once for the group); only authorization is left to decide here.
   */
  offer(row: ChangeRow, event?: WatchEvent): void {
    if (this.ended) return;
    if (this.held) {
      this.held.push(row);
      if (this.held.length > this.opts.bufferLimit) this.overflow();
      return;
    }
    if (!event || !this.opts.visible) return this.take(row, true);
    if (row.resourceVersion <= this.position) return;
    this.position = row.resourceVersion;
    if (this.opts.visible(row)) this.push(event, true);
  }

  /**
   * The service's shared bookmark ticker: a BOOKMARK at the version this
   * subscriber stands at, as soon as it is caught up. `shared` hands out one
   * event object per version, so a sink renders it once.
   */
  bookmarkTick(shared: (rv: number) => WatchEvent): void {
    if (this.ended || this.held) return;
    if (!this.sink) {
      this.bookmarkDue = true;
      this.wake();
      return;
    }
    // A sink writes in order: a bookmark may follow whatever is still in flight.
    if (this.sink.pending >= this.opts.bufferLimit) return;
    this.position = this.standing();
    this.sink.send(shared(this.position));
  }

  private standing(): number {
    return Math.max(this.position, this.opts.feedPosition?.() ?? 0);
  }

  /**
   * Resolves once at most `below` events wait for the client (or the
   * subscription ended). The replay reads its next page only then, so a
   * long replay to a slow client costs a page of memory, not the whole log.
   */
  whenBelow(below: number): Promise<void> {
    if (this.ended || this.waiting <= below) return Promise.resolve();
    return new Promise((resolve) => (this.roomWaiters ??= []).push({ below, resolve }));
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
    this.queue = [];
    this.head = 0;
    this.liveQueued = 0;
    // With a sink too the error travels through the iterator (the transport shapes it), after what the sink wrote.
    this.queue.push({ event: { type: 'BOOKMARK', object: null, resourceVersion: '', error: err }, live: false });
    this.finish();
    this.wake();
  }

  next(): Promise<IteratorResult<WatchEvent>> {
    const event = this.shift();
    // Whatever the sink wrote leaves before anything the transport sends through the iterator (error, complete).
    if (event) return this.sink ? this.sink.settled().then(() => ({ value: event, done: false })) : Promise.resolve({ value: event, done: false });
    if (this.ended) return this.sink ? this.sink.settled().then(() => ({ value: undefined, done: true })) : Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  return(): Promise<IteratorResult<WatchEvent>> {
    this.finish();
    this.queue = [];
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
    this.push(sharedEvent(row, type), live);
  }

  private push(event: WatchEvent, live: boolean): void {
    if (this.sink) {
      if (live && this.sink.pending >= this.opts.bufferLimit) return this.overflow();
      this.sink.send(event);
      return;
    }
    if (live && this.liveQueued >= this.opts.bufferLimit) return this.overflow();
    this.queue.push({ event, live });
    if (live) this.liveQueued++;
    this.wake();
  }

  /** The sink wrote something out: the replay may go on, a pending bookmark may leave. */
  private drained(): void {
    if (this.roomWaiters?.length) this.releaseRoom();
  }

  private shift(): WatchEvent | undefined {
    if (this.head < this.queue.length) {
      const item = this.queue[this.head++];
      if (item.live) this.liveQueued--;
      if (this.head === this.queue.length) {
        // Drained: let go of the array (an idle subscription keeps an empty one).
        this.queue = [];
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      if (this.roomWaiters?.length) this.releaseRoom();
      return item.event;
    }
    // Bookmarks only when caught up: then `position` is exactly what the client has seen.
    if (this.bookmarkDue && !this.held && !this.ended) {
      this.bookmarkDue = false;
      this.position = this.standing();
      return bookmarkEvent(this.position);
    }
    return undefined;
  }

  private wake(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    const event = this.shift();
    let result: IteratorResult<WatchEvent>;
    if (event) result = { value: event, done: false };
    else if (this.ended) result = { value: undefined, done: true };
    else return;
    this.waiter = undefined;
    if (this.sink) void this.sink.settled().then(() => waiter(result));
    else waiter(result);
  }

  private overflow(): void {
    const pending = this.pending;
    this.finish();
    this.queue = [];
    this.head = 0;
    this.held = undefined;
    this.opts.onSlowConsumer(pending);
    this.wake();
  }

  private releaseRoom(): void {
    if (!this.roomWaiters) return;
    const waiting = this.waiting;
    const ready = this.roomWaiters.filter((w) => this.ended || waiting <= w.below);
    this.roomWaiters = this.roomWaiters.filter((w) => !ready.includes(w));
    if (!this.roomWaiters.length) this.roomWaiters = undefined;
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

import type { Logger } from '../../platform/logger.js';
import type { ChangeRow } from './watch.rules.js';
import type { WatchStore } from './watch.store.js';

/** Something the feed hands rows to, in order. */
export interface FeedSubscriber {
  /**
   * Takes `row`. A large hand-over may instead answer the work left as an
   * iterator (one step per delivery): the feed runs it in slices, letting
   * other work of the process (a writer's response) run in between.
   */
  offer(row: ChangeRow): void | Iterator<unknown>;
}

/** Deliveries per turn of the event loop: a dispatch to many subscribers yields to other work after this many. */
export const DISPATCH_SLICE = 1000;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface ChangeFeedOptions {
  pollIntervalMs: number;
  batchSize?: number;
}

/**
 * The one reader of the change log in this process. A signal (LISTEN, the
 * in-process ChangeSignal, or the poll timer as a safety net) makes it read
 * every row after its cursor, once, and hand each row to every subscriber.
 * Reads never overlap: signals during a read cause exactly one more read.
 *
 * It may simply read "after the cursor" because versions commit in order
 * (takeResourceVersion): no row can appear later below the cursor.
 */
export class ChangeFeed {
  /** The newest row whose dispatch began: subscribers registering now get later rows live. */
  private cursor = 0;
  /** The newest row handed to every subscriber. */
  private dispatched = 0;
  private readonly subscribers = new Set<FeedSubscriber>();
  /** Registered while a row is being handed out in slices: they join after it (they are fed after `cursor`). */
  private readonly joining = new Set<FeedSubscriber>();
  private midRow = false;
  private reading?: Promise<void>;
  private again = false;
  private poll?: NodeJS.Timeout;
  private stopListening?: () => Promise<void>;
  private readonly batchSize: number;

  constructor(
    private readonly store: WatchStore,
    private readonly log: Logger,
    private readonly opts: ChangeFeedOptions,
  ) {
    this.batchSize = opts.batchSize ?? 500;
  }

  /** The newest version handed to every subscriber (a dispatch in slices may be under way above it). */
  get position(): number {
    return this.dispatched;
  }

  get subscriberCount(): number {
    return this.subscribers.size + this.joining.size;
  }

  async start(listen: (onSignal: () => void) => Promise<() => Promise<void>>): Promise<void> {
    this.cursor = this.dispatched = await this.store.latest();
    this.stopListening = await listen(() => this.poke());
    this.poll = setInterval(() => this.poke(), this.opts.pollIntervalMs);
    this.poll.unref();
  }

  /**
   * Adds a subscriber and answers the version it will be fed after: rows up
   * to it were (or are being) dispatched before, every later row will reach it.
   */
  register(sub: FeedSubscriber): number {
    if (this.midRow) this.joining.add(sub);
    else this.subscribers.add(sub);
    return this.cursor;
  }

  /**
   * The version a subscriber that joins now (e.g. to an existing group) is
   * fed after: rows up to it must come from the log (the row being
   * dispatched may or may not reach it live: its cursor drops a duplicate).
   */
  get joinPoint(): number {
    return this.cursor;
  }

  unregister(sub: FeedSubscriber): void {
    this.subscribers.delete(sub);
    this.joining.delete(sub);
  }

  /** New rows may exist. */
  poke(): void {
    this.again = true;
    if (!this.reading) this.reading = this.drain();
  }

  async stop(): Promise<void> {
    if (this.poll) clearInterval(this.poll);
    await this.stopListening?.();
    await this.reading;
  }

  private async drain(): Promise<void> {
    try {
      while (this.again) {
        this.again = false;
        for (;;) {
          const rows = await this.store.readAfter(this.cursor, this.batchSize);
          // Rows are dispatched one after the other, each to every subscriber; one registering
          // during a row's slices joins after it. (A subscription joining an existing group
          // mid-row may get that row too: its own cursor drops what its replay already had.)
          let budget = DISPATCH_SLICE;
          for (const row of rows) {
            this.cursor = row.resourceVersion;
            this.midRow = true;
            for (const sub of this.subscribers) {
              const rest = sub.offer(row);
              if (rest) {
                for (;;) {
                  let step = rest.next();
                  while (!step.done && --budget > 0) step = rest.next();
                  if (step.done) break;
                  await nextTurn();
                  budget = DISPATCH_SLICE;
                }
              } else if (--budget <= 0) {
                await nextTurn();
                budget = DISPATCH_SLICE;
              }
            }
            this.endRow();
            this.dispatched = row.resourceVersion;
          }
          if (rows.length < this.batchSize) break;
        }
      }
    } catch (err) {
      // The next signal or poll retries from the same cursor: nothing is skipped.
      this.log.warn({ err }, 'reading the change log failed');
    } finally {
      this.endRow();
      this.reading = undefined;
    }
  }

  private endRow(): void {
    this.midRow = false;
    for (const sub of this.joining) this.subscribers.add(sub);
    this.joining.clear();
  }
}

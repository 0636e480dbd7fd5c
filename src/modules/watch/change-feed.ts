import type { Logger } from '../../platform/logger.js';
import type { ChangeRow } from './watch.rules.js';
import type { WatchStore } from './watch.store.js';

/** Something the feed hands rows to, synchronously and in order. */
export interface FeedSubscriber {
  offer(row: ChangeRow): void;
}

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
  private cursor = 0;
  private readonly subscribers = new Set<FeedSubscriber>();
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

  /** The newest version handed to subscribers. */
  get position(): number {
    return this.cursor;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  async start(listen: (onSignal: () => void) => Promise<() => Promise<void>>): Promise<void> {
    this.cursor = await this.store.latest();
    this.stopListening = await listen(() => this.poke());
    this.poll = setInterval(() => this.poke(), this.opts.pollIntervalMs);
    this.poll.unref();
  }

  /**
   * Adds a subscriber and answers the version it will be fed after: rows up
   * to it were dispatched before, every later row will reach it.
   */
  register(sub: FeedSubscriber): number {
    this.subscribers.add(sub);
    return this.cursor;
  }

  unregister(sub: FeedSubscriber): void {
    this.subscribers.delete(sub);
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
          // One batch is dispatched without an await: `register` never lands inside one.
          for (const row of rows) {
            this.cursor = row.resourceVersion;
            for (const sub of this.subscribers) sub.offer(row);
          }
          if (rows.length < this.batchSize) break;
        }
      }
    } catch (err) {
      // The next signal or poll retries from the same cursor: nothing is skipped.
      this.log.warn({ err }, 'reading the change log failed');
    } finally {
      this.reading = undefined;
    }
  }
}

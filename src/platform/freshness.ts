import { sql } from 'drizzle-orm';
import type { Database } from './database/connect.js';
import { authEpoch } from './database/schema.js';
import type { Watermark } from './database/watermark.js';

export type { Watermark };

/** Bumps the auth epoch inside the caller's transaction: visible to other replicas exactly when the change commits. */
export async function bumpAuthEpoch(q: Pick<Database, 'insert'>): Promise<void> {
  await q
    .insert(authEpoch)
    .values({ id: 1, epoch: 1 })
    .onConflictDoUpdate({ target: authEpoch.id, set: { epoch: sql`${authEpoch.epoch} + 1` } });
}

/**
 * Hands out watermarks read AFTER the caller asked, sharing one query among
 * everyone who asks while it runs. Why "after": a request may answer from a
 * cache only if nothing committed before the request arrived is missing
 * from it (what the Kubernetes API server does for consistent reads from its
 * watch cache). A read already in flight when a caller arrives may predate
 * a commit the caller saw, so that caller waits for the next read, which is
 * shared by every caller that arrives meanwhile: under load one query serves
 * many requests.
 */
export class Freshness {
  private running?: Promise<Watermark>;
  private queued?: Promise<Watermark>;

  constructor(private readonly read: () => Promise<Watermark>) {}

  current(): Promise<Watermark> {
    if (!this.running) return this.start();
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.start();
      });
    return this.queued;
  }

  private start(): Promise<Watermark> {
    const read = this.read().finally(() => {
      if (this.running === read) this.running = undefined;
    });
    this.running = read;
    return read;
  }
}

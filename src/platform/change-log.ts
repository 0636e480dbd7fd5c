import { sql } from 'drizzle-orm';
import { changeLog } from './database/schema.js';
import { queryRows, type Database } from './database/connect.js';

export type ChangeEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ChangeRecord {
  type: ChangeEventType;
  resource: string;
  namespace: string;
  name: string;
  resourceVersion: number;
  /** The object as it is after the change (for DELETED: its last state). */
  object: unknown;
  /** MODIFIED only: the labels before the change ({} for none); undefined when the writer did not say. */
  previousLabels?: Record<string, string>;
}

/**
 * Serialises every writing transaction from the moment it takes its
 * resourceVersion until it commits (transaction-level advisory lock,
 * released by COMMIT/ROLLBACK). Why: a sequence value is handed out before
 * commit, so without this two writers could commit in the opposite order of
 * their resourceVersions and a reader tailing the log by resourceVersion
 * would skip the late one. With it, commit order == resourceVersion order:
 * once a reader sees version N, every version below N has committed or
 * rolled back, and "read everything after my cursor" can never miss a row.
 * The price is that writes to the whole database commit one at a time
 * (measured in BENCHMARKS.md); reads are unaffected.
 *
 * Postgres releases the lock after the commit is visible to new snapshots,
 * so the next writer's row can never become visible before this one.
 */
export const WRITE_ORDER_LOCK_KEY = 715_202_612;

/*
 * A writing transaction that locks rows before its version (SELECT ... FOR
 * UPDATE) must take the write-order lock first, in the same statement (see
 * ImageStreamStore.getForUpdate): every writer then takes its locks in the
 * same order (this one first), which rules out a deadlock between a row
 * lock and this lock. The lock is re-entrant within a transaction.
 */

/**
 * The ONLY way a writing transaction may obtain a resourceVersion: the lock
 * first, then the sequence, in one round trip (the materialised CTE forces
 * the order).
 */
export async function takeResourceVersion(q: Pick<Database, 'execute'>): Promise<number> {
  const [row] = await queryRows<{ rv: string | number }>(
    q,
    sql`with ordered as materialized (select pg_advisory_xact_lock(${WRITE_ORDER_LOCK_KEY}::bigint))
        select nextval('resource_version_seq') as rv from ordered`,
  );
  return Number(row.rv);
}

/**
 * The newest committed resourceVersion. Because versions commit in order,
 * every change at or below it is visible to the same snapshot, so a list read
 * after it can be resumed from it without missing a change. (The sequence's
 * last value would not do: it may belong to a transaction still in flight.)
 */
export async function latestCommittedVersion(q: Pick<Database, 'execute'>): Promise<number> {
  const [row] = await queryRows<{ rv: string | number | null }>(q, sql`select max(resource_version) as rv from change_log`);
  return Number(row?.rv ?? 0);
}

/**
 * Written in the same transaction as the change it describes: a change is
 * in the log if and only if it committed. Watch reads nothing else.
 */
export async function recordChange(q: Pick<Database, 'insert'>, change: ChangeRecord): Promise<void> {
  await q.insert(changeLog).values({
    resourceVersion: change.resourceVersion,
    eventType: change.type,
    resource: change.resource,
    namespace: change.namespace,
    name: change.name,
    object: change.object,
    previousLabels: change.previousLabels ?? null,
  });
}

/**
 * Tells this process's change feed (and, through a publisher, the other
 * replicas) that new log rows exist. Kept out of the writing transaction on
 * purpose: a NOTIFY inside it would take Postgres's global notify lock at
 * every commit. Publishing is coalesced: at most one NOTIFY is in flight,
 * and any number of commits during it cause exactly one more.
 */
export class ChangeSignal {
  private readonly local = new Set<() => void>();
  private publishing = false;
  private publishAgain = false;
  private fallback?: NodeJS.Timeout;

  constructor(
    private readonly publish: () => Promise<void> = async () => undefined,
    /** For a change recorded where its commit cannot be seen: signal after this delay. */
    private readonly fallbackMs = 20,
  ) {}

  onSignal(fn: () => void): () => void {
    this.local.add(fn);
    return () => this.local.delete(fn);
  }

  /** A transaction that recorded changes has committed. */
  committed(): void {
    for (const fn of this.local) fn();
    void this.publishCoalesced();
  }

  /**
   * A change was recorded in a transaction whose commit the caller cannot
   * observe: signal a little later (if it had not committed by then, the
   * next signal or the readers' poll picks it up).
   */
  recordedElsewhere(): void {
    if (this.fallback) return;
    this.fallback = setTimeout(() => {
      this.fallback = undefined;
      this.committed();
    }, this.fallbackMs);
    this.fallback.unref();
  }

  private async publishCoalesced(): Promise<void> {
    if (this.publishing) {
      this.publishAgain = true;
      return;
    }
    this.publishing = true;
    try {
      do {
        this.publishAgain = false;
        await this.publish().catch(() => undefined); // other replicas still poll: a lost signal only delays
      } while (this.publishAgain);
    } finally {
      this.publishing = false;
    }
  }
}

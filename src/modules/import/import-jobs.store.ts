import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../../platform/database/connect.js';
import type { Queryable } from '../image-stream/image-stream.store.js';

export type JobKind = 'spec' | 'scheduled';

export interface ClaimedJob {
  namespace: string;
  name: string;
  kind: JobKind;
  seq: number;
}

export interface LoggedStream {
  namespace: string;
  name: string;
  eventType: string;
  object: unknown;
}

/**
 * The background-import queue in Postgres. Every replica runs the same
 * loop; `FOR UPDATE SKIP LOCKED` plus a lease lets exactly one of them take
 * a due job, and a crashed holder's lease simply runs out.
 */
export class ImportJobStore {
  constructor(private readonly db: Database) {}

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(tx as unknown as Queryable));
  }

  /**
   * Locks the scanner position (skipped if another replica holds it) and
   * hands `visit` the newest logged state of every stream changed since
   * `overlapSeconds` before it; then moves the position on.
   */
  async scan(overlapSeconds: number, visit: (tx: Queryable, changes: LoggedStream[]) => Promise<void>): Promise<boolean> {
    return this.transaction(async (tx) => {
      await tx.execute(sql`insert into import_scanner (id, recorded_after) values (1, '-infinity') on conflict (id) do nothing`);
      const [cursor] = await queryRows<{ recorded_after: string | Date }>(tx, sql`select recorded_after from import_scanner where id = 1 for update skip locked`);
      if (!cursor) return false;
      // Commit order is not resourceVersion order: a window before the position is read again, and visiting twice is harmless.
      const changes = await queryRows<{ namespace: string; name: string; event_type: string; object: unknown; recorded_at: string | Date }>(
        tx,
        sql`select distinct on (namespace, name) namespace, name, event_type, object, recorded_at
            from change_log
            where resource = 'imagestreams' and recorded_at > (select recorded_after from import_scanner where id = 1) - make_interval(secs => ${overlapSeconds})
            order by namespace, name, resource_version desc`,
      );
      if (changes.length) {
        await visit(tx, changes.map((c) => ({ namespace: c.namespace, name: c.name, eventType: c.event_type, object: c.object })));
        await tx.execute(sql`update import_scanner set recorded_after = greatest(recorded_after, (select max(recorded_at) from change_log where resource = 'imagestreams')) where id = 1`);
      }
      return true;
    });
  }

  /** Asks for a spec-tag import now (a pending request is bumped, so its holder knows to look again). */
  async requestSpec(q: Queryable, namespace: string, name: string): Promise<void> {
    await q.execute(sql`insert into import_jobs (namespace, name, kind, due_at, seq) values (${namespace}, ${name}, 'spec', now(), 0)
      on conflict (namespace, name, kind) do update set seq = import_jobs.seq + 1, due_at = least(import_jobs.due_at, now())`);
  }

  /** Schedules a periodic re-import unless one is scheduled already. */
  async ensureScheduled(q: Queryable, namespace: string, name: string, intervalSeconds: number): Promise<void> {
    await q.execute(sql`insert into import_jobs (namespace, name, kind, due_at, seq) values (${namespace}, ${name}, 'scheduled', now() + make_interval(secs => ${intervalSeconds}), 0)
      on conflict (namespace, name, kind) do nothing`);
  }

  /** Takes up to `limit` due jobs no one holds, under a lease. */
  async claim(limit: number, leaseSeconds: number): Promise<ClaimedJob[]> {
    return this.transaction(async (tx) => {
      const rows = await queryRows<{ namespace: string; name: string; kind: JobKind; seq: string | number }>(
        tx,
        sql`update import_jobs j set lease_until = now() + make_interval(secs => ${leaseSeconds})
            from (select namespace, name, kind from import_jobs
                  where due_at <= now() and (lease_until is null or lease_until < now())
                  order by due_at limit ${limit} for update skip locked) c
            where j.namespace = c.namespace and j.name = c.name and j.kind = c.kind
            returning j.namespace, j.name, j.kind, j.seq`,
      );
      return rows.map((r) => ({ namespace: r.namespace, name: r.name, kind: r.kind, seq: Number(r.seq) }));
    });
  }

  /** Done: the job goes away unless it was requested again meanwhile (then it is released to run again). */
  async finish(job: ClaimedJob): Promise<void> {
    await this.transaction(async (tx) => {
      const gone = await queryRows<{ n: number }>(tx, sql`delete from import_jobs where namespace = ${job.namespace} and name = ${job.name} and kind = ${job.kind} and seq = ${job.seq} returning 1 as n`);
      if (!gone.length) await tx.execute(sql`update import_jobs set lease_until = null where namespace = ${job.namespace} and name = ${job.name} and kind = ${job.kind}`);
    });
  }

  /** Runs the job again after `seconds`, released. */
  async reschedule(job: ClaimedJob, seconds: number): Promise<void> {
    await this.transaction(async (tx) => {
      await tx.execute(sql`update import_jobs set due_at = now() + make_interval(secs => ${seconds}), lease_until = null
        where namespace = ${job.namespace} and name = ${job.name} and kind = ${job.kind}`);
    });
  }
}

import { sql } from 'drizzle-orm';
import { latestCommittedVersion } from '../../platform/change-log.js';
import { queryRows, type Database } from '../../platform/database/connect.js';
import type { ImageStreamStore, Queryable, StoredStream, StreamFilter } from '../image-stream/image-stream.store.js';
import type { ChangeRow, WatchedObject } from './watch.rules.js';

interface LogRow {
  resource_version: string | number;
  event_type: ChangeRow['type'];
  resource: string;
  namespace: string;
  name: string;
  object: WatchedObject;
  previous_labels: Record<string, string> | null;
}

const olderThan = (retentionMs: number) => sql`now() - (${retentionMs}::bigint * interval '1 millisecond')`;

/** Reads of the change log for watch. Rows come back in resourceVersion order, which is commit order (see takeResourceVersion). */
export class WatchStore {
  constructor(
    private readonly db: Database,
    private readonly streams: ImageStreamStore,
  ) {}

  latest(): Promise<number> {
    return latestCommittedVersion(this.db);
  }

  /**
   * How far the change log is ahead of `dispatched`: the newest committed
   * version and when the oldest change after `dispatched` was recorded
   * (null when nothing is pending). One indexed range read.
   */
  async pendingAfter(dispatched: number): Promise<{ latest: number; oldestPendingAt: Date | null }> {
    const [row] = await queryRows<{ latest: string | number | null; oldest: string | Date | null }>(
      this.db,
      sql`select (select max(resource_version) from change_log) as latest,
                 (select recorded_at from change_log where resource_version > ${dispatched} order by resource_version limit 1) as oldest`,
    );
    return { latest: Number(row?.latest ?? 0), oldestPendingAt: row?.oldest ? new Date(row.oldest) : null };
  }

  /** Rows after `after` (and at most `upTo`), oldest first. */
  async readAfter(after: number, limit: number, upTo?: number): Promise<ChangeRow[]> {
    const bound = upTo === undefined ? sql`` : sql` and resource_version <= ${upTo}`;
    const rows = await queryRows<LogRow>(
      this.db,
      sql`select resource_version, event_type, resource, namespace, name, object, previous_labels from change_log
          where resource_version > ${after}${bound} order by resource_version limit ${limit}`,
    );
    return rows.map((r) => ({ resourceVersion: Number(r.resource_version), type: r.event_type, resource: r.resource, namespace: r.namespace, name: r.name, object: r.object,
      ...(r.previous_labels ? { previousLabels: r.previous_labels } : {}),
    }));
  }

  /**
   * The newest version whose change is older than the retention window
   * (0 if none). A watch may resume from this version or later: compaction
   * keeps this row and everything after it, so the answer is the same
   * whether or not compaction has run yet.
   */
  async horizon(retentionMs: number): Promise<number> {
    const [row] = await queryRows<{ rv: string | number | null }>(
      this.db,
      sql`select max(resource_version) as rv from change_log where recorded_at < ${olderThan(retentionMs)}`,
    );
    return Number(row?.rv ?? 0);
  }

  /** Deletes what no watch may ask for any more (everything below the horizon); answers how many rows. */
  async compact(retentionMs: number): Promise<number> {
    const rows = await queryRows<{ n: number }>(
      this.db,
      sql`with gone as (
            delete from change_log where resource_version <
              (select max(resource_version) from change_log where recorded_at < ${olderThan(retentionMs)})
            returning 1)
          select count(*)::int as n from gone`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * The current objects and the version they are at, from one snapshot:
   * every change at or below the version is in the objects, none above.
   */
  snapshot(filter: StreamFilter): Promise<{ resourceVersion: number; items: StoredStream[] }> {
    return this.db.transaction(
      async (tx) => {
        const q = tx as unknown as Queryable;
        const resourceVersion = await latestCommittedVersion(q);
        const items = await this.streams.list(filter, {}, q);
        return { resourceVersion, items };
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
  }
}

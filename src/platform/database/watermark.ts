/** What a replica must have caught up with before it may answer from memory. */
export interface Watermark {
  /** The newest committed resourceVersion (the change log's newest row). */
  resourceVersion: number;
  /** The counter every token revocation and role-binding change bumps. */
  authEpoch: number;
}

export interface WatermarkRow {
  rv: string | number | null;
  auth: string | number | null;
}

/**
 * One round trip that says how current the database is. Cheap: a backward
 * index scan and a primary-key read. The newest change-log row rather than
 * the sequence: versions commit in order, so it is the newest COMMITTED one.
 */
export const WATERMARK_SQL = `select (select max(resource_version) from change_log) as rv,
       (select epoch from auth_epoch where id = 1) as auth`;

export function toWatermark(row: WatermarkRow | undefined): Watermark {
  return { resourceVersion: Number(row?.rv ?? 0), authEpoch: Number(row?.auth ?? 0) };
}

import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../../platform/database/connect.js';
import { pullSecrets } from '../../platform/database/schema.js';
import type { Queryable } from '../image-stream/image-stream.store.js';

export type PullSecretRow = typeof pullSecrets.$inferSelect;

/** Rows hold ciphertext only; sealing and opening is the service's job. */
export class PullSecretStore {
  constructor(private readonly db: Database) {}

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(tx as unknown as Queryable));
  }

  async insert(q: Queryable, row: PullSecretRow): Promise<void> {
    await q.insert(pullSecrets).values(row);
  }

  async list(namespace: string, q: Queryable = this.db): Promise<PullSecretRow[]> {
    return q.select().from(pullSecrets).where(eq(pullSecrets.namespace, namespace)).orderBy(asc(pullSecrets.name));
  }

  async delete(q: Queryable, namespace: string, name: string): Promise<boolean> {
    const rows = await q.delete(pullSecrets).where(and(eq(pullSecrets.namespace, namespace), eq(pullSecrets.name, name))).returning({ uid: pullSecrets.uid });
    return rows.length > 0;
  }
}

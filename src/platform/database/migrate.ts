import type { Pool } from 'pg';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migrateLite } from 'drizzle-orm/pglite/migrator';

/** Arbitrary but fixed: every replica must contend for the same lock. */
export const MIGRATION_LOCK_KEY = 715_202_611;

/**
 * Replicas starting together on an empty database would race to create the
 * same tables. A session advisory lock on one dedicated connection
 * serialises them: the second waits, then finds the migrations applied.
 */
export async function migratePostgresWithLock(pool: Pool, migrationsFolder: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migratePg(drizzlePg({ client }), { migrationsFolder });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

/** PGlite is one connection in one process: nothing can race it. */
export async function migratePglite(db: PgliteDatabase<Record<string, unknown>>, migrationsFolder: string): Promise<void> {
  await migrateLite(db, { migrationsFolder });
}

import { mkdirSync } from 'node:fs';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { PoolStats } from '../metrics.js';
import * as schema from './schema.js';
import { StatementCounter } from './statement-counter.js';
import { toWatermark, WATERMARK_SQL, type Watermark, type WatermarkRow } from './watermark.js';

export type Schema = typeof schema;
/** The common face of both drivers: everything above this line is driver-agnostic. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DatabaseHandle {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** Every statement sent through `db`, counted (see statement-counter.ts). */
  statements: StatementCounter;
  /** Applies drizzle/ migrations under a lock; see migrate.ts. */
  migrate(): Promise<void>;
  ping(): Promise<void>;
  /**
   * The freshness watermark (platform/freshness.ts), read on the hot path of
   * every request batch: a named prepared statement straight on the driver,
   * counted like every other statement.
   */
  watermark(): Promise<Watermark>;
  close(): Promise<void>;
  /** Connection pool figures for metrics; absent on PGlite, which has one in-process connection. */
  poolStats?: () => PoolStats;
  /**
   * Cross-process signals (Postgres LISTEN/NOTIFY). `listen` holds ONE
   * dedicated connection, reconnecting on loss (and calling `onSignal` then,
   * as signals may have been missed). PGlite lives in one process: both are
   * no-ops there and the in-process ChangeSignal does the work.
   */
  notify(channel: string): Promise<void>;
  listen(channel: string, onSignal: () => void, onError?: (err: unknown) => void): Promise<() => Promise<void>>;
}

export interface DatabaseOptions {
  url?: string;
  dataDir: string;
  poolSize: number;
  migrationsFolder: string;
}

export async function connectDatabase(opts: DatabaseOptions): Promise<DatabaseHandle> {
  return opts.url ? connectPostgres(opts.url, opts) : connectPglite(opts.dataDir, opts);
}

async function connectPostgres(url: string, opts: DatabaseOptions): Promise<DatabaseHandle> {
  const pg = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migratePostgresWithLock } = await import('./migrate.js');
  const pool = new pg.default.Pool({ connectionString: url, max: opts.poolSize });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', () => undefined);
  // The pool only listens for errors on IDLE clients. A checked-out client
  // whose server goes away between two statements (inside a transaction, when
  // no query is in flight to receive the error) emits 'error' with no
  // listener, which killed the process on a Postgres restart. The caller's
  // next statement still fails, and the pool discards the client on release
  // (it is no longer queryable), so ignoring the event here loses nothing.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const statements = new StatementCounter();
  const db = drizzle({ client: pool, schema, logger: statements }) as unknown as Database;
  return {
    db,
    statements,
    kind: 'postgres',
    migrate: () => migratePostgresWithLock(pool, opts.migrationsFolder),
    ping: async () => void (await pool.query('select 1')),
    watermark: async () => {
      statements.logQuery();
      return toWatermark((await pool.query<WatermarkRow>({ name: 'imagestreams_watermark', text: WATERMARK_SQL })).rows[0]);
    },
    close: () => pool.end(),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    notify: async (channel) => void (await pool.query('select pg_notify($1, $2)', [channel, ''])),
    listen: (channel, onSignal, onError) => listenPostgres(pg.default, url, channel, onSignal, onError),
  };
}

async function listenPostgres(
  pg: typeof import('pg').default,
  url: string,
  channel: string,
  onSignal: () => void,
  onError: (err: unknown) => void = () => undefined,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: import('pg').Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let delay = 100;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (msg) => msg.channel === channel && onSignal());
    c.on('error', (err) => {
      onError(err);
      void c.end().catch(() => undefined);
    });
    c.on('end', () => {
      if (client === c) client = undefined;
      if (!stopped) schedule();
    });
    await c.connect();
    await c.query(`listen "${channel.replace(/"/g, '""')}"`);
    client = c;
    delay = 100;
    onSignal(); // anything committed while we were not listening
  };
  const schedule = () => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch((err) => {
        onError(err);
        delay = Math.min(delay * 2, 5_000);
        schedule();
      });
    }, delay);
    retry.unref();
  };
  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}

async function connectPglite(dataDir: string, opts: DatabaseOptions): Promise<DatabaseHandle> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migratePglite } = await import('./migrate.js');
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(inMemory ? undefined : dataDir);
  const statements = new StatementCounter();
  const liteDb = drizzle({ client, schema, logger: statements });
  const db = liteDb as unknown as Database;
  return {
    db,
    statements,
    kind: 'pglite',
    migrate: () => migratePglite(liteDb, opts.migrationsFolder),
    ping: async () => void (await client.query('select 1')),
    watermark: async () => {
      statements.logQuery();
      return toWatermark((await client.query<WatermarkRow>(WATERMARK_SQL)).rows[0]);
    },
    close: () => client.close(),
    notify: async () => undefined,
    listen: async () => async () => undefined,
  };
}

/** Both drivers answer `execute` with `{ rows }`; this is the one place that says so. */
export async function queryRows<T>(q: Pick<Database, 'execute'>, query: Parameters<Database['execute']>[0]): Promise<T[]> {
  const result = (await q.execute(query)) as { rows: T[] };
  return result.rows;
}

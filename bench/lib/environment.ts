import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { startPostgres, createDatabase, freePort, type PostgresServer } from '../../test/support/postgres-server.js';
import { spawnServer, type ServerProcess } from '../../test/support/server-process.js';
import { connectDatabase } from '../../src/platform/database/connect.js';
import { MIGRATIONS_FOLDER } from '../../src/platform/app.js';
import { generateIntoPostgres, type DatasetSize, type DatasetSummary } from './dataset.js';

export const BENCH_TOKEN = 'bench-admin-token-0123456789abcdef';

/** A real Postgres the benchmark starts itself, and a database of its own on it. */
export async function startDatabase(): Promise<{ pg: PostgresServer; url: string }> {
  const pg = await startPostgres();
  const url = await createDatabase(pg.url, `bench_${process.pid}`);
  return { pg, url };
}

/** The service in its own process, as in production (LOG_LEVEL=warn: logging is not what we measure). */
export async function startService(databaseUrl: string, extra: Record<string, string> = {}): Promise<ServerProcess> {
  return spawnServer({ DATABASE_URL: databaseUrl, IMAGESTREAMS_BOOTSTRAP_TOKEN: BENCH_TOKEN, LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '20', ...extra });
}

/** Applies the service's migrations to a Postgres database (`url`) or a PGlite data directory, then disconnects. */
export async function migrate(target: { url?: string; dataDir?: string }): Promise<void> {
  const db = await connectDatabase({ url: target.url, dataDir: target.dataDir ?? 'memory://', poolSize: 2, migrationsFolder: MIGRATIONS_FOLDER });
  try {
    await db.migrate();
  } finally {
    await db.close();
  }
}

/**
 * A real Postgres holding the benchmark dataset, and the service started on
 * it afterwards (so it reads the rows as any others). Background imports are
 * off: the dataset's registries do not exist.
 */
export async function startWithDataset(size: DatasetSize, extra: Record<string, string> = {}): Promise<{ pg: PostgresServer; url: string; server: ServerProcess; dataset: DatasetSummary }> {
  const { pg, url } = await startDatabase();
  try {
    await migrate({ url });
    const dataset = await generateIntoPostgres(url, size);
    const server = await startService(url, { IMAGESTREAMS_BACKGROUND_IMPORTS: 'false', ...extra });
    return { pg, url, server, dataset };
  } catch (e) {
    await pg.stop();
    throw e;
  }
}

/** The bare node:http baseline serving `file`'s bytes, in its own process. */
export async function startRawServer(file: string): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', new URL('./raw-server.ts', import.meta.url).pathname, String(port), file], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
}

export function machineDescription(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}`;
}

export async function graphql<T = unknown>(url: string, query: string, variables?: unknown): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}

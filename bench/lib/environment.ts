import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { startPostgres, createDatabase, freePort, type PostgresServer } from '../../test/support/postgres-server.js';
import { spawnServer, type ServerProcess } from '../../test/support/server-process.js';

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

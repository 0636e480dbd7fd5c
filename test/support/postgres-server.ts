import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL server for tests: the system's binaries, in a
 * temporary directory, on a free port. Never a shared database.
 */
export interface PostgresServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /**
   * Stops the server but keeps its data directory, for fault tests:
   * 'fast' is `pg_ctl stop -m fast` (SIGINT: clients disconnected, clean
   * checkpoint), 'immediate' is a crash (SIGQUIT: no checkpoint, WAL replay
   * on the next start).
   */
  halt(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts the server again on the same port and data directory. */
  resume(): Promise<void>;
}

export function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function postgresIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

/**
 * `durable`: acknowledge a commit only once its WAL is written (the default
 * synchronous_commit), so a crash of the server (halt('immediate')) loses no
 * acknowledged transaction. fsync stays off: the OS keeps what was written.
 */
export async function startPostgres(opts: { durable?: boolean } = {}): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('no PostgreSQL server binaries found: run `npm run test:deps` (installs Debian postgresql)');
  const dir = mkdtempSync(join(tmpdir(), 'imagestreams-pg-'));
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  // initdb refuses to run as root: run the server as the postgres user then.
  const ids = postgresIds();
  if (ids) chownSync(dir, ids.uid, ids.gid);
  const asUser = ids ? { uid: ids.uid, gid: ids.gid } : {};
  execFileSync(join(bin, 'initdb'), ['-D', data, '--auth=trust', '--no-sync', '-U', 'postgres', '-E', 'UTF8'], { ...asUser, stdio: 'ignore' });
  const port = await freePort();
  let log = '';
  const launch = (): ChildProcess => {
    const c = spawn(
      join(bin, 'postgres'),
      ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', ...(opts.durable ? [] : ['-c', 'synchronous_commit=off']), '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
      { ...asUser, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    c.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    return c;
  };
  let child = launch();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitUntilAccepting(port, child, () => log);
  const halt = async (mode: 'fast' | 'immediate' = 'fast') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    await exited;
  };
  return {
    url,
    port,
    halt,
    resume: async () => {
      await halt();
      child = launch();
      await waitUntilAccepting(port, child, () => log);
    },
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilAccepting(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const pg = (await import('pg')).default;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited early:\n${log()}`);
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not start:\n${log()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** A fresh database on the test server, so test files never share state. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  return serverUrl.replace(/\/[^/]*$/, `/${name}`);
}

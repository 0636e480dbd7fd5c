import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../src/platform/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { WhoAmIDocument } from '../generated/graphql.js';
import { ADMIN_TOKEN, testEnv, type Driver } from '../support/app.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { freePort } from '../support/postgres-server.js';

const BIN = fileURLToPath(new URL('../../bin/imagestreams.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as an operator would: a separate process with the service's environment. */
function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `fn` against the service started in-process on the same database, then stops it (PGlite is one process at a time). */
async function withService<T>(env: Record<string, string>, fn: (client: GraphQLClient) => Promise<T>): Promise<T> {
  const app = await startApp(loadConfig(env), { log: createLogger('silent') });
  try {
    return await fn(new GraphQLClient(app.url));
  } finally {
    await app.close();
  }
}

describe.each<Driver>(['pglite', 'postgres'])('the imagestreams CLI on %s', (driver) => {
  let env: Record<string, string>;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'imagestreams-cli-'));
    env = await testEnv(driver, { IMAGESTREAMS_DATA_DIR: join(dataDir, 'db') });
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('migrate applies the migrations and exits 0', async () => {
    const run = await cli(['migrate'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('migrations applied\n');
  }, 60_000);

  it('token create prints a token the service accepts; token revoke refuses it at once', async () => {
    const created = await cli(['token', 'create', '--user', 'ci-bot', '--group', 'builders', '--group', 'qa', '--expires', '2h'], env);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^isv1_[A-Za-z0-9_-]{43}$/);
    await withService(env, async (client) => {
      const who = (await client.withToken(token).ok(WhoAmIDocument, {})).whoAmI;
      expect(who).toMatchObject({ user: 'ci-bot', groups: ['builders', 'qa'], clusterAdmin: false });
    });

    const revoked = await cli(['token', 'revoke', token], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toBe('revoked\n');
    await withService(env, async (client) => {
      expect(await client.withToken(token).errorCode(WhoAmIDocument, {})).toBe('UNAUTHENTICATED');
    });

    const again = await cli(['token', 'revoke', token], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no live token matches/);
  }, 90_000);

  it('serve runs the service until SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const client = new GraphQLClient(`http://127.0.0.1:${port}`, ADMIN_TOKEN);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const up = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
        if (up) break;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error('serve did not become ready');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await client.ok(WhoAmIDocument, {})).whoAmI.user).toBe('system:admin');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 90_000);
});

describe('the imagestreams CLI, bad usage', () => {
  // Usage errors are found before any database is touched; an in-memory one serves the invalid-input case.
  const usageEnv = { LOG_LEVEL: 'silent', IMAGESTREAMS_DATA_DIR: 'memory://' };

  it('refuses bad usage with exit code 2 and the usage text, and bad input with exit code 1', async () => {
    const unknown = await cli(['frobnicate'], usageEnv);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command: frobnicate[\s\S]*usage: imagestreams/);
    const noUser = await cli(['token', 'create'], usageEnv);
    expect(noUser.code).toBe(2);
    expect(noUser.stderr).toMatch(/needs --user/);
    const badExpiry = await cli(['token', 'create', '--user', 'u', '--expires', 'soon'], usageEnv);
    expect(badExpiry.code).toBe(2);
    expect(badExpiry.stderr).toMatch(/not a duration/);
    const badUser = await cli(['token', 'create', '--user', 'has space'], usageEnv);
    expect(badUser.code).toBe(1);
    expect(badUser.stderr).toMatch(/is invalid: user/);
  }, 90_000);
});

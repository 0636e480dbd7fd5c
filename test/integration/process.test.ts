import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CreateStreamDocument, GetStreamDocument } from '../generated/graphql.js';
import { ADMIN_TOKEN, testEnv } from '../support/app.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { spawnServer } from '../support/server-process.js';

/** The service as an operator runs it: real processes, real signals, real restarts. */
describe('the service as a process', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'imagestreams-data-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('keeps embedded data across a restart, and stops cleanly on SIGTERM', async () => {
    const env = { IMAGESTREAMS_DATA_DIR: join(tempDir(), 'data'), IMAGESTREAMS_BOOTSTRAP_TOKEN: ADMIN_TOKEN };
    const first = await spawnServer(env);
    await new GraphQLClient(first.url, ADMIN_TOKEN).ok(CreateStreamDocument, { namespace: 'keep', imageStream: { metadata: { name: 'me' } } });
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await spawnServer(env);
    try {
      const got = await new GraphQLClient(second.url, ADMIN_TOKEN).ok(GetStreamDocument, { namespace: 'keep', name: 'me' });
      expect(got.imageStream?.metadata.name).toBe('me');
    } finally {
      await second.stop();
    }
  });

  it('generates a bootstrap token on the first start only, prints it once, and it works', async () => {
    const env = { DATABASE_URL: (await testEnv('postgres')).DATABASE_URL };
    const first = await spawnServer(env);
    const token = /Bootstrap admin token \(shown once\): (\S+)/.exec(first.output())?.[1];
    expect(token).toBeDefined();
    const client = new GraphQLClient(first.url, token);
    expect((await client.ok('{ __typename }')) as unknown).toEqual({ __typename: 'Query' });
    await first.stop();

    const second = await spawnServer(env);
    try {
      expect(second.output()).not.toContain('Bootstrap admin token');
      expect((await new GraphQLClient(second.url, token).ok('{ __typename }')) as unknown).toEqual({ __typename: 'Query' });
    } finally {
      await second.stop();
    }
  });

  it('brings up two replicas started at once on an empty database', async () => {
    const env = { DATABASE_URL: (await testEnv('postgres')).DATABASE_URL, IMAGESTREAMS_BOOTSTRAP_TOKEN: ADMIN_TOKEN };
    const [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
    try {
      await new GraphQLClient(a.url, ADMIN_TOKEN).ok(CreateStreamDocument, { namespace: 'rep', imageStream: { metadata: { name: 'shared' } } });
      const seen = await new GraphQLClient(b.url, ADMIN_TOKEN).ok(GetStreamDocument, { namespace: 'rep', name: 'shared' });
      expect(seen.imageStream?.metadata.name).toBe('shared');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('refuses to start on a bad environment, naming every problem', async () => {
    const proc = await spawnServer({ DATABASE_URL: 'mysql://nope', LOG_LEVEL: 'chatty', IMAGESTREAMS_DATA_DIR: 'memory://' }, { waitReady: false });
    expect(await proc.exited).toBe(2);
    expect(proc.output()).toContain('DATABASE_URL');
    expect(proc.output()).toContain('LOG_LEVEL');
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateStreamDocument } from '../../generated/graphql.js';
import { ADMIN_TOKEN, testEnv } from '../../support/app.js';
import { GraphQLClient } from '../../support/graphql-client.js';
import { startCountingProxy, type CountingProxy } from '../../support/registry/counting-proxy.js';
import { startRegistryFixtures, type RegistryFixtures } from '../../support/registry/fixtures.js';
import { spawnServer, type ServerProcess } from '../../support/server-process.js';
import { waitFor } from '../../support/wait.js';

/**
 * Two server processes on one Postgres (reference §7.2): every due
 * scheduled import runs on exactly one of them. Counted at the registry:
 * two uncoordinated replicas would fetch each manifest twice per interval,
 * within milliseconds of each other.
 */
let fx: RegistryFixtures;
let proxy: CountingProxy;
let servers: ServerProcess[] = [];

beforeAll(async () => {
  fx = await startRegistryFixtures();
  proxy = await startCountingProxy(fx.open.url);
  const env = {
    DATABASE_URL: (await testEnv('postgres')).DATABASE_URL,
    IMAGESTREAMS_BOOTSTRAP_TOKEN: ADMIN_TOKEN,
    IMAGESTREAMS_ALLOW_PRIVATE_REGISTRIES: 'true',
    IMAGESTREAMS_SCHEDULED_IMPORT_INTERVAL: '1s',
    IMAGESTREAMS_SECRET_KEY: randomBytes(32).toString('base64'),
  };
  servers = await Promise.all([spawnServer(env), spawnServer(env)]);
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await proxy?.stop();
  await fx?.stop();
});

describe('scheduled imports with two replicas', () => {
  it('runs each due import once', async () => {
    const client = new GraphQLClient(servers[0].url, ADMIN_TOKEN);
    const tags = ['build-30', 'build-31', 'build-32'];
    await client.ok(CreateStreamDocument, {
      namespace: 'replicas',
      imageStream: {
        metadata: { name: 'sched' },
        spec: { tags: tags.map((t) => ({ name: t, from: { kind: 'DockerImage', name: `${proxy.host}/fixtures/many-tags:${t}` }, importPolicy: { insecure: true, scheduled: true } })) },
      },
    });
    const gets = (tag: string) => proxy.requests.filter((r) => r.method === 'GET' && r.path === `/v2/fixtures/many-tags/manifests/${tag}`).map((r) => r.at);
    await waitFor('four imports of every tag', async () => (tags.every((t) => gets(t).length >= 4) ? true : undefined), 30_000);
    for (const tag of tags) {
      const times = gets(tag);
      // One import per interval: consecutive fetches of a tag are about a second apart, never a duplicate pair.
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1], `${tag} fetched twice for one due import`).toBeGreaterThan(500);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  credentialsFromDockerConfigs,
  FetchGuard,
  parseRegistryReference,
  RegistryClient,
  RegistryHttpOnlyError,
  RegistryNotFoundError,
  RegistryUnauthorizedError,
  type RegistryClientOptions,
  type RequestEvent,
} from '../../../src/registry/index.js';
import { startRegistryFixtures, MANY_TAGS, type RegistryFixtures } from '../../support/registry/fixtures.js';
import { MT } from '../../support/registry/pusher.js';

/** The distribution client against real `docker-registry` processes (open, Basic, token auth). */
let fx: RegistryFixtures;
const clients: RegistryClient[] = [];

beforeAll(async () => {
  fx = await startRegistryFixtures();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await fx?.stop();
});

function makeClient(extra: Partial<RegistryClientOptions> = {}): { client: RegistryClient; events: RequestEvent[] } {
  const events: RequestEvent[] = [];
  const client = new RegistryClient({ guard: new FetchGuard({ allowPrivate: true }), onRequest: (e) => events.push(e), ...extra });
  clients.push(client);
  return { client, events };
}

const insecure = { insecure: true };
const dockerConfig = (host: string, username: string, password: string) =>
  credentialsFromDockerConfigs([{ auths: { [host]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } }]);

describe('ping', () => {
  it('answers the v2 API of an open registry over plain HTTP when insecure', async () => {
    const { client } = makeClient();
    const ping = await client.ping(parseRegistryReference(`${fx.open.host}/x`), insecure);
    expect(ping.baseUrl).toBe(fx.open.url);
    expect(ping.challenges).toEqual([]);
  });

  it('reports an HTTP-only registry as needing the insecure flag', async () => {
    const { client } = makeClient();
    const err = await client.ping(parseRegistryReference(`${fx.open.host}/x`), { insecure: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryHttpOnlyError);
    expect((err as RegistryHttpOnlyError).reason).toBe('BadRequest');
  });

  it('records the Basic and Bearer challenges', async () => {
    const { client } = makeClient();
    const basic = await client.ping(parseRegistryReference(`${fx.basic.host}/x`), insecure);
    expect(basic.challenges[0].scheme).toBe('basic');
    const bearer = await client.ping(parseRegistryReference(`${fx.token.host}/x`), insecure);
    expect(bearer.challenges[0]).toMatchObject({ scheme: 'bearer', params: { realm: fx.token.issuer.realm, service: fx.token.issuer.service } });
  });
});

describe('manifests and configs, anonymous', () => {
  it('fetches a Docker schema 2 image by tag and verifies manifest and config digests', async () => {
    const { client, events } = makeClient();
    const ref = parseRegistryReference(`${fx.open.host}/fixtures/docker-image:v1`);
    const m = await client.getManifest(ref, insecure);
    expect(m.digest).toBe(fx.images.docker.digest);
    expect(m.mediaType).toBe(MT.dockerManifest);
    expect(m.bytes.equals(fx.images.docker.manifest)).toBe(true);
    if (m.manifest.kind !== 'image') throw new Error('expected an image manifest');
    expect(m.manifest.config.digest).toBe(fx.images.docker.configDigest);
    expect(m.manifest.layers.map((l) => l.digest)).toEqual(fx.images.docker.layers.map((l) => l.digest));
    const config = await client.getConfig(ref, m.manifest.config.digest, insecure);
    expect(JSON.parse(config.bytes.toString())).toMatchObject({ architecture: 'amd64', os: 'linux' });
    // insecure: HTTPS is tried first and fails against the plain-HTTP registry, then HTTP answers.
    expect(events.map((e) => [e.purpose, e.status ?? 'error'])).toEqual([
      ['ping', 'error'],
      ['ping', 200],
      ['manifest', 200],
      ['blob', 200],
    ]);
  });

  it('reads layer sizes with HEAD', async () => {
    const { client } = makeClient();
    const ref = parseRegistryReference(`${fx.open.host}/fixtures/docker-image:v1`);
    const layer = fx.images.docker.layers[0];
    expect(await client.statBlob(ref, layer.digest, insecure)).toEqual({ size: layer.size });
  });

  it('fetches an OCI image manifest by digest', async () => {
    const { client } = makeClient();
    const ref = parseRegistryReference(`${fx.open.host}/fixtures/oci-image@${fx.images.oci.digest}`);
    const m = await client.getManifest(ref, insecure);
    expect(m.digest).toBe(fx.images.oci.digest);
    expect(m.mediaType).toBe(MT.ociManifest);
  });

  it.each([
    ['OCI index', 'fixtures/multi:v1', 'index', MT.ociIndex],
    ['Docker manifest list', 'fixtures/multi-docker:v1', 'manifestList', MT.dockerList],
  ] as const)('fetches a three-platform %s and each child by digest', async (_, spec, key, mediaType) => {
    const { client } = makeClient();
    const pushed = fx.images[key];
    const ref = parseRegistryReference(`${fx.open.host}/${spec}`);
    const m = await client.getManifest(ref, insecure);
    expect(m.digest).toBe(pushed.digest);
    expect(m.mediaType).toBe(mediaType);
    if (m.manifest.kind !== 'index') throw new Error('expected an index');
    expect(m.manifest.manifests.map((d) => `${d.platform?.os}/${d.platform?.architecture}${d.platform?.variant ? `/${d.platform.variant}` : ''}`)).toEqual([
      'linux/amd64',
      'linux/arm64/v8',
      'linux/ppc64le',
    ]);
    for (const child of m.manifest.manifests) {
      const c = await client.getManifest(ref, insecure, child.digest);
      expect(c.digest).toBe(child.digest);
      expect(c.manifest.kind).toBe('image');
    }
  });

  it('answers NotFound for an unknown tag and an unknown repository', async () => {
    const { client } = makeClient();
    const tag = await client.getManifest(parseRegistryReference(`${fx.open.host}/fixtures/docker-image:nope`), insecure).catch((e: unknown) => e);
    expect(tag).toBeInstanceOf(RegistryNotFoundError);
    expect(tag).toMatchObject({ reason: 'NotFound', code: 404, registryCode: 'MANIFEST_UNKNOWN' });
    const repo = await client.getManifest(parseRegistryReference(`${fx.open.host}/fixtures/missing:v1`), insecure).catch((e: unknown) => e);
    expect(repo).toMatchObject({ reason: 'NotFound', code: 404 });
  });
});

describe('tag listing', () => {
  it('lists every tag of a repository with more than 50 tags', async () => {
    // registry 2.8 answers the whole list at once (tag pagination came with distribution 3);
    // Link pagination is covered against a paginating server in hostile.test.ts.
    const { client, events } = makeClient({ tagPageSize: 7 });
    const tags = await client.listTags(parseRegistryReference(`${fx.open.host}/fixtures/many-tags`), insecure);
    expect([...tags].sort()).toEqual([...MANY_TAGS].sort());
    expect(events.filter((e) => e.purpose === 'tags').length).toBeGreaterThanOrEqual(1);
  });
});

describe('Basic auth (htpasswd)', () => {
  const spec = () => parseRegistryReference(`${fx.basic.host}/team/app:v1`);

  it('refuses without credentials', async () => {
    const { client } = makeClient();
    const err = await client.getManifest(spec(), insecure).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryUnauthorizedError);
    expect(err).toMatchObject({ kind: 'noCredentials', code: 401 });
  });

  it('reads with the credentials matched by registry host', async () => {
    const { client } = makeClient();
    const credentials = dockerConfig(fx.basic.host, fx.basic.username, fx.basic.password);
    const m = await client.getManifest(spec(), { insecure: true, credentials });
    expect(m.digest).toBe(fx.images.basicPrivate.digest);
    if (m.manifest.kind !== 'image') throw new Error('expected image');
    await client.getConfig(spec(), m.manifest.config.digest, { insecure: true, credentials });
  });

  it('says "username or password" for a wrong password', async () => {
    const { client } = makeClient();
    const credentials = dockerConfig(fx.basic.host, fx.basic.username, 'wrong');
    const err = await client.getManifest(spec(), { insecure: true, credentials }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'badCredentials', reason: 'Unauthorized' });
    expect((err as Error).message).toContain('username or password');
  });

  it('ignores credentials of another registry', async () => {
    const { client } = makeClient();
    const credentials = dockerConfig(fx.open.host, fx.basic.username, fx.basic.password);
    const err = await client.getManifest(spec(), { insecure: true, credentials }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'noCredentials' });
  });
});

describe('Bearer token auth', () => {
  it('reads a public repository anonymously and reuses one token per scope', async () => {
    const { client, events } = makeClient();
    const before = fx.token.issuer.requests.length;
    const ref = parseRegistryReference(`${fx.token.host}/public/app:v1`);
    const m = await client.getManifest(ref, insecure);
    expect(m.digest).toBe(fx.images.tokenPublic.digest);
    if (m.manifest.kind !== 'image') throw new Error('expected image');
    await client.getConfig(ref, m.manifest.config.digest, insecure);
    await client.getManifest(ref, insecure, m.digest);
    expect(await client.listTags(ref, insecure)).toEqual(['v1']);
    const issued = fx.token.issuer.requests.slice(before);
    expect(issued).toEqual([{ scope: 'repository:public/app:pull', account: undefined, authorized: false }]);
    expect(events.filter((e) => e.purpose === 'token').length).toBe(1);
  });

  it('replaces a token the registry no longer accepts, once', async () => {
    const { client, events } = makeClient();
    const before = fx.token.issuer.requests.length;
    fx.token.issuer.issueExpired = 1;
    const m = await client.getManifest(parseRegistryReference(`${fx.token.host}/public/app:v1`), insecure);
    expect(m.digest).toBe(fx.images.tokenPublic.digest);
    expect(fx.token.issuer.requests.length - before).toBe(2);
    expect(events.filter((e) => e.purpose === 'manifest').map((e) => e.status)).toEqual([401, 200]);
  });

  it('refuses a private repository anonymously', async () => {
    const { client } = makeClient();
    const err = await client.getManifest(parseRegistryReference(`${fx.token.host}/private/app:v1`), insecure).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryUnauthorizedError);
  });

  it('reads a private repository with credentials sent to the token service', async () => {
    const { client } = makeClient();
    const before = fx.token.issuer.requests.length;
    const credentials = dockerConfig(`http://${fx.token.host}/`, fx.token.username, fx.token.password);
    const ref = parseRegistryReference(`${fx.token.host}/private/app:v1`);
    const m = await client.getManifest(ref, { insecure: true, credentials });
    expect(m.digest).toBe(fx.images.tokenPrivate.digest);
    expect(m.mediaType).toBe(MT.ociManifest);
    await client.getManifest(ref, { insecure: true, credentials });
    expect(fx.token.issuer.requests.slice(before)).toEqual([{ scope: 'repository:private/app:pull', account: fx.token.username, authorized: true }]);
  });

  it('reports a wrong password at the token service as bad credentials', async () => {
    const { client } = makeClient();
    const credentials = dockerConfig(fx.token.host, fx.token.username, 'nope');
    const err = await client.getManifest(parseRegistryReference(`${fx.token.host}/private/app:v1`), { insecure: true, credentials }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'badCredentials', reason: 'Unauthorized' });
    expect((err as Error).message).toContain('username or password');
  });
});

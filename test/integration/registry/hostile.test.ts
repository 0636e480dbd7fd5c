import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DigestMismatchError,
  FetchGuard,
  parseAllowList,
  parseRegistryReference,
  RegistryClient,
  RegistryForbiddenError,
  RegistryInternalError,
  TooLargeError,
  type FetchGuardOptions,
  type RegistryClientOptions,
  type RequestEvent,
} from '../../../src/registry/index.js';
import { startHttpServer, startSilentServer, streamEndless, type Handler, type TestServer } from '../../support/registry/hostile-server.js';
import { MT, sha256 } from '../../support/registry/pusher.js';
import { makeCertificate } from '../../support/registry/token-issuer.js';

/**
 * What a real registry cannot do: lie about digests, stream forever, stay
 * silent, redirect to where it should not, paginate tags (2.8 cannot).
 * The servers here are plain node:http on loopback.
 */
const servers: TestServer[] = [];
const clients: RegistryClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function server(handler: Handler, tls?: { cert: string; key: string }): Promise<TestServer> {
  const s = await startHttpServer(handler, tls);
  servers.push(s);
  return s;
}
async function silent(): Promise<TestServer> {
  const s = await startSilentServer();
  servers.push(s);
  return s;
}

function makeClient(guard: FetchGuardOptions = { allowPrivate: true }, extra: Partial<RegistryClientOptions> = {}) {
  const events: RequestEvent[] = [];
  const connects: string[] = [];
  const client = new RegistryClient({
    guard: new FetchGuard(guard),
    onRequest: (e) => events.push(e),
    onConnect: (host, port) => connects.push(`${host}:${port}`),
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...extra,
  });
  clients.push(client);
  return { client, events, connects };
}

/** A fake registry: `/v2/` answers 200, the rest goes to `route`. */
function registry(route: (path: string, res: ServerResponse, url: URL) => void): Handler {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/v2/') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    route(url.pathname, res, url);
  };
}

const manifestBody = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MT.dockerManifest,
    config: { mediaType: MT.dockerConfig, digest: sha256('{}'), size: 2 },
    layers: [],
  }),
);
const insecure = { insecure: true };
const ref = (host: string, rest = 'team/app:v1') => parseRegistryReference(`${host}/${rest}`);

async function failure(p: Promise<unknown>): Promise<Error> {
  const outcome = await p.then(
    () => undefined,
    (e: Error) => e,
  );
  if (!outcome) throw new Error('expected a failure');
  return outcome;
}

describe('digest verification', () => {
  it('rejects a manifest whose bytes do not match the requested digest', async () => {
    const s = await server(registry((_, res) => res.writeHead(200, { 'content-type': MT.dockerManifest }).end(manifestBody)));
    const { client } = makeClient();
    const wanted = sha256('something else');
    const err = await failure(client.getManifest(ref(s.host, `team/app@${wanted}`), insecure));
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect(err).toMatchObject({ reason: 'InternalError', code: 500, kind: 'digestMismatch', expected: wanted, actual: sha256(manifestBody) });
    expect(err.message).toContain('content integrity error');
  });

  it('compares a by-tag manifest with Docker-Content-Digest', async () => {
    let advertised = sha256('not the body');
    const s = await server(registry((_, res) => res.writeHead(200, { 'content-type': MT.dockerManifest, 'docker-content-digest': advertised }).end(manifestBody)));
    const { client } = makeClient();
    expect(await failure(client.getManifest(ref(s.host), insecure))).toBeInstanceOf(DigestMismatchError);
    advertised = sha256(manifestBody);
    expect((await client.getManifest(ref(s.host), insecure)).digest).toBe(advertised);
  });

  it('rejects a config blob that does not match its digest', async () => {
    const s = await server(registry((_, res) => res.writeHead(200).end('{"architecture":"evil"}')));
    const { client } = makeClient();
    const err = await failure(client.getConfig(ref(s.host), sha256('{}'), insecure));
    expect(err).toBeInstanceOf(DigestMismatchError);
  });
});

describe('path safety', () => {
  it('refuses tags and digests that are not grammatical before sending anything', async () => {
    const s = await silent();
    const { client, events } = makeClient();
    for (const bad of ['../../x', 'sha256:../../etc', `sha256:${'a'.repeat(63)}`, 'md5:0123456789abcdef0123456789abcdef']) {
      expect(await failure(client.getManifest(ref(s.host), insecure, bad))).toMatchObject({ kind: 'invalidResponse' });
    }
    expect(await failure(client.getConfig(ref(s.host), '../blob', insecure))).toMatchObject({ kind: 'invalidResponse' });
    expect(events).toEqual([]);
    expect(s.connections).toBe(0);
  });
});

describe('size caps', () => {
  it('stops reading a 1 GiB streamed manifest at the cap', async () => {
    let written: Promise<number> = Promise.resolve(-1);
    const s = await server(
      registry((_, res) => {
        res.writeHead(200, { 'content-type': MT.dockerManifest });
        written = new Promise((resolve) => streamEndless(res, 1024 ** 3, resolve));
      }),
    );
    const { client } = makeClient();
    const started = Date.now();
    const err = await failure(client.getManifest(ref(s.host), insecure));
    expect(err).toBeInstanceOf(TooLargeError);
    expect(err).toMatchObject({ kind: 'tooLarge', limit: 4 * 1024 * 1024 });
    // The client hung up: the server could only push the cap plus socket buffers.
    const sent = await written;
    expect(sent).toBeGreaterThan(4 * 1024 * 1024);
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses a declared Content-Length over the cap before reading the body', async () => {
    let written: Promise<number> = Promise.resolve(-1);
    const s = await server(
      registry((_, res) => {
        res.writeHead(200, { 'content-type': MT.dockerManifest, 'content-length': String(1024 ** 3) });
        written = new Promise((resolve) => streamEndless(res, 1024 ** 3, resolve));
      }),
    );
    const { client } = makeClient({ allowPrivate: true }, { maxManifestBytes: 1024 });
    const err = await failure(client.getManifest(ref(s.host), insecure));
    expect(err).toMatchObject({ kind: 'tooLarge', limit: 1024 });
    expect(await written).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('timeouts and retries', () => {
  it('gives up on a registry that never answers within the request deadline', async () => {
    const s = await silent();
    const { client } = makeClient({ allowPrivate: true }, { timeouts: { connectMs: 500, headersMs: 500, requestMs: 800 } });
    const started = Date.now();
    const err = await failure(client.getManifest(ref(s.host), insecure));
    expect(err).toBeInstanceOf(RegistryInternalError);
    expect(err).toMatchObject({ kind: 'timeout', reason: 'InternalError' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(s.connections).toBeGreaterThan(0);
  });

  it('gives up when the registry answers the ping but never the manifest', async () => {
    const s = await server(registry(() => undefined));
    const { client } = makeClient({ allowPrivate: true }, { timeouts: { headersMs: 300, requestMs: 5_000 } });
    const started = Date.now();
    const err = await failure(client.getManifest(ref(s.host), insecure));
    expect(err).toMatchObject({ kind: 'timeout', reason: 'InternalError' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('bounds a body that trickles in under the idle timeout', async () => {
    const s = await server(
      registry((_, res) => {
        res.writeHead(200, { 'content-type': MT.dockerManifest });
        const timer = setInterval(() => res.write(' '), 20);
        res.on('close', () => clearInterval(timer));
      }),
    );
    const { client } = makeClient({ allowPrivate: true }, { timeouts: { bodyMs: 1_000, requestMs: 600 } });
    const started = Date.now();
    const err = await failure(client.getManifest(ref(s.host), insecure));
    expect(err).toMatchObject({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('retries 503 with back-off and succeeds', async () => {
    let failures = 2;
    const s = await server(
      registry((_, res) => {
        if (failures-- > 0) res.writeHead(503).end();
        else res.writeHead(200, { 'content-type': MT.dockerManifest }).end(manifestBody);
      }),
    );
    const { client, events } = makeClient();
    expect((await client.getManifest(ref(s.host), insecure)).digest).toBe(sha256(manifestBody));
    expect(events.filter((e) => e.purpose === 'manifest').map((e) => e.status)).toEqual([503, 503, 200]);
  });

  it('retries a connection the server dropped mid-request', async () => {
    let drops = 1;
    const s = await server(
      registry((_, res) => {
        if (drops-- > 0) res.socket?.destroy();
        else res.writeHead(200, { 'content-type': MT.dockerManifest }).end(manifestBody);
      }),
    );
    const { client, events } = makeClient();
    expect((await client.getManifest(ref(s.host), insecure)).digest).toBe(sha256(manifestBody));
    const manifestEvents = events.filter((e) => e.purpose === 'manifest');
    expect(manifestEvents.length).toBe(2);
    expect(manifestEvents[0].error).toMatchObject({ kind: 'network', temporary: true });
  });

  it('stops after the retry budget on 429', async () => {
    const s = await server(registry((_, res) => res.writeHead(429, { 'retry-after': '0' }).end()));
    const { client, events } = makeClient();
    const err = await failure(client.getManifest(ref(s.host), insecure));
    expect(err).toMatchObject({ kind: 'unavailable', reason: 'InternalError' });
    expect(events.filter((e) => e.purpose === 'manifest').length).toBe(3);
  });
});

describe('TLS', () => {
  let dir: string;
  let tls: { cert: string; key: string };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'imagestreams-tls-'));
    const { certFile, keyFile } = makeCertificate(dir, 'self-signed-registry');
    tls = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const tlsRegistry = () => server(registry((_, res) => res.writeHead(200, { 'content-type': MT.dockerManifest }).end(manifestBody)), tls);

  it('refuses an unverifiable certificate unless insecure', async () => {
    const s = await tlsRegistry();
    const { client } = makeClient();
    const err = await failure(client.getManifest(ref(s.host), { insecure: false }));
    expect(err).toMatchObject({ kind: 'tls', reason: 'InternalError' });
    expect(err.message).toContain('certificate is not valid');
  });

  it('reads over unverified TLS when insecure, without falling back to plain HTTP', async () => {
    const s = await tlsRegistry();
    const { client, events } = makeClient();
    expect((await client.getManifest(ref(s.host), insecure)).digest).toBe(sha256(manifestBody));
    expect(events.every((e) => e.url.startsWith('https://'))).toBe(true);
  });
});

describe('manifest kinds', () => {
  it('reads a signed schema 1 manifest and verifies the digest of its payload', async () => {
    const payload = JSON.stringify(
      { schemaVersion: 1, name: 'team/app', tag: 'v1', architecture: 'amd64', fsLayers: [{ blobSum: sha256('l') }], history: [{ v1Compatibility: '{"id":"abc"}' }] },
      null,
      3,
    );
    const tail = '\n}';
    const formatLength = payload.length - tail.length;
    const prot = Buffer.from(JSON.stringify({ formatLength, formatTail: Buffer.from(tail).toString('base64url'), time: '2024-05-01T10:00:00Z' })).toString('base64url');
    const signed = `${payload.slice(0, formatLength)},\n   "signatures": [{"header": {"alg": "ES256"}, "signature": "sig", "protected": "${prot}"}]\n}`;
    const s = await server(registry((_, res) => res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' }).end(signed)));
    const { client } = makeClient();
    const m = await client.getManifest(ref(s.host), insecure);
    expect(m.digest).toBe(sha256(payload));
    expect(m.manifest).toMatchObject({ kind: 'schema1', architecture: 'amd64', fsLayers: [sha256('l')], history: ['{"id":"abc"}'] });
    expect((await client.getManifest(ref(s.host), insecure, sha256(payload))).digest).toBe(sha256(payload));
    expect(await failure(client.getManifest(ref(s.host), insecure, sha256(signed)))).toBeInstanceOf(DigestMismatchError);
  });

  it('answers a typed failure for an unknown manifest type', async () => {
    const s = await server(registry((_, res) => res.writeHead(200, { 'content-type': 'application/vnd.example.thing+json' }).end('{"schemaVersion":2}')));
    const { client } = makeClient();
    const err = await failure(client.getManifest(ref(s.host), insecure));
    expect(err).toMatchObject({ kind: 'unsupportedManifest', reason: 'InternalError' });
    expect(err.message).toContain('unsupported image manifest type');
  });
});

describe('tag pagination', () => {
  const all = ['a', 'b', 'c', 'd', 'e'];
  const paginating = (linkHost?: string) =>
    registry((path, res, url) => {
      const n = Number(url.searchParams.get('n') ?? '100');
      const last = url.searchParams.get('last');
      const start = last ? all.indexOf(last) + 1 : 0;
      const page = all.slice(start, start + n);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (start + n < all.length) headers.link = `<${linkHost ?? ''}${path}?n=${n}&last=${page[page.length - 1]}>; rel="next"`;
      res.writeHead(200, headers).end(JSON.stringify({ name: 'team/app', tags: page }));
    });

  it('follows relative Link headers page by page', async () => {
    const s = await server(paginating());
    const { client, events } = makeClient({ allowPrivate: true }, { tagPageSize: 2 });
    expect(await client.listTags(ref(s.host), insecure)).toEqual(all);
    expect(events.filter((e) => e.purpose === 'tags').map((e) => new URL(e.url).search)).toEqual(['?n=2', '?n=2&last=b', '?n=2&last=d']);
  });

  it('refuses a Link to another host', async () => {
    const other = await silent();
    const s = await server(paginating(other.url));
    const { client } = makeClient({ allowPrivate: true }, { tagPageSize: 2 });
    expect(await failure(client.listTags(ref(s.host), insecure))).toBeInstanceOf(RegistryForbiddenError);
    expect(other.connections).toBe(0);
  });
});

describe('refused sources: nothing is sent', () => {
  it('never connects to the cloud metadata address', async () => {
    const { client, events, connects } = makeClient({ allowPrivate: true });
    const started = Date.now();
    const err = await failure(client.getManifest(ref('169.254.169.254'), insecure));
    expect(err).toBeInstanceOf(RegistryForbiddenError);
    expect(err).toMatchObject({ reason: 'Forbidden', code: 403 });
    expect(err.message).toContain('link-local');
    expect(events).toEqual([]);
    expect(connects).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('refuses a loopback registry unless private registries are allowed', async () => {
    const s = await silent();
    const { client, events } = makeClient({ allowPrivate: false });
    expect(await failure(client.getManifest(ref(s.host), insecure))).toBeInstanceOf(RegistryForbiddenError);
    // by name: the check happens on the resolved address, inside the connector
    expect(await failure(client.getManifest(ref(`localhost:${s.port}`), insecure))).toBeInstanceOf(RegistryForbiddenError);
    expect(s.connections).toBe(0);
    expect(events.every((e) => e.error instanceof RegistryForbiddenError)).toBe(true);
  });

  it('refuses a name when any of its addresses is refused', async () => {
    const s = await silent();
    const resolve = async (name: string) =>
      name === 'mixed.example.test'
        ? [
            { address: '127.0.0.1', family: 4 },
            { address: '169.254.169.254', family: 4 },
          ]
        : [];
    const { client } = makeClient({ allowPrivate: true, resolve });
    const err = await failure(client.getManifest(ref(`mixed.example.test:${s.port}`), insecure));
    expect(err).toBeInstanceOf(RegistryForbiddenError);
    expect(s.connections).toBe(0);
  });

  it('refuses a registry missing from the allow-list without connecting', async () => {
    const s = await silent();
    const { client, events } = makeClient({ allowPrivate: true, allowedRegistries: parseAllowList('quay.io,*.example.com') });
    const err = await failure(client.getManifest(ref(s.host), insecure));
    expect(err.message).toContain(`registry "127.0.0.1" not allowed by whitelist: "quay.io:443", "*.example.com:443"`);
    expect(s.connections).toBe(0);
    expect(events).toEqual([]);
  });

  it('refuses a redirect to the metadata address', async () => {
    const s = await server(registry((_, res) => res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' }).end()));
    const { client, connects } = makeClient({ allowPrivate: true });
    const err = await failure(client.getConfig(ref(s.host), sha256('{}'), insecure));
    expect(err).toBeInstanceOf(RegistryForbiddenError);
    expect(connects.every((c) => c.startsWith('127.0.0.1'))).toBe(true);
  });

  it('refuses a redirect to a host outside the allow-list', async () => {
    const target = await silent();
    const s = await server(registry((_, res) => res.writeHead(302, { location: `${target.url}/blob` }).end()));
    const { client } = makeClient({ allowPrivate: true, allowedRegistries: parseAllowList(s.host) });
    const err = await failure(client.getConfig(ref(s.host), sha256('{}'), insecure));
    expect(err).toBeInstanceOf(RegistryForbiddenError);
    expect(target.connections).toBe(0);
  });

  it('refuses a token realm at a refused address', async () => {
    const target = await silent();
    let realm = 'http://169.254.169.254/token';
    const s = await server((req, res) => {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="x"` }).end();
    });
    // no allow-list: the address class alone refuses it
    const { client, connects } = makeClient({ allowPrivate: true });
    const err = await failure(client.getManifest(ref(s.host), insecure));
    expect(err).toBeInstanceOf(RegistryForbiddenError);
    expect(err.message).toContain('link-local');
    expect(connects.every((c) => c.startsWith('127.0.0.1'))).toBe(true);
    realm = `${target.url}/token`;
    const { client: second } = makeClient({ allowPrivate: true, allowedRegistries: parseAllowList(s.host) });
    expect(await failure(second.getManifest(ref(s.host), insecure))).toBeInstanceOf(RegistryForbiddenError);
    expect(target.connections).toBe(0);
  });

});

describe('auth and redirects that are allowed', () => {
  it('answers a Basic challenge from a repository behind an open ping', async () => {
    const s = await server((req, res) => {
      if (req.url === '/v2/') res.writeHead(200).end('{}');
      else if (req.headers.authorization !== `Basic ${Buffer.from('u:p').toString('base64')}`) res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
      else res.writeHead(200, { 'content-type': MT.dockerManifest }).end(manifestBody);
    });
    const { client, events } = makeClient({ allowPrivate: true });
    const m = await client.getManifest(ref(s.host), { insecure: true, credentials: () => ({ username: 'u', password: 'p' }) });
    expect(m.digest).toBe(sha256(manifestBody));
    expect(events.filter((e) => e.purpose === 'manifest').map((e) => e.status)).toEqual([401, 200]);
  });

  it('follows a redirect to an allowed host and drops the credentials there', async () => {
    const config = Buffer.from('{"architecture":"amd64"}');
    const seen: Array<string | undefined> = [];
    const storage = await server((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200).end(config);
    });
    const s = await server((req, res) => {
      if (req.headers.authorization !== `Basic ${Buffer.from('u:p').toString('base64')}`) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
        return;
      }
      if (req.url === '/v2/') res.writeHead(200).end('{}');
      else res.writeHead(307, { location: `${storage.url}/blob` }).end();
    });
    const { client } = makeClient({ allowPrivate: true });
    const blob = await client.getConfig(ref(s.host), sha256(config), { insecure: true, credentials: () => ({ username: 'u', password: 'p' }) });
    expect(blob.bytes.equals(config)).toBe(true);
    expect(seen).toEqual([undefined]);
  });
});

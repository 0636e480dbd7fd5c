import { describe, expect, it } from 'vitest';
import { credentialsFromDockerConfigs, registryKey } from '../../src/registry/credentials.js';
import { RegistryInternalError } from '../../src/registry/errors.js';
import { digestOf, MediaTypes, parseManifest } from '../../src/registry/manifest.js';
import { TokenCache } from '../../src/registry/token-cache.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('pull secret credentials, matched by registry host', () => {
  const lookup = credentialsFromDockerConfigs([
    { auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') }, 'quay.io': { username: 'q', password: 'p:w' } } },
    { 'registry.local:5000': { auth: b64('old:format') } },
    { auths: { 'corp.example': { auth: b64('corp:pw') }, broken: { auth: b64('nocolon') } } },
  ]);

  it('matches Docker Hub aliases, hosts with ports, passwords with colons and the old .dockercfg shape', () => {
    expect(lookup('docker.io')).toEqual({ username: 'hub', password: 'pw' });
    expect(lookup('registry-1.docker.io')).toEqual({ username: 'hub', password: 'pw' });
    expect(lookup('quay.io')).toEqual({ username: 'q', password: 'p:w' });
    expect(lookup('registry.local:5000')).toEqual({ username: 'old', password: 'format' });
    expect(lookup('registry.local:5001')).toBeUndefined();
    expect(lookup('corp.example:8443')).toEqual({ username: 'corp', password: 'pw' });
    expect(lookup('broken')).toBeUndefined();
    expect(lookup('elsewhere.io')).toBeUndefined();
  });

  it('normalises keys', () => {
    expect(registryKey('https://Quay.io/v2/')).toBe('quay.io');
    expect(registryKey('index.docker.io')).toBe('docker.io');
  });
});

describe('manifest parsing', () => {
  const config = { mediaType: MediaTypes.dockerConfig, digest: `sha256:${'a'.repeat(64)}`, size: 10 };

  it('reads image manifests and indexes, by Content-Type or by shape', () => {
    const image = Buffer.from(JSON.stringify({ schemaVersion: 2, config, layers: [] }));
    expect(parseManifest(image, `${MediaTypes.dockerManifest}; charset=utf-8`)).toMatchObject({ kind: 'image', mediaType: MediaTypes.dockerManifest });
    expect(parseManifest(image, 'application/json')).toMatchObject({ kind: 'image', mediaType: MediaTypes.ociManifest });
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ ...config, platform: { os: 'linux', architecture: 'arm64' } }] }));
    expect(parseManifest(index, MediaTypes.ociIndex)).toMatchObject({ kind: 'index', manifests: [{ platform: { architecture: 'arm64' } }] });
  });

  it('reads schema 1 and computes its payload without signatures', () => {
    const unsigned = Buffer.from(JSON.stringify({ schemaVersion: 1, name: 'a/b', tag: 't', architecture: 'amd64', fsLayers: [{ blobSum: config.digest }], history: [{ v1Compatibility: '{"id":"x"}' }] }));
    const parsed = parseManifest(unsigned, undefined);
    expect(parsed).toMatchObject({ kind: 'schema1', mediaType: MediaTypes.dockerSchema1, name: 'a/b', fsLayers: [config.digest], history: ['{"id":"x"}'] });
    expect(parsed.kind === 'schema1' && parsed.payload.equals(unsigned)).toBe(true);
    const payload = '{\n   "schemaVersion": 1,\n   "fsLayers": [],\n   "history": []\n}';
    const tail = '\n}';
    const formatLength = payload.length - tail.length;
    const protectedHeader = Buffer.from(JSON.stringify({ formatLength, formatTail: Buffer.from(tail).toString('base64url') })).toString('base64url');
    const signed = `${payload.slice(0, formatLength)},\n   "signatures": [{"header": {}, "signature": "x", "protected": "${protectedHeader}"}]\n}`;
    const s1 = parseManifest(Buffer.from(signed), MediaTypes.dockerSchema1Signed);
    expect(s1.kind === 'schema1' && s1.payload.toString()).toBe(payload);
  });

  it('fails typed on unknown types and junk', () => {
    for (const [body, type, kind] of [
      ['{"schemaVersion":1,"fsLayers":[{"blobSum":"../x"}]}', undefined, 'invalidResponse'],
      ['{"schemaVersion":2}', 'application/vnd.example+json', 'unsupportedManifest'],
      ['not json', MediaTypes.dockerManifest, 'invalidResponse'],
      ['{"schemaVersion":2,"layers":[]}', MediaTypes.dockerManifest, 'invalidResponse'],
    ] as const) {
      let caught: unknown;
      try {
        parseManifest(Buffer.from(body), type);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(RegistryInternalError);
      expect((caught as RegistryInternalError).kind).toBe(kind);
    }
  });

  it('computes digests of the exact bytes', () => {
    expect(digestOf(Buffer.from(''))).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('token cache', () => {
  it('reuses a token until shortly before it expires and shares concurrent fetches', async () => {
    let now = 0;
    let fetches = 0;
    const cache = new TokenCache(() => now);
    const fetch = async () => ({ token: `t${++fetches}`, expiresInSeconds: 60 });
    const [a, b] = await Promise.all([cache.get('k', fetch), cache.get('k', fetch)]);
    expect([a, b, fetches]).toEqual(['t1', 't1', 1]);
    now = 50_000;
    expect(await cache.get('k', fetch)).toBe('t1');
    now = 55_000; // within the renewal margin (6 s for a 60 s token)
    expect(await cache.get('k', fetch)).toBe('t2');
    cache.invalidate('k');
    expect(await cache.get('k', fetch)).toBe('t3');
  });
});

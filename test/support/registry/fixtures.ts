import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pusher, type PushedImage, type PushedIndex } from './pusher.js';
import { startRegistry, type RunningRegistry } from './registry-server.js';
import { startTokenIssuer, type TokenIssuer } from './token-issuer.js';

/**
 * Real registries for import tests, started on free loopback ports and
 * filled through the HTTP API:
 * - `open`: anonymous; Docker schema 2 and OCI single-platform images, a
 *   three-platform OCI index and Docker manifest list, a repository with
 *   more tags than the bulk-import limit (50);
 * - `basic`: htpasswd Basic auth; a private repository;
 * - `token`: Bearer tokens from a fixture issuer; `public/app` is anonymous-
 *   readable, `private/app` needs the user.
 * Pull specs are `<registry.host>/<repository>:<tag>`; the registries speak
 * plain HTTP, so imports need `insecure` and the guard needs `allowPrivate`.
 */
export const FIXTURE_USER = { username: 'alice', password: 'wonderland-secret' } as const;

export const THREE_PLATFORMS = [
  { architecture: 'amd64', os: 'linux' },
  { architecture: 'arm64', os: 'linux', variant: 'v8' },
  { architecture: 'ppc64le', os: 'linux' },
];

/** Tag names of `fixtures/many-tags`, in push order (not the import order). */
export const MANY_TAGS: string[] = [
  'zeta', 'alpha', 'latest', '1.0', 'v1.1', '1.2-beta', '2.0', '10.1',
  '1.0.0', 'v1.0.0', '1.0.1', '2.0.0-rc1', '2.0.0', 'v3.1.4', '0.9.9',
  ...Array.from({ length: 45 }, (_, i) => `build-${String(i + 1).padStart(2, '0')}`),
];

export interface RegistryEndpoint {
  host: string;
  url: string;
}

export interface RegistryFixtures {
  open: RegistryEndpoint;
  basic: RegistryEndpoint & { username: string; password: string };
  token: RegistryEndpoint & { username: string; password: string; issuer: TokenIssuer };
  images: {
    /** open: `fixtures/docker-image:v1` (also `:latest`), Docker schema 2, linux/amd64. */
    docker: PushedImage;
    /** open: `fixtures/oci-image:v1`, OCI manifest, linux/amd64. */
    oci: PushedImage;
    /** open: `fixtures/multi:v1`, OCI index over THREE_PLATFORMS (OCI children). */
    index: PushedIndex;
    /** open: `fixtures/multi-docker:v1`, Docker manifest list over THREE_PLATFORMS. */
    manifestList: PushedIndex;
    /** open: `fixtures/many-tags`, one distinct image per tag of MANY_TAGS. */
    manyTags: { repository: string; digests: Record<string, string> };
    /** basic: `team/app:v1` (every repository there needs credentials). */
    basicPrivate: PushedImage;
    /** token: `public/app:v1`, anonymous pull allowed. */
    tokenPublic: PushedImage;
    /** token: `private/app:v1`, only FIXTURE_USER may pull. */
    tokenPrivate: PushedImage;
  };
  stop(): Promise<void>;
}

export async function startRegistryFixtures(): Promise<RegistryFixtures> {
  const dir = mkdtempSync(join(tmpdir(), 'imagestreams-token-'));
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    await Promise.all(stops.map((s) => s()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const issuer = await startTokenIssuer(dir, FIXTURE_USER);
    stops.push(issuer.stop);
    const [open, basic, token]: RunningRegistry[] = await Promise.all([
      startRegistry({ kind: 'none' }),
      startRegistry({ kind: 'htpasswd', ...FIXTURE_USER }),
      startRegistry({ kind: 'token', realm: issuer.realm, service: issuer.service, issuer: issuer.issuer, certFile: issuer.certFile }),
    ]);
    stops.push(open.stop, basic.stop, token.stop);

    const openPusher = new Pusher(open.url);
    const docker = await openPusher.pushImage('fixtures/docker-image', 'v1', { format: 'docker' });
    await openPusher.pushManifest('fixtures/docker-image', 'latest', docker.mediaType, docker.manifest);
    const oci = await openPusher.pushImage('fixtures/oci-image', 'v1', { format: 'oci' });
    const index = await openPusher.pushIndex('fixtures/multi', 'v1', { format: 'oci', platforms: THREE_PLATFORMS });
    const manifestList = await openPusher.pushIndex('fixtures/multi-docker', 'v1', { format: 'docker', platforms: THREE_PLATFORMS });
    const digests: Record<string, string> = {};
    // Eight uploads at a time keep the fixture quick without flooding the registry.
    for (let i = 0; i < MANY_TAGS.length; i += 8) {
      await Promise.all(
        MANY_TAGS.slice(i, i + 8).map(async (tag) => {
          digests[tag] = (await openPusher.pushImage('fixtures/many-tags', tag, { format: 'docker' })).digest;
        }),
      );
    }
    const basicPrivate = await new Pusher(basic.url, FIXTURE_USER).pushImage('team/app', 'v1', { format: 'docker' });
    const tokenPusher = new Pusher(token.url, FIXTURE_USER);
    const tokenPublic = await tokenPusher.pushImage('public/app', 'v1', { format: 'docker' });
    const tokenPrivate = await tokenPusher.pushImage('private/app', 'v1', { format: 'oci' });
    // Pushing asked the issuer for tokens too: tests count only their own requests.
    issuer.requests.length = 0;

    return {
      open: { host: open.host, url: open.url },
      basic: { host: basic.host, url: basic.url, ...FIXTURE_USER },
      token: { host: token.host, url: token.url, ...FIXTURE_USER, issuer },
      images: { docker, oci, index, manifestList, manyTags: { repository: 'fixtures/many-tags', digests }, basicPrivate, tokenPublic, tokenPrivate },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

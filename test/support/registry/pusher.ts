import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/**
 * Pushes images through the registry HTTP API the way clients do:
 * `POST /v2/<name>/blobs/uploads/` → 202 + Location, `PUT <Location>&digest=`
 * with the bytes, then `PUT /v2/<name>/manifests/<tag>` with the manifest's
 * exact media type. Handles Basic and Bearer (token realm) auth for pushing.
 */
export const MT = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

export interface PushAuth {
  username: string;
  password: string;
}

export interface PlatformSpec {
  architecture: string;
  os: string;
  variant?: string;
}

export interface PushedImage {
  repository: string;
  tag?: string;
  digest: string;
  mediaType: string;
  manifest: Buffer;
  configDigest: string;
  config: Buffer;
  layers: Array<{ digest: string; size: number; mediaType: string }>;
  platform: PlatformSpec;
}

export interface PushedIndex {
  repository: string;
  tag: string;
  digest: string;
  mediaType: string;
  manifest: Buffer;
  children: PushedImage[];
}

export class Pusher {
  private readonly tokens = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    private readonly auth?: PushAuth,
  ) {}

  private basic(): string | undefined {
    return this.auth ? `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString('base64')}` : undefined;
  }

  /** One request with the auth the registry asks for (a 401 challenge is answered once). */
  private async send(repository: string, url: string, init: { method: string; headers?: Record<string, string>; body?: Buffer }): Promise<Response> {
    const attempt = async () => {
      const token = this.tokens.get(repository);
      const authorization = token ? `Bearer ${token}` : this.basic();
      return fetch(url, { ...init, headers: { ...init.headers, ...(authorization ? { authorization } : {}) }, redirect: 'manual' });
    };
    let res = await attempt();
    if (res.status !== 401) return res;
    const challenge = res.headers.get('www-authenticate') ?? '';
    await res.arrayBuffer();
    if (!/^Bearer /i.test(challenge)) return res;
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const tokenUrl = new URL(params.realm);
    tokenUrl.searchParams.set('service', params.service ?? '');
    tokenUrl.searchParams.set('scope', `repository:${repository}:pull,push`);
    const tokenRes = await fetch(tokenUrl, { headers: this.basic() ? { authorization: this.basic()! } : {} });
    if (!tokenRes.ok) throw new Error(`token for push refused: ${tokenRes.status}`);
    this.tokens.set(repository, ((await tokenRes.json()) as { token: string }).token);
    res = await attempt();
    return res;
  }

  async pushBlob(repository: string, data: Buffer): Promise<string> {
    const digest = sha256(data);
    const start = await this.send(repository, `${this.baseUrl}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
    await start.arrayBuffer();
    if (start.status !== 202) throw new Error(`upload start for ${repository}: ${start.status}`);
    const location = new URL(start.headers.get('location')!, this.baseUrl);
    location.searchParams.set('digest', digest);
    const put = await this.send(repository, location.toString(), {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: data,
    });
    const text = await put.text();
    if (put.status !== 201) throw new Error(`blob upload for ${repository}: ${put.status} ${text}`);
    return digest;
  }

  async pushManifest(repository: string, reference: string, mediaType: string, manifest: Buffer): Promise<string> {
    const res = await this.send(repository, `${this.baseUrl}/v2/${repository}/manifests/${reference}`, {
      method: 'PUT',
      headers: { 'content-type': mediaType },
      body: manifest,
    });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`manifest push ${repository}:${reference}: ${res.status} ${text}`);
    const digest = sha256(manifest);
    const echoed = res.headers.get('docker-content-digest');
    if (echoed && echoed !== digest) throw new Error(`registry computed ${echoed}, expected ${digest}`);
    return digest;
  }

  /** A single-platform image: one small gzipped layer, a config naming it, a Docker or OCI manifest. */
  async pushImage(
    repository: string,
    tag: string | undefined,
    options: { format: 'docker' | 'oci'; platform?: PlatformSpec; label?: string },
  ): Promise<PushedImage> {
    const platform = options.platform ?? { architecture: 'amd64', os: 'linux' };
    const label = options.label ?? `${repository}:${tag ?? 'untagged'}`;
    const uncompressed = Buffer.concat([Buffer.from(`layer of ${label} ${platform.architecture}\n`), randomBytes(256)]);
    const layer = gzipSync(uncompressed);
    const layerDigest = await this.pushBlob(repository, layer);
    const config = Buffer.from(
      JSON.stringify({
        architecture: platform.architecture,
        os: platform.os,
        ...(platform.variant ? { variant: platform.variant } : {}),
        created: '2024-05-01T10:00:00Z',
        author: 'imagestreams tests',
        config: { Env: ['PATH=/usr/bin:/bin'], Cmd: ['/bin/sh'], Labels: { fixture: label } },
        rootfs: { type: 'layers', diff_ids: [sha256(uncompressed)] },
        history: [{ created: '2024-05-01T10:00:00Z', created_by: 'fixture' }],
      }),
    );
    const configDigest = await this.pushBlob(repository, config);
    const docker = options.format === 'docker';
    const layerMediaType = docker ? MT.dockerLayer : MT.ociLayer;
    const mediaType = docker ? MT.dockerManifest : MT.ociManifest;
    const manifest = Buffer.from(
      JSON.stringify(
        {
          schemaVersion: 2,
          mediaType,
          config: { mediaType: docker ? MT.dockerConfig : MT.ociConfig, digest: configDigest, size: config.length },
          layers: [{ mediaType: layerMediaType, digest: layerDigest, size: layer.length }],
        },
        null,
        3,
      ),
    );
    const digest = await this.pushManifest(repository, tag ?? sha256(manifest), mediaType, manifest);
    return { repository, tag, digest, mediaType, manifest, configDigest, config, layers: [{ digest: layerDigest, size: layer.length, mediaType: layerMediaType }], platform };
  }

  /** A multi-platform image: children pushed by digest, then the list/index under the tag. */
  async pushIndex(repository: string, tag: string, options: { format: 'docker' | 'oci'; platforms: PlatformSpec[] }): Promise<PushedIndex> {
    const children: PushedImage[] = [];
    for (const platform of options.platforms) {
      children.push(await this.pushImage(repository, undefined, { format: options.format, platform, label: `${repository}:${tag} ${platform.architecture}` }));
    }
    const mediaType = options.format === 'docker' ? MT.dockerList : MT.ociIndex;
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType,
        manifests: children.map((c) => ({ mediaType: c.mediaType, digest: c.digest, size: c.manifest.length, platform: c.platform })),
      }),
    );
    const digest = await this.pushManifest(repository, tag, mediaType, manifest);
    return { repository, tag, digest, mediaType, manifest, children };
  }
}

import { describe, expect, it } from 'vitest';
import { extractImageMetadata, ManifestError, MEDIA_TYPES, sha256Digest } from '../../src/modules/image/image-metadata.rules.js';

const config = JSON.stringify({
  architecture: 'arm64',
  os: 'linux',
  created: '2024-05-01T10:00:00Z',
  author: 'someone',
  config: { Env: ['PATH=/bin'], Cmd: ['sh'], Labels: { a: 'b' } },
});
const configDigest = sha256Digest(config);
const layer = (digest: string, size: number) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest, size });
const ociManifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: MEDIA_TYPES.ociManifest,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
  layers: [layer('sha256:base', 100), layer('sha256:top', 20), layer('sha256:base', 100)],
});

describe('extractImageMetadata (reference §4.2, §5.4)', () => {
  it('reads layers in manifest order and metadata from the config', () => {
    const out = extractImageMetadata({ name: sha256Digest(ociManifest), manifest: ociManifest, config, now: '2030-01-01T00:00:00Z' });
    expect(out.mediaType).toBe(MEDIA_TYPES.ociManifest);
    expect(out.layers.map((l) => [l.name, l.size])).toEqual([
      ['sha256:base', 100],
      ['sha256:top', 20],
      ['sha256:base', 100],
    ]);
    expect(out.metadata).toMatchObject({
      kind: 'DockerImage',
      apiVersion: 'image.openshift.io/1.0',
      Id: configDigest,
      Created: '2024-05-01T10:00:00Z',
      Architecture: 'arm64',
      Author: 'someone',
      Config: { Env: ['PATH=/bin'], Cmd: ['sh'], Labels: { a: 'b' } },
      ContainerConfig: {},
    });
    expect(out.metadata).not.toHaveProperty('OS');
    expect(out.os).toBe('linux');
  });

  it('Size = config length + each distinct layer once', () => {
    const out = extractImageMetadata({ name: 'x', manifest: ociManifest, config, now: '' });
    expect(out.metadata.Size).toBe(Buffer.byteLength(config) + 100 + 20);
  });

  it('a docker schema 2 manifest names its media type', () => {
    const m = JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.dockerSchema2, config: { digest: configDigest, size: 1 }, layers: [] });
    expect(extractImageMetadata({ name: 'x', manifest: m, config, now: '' }).mediaType).toBe(MEDIA_TYPES.dockerSchema2);
  });

  it('requires the config for schema 2 / OCI', () => {
    expect(() => extractImageMetadata({ name: 'x', manifest: ociManifest, now: '' })).toThrow(ManifestError);
  });

  it('turns a manifest list into sub-manifests with metadata {Id: name, Created: now} and no layers', () => {
    const list = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [
        { mediaType: MEDIA_TYPES.ociManifest, digest: 'sha256:amd', size: 500, platform: { architecture: 'amd64', os: 'linux' } },
        { mediaType: MEDIA_TYPES.ociManifest, digest: 'sha256:arm', size: 501, platform: { architecture: 'arm', os: 'linux', variant: 'v7' } },
      ],
    });
    const out = extractImageMetadata({ name: 'sha256:list', manifest: list, now: '2030-01-01T00:00:00Z' });
    expect(out.layers).toEqual([]);
    expect(out.manifests).toEqual([
      { digest: 'sha256:amd', mediaType: MEDIA_TYPES.ociManifest, manifestSize: 500, architecture: 'amd64', os: 'linux' },
      { digest: 'sha256:arm', mediaType: MEDIA_TYPES.ociManifest, manifestSize: 501, architecture: 'arm', os: 'linux', variant: 'v7' },
    ]);
    expect(out.metadata).toMatchObject({ Id: 'sha256:list', Created: '2030-01-01T00:00:00Z' });
  });

  it('reads schema 1: reversed fsLayers, metadata from the first v1Compatibility', () => {
    const m = JSON.stringify({
      schemaVersion: 1,
      fsLayers: [{ blobSum: 'sha256:top' }, { blobSum: 'sha256:base' }],
      history: [
        { v1Compatibility: JSON.stringify({ id: 'abc', created: '2020-01-01T00:00:00Z', architecture: 'amd64', Size: 7 }) },
        { v1Compatibility: JSON.stringify({ id: 'def', Size: 3 }) },
      ],
    });
    const out = extractImageMetadata({ name: 'x', manifest: m, now: '' });
    expect(out.layers.map((l) => [l.name, l.size, l.mediaType])).toEqual([
      ['sha256:base', 3, MEDIA_TYPES.schema1Layer],
      ['sha256:top', 7, MEDIA_TYPES.schema1Layer],
    ]);
    expect(out.metadata).toMatchObject({ Id: 'abc', Architecture: 'amd64', Size: 10 });
  });

  it('refuses what it cannot read', () => {
    expect(() => extractImageMetadata({ name: 'x', manifest: 'nope', now: '' })).toThrow(ManifestError);
    expect(() => extractImageMetadata({ name: 'x', manifest: '{"schemaVersion":2,"mediaType":"text/plain"}', now: '' })).toThrow('unsupported image manifest type');
  });
});

import { createHash } from 'node:crypto';

/** Test images built from real manifest and config JSON, named by their digest. */

export const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

export interface TestImage {
  name: string;
  manifest: string;
  config: string;
  layers: Array<{ digest: string; size: number }>;
}

export function ociImage(seed: string, arch = 'amd64'): TestImage {
  const config = JSON.stringify({ architecture: arch, os: 'linux', created: '2024-05-01T10:00:00Z', config: { Env: [`SEED=${seed}`], Cmd: ['sh'] } });
  const layers = [
    { digest: sha(`${seed}-base`), size: 1000 },
    { digest: sha(`${seed}-top`), size: 200 },
  ];
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
    layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l })),
  });
  return { name: sha(manifest), manifest, config, layers };
}

export function indexOf(children: Array<{ image: TestImage; arch: string }>): { name: string; manifest: string } {
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: children.map((c) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: c.image.name, size: c.image.manifest.length, platform: { architecture: c.arch, os: 'linux' } })),
  });
  return { name: sha(manifest), manifest };
}

/** The Image input of a mapping or createImage for `img`, pulled from `repo`. */
export const imageInput = (img: { name: string; manifest: string; config?: string }, repo = 'quay.io/test/app') => ({
  metadata: { name: img.name },
  dockerImageReference: `${repo}@${img.name}`,
  dockerImageManifest: img.manifest,
  ...(img.config ? { dockerImageConfig: img.config } : {}),
});

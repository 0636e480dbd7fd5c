import { createHash } from 'node:crypto';
import type { DockerImageMetadata, ImageLayer, ImageManifest } from './image.model.js';

/**
 * Metadata extraction from a manifest and its config (reference §4.2, §5.4,
 * §5.5): the one place that knows manifest formats. Direct image creates and
 * the importer both call `extractImageMetadata`; it is pure (no I/O).
 */

export const MEDIA_TYPES = {
  dockerSchema2: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  schema1Layer: 'application/vnd.docker.container.image.rootfs.diff+x-gzip',
} as const;

export const METADATA_KIND = 'DockerImage';
export const METADATA_API_VERSION = 'image.openshift.io/1.0';
export const METADATA_VERSION = '1.0';

export class ManifestError extends Error {}

export interface ExtractedMetadata {
  mediaType: string;
  /** Base layer first; empty for manifest lists. */
  layers: ImageLayer[];
  /** Only for manifest lists / indexes. */
  manifests?: ImageManifest[];
  metadata: DockerImageMetadata;
  /** The config's `os` (docker10 metadata has no OS key, so it travels beside it). */
  os?: string;
}

export interface ExtractInput {
  /** The image name (its digest); a list's metadata Id is its own name. */
  name: string;
  manifest: string;
  /** Required for schema 2 / OCI image manifests. */
  config?: string;
  /** The manifest's media type when the transport knows it; else read from the manifest. */
  mediaType?: string;
  /** "now" for lists, whose metadata carries the import time. */
  now: string;
}

export function sha256Digest(content: string): string {
  return `sha256:${createHash('sha256').update(content, 'utf8').digest('hex')}`;
}

const LIST_TYPES: readonly string[] = [MEDIA_TYPES.dockerList, MEDIA_TYPES.ociIndex];
const IMAGE_TYPES: readonly string[] = [MEDIA_TYPES.dockerSchema2, MEDIA_TYPES.ociManifest];
const SCHEMA1_TYPES: readonly string[] = [MEDIA_TYPES.dockerSchema1, MEDIA_TYPES.dockerSchema1Signed];

export function isManifestList(mediaType: string | undefined): boolean {
  return mediaType !== undefined && LIST_TYPES.includes(mediaType);
}

function parseJson(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ManifestError(`${what} is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ManifestError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** Media type as declared inside the manifest, with the schema-version fallbacks older registries need. */
function detectMediaType(m: Record<string, unknown>): string {
  if (typeof m.mediaType === 'string' && m.mediaType) return m.mediaType;
  if (m.schemaVersion === 1) return MEDIA_TYPES.dockerSchema1;
  if (Array.isArray(m.manifests)) return MEDIA_TYPES.ociIndex;
  if (m.config && Array.isArray(m.layers)) return MEDIA_TYPES.ociManifest;
  throw new ManifestError('unsupported image manifest type');
}

export function extractImageMetadata(input: ExtractInput): ExtractedMetadata {
  const manifest = parseJson(input.manifest, 'manifest');
  const mediaType = input.mediaType || detectMediaType(manifest);
  if (LIST_TYPES.includes(mediaType)) return fromList(input, manifest, mediaType);
  if (IMAGE_TYPES.includes(mediaType)) return fromSchema2(input, manifest, mediaType);
  if (SCHEMA1_TYPES.includes(mediaType)) return fromSchema1(manifest, mediaType);
  throw new ManifestError('unsupported image manifest type');
}

interface Descriptor {
  mediaType?: string;
  size?: number;
  digest?: string;
  platform?: { architecture?: string; os?: string; variant?: string };
}

function descriptors(value: unknown, what: string): Descriptor[] {
  if (!Array.isArray(value)) throw new ManifestError(`manifest has no ${what}`);
  return value as Descriptor[];
}

function fromList(input: ExtractInput, m: Record<string, unknown>, mediaType: string): ExtractedMetadata {
  const manifests: ImageManifest[] = descriptors(m.manifests, 'manifests').map((d) => ({
    digest: d.digest ?? '',
    mediaType: d.mediaType ?? '',
    manifestSize: Number(d.size ?? 0),
    architecture: d.platform?.architecture ?? '',
    os: d.platform?.os ?? '',
    ...(d.platform?.variant ? { variant: d.platform.variant } : {}),
  }));
  return {
    mediaType,
    layers: [],
    manifests,
    metadata: { kind: METADATA_KIND, apiVersion: METADATA_API_VERSION, Id: input.name, Created: input.now, ContainerConfig: {} },
  };
}

/** Σ sizes of distinct layer digests: a layer used twice is stored once. */
export function distinctLayerBytes(layers: ImageLayer[]): number {
  const seen = new Map<string, number>();
  for (const l of layers) seen.set(l.name, l.size);
  let total = 0;
  for (const size of seen.values()) total += size;
  return total;
}

function fromSchema2(input: ExtractInput, m: Record<string, unknown>, mediaType: string): ExtractedMetadata {
  const layers: ImageLayer[] = descriptors(m.layers, 'layers').map((d) => ({ name: d.digest ?? '', size: Number(d.size ?? 0), mediaType: d.mediaType ?? '' }));
  const configDescriptor = (m.config ?? {}) as Descriptor;
  if (input.config === undefined || input.config === '') throw new ManifestError('the image config is required to read metadata from a schema 2 or OCI manifest');
  const config = parseJson(input.config, 'config');
  const metadata: DockerImageMetadata = {
    kind: METADATA_KIND,
    apiVersion: METADATA_API_VERSION,
    Id: configDescriptor.digest ?? sha256Digest(input.config),
    ...optional('Parent', config.parent),
    ...optional('Comment', config.comment),
    ...optional('Created', config.created),
    ...optional('Container', config.container),
    ContainerConfig: (config.container_config as Record<string, unknown>) ?? {},
    ...optional('DockerVersion', config.docker_version),
    ...optional('Author', config.author),
    ...(config.config && typeof config.config === 'object' ? { Config: config.config as Record<string, unknown> } : {}),
    ...optional('Architecture', config.architecture),
    Size: Buffer.byteLength(input.config, 'utf8') + distinctLayerBytes(layers),
  };
  return { mediaType, layers, metadata, ...(typeof config.os === 'string' ? { os: config.os } : {}) };
}

function fromSchema1(m: Record<string, unknown>, mediaType: string): ExtractedMetadata {
  const history = (Array.isArray(m.history) ? m.history : []) as Array<{ v1Compatibility?: string }>;
  const fsLayers = (Array.isArray(m.fsLayers) ? m.fsLayers : []) as Array<{ blobSum?: string }>;
  if (history.length === 0 || !history[0].v1Compatibility) throw new ManifestError('image has no v1Compatibility history and cannot be used');
  const compat = history.map((h) => (h.v1Compatibility ? parseJson(h.v1Compatibility, 'v1Compatibility') : {}));
  // fsLayers and history run newest first; layers are reported base first.
  const layers: ImageLayer[] = fsLayers
    .map((l, i) => ({ name: l.blobSum ?? '', size: Number(compat[i]?.Size ?? compat[i]?.size ?? 0), mediaType: MEDIA_TYPES.schema1Layer }))
    .reverse();
  const top = compat[0];
  const metadata: DockerImageMetadata = {
    kind: METADATA_KIND,
    apiVersion: METADATA_API_VERSION,
    Id: String(top.id ?? ''),
    ...optional('Parent', top.parent),
    ...optional('Comment', top.comment),
    ...optional('Created', top.created),
    ...optional('Container', top.container),
    ContainerConfig: (top.container_config as Record<string, unknown>) ?? {},
    ...optional('DockerVersion', top.docker_version),
    ...optional('Author', top.author),
    ...(top.config && typeof top.config === 'object' ? { Config: top.config as Record<string, unknown> } : {}),
    ...optional('Architecture', top.architecture),
    Size: distinctLayerBytes(layers),
  };
  return { mediaType, layers, metadata, ...(typeof top.os === 'string' ? { os: top.os } : {}) };
}

function optional(key: string, value: unknown): Record<string, unknown> {
  return value === undefined || value === null || value === '' ? {} : { [key]: value };
}

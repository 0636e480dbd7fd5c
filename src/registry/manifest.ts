import { createHash } from 'node:crypto';
import { RegistryInternalError } from './errors.js';

/** Manifest media types the client asks for and understands (reference §5.4, §5.5). */
export const MediaTypes = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
} as const;

/**
 * Sent as `Accept` on every manifest request. Exact types matter: without
 * them a registry converts schema 2 to schema 1 or answers 404 for OCI.
 */
export const MANIFEST_ACCEPT = [
  MediaTypes.dockerManifestList,
  MediaTypes.ociIndex,
  MediaTypes.dockerManifest,
  MediaTypes.ociManifest,
  // Last, for registries that still hold schema 1 images; listing schema 2 first keeps them from converting.
  MediaTypes.dockerSchema1Signed,
  MediaTypes.dockerSchema1,
].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

export interface PlatformDescriptor extends Descriptor {
  platform?: Platform;
}

/**
 * Docker schema 1 (reference §5.4): no config blob; metadata lives in the
 * `v1Compatibility` JSON strings of `history` (newest first), layers in
 * `fsLayers` (newest first). `payload` is the signed manifest without its
 * signatures, the bytes its digest is computed over.
 */
export interface Schema1Manifest {
  kind: 'schema1';
  mediaType: string;
  name: string;
  tag: string;
  architecture: string;
  fsLayers: string[];
  history: string[];
  payload: Buffer;
}

export type ParsedManifest =
  | { kind: 'image'; mediaType: string; config: Descriptor; layers: Descriptor[] }
  | { kind: 'index'; mediaType: string; manifests: PlatformDescriptor[] }
  | Schema1Manifest;

/**
 * The JWS-signed schema 1 payload: each signature's protected header names
 * how many leading bytes are kept (`formatLength`) and the tail that replaces
 * the signatures (`formatTail`). Unsigned manifests are their own payload.
 */
export function schema1Payload(bytes: Buffer, body: Record<string, unknown>): Buffer {
  const signatures = Array.isArray(body.signatures) ? (body.signatures as Array<{ protected?: unknown }>) : [];
  if (signatures.length === 0) return bytes;
  let header: { formatLength?: unknown; formatTail?: unknown };
  try {
    header = JSON.parse(Buffer.from(String(signatures[0].protected ?? ''), 'base64url').toString('utf8')) as typeof header;
  } catch {
    throw invalid('schema 1 signature header is not JSON');
  }
  const { formatLength, formatTail } = header;
  if (typeof formatLength !== 'number' || !Number.isInteger(formatLength) || formatLength < 0 || formatLength > bytes.length || typeof formatTail !== 'string') {
    throw invalid('schema 1 signature header lacks formatLength/formatTail');
  }
  return Buffer.concat([bytes.subarray(0, formatLength), Buffer.from(formatTail, 'base64url')]);
}

/** `algorithm:hex` of the bytes; sha256 unless the expected digest names another algorithm. */
export function digestOf(bytes: Buffer, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

export function algorithmOf(digest: string): string {
  const algorithm = digest.split(':', 1)[0];
  if (!['sha256', 'sha384', 'sha512'].includes(algorithm)) {
    throw new RegistryInternalError(`unsupported digest algorithm in ${digest}`, 'invalidResponse');
  }
  return algorithm;
}

function isDescriptor(v: unknown): v is Descriptor {
  const d = v as Descriptor;
  return typeof d === 'object' && d !== null && typeof d.digest === 'string' && typeof d.size === 'number' && /^[a-z0-9]+:[a-f0-9]+$/.test(d.digest);
}

function invalid(why: string): RegistryInternalError {
  return new RegistryInternalError(`invalid manifest: ${why}`, 'invalidResponse');
}

/**
 * Decides the manifest kind from the response Content-Type (what the
 * registry says it served), falling back to the body's own `mediaType` and
 * shape for registries that answer a generic type.
 */
export function parseManifest(bytes: Buffer, contentType: string | undefined): ParsedManifest {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw invalid('not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('not a JSON object');
  const declared = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const known = Object.values(MediaTypes) as string[];
  let mediaType = known.includes(declared) ? declared : typeof body.mediaType === 'string' ? body.mediaType : '';
  if (!mediaType) {
    if (body.schemaVersion === 1) mediaType = MediaTypes.dockerSchema1;
    else if (Array.isArray(body.manifests)) mediaType = MediaTypes.ociIndex;
    else if (Array.isArray(body.layers)) mediaType = MediaTypes.ociManifest;
  }
  switch (mediaType) {
    case MediaTypes.dockerManifest:
    case MediaTypes.ociManifest: {
      if (!isDescriptor(body.config)) throw invalid('missing config descriptor');
      const layers = Array.isArray(body.layers) ? body.layers : [];
      if (!layers.every(isDescriptor)) throw invalid('malformed layer descriptor');
      return { kind: 'image', mediaType, config: body.config, layers };
    }
    case MediaTypes.dockerManifestList:
    case MediaTypes.ociIndex: {
      const manifests = Array.isArray(body.manifests) ? body.manifests : [];
      if (!manifests.every(isDescriptor)) throw invalid('malformed manifest descriptor');
      return { kind: 'index', mediaType, manifests: manifests as PlatformDescriptor[] };
    }
    case MediaTypes.dockerSchema1:
    case MediaTypes.dockerSchema1Signed: {
      const fsLayers = Array.isArray(body.fsLayers) ? (body.fsLayers as Array<{ blobSum?: unknown }>) : [];
      const history = Array.isArray(body.history) ? (body.history as Array<{ v1Compatibility?: unknown }>) : [];
      if (!fsLayers.every((l) => typeof l?.blobSum === 'string' && /^[a-z0-9]+:[a-f0-9]+$/.test(l.blobSum))) throw invalid('malformed fsLayers');
      if (!history.every((h) => typeof h?.v1Compatibility === 'string')) throw invalid('malformed history');
      return {
        kind: 'schema1',
        mediaType: body.signatures ? MediaTypes.dockerSchema1Signed : mediaType,
        name: typeof body.name === 'string' ? body.name : '',
        tag: typeof body.tag === 'string' ? body.tag : '',
        architecture: typeof body.architecture === 'string' ? body.architecture : '',
        fsLayers: fsLayers.map((l) => l.blobSum as string),
        history: history.map((h) => h.v1Compatibility as string),
        payload: schema1Payload(bytes, body),
      };
    }
    default:
      throw new RegistryInternalError(`unsupported image manifest type${mediaType ? ` ${mediaType}` : ''}`, 'unsupportedManifest');
  }
}

import { randomUUID } from 'node:crypto';
import { CauseList } from '../../platform/errors.js';
import { tryParseDockerReference } from '../../registry/reference.js';
import { pathSegmentProblems } from '../image-stream/names.rules.js';
import { ANNOTATION_LAYERS_ORDER, ANNOTATION_MANIFEST_BLOB_STORED, type ImageLayer, type ImageManifest, type ImageSignature, type StringMap } from './image.model.js';
import { extractImageMetadata, ManifestError, METADATA_API_VERSION, METADATA_KIND, METADATA_VERSION } from './image-metadata.rules.js';
import type { StoredImage } from './image.store.js';

/** What a client may send as an Image (mappings, direct creates); the server fills the rest. */
export interface ImageWrite {
  metadata?: { name?: string | null; labels?: StringMap | null; annotations?: StringMap | null; resourceVersion?: string | null } | null;
  dockerImageReference?: string | null;
  dockerImageMetadata?: Record<string, unknown> | null;
  dockerImageMetadataVersion?: string | null;
  dockerImageManifest?: string | null;
  dockerImageLayers?: Array<{ name?: string | null; size?: number | null; mediaType?: string | null }> | null;
  dockerImageSignatures?: string[] | null;
  dockerImageManifestMediaType?: string | null;
  dockerImageConfig?: string | null;
  dockerImageManifests?: Array<{ digest?: string | null; mediaType?: string | null; manifestSize?: number | null; architecture?: string | null; os?: string | null; variant?: string | null }> | null;
  signatures?: SignatureWrite[] | null;
}

export interface SignatureWrite {
  metadata?: { name?: string | null; labels?: StringMap | null; annotations?: StringMap | null } | null;
  type?: string | null;
  content?: string | null;
  conditions?: unknown[] | null;
  imageIdentity?: string | null;
  signedClaims?: StringMap | null;
  created?: string | null;
  issuedBy?: unknown | null;
  issuedTo?: unknown | null;
}

const cleanMap = (m: StringMap | null | undefined): StringMap | undefined => (m && Object.keys(m).length ? { ...m } : undefined);

/**
 * Builds the image to store (reference §4.2): metadata derived from manifest
 * and config when the client gave a manifest but no layers; extraction
 * problems are tolerated (the reference logs and ignores them), layers
 * order annotated ascending, raw blobs dropped when the registry stores them.
 */
export function prepareImage(input: ImageWrite, now: string, log?: (msg: string) => void): StoredImage {
  const name = input.metadata?.name ?? '';
  const annotations = { ...(input.metadata?.annotations ?? {}) };
  let layers: ImageLayer[] = (input.dockerImageLayers ?? []).map((l) => ({ name: l.name ?? '', size: Number(l.size ?? 0), mediaType: l.mediaType ?? '' }));
  let manifests: ImageManifest[] | undefined = input.dockerImageManifests?.map((m) => ({
    digest: m.digest ?? '',
    mediaType: m.mediaType ?? '',
    manifestSize: Number(m.manifestSize ?? 0),
    architecture: m.architecture ?? '',
    os: m.os ?? '',
    ...(m.variant ? { variant: m.variant } : {}),
  }));
  let metadata: Record<string, unknown> = { ...(input.dockerImageMetadata ?? {}) };
  let mediaType = input.dockerImageManifestMediaType ?? undefined;
  let os: string | undefined;
  if (input.dockerImageManifest && layers.length === 0 && !manifests?.length) {
    try {
      const extracted = extractImageMetadata({ name, manifest: input.dockerImageManifest, config: input.dockerImageConfig ?? undefined, mediaType, now });
      layers = extracted.layers;
      manifests = extracted.manifests;
      metadata = extracted.metadata;
      mediaType = extracted.mediaType;
      os = extracted.os;
      if (!extracted.manifests) annotations[ANNOTATION_LAYERS_ORDER] = 'ascending';
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e;
      log?.(`image ${name}: metadata not extracted: ${e.message}`);
    }
  }
  if (annotations[ANNOTATION_LAYERS_ORDER]) annotations[ANNOTATION_LAYERS_ORDER] = 'ascending';
  const blobStored = annotations[ANNOTATION_MANIFEST_BLOB_STORED] === 'true';
  metadata = { ...metadata, kind: METADATA_KIND, apiVersion: METADATA_API_VERSION };
  return {
    metadata: { name, uid: randomUUID(), resourceVersion: '', creationTimestamp: now, ...(cleanMap(input.metadata?.labels) ? { labels: cleanMap(input.metadata?.labels) } : {}), ...(cleanMap(annotations) ? { annotations: cleanMap(annotations) } : {}) },
    dockerImageReference: input.dockerImageReference ?? '',
    dockerImageMetadata: metadata,
    dockerImageMetadataVersion: input.dockerImageMetadataVersion || METADATA_VERSION,
    ...(input.dockerImageManifest && !blobStored ? { dockerImageManifest: input.dockerImageManifest } : {}),
    dockerImageLayers: layers,
    ...(input.dockerImageSignatures?.length ? { dockerImageSignatures: [...input.dockerImageSignatures] } : {}),
    ...(mediaType ? { dockerImageManifestMediaType: mediaType } : {}),
    ...(input.dockerImageConfig && !blobStored ? { dockerImageConfig: input.dockerImageConfig } : {}),
    ...(manifests?.length ? { dockerImageManifests: manifests } : {}),
    ...(os ? { os } : {}),
  };
}

const MAX_NAME_LENGTH = 253;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

/** Image validation (reference §2.4); `prefix` is `image.` inside a mapping. */
export function validateImage(image: StoredImage, causes: CauseList, prefix = ''): void {
  const name = image.metadata.name;
  if (!name) causes.required(`${prefix}metadata.name`, 'name or generateName is required');
  else for (const p of pathSegmentProblems(name)) causes.invalid(`${prefix}metadata.name`, name, p);
  // The Kubernetes object name limit; longer names also overflow the primary key's index entry (an INTERNAL error before).
  if (name && name.length > MAX_NAME_LENGTH) causes.invalid(`${prefix}metadata.name`, `${name.slice(0, 20)}…`, `must be no more than ${MAX_NAME_LENGTH} characters`);
  if (!image.dockerImageReference) causes.required(`${prefix}dockerImageReference`);
  else {
    const { error } = tryParseDockerReference(image.dockerImageReference);
    if (error) causes.invalid(`${prefix}dockerImageReference`, image.dockerImageReference, error);
  }
  (image.dockerImageManifests ?? []).forEach((m, i) => {
    const f = `${prefix}dockerImageManifests[${i}]`;
    if (!DIGEST.test(m.digest)) causes.invalid(`${f}.digest`, m.digest, 'digest does not conform with OCI image specification');
    if (!MEDIA_TYPE.test(m.mediaType)) causes.invalid(`${f}.mediaType`, m.mediaType, 'media type does not conform to RFC6838');
    if (!m.architecture) causes.required(`${f}.architecture`);
    if (!m.os) causes.required(`${f}.os`);
    if (m.manifestSize < 0) causes.invalid(`${f}.size`, m.manifestSize, 'manifest size cannot be negative');
  });
  if (image.dockerImageManifests?.length && image.dockerImageLayers.length) {
    causes.invalid(`${prefix}dockerImageLayers`, image.dockerImageLayers.length, 'dockerImageLayers should not be set when dockerImageManifests is set');
  }
}

/** `<image>@<signature>`, both parts non-empty (reference §2.1). */
export function splitSignatureName(name: string): { image: string; signature: string } | undefined {
  const parts = name.split('@');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { image: parts[0], signature: parts[1] };
}

/**
 * A signature as a client creates it (reference §1.5, §2.5): server-populated
 * fields are cleared, labels and annotations are refused.
 */
export function prepareSignature(input: SignatureWrite, now: string): { signature?: ImageSignature; causes: CauseList } {
  const causes = new CauseList();
  const name = input.metadata?.name ?? '';
  const split = splitSignatureName(name);
  if (!name) causes.required('metadata.name');
  else if (!split) causes.invalid('metadata.name', name, 'name must be of format <imageName>@<signatureName>');
  if (input.metadata?.labels && Object.keys(input.metadata.labels).length) causes.invalid('metadata.labels', input.metadata.labels, 'signature labels cannot be set');
  if (input.metadata?.annotations && Object.keys(input.metadata.annotations).length) causes.invalid('metadata.annotations', input.metadata.annotations, 'signature annotations cannot be set');
  if (!input.type) causes.required('type');
  if (!input.content) causes.required('content');
  else if (!/^[A-Za-z0-9+/]*={0,2}$/.test(input.content)) causes.invalid('content', '<bytes>', 'must be base64-encoded bytes');
  if (!causes.empty || !split) return { causes };
  return {
    causes,
    signature: { metadata: { name, uid: randomUUID(), resourceVersion: '', creationTimestamp: now }, imageName: split.image, type: input.type!, content: input.content! },
  };
}

/**
 * An image as the virtual ImageStreamTag / ImageStreamImage resources show
 * it (reference §3.8, §6.7): the raw manifest and config are blanked.
 */
export function withoutRawBlobs<T extends { dockerImageManifest?: string; dockerImageConfig?: string }>(image: T): T {
  const { dockerImageManifest: _m, dockerImageConfig: _c, ...rest } = image;
  return rest as T;
}

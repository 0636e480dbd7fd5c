import type { ImageStream } from '../image-stream/image-stream.model.js';
import type { StoredImage } from '../image/image.store.js';

/**
 * ImageStreamImport as the OpenShift v1 JSON has it (reference §1.8):
 * `spec` says what to import, `status` answers per image. Services and both
 * edges speak this shape.
 */

export interface ImportPolicy {
  insecure: boolean;
  scheduled: boolean;
  importMode: string;
}

export interface ImageImportSpec {
  from: { kind: string; name: string };
  to?: { name: string };
  importPolicy: ImportPolicy;
  referencePolicy: { type: string };
  includeManifest: boolean;
}

export interface RepositoryImportSpec {
  from: { kind: string; name: string };
  importPolicy: ImportPolicy;
  referencePolicy: { type: string };
  includeManifest: boolean;
}

export interface ImageStreamImportSpec {
  import: boolean;
  images?: ImageImportSpec[];
  repository?: RepositoryImportSpec;
}

/** A metav1.Status without kind/apiVersion, as per-image results carry it. */
export interface ImportStatus {
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  code?: number;
  details?: { name: string; group: string; kind: string };
}

export interface ImageImportStatus {
  status: ImportStatus;
  image?: StoredImage;
  tag?: string;
  manifests?: StoredImage[];
}

export interface RepositoryImportStatus {
  status: ImportStatus;
  images?: ImageImportStatus[];
  additionalTags?: string[];
}

export interface ImageStreamImport {
  metadata: { name: string; namespace: string; resourceVersion?: string; uid?: string };
  spec: ImageStreamImportSpec;
  status: {
    import?: ImageStream;
    repository?: RepositoryImportStatus;
    images?: ImageImportStatus[];
  };
}

/** What a client may send (GraphQL input, REST body): anything may be missing. */
export interface ImportPolicyWrite {
  insecure?: boolean | null;
  scheduled?: boolean | null;
  importMode?: string | null;
}

export interface ImageImportSpecWrite {
  from?: { kind?: string | null; name?: string | null } | null;
  to?: { name?: string | null } | null;
  importPolicy?: ImportPolicyWrite | null;
  referencePolicy?: { type?: string | null } | null;
  includeManifest?: boolean | null;
}

export interface ImageStreamImportWrite {
  metadata?: { name?: string | null; namespace?: string | null; resourceVersion?: string | null; uid?: string | null } | null;
  spec?: {
    import?: boolean | null;
    images?: ImageImportSpecWrite[] | null;
    repository?: Omit<ImageImportSpecWrite, 'to'> | null;
  } | null;
}

export const IMAGE_STREAM_IMPORT_KIND = 'ImageStreamImport';
export const IMAGE_STREAM_IMPORT_RESOURCE = 'imagestreamimports';
export const ANNOTATION_REPOSITORY_CHECK = 'openshift.io/image.dockerRepositoryCheck';
export const ANNOTATION_PREFER_ARCH = 'importer.image.openshift.io/prefer-arch';
export const ANNOTATION_PREFER_OS = 'importer.image.openshift.io/prefer-os';
export const CONDITION_IMPORT_SUCCESS = 'ImportSuccess';

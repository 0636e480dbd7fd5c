/**
 * The Image and its parts as the OpenShift v1 JSON has them (reference §1.4,
 * §1.5). Services, stores and edges speak this shape.
 */

export type StringMap = Record<string, string>;

export interface ImageMeta {
  name: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  labels?: StringMap;
  annotations?: StringMap;
}

export interface ImageLayer {
  name: string;
  size: number;
  mediaType: string;
}

export interface ImageManifest {
  digest: string;
  mediaType: string;
  manifestSize: number;
  architecture: string;
  os: string;
  variant?: string;
}

export interface SignatureCondition {
  type: string;
  status: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface SignatureIssuer {
  organization?: string;
  commonName?: string;
}

export interface SignatureSubject extends SignatureIssuer {
  publicKeyID?: string;
}

export interface ImageSignature {
  /** resourceVersion is the image's: a signature changes with (and inside) its image. */
  metadata: { name: string; uid: string; resourceVersion: string; creationTimestamp: string };
  /** The image this signature belongs to (the part before `@`). */
  imageName: string;
  type: string;
  /** Base64 of the opaque signature bytes, as the JSON carries `[]byte`. */
  content: string;
  conditions?: SignatureCondition[];
  imageIdentity?: string;
  signedClaims?: StringMap;
  created?: string;
  issuedBy?: SignatureIssuer;
  issuedTo?: SignatureSubject;
}

/** `dockerImageMetadata`: the docker10 image object with capitalised keys. */
export type DockerImageMetadata = Record<string, unknown> & {
  kind?: string;
  apiVersion?: string;
  Id?: string;
  Created?: string;
  Architecture?: string;
  Size?: number;
  Config?: Record<string, unknown>;
};

export interface Image {
  metadata: ImageMeta;
  dockerImageReference: string;
  dockerImageMetadata: DockerImageMetadata;
  dockerImageMetadataVersion: string;
  dockerImageManifest?: string;
  dockerImageLayers: ImageLayer[];
  signatures?: ImageSignature[];
  dockerImageSignatures?: string[];
  dockerImageManifestMediaType?: string;
  dockerImageConfig?: string;
  dockerImageManifests?: ImageManifest[];
}

export const IMAGE_RESOURCE = 'images';
export const IMAGE_KIND = 'Image';
export const IMAGE_SIGNATURE_RESOURCE = 'imageSignatures';
export const IMAGE_SIGNATURE_AUTH_RESOURCE = 'imagesignatures';

export const ANNOTATION_MANAGED = 'openshift.io/image.managed';
export const ANNOTATION_LAYERS_ORDER = 'image.openshift.io/dockerLayersOrder';
export const ANNOTATION_MANIFEST_BLOB_STORED = 'image.openshift.io/manifestBlobStored';

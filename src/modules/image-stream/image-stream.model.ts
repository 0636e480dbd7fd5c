/**
 * The ImageStream as the OpenShift v1 JSON has it. Services, the store and
 * both edges speak this shape; GraphQL types and REST bodies mirror it.
 */

export type StringMap = Record<string, string>;

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid: string;
  resourceVersion: string;
  generation: number;
  creationTimestamp: string;
  labels?: StringMap;
  annotations?: StringMap;
}

export interface ObjectReference {
  kind: string;
  name: string;
  namespace?: string;
  apiVersion?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface TagImportPolicy {
  insecure?: boolean;
  scheduled?: boolean;
  importMode?: string;
}

export interface TagReferencePolicy {
  type: string;
}

export interface TagReference {
  name: string;
  annotations: StringMap | null;
  from?: ObjectReference;
  reference?: boolean;
  generation: number | null;
  importPolicy: TagImportPolicy;
  referencePolicy: TagReferencePolicy;
}

export interface TagEvent {
  created: string;
  dockerImageReference: string;
  image: string;
  generation: number;
}

export interface TagEventCondition {
  type: string;
  status: string;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
  generation: number;
}

export interface NamedTagEventList {
  tag: string;
  items: TagEvent[] | null;
  conditions?: TagEventCondition[];
}

export interface ImageStreamSpec {
  lookupPolicy: { local: boolean };
  dockerImageRepository?: string;
  tags?: TagReference[];
}

export interface ImageStreamStatus {
  dockerImageRepository: string;
  publicDockerImageRepository?: string;
  tags?: NamedTagEventList[];
}

export interface ImageStream {
  metadata: ObjectMeta;
  spec: ImageStreamSpec;
  status: ImageStreamStatus;
}

/** What a client may send: any part may be missing; the server fills and checks it. */
export interface ImageStreamWrite {
  metadata?: {
    name?: string | null;
    generateName?: string | null;
    namespace?: string | null;
    resourceVersion?: string | null;
    uid?: string | null;
    labels?: StringMap | null;
    annotations?: StringMap | null;
  } | null;
  spec?: {
    lookupPolicy?: { local?: boolean | null } | null;
    dockerImageRepository?: string | null;
    tags?: Array<TagReferenceWrite> | null;
  } | null;
  status?: {
    tags?: Array<{
      tag: string;
      items?: Array<Partial<TagEvent> & { dockerImageReference?: string | null }> | null;
      conditions?: Array<Partial<TagEventCondition>> | null;
    }> | null;
  } | null;
}

export interface TagReferenceWrite {
  name: string;
  annotations?: StringMap | null;
  from?: { kind?: string | null; name?: string | null; namespace?: string | null } | null;
  reference?: boolean | null;
  generation?: number | null;
  importPolicy?: { insecure?: boolean | null; scheduled?: boolean | null; importMode?: string | null } | null;
  referencePolicy?: { type?: string | null } | null;
}

export const IMAGE_STREAM_KIND = 'ImageStream';
export const IMAGE_STREAM_RESOURCE = 'imagestreams';

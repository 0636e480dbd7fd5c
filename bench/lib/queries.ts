import { createHash } from 'node:crypto';

/** The benchmark operations, shared by the scenarios so they measure the same thing. */

const STREAM_FIELDS = `metadata { name namespace uid resourceVersion generation creationTimestamp labels annotations }
  spec { lookupPolicy { local } tags { name annotations generation reference from { kind name namespace } importPolicy { importMode insecure scheduled } referencePolicy { type } } }
  status { dockerImageRepository tags { tag items { created dockerImageReference imageName generation } conditions { type status reason message generation } } }`;

/** One stream, every field the REST object carries. */
export const STREAM_QUERY = `query($ns: String!, $name: String!) { imageStream(namespace: $ns, name: $name) { ${STREAM_FIELDS} } }`;

/**
 * A page of a namespace's streams with what `oc get imagestreams` shows
 * (name, repository, tags, when they were updated): a whole stream of the
 * dataset is about 30 KB, so a page of 500 whole streams would measure
 * moving 15 MB rather than the service.
 */
export const LIST_QUERY = `query($ns: String, $first: Int) { imageStreams(namespace: $ns, first: $first) { resourceVersion nodes {
  metadata { name namespace resourceVersion creationTimestamp } status { dockerImageRepository tags { tag items { created } } } } } }`;

/** The N+1 check: streams → tags → history → images → platform manifests → their images → signatures, and back to tags. */
export const GRAPH_WALK_QUERY = `query($ns: String, $first: Int) { imageStreams(namespace: $ns, first: $first) { nodes {
  metadata { name }
  status { tags { tag items { imageName image {
    metadata { name } dockerImageMetadata { size architecture } dockerImageLayers { name size }
    signatures { metadata { name } }
    dockerImageManifests { digest image { metadata { name } dockerImageLayers { name } signatures { metadata { name } } } }
    imageStreamTags { metadata { name } } } } } } } } }`;

/** What a registry sends after a push: a tag of `name` now points at an (existing) image. */
export const MAPPING_MUTATION = `mutation($ns: String!, $m: ImageStreamMappingInput!) { createImageStreamMapping(namespace: $ns, mapping: $m) { metadata { resourceVersion } tag } }`;

export const TYPENAME_QUERY = '{ __typename }';

/** The name of dataset image `i` (see dataset.ts: sha256 of `bench-image-<i>`). */
export function datasetImageName(i: number): string {
  return `sha256:${createHash('sha256').update(`bench-image-${i}`).digest('hex')}`;
}

export function mappingVariables(namespace: string, stream: string, tag: string, image: string): Record<string, unknown> {
  return { ns: namespace, m: { metadata: { name: stream }, tag, image: { metadata: { name: image }, dockerImageReference: `quay.io/bench/${stream}@${image}` } } };
}

export function body(query: string, variables?: Record<string, unknown>): string {
  return JSON.stringify({ query, variables });
}

import type { ImageStream, ImageStreamWrite, ObjectMeta, TagEventCondition, TagReference, TagReferenceWrite } from '../image-stream/image-stream.model.js';
import type { StoredStream } from '../image-stream/image-stream.store.js';

/** The ImageStreamTag virtual resource, built from a stream (reference §1.6, §3.8). */
export interface ImageStreamTagView {
  metadata: Omit<ObjectMeta, 'generation'>;
  tag: TagReference | null;
  generation: number | null;
  lookupPolicy: { local: boolean };
  conditions?: TagEventCondition[];
  /** items[0].image; null while the tag has no image yet. */
  imageName: string | null;
  /**
   * The pull spec the tag's image is shown with (§3.8): through this
   * stream's repository when the spec tag's referencePolicy is Local and the
   * stream has one, else items[0].dockerImageReference.
   */
  imageReference: string | null;
}

/**
 * The view of `tag` in `stream`, or undefined when the tag is in neither
 * spec nor status. Name `<stream>:<tag>`, uid and resourceVersion the
 * stream's, created = items[0].created, annotations from the spec tag.
 */
export function imageStreamTagView(stream: ImageStream, tag: string): ImageStreamTagView | undefined {
  const spec = stream.spec.tags?.find((t) => t.name === tag) ?? null;
  const status = stream.status.tags?.find((t) => t.tag === tag);
  if (!spec && !status) return undefined;
  const current = status?.items?.[0];
  return {
    metadata: {
      name: `${stream.metadata.name}:${tag}`,
      namespace: stream.metadata.namespace,
      uid: stream.metadata.uid,
      resourceVersion: stream.metadata.resourceVersion,
      creationTimestamp: current?.created ?? stream.metadata.creationTimestamp,
      ...(stream.metadata.labels ? { labels: stream.metadata.labels } : {}),
      ...(spec?.annotations ? { annotations: spec.annotations } : {}),
    },
    tag: spec,
    generation: current ? current.generation : null,
    lookupPolicy: stream.spec.lookupPolicy,
    ...(status?.conditions?.length ? { conditions: status.conditions } : {}),
    imageName: current?.image || null,
    imageReference: current ? resolvedReference(stream, spec, current.image, current.dockerImageReference) : null,
  };
}

function resolvedReference(stream: ImageStream, spec: TagReference | null, image: string, reference: string): string {
  const repository = stream.status.dockerImageRepository;
  return spec?.referencePolicy.type === 'Local' && repository && image ? `${repository}@${image}` : reference;
}

/**
 * The image as an ImageStreamTag shows it: raw blobs blanked, the
 * resolved pull spec, and the spec tag's annotations merged over the
 * image's (reference §3.8).
 */
export function imageAsSeenThroughTag<T extends { metadata: { annotations?: Record<string, string> }; dockerImageReference: string; dockerImageManifest?: string; dockerImageConfig?: string }>(
  image: T,
  view: ImageStreamTagView,
): T {
  const { dockerImageManifest: _m, dockerImageConfig: _c, ...rest } = image;
  const annotations = { ...(image.metadata.annotations ?? {}), ...(view.tag?.annotations ?? {}) };
  return {
    ...rest,
    metadata: { ...image.metadata, ...(Object.keys(annotations).length ? { annotations } : {}) },
    dockerImageReference: view.imageReference ?? image.dockerImageReference,
  } as T;
}

/** The stream write that sets one spec tag (the rest of the stream kept), or creates the stream with it. */
export function withSpecTag(current: ImageStream | undefined, name: string, tag: TagReferenceWrite): ImageStreamWrite {
  if (!current) return { metadata: { name }, spec: { tags: [tag] } };
  const tags = [...(current.spec.tags ?? []).filter((t) => t.name !== tag.name), tag];
  return { metadata: current.metadata, spec: { ...current.spec, tags } };
}

/** The stream without `tag` in spec and status (reference §3.7); undefined when it is in neither. */
export function withoutTag(current: StoredStream, tag: string): StoredStream | undefined {
  const inSpec = (current.spec.tags ?? []).some((t) => t.name === tag);
  const inStatus = (current.status.tags ?? []).some((t) => t.tag === tag);
  if (!inSpec && !inStatus) return undefined;
  const { tags: _spec, ...spec } = current.spec;
  const specTags = (current.spec.tags ?? []).filter((t) => t.name !== tag);
  const statusTags = (current.status.tags ?? []).filter((t) => t.tag !== tag);
  return { ...current, spec: specTags.length ? { ...spec, tags: specTags } : spec, status: statusTags.length ? { tags: statusTags } : {} };
}

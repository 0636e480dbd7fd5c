import { isDeepStrictEqual } from 'node:util';
import { CauseList } from '../../platform/errors.js';
import { repositoryOf, tryParseDockerReference } from '../../registry/reference.js';
import type {
  ImageStream,
  ImageStreamSpec,
  ImageStreamWrite,
  NamedTagEventList,
  StringMap,
  TagEvent,
  TagEventCondition,
  TagReference,
  TagReferenceWrite,
} from './image-stream.model.js';
import { namespaceProblem, validateNamespace } from '../../platform/namespace.rules.js';
import { validateStreamName } from './names.rules.js';

/** Pure rules of the ImageStream resource: defaults, validation, generations, ordering. */

export const TAG_FROM_KINDS = ['DockerImage', 'ImageStreamImage', 'ImageStreamTag'] as const;
export const REFERENCE_POLICY_TYPES = ['Source', 'Local'] as const;
export const IMPORT_MODES = ['Legacy', 'PreserveOriginal'] as const;

export interface StreamDefaults {
  importMode: string;
}

function cleanMap(m: StringMap | null | undefined): StringMap | undefined {
  return m && Object.keys(m).length > 0 ? { ...m } : undefined;
}

/**
 * Normalises client spec tags: defaults (referencePolicy Source, importMode
 * from configuration), duplicates collapsed (the last one wins, as the
 * reference's map storage does), sorted by name.
 */
export function normaliseSpecTags(tags: TagReferenceWrite[] | null | undefined, defaults: StreamDefaults): TagReference[] {
  const byName = new Map<string, TagReference>();
  for (const t of tags ?? []) {
    const from = t.from
      ? {
          kind: t.from.kind ?? '',
          name: t.from.name ?? '',
          ...(t.from.namespace ? { namespace: t.from.namespace } : {}),
        }
      : undefined;
    byName.set(t.name, {
      name: t.name,
      annotations: t.annotations ? { ...t.annotations } : null,
      ...(from ? { from } : {}),
      ...(t.reference ? { reference: true } : {}),
      generation: t.generation ?? null,
      importPolicy: {
        ...(t.importPolicy?.insecure ? { insecure: true } : {}),
        ...(t.importPolicy?.scheduled ? { scheduled: true } : {}),
        importMode: t.importPolicy?.importMode || defaults.importMode,
      },
      referencePolicy: { type: t.referencePolicy?.type || 'Source' },
    });
  }
  return sortByName([...byName.values()]);
}

export function sortByName<T extends { name: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function sortByTag<T extends { tag: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}

export function normaliseSpec(spec: ImageStreamWrite['spec'], defaults: StreamDefaults): ImageStreamSpec {
  const tags = normaliseSpecTags(spec?.tags, defaults);
  return {
    lookupPolicy: { local: spec?.lookupPolicy?.local ?? false },
    ...(spec?.dockerImageRepository ? { dockerImageRepository: spec.dockerImageRepository } : {}),
    ...(tags.length ? { tags } : {}),
  };
}

export function normaliseLabels(meta: ImageStreamWrite['metadata']): { labels?: StringMap; annotations?: StringMap } {
  return { labels: cleanMap(meta?.labels), annotations: cleanMap(meta?.annotations) };
}

/** Validation of a stream as a whole (reference §2.1, §2.3); every problem is collected. */
export function validateImageStream(stream: Pick<ImageStream, 'metadata' | 'spec'>): CauseList {
  const causes = new CauseList();
  validateNamespace(stream.metadata.namespace, causes);
  validateStreamName(stream.metadata.namespace, stream.metadata.name, causes);
  validateLabelMaps(stream.metadata.labels, stream.metadata.annotations, causes);
  const repo = stream.spec.dockerImageRepository;
  if (repo) {
    const { ref, error } = tryParseDockerReference(repo);
    if (error) causes.invalid('spec.dockerImageRepository', repo, error);
    else if (ref!.tag) causes.invalid('spec.dockerImageRepository', repo, 'the repository name may not contain a tag');
    else if (ref!.digest) causes.invalid('spec.dockerImageRepository', repo, 'the repository name may not contain an ID');
  }
  for (const tag of stream.spec.tags ?? []) validateTagReference(tag, `spec.tags[${tag.name}]`, causes);
  return causes;
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

function validateLabelMaps(labels: StringMap | undefined, annotations: StringMap | undefined, causes: CauseList): void {
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (!LABEL_KEY.test(k) || k.split('/').pop()!.length > 63) causes.invalid('metadata.labels', k, 'name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character');
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) causes.invalid(`metadata.labels`, v, 'a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character');
  }
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    if (!LABEL_KEY.test(k)) causes.invalid('metadata.annotations', k, 'name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character');
    size += k.length + (typeof v === 'string' ? v.length : 0);
  }
  if (size > ANNOTATIONS_MAX_BYTES) causes.add({ field: 'metadata.annotations', reason: 'FieldValueTooLong', message: `Too long: must have at most ${ANNOTATIONS_MAX_BYTES} bytes` });
}

const TAG_NAME = /^[\w][\w.-]{0,127}$/;
const TAG_NAME_PROBLEM = 'a tag must match "[\\w][\\w.-]{0,127}"';
const MAX_IMAGE_NAME_LENGTH = 253;

export function validateTagReference(tag: TagReference, field: string, causes: CauseList): void {
  if (!tag.name) causes.required(`${field}.name`);
  else if (!TAG_NAME.test(tag.name)) causes.invalid(`${field}.name`, tag.name, TAG_NAME_PROBLEM);
  const from = tag.from;
  if (from) {
    if (!from.name) causes.required(`${field}.from.name`);
    switch (from.kind) {
      case 'DockerImage': {
        if (from.name) {
          const { error } = tryParseDockerReference(from.name);
          if (error) causes.invalid(`${field}.from.name`, from.name, error);
        }
        break;
      }
      case 'ImageStreamTag':
      case 'ImageStreamImage':
        if (tag.importPolicy.scheduled) {
          causes.invalid(`${field}.importPolicy.scheduled`, true, 'only tags pointing to Docker repositories may be scheduled for background import');
        }
        break;
      default:
        causes.required(`${field}.from.kind`, "valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag'");
    }
    if (from.namespace) {
      const ns = from.namespace;
      const problem = namespaceProblem(ns);
      if (problem) causes.invalid(`${field}.from.namespace`, ns, problem);
    }
  }
  if (!(REFERENCE_POLICY_TYPES as readonly string[]).includes(tag.referencePolicy.type)) {
    causes.invalid(`${field}.referencePolicy.type`, tag.referencePolicy.type, 'valid values are "Source", "Local"');
  }
  const mode = tag.importPolicy.importMode ?? '';
  if (mode !== '' && !(IMPORT_MODES as readonly string[]).includes(mode)) {
    causes.invalid(`${field}.importPolicy.importMode`, mode, "invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'");
  }
}

/** A spec tag counts as changed for re-resolution and generation (reference §3.2). */
export function isSpecTagChanged(previous: TagReference | undefined, next: TagReference, streamNamespace: string): boolean {
  if (!next.from || !next.from.name) return false;
  if (!previous || !previous.from) return true;
  const ns = (r: TagReference) => r.from?.namespace || streamNamespace;
  return (
    ns(previous) !== ns(next) ||
    previous.from.name !== next.from.name ||
    Boolean(previous.reference) !== Boolean(next.reference) ||
    (previous.importPolicy.importMode ?? '') !== (next.importPolicy.importMode ?? '') ||
    (next.generation === 0 && (previous.generation ?? 0) !== 0)
  );
}

/**
 * Server-owned generations on a main-resource update (reference §3.1):
 * old values restored (clients cannot choose them), the stream generation
 * bumped by one iff the spec changed, and every new or changed tag — or one
 * the client reset to 0 to ask for re-import — stamped with it.
 */
export function applyGenerations(previous: ImageStream, next: ImageStreamSpec): { generation: number; spec: ImageStreamSpec } {
  const oldTags = new Map((previous.spec.tags ?? []).map((t) => [t.name, t]));
  const restored = (next.tags ?? []).map((t) => {
    const old = oldTags.get(t.name);
    if (t.generation === 0) return { ...t, generation: 0 };
    return { ...t, generation: old ? old.generation : null };
  });
  const candidate: ImageStreamSpec = { ...next, ...(restored.length ? { tags: restored } : {}) };
  const specChanged = !isDeepStrictEqual(stripTagGenerations(previous.spec), stripTagGenerations(candidate)) || restored.some((t) => t.generation === 0 && (oldTags.get(t.name)?.generation ?? 0) !== 0);
  const generation = specChanged || previous.metadata.generation === 0 ? previous.metadata.generation + 1 : previous.metadata.generation;
  const tags = restored.map((t) => {
    const old = oldTags.get(t.name);
    const stamp = !old || isSpecTagChanged(old, t, previous.metadata.namespace) || !t.generation;
    return stamp ? { ...t, generation } : t;
  });
  return { generation, spec: { ...candidate, ...(tags.length ? { tags } : {}) } };
}

function stripTagGenerations(spec: ImageStreamSpec): unknown {
  return { ...spec, tags: (spec.tags ?? []).map(({ generation: _g, ...rest }) => rest) };
}

/** On create every tag starts at generation 1, whatever the client sent (§1.10). */
export function stampCreateGenerations(spec: ImageStreamSpec): ImageStreamSpec {
  if (!spec.tags) return spec;
  return { ...spec, tags: spec.tags.map((t) => ({ ...t, generation: 1 })) };
}

/** status.dockerImageRepository and publicDockerImageRepository, from configuration (§3.5). */
export function computeRepositories(
  namespace: string,
  name: string,
  specRepository: string | undefined,
  registries: { internal?: string; public?: string },
): { dockerImageRepository: string; publicDockerImageRepository?: string } {
  const internal = registries.internal ? `${registries.internal}/${namespace || 'default'}/${name}` : stripTagAndDigest(specRepository ?? '');
  return {
    dockerImageRepository: internal,
    ...(registries.public ? { publicDockerImageRepository: `${registries.public}/${namespace || 'default'}/${name}` } : {}),
  };
}

/** Legacy data may carry a tag or digest in a repository field; output never does (§1.1). */
export function stripTagAndDigest(repository: string): string {
  if (!repository) return repository;
  const { ref } = tryParseDockerReference(repository);
  return ref ? repositoryOf(ref) : repository;
}

/** Status tags written through /status: sorted, deduplicated, generations filled (§8.4). */
export function normaliseStatusTags(
  tags: NonNullable<NonNullable<ImageStreamWrite['status']>['tags']>,
  now: string,
  streamGeneration: number,
): NamedTagEventList[] {
  const byTag = new Map<string, NamedTagEventList>();
  for (const t of tags) {
    const items: TagEvent[] | null = t.items
      ? t.items.map((i) => ({
          created: i.created || now,
          dockerImageReference: i.dockerImageReference ?? '',
          image: i.image ?? '',
          generation: i.generation ?? streamGeneration,
        }))
      : null;
    const conditions: TagEventCondition[] = (t.conditions ?? []).map((c) => ({
      type: c.type ?? '',
      status: c.status ?? '',
      lastTransitionTime: c.lastTransitionTime || now,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: c.message } : {}),
      generation: c.generation ?? streamGeneration,
    }));
    byTag.set(t.tag, { tag: t.tag, items: items && items.length ? items : null, ...(conditions.length ? { conditions } : {}) });
  }
  return sortByTag([...byTag.values()]);
}

export function validateStatusTags(tags: NamedTagEventList[], causes: CauseList): void {
  for (const t of tags) {
    // A tag is part of the history's key: a name of thousands of characters overflowed its index (INTERNAL).
    if (!t.tag) causes.required('status.tags.tag');
    else if (!TAG_NAME.test(t.tag)) causes.invalid('status.tags.tag', t.tag, TAG_NAME_PROBLEM);
    (t.items ?? []).forEach((item, i) => {
      // Histories are indexed by image too: an image name is at most 253 characters, as Image names are.
      if (item.image && item.image.length > MAX_IMAGE_NAME_LENGTH) causes.invalid(`status.tags[${t.tag}].items[${i}].image`, item.image, `must be no more than ${MAX_IMAGE_NAME_LENGTH} characters`);
      const field = `status.tags[${t.tag}].items[${i}].dockerImageReference`;
      if (!item.dockerImageReference) causes.required(field);
      else {
        const { error } = tryParseDockerReference(item.dockerImageReference);
        if (error) causes.invalid(field, item.dockerImageReference, error);
      }
      if (!isTimestamp(item.created)) causes.invalid(`status.tags[${t.tag}].items[${i}].created`, item.created, TIMESTAMP_PROBLEM);
    });
    (t.conditions ?? []).forEach((c, i) => {
      if (!isTimestamp(c.lastTransitionTime)) causes.invalid(`status.tags[${t.tag}].conditions[${i}].lastTransitionTime`, c.lastTransitionTime, TIMESTAMP_PROBLEM);
      if (!['True', 'False', 'Unknown'].includes(c.status)) causes.invalid(`status.tags[${t.tag}].conditions[${i}].status`, c.status, 'valid values are "True", "False", "Unknown"');
      if (!c.type) causes.required(`status.tags[${t.tag}].conditions[${i}].type`);
    });
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const TIMESTAMP_PROBLEM = 'must be an RFC 3339 timestamp such as "2024-05-01T10:00:00Z"';

/** A client's timestamp the store can hold (before: an unparsable one failed in the database driver, INTERNAL). */
function isTimestamp(value: string): boolean {
  return RFC3339.test(value) && !Number.isNaN(Date.parse(value));
}

/** Kubernetes timestamps are RFC 3339 with second precision. */
export function formatTimestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

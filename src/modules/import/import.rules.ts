import { CauseList } from '../../platform/errors.js';
import { tryParseDockerReference } from '../../registry/reference.js';
import type { NamedTagEventList, TagEventCondition, TagReference } from '../image-stream/image-stream.model.js';
import { validateStreamName } from '../image-stream/names.rules.js';
import type { StoredStream } from '../image-stream/image-stream.store.js';
import { applyTagEvent } from '../tag-history/tag-history.rules.js';
import {
  ANNOTATION_PREFER_ARCH,
  ANNOTATION_PREFER_OS,
  ANNOTATION_REPOSITORY_CHECK,
  CONDITION_IMPORT_SUCCESS,
  IMAGE_STREAM_IMPORT_KIND,
  type ImageImportSpec,
  type ImageStreamImportSpec,
  type ImageStreamImportWrite,
  type ImportPolicy,
  type ImportPolicyWrite,
  type ImportStatus,
} from './import.model.js';

/**
 * Pure rules of ImageStreamImport (reference §1.8, §2.8, §5.5, §5.7, §3.6):
 * defaulting, validation, platform choice, and how results change a stream.
 */

export const IMPORT_MODES = ['Legacy', 'PreserveOriginal'] as const;

function policy(p: ImportPolicyWrite | null | undefined, defaultMode: string): ImportPolicy {
  return { insecure: p?.insecure ?? false, scheduled: p?.scheduled ?? false, importMode: p?.importMode || defaultMode };
}

/** v1 defaulting (§1.2): reference policy Source, the server's import mode, `to` from the tag of `from`. */
export function normaliseImportSpec(input: ImageStreamImportWrite['spec'], defaultMode: string): ImageStreamImportSpec {
  const images = (input?.images ?? []).map((i): ImageImportSpec => {
    const from = { kind: i.from?.kind ?? '', name: i.from?.name ?? '' };
    let to = i.to ? { name: i.to.name ?? '' } : undefined;
    if (!to) {
      const { ref } = tryParseDockerReference(from.name);
      if (ref?.tag) to = { name: ref.tag };
    }
    return {
      from,
      ...(to ? { to } : {}),
      importPolicy: policy(i.importPolicy, defaultMode),
      referencePolicy: { type: i.referencePolicy?.type || 'Source' },
      includeManifest: i.includeManifest ?? false,
    };
  });
  const r = input?.repository;
  return {
    import: input?.import ?? false,
    ...(input?.images ? { images } : {}),
    ...(r
      ? {
          repository: {
            from: { kind: r.from?.kind ?? '', name: r.from?.name ?? '' },
            importPolicy: policy(r.importPolicy, defaultMode),
            referencePolicy: { type: r.referencePolicy?.type || 'Source' },
            includeManifest: r.includeManifest ?? false,
          },
        }
      : {}),
  };
}

/** §2.8; throws InvalidError (kind ImageStreamImport). */
export function validateImport(namespace: string, name: string, spec: ImageStreamImportSpec): void {
  const causes = new CauseList();
  validateStreamName(namespace, name, causes);
  (spec.images ?? []).forEach((image, i) => {
    const f = `spec.images[${i}]`;
    if (image.from.kind !== 'DockerImage') causes.invalid(`${f}.from.kind`, image.from.kind, 'only DockerImage is supported');
    if (!image.from.name) causes.required(`${f}.from.name`, 'container image references require a name');
    else if (image.from.name !== '*') {
      const { error } = tryParseDockerReference(image.from.name);
      if (error) causes.invalid(`${f}.from.name`, image.from.name, error);
    }
    if (image.to && !image.to.name) causes.required(`${f}.to.name`, 'the name of the target tag must be specified');
    if (!(IMPORT_MODES as readonly string[]).includes(image.importPolicy.importMode)) {
      causes.invalid(`${f}.importPolicy.importMode`, image.importPolicy.importMode, `supported values: "${IMPORT_MODES.join('", "')}"`);
    }
    checkReferencePolicy(image.referencePolicy.type, `${f}.referencePolicy.type`, causes);
  });
  const repo = spec.repository;
  if (repo) {
    if (repo.from.kind !== 'DockerImage') causes.invalid('spec.repository.from.kind', repo.from.kind, 'only DockerImage is supported');
    if (!repo.from.name) causes.required('spec.repository.from.name', 'container image references require a name');
    else {
      const { ref, error } = tryParseDockerReference(repo.from.name);
      if (error) causes.invalid('spec.repository.from.name', repo.from.name, error);
      else if (ref && (ref.tag || ref.digest)) causes.invalid('spec.repository.from.name', repo.from.name, 'you must specify an image repository, not a tag or ID');
    }
    if (!(IMPORT_MODES as readonly string[]).includes(repo.importPolicy.importMode)) {
      causes.invalid('spec.repository.importPolicy.importMode', repo.importPolicy.importMode, `supported values: "${IMPORT_MODES.join('", "')}"`);
    }
    checkReferencePolicy(repo.referencePolicy.type, 'spec.repository.referencePolicy.type', causes);
  }
  if (!spec.images?.length && !repo) causes.invalid('spec.images', null, 'you must specify at least one image or a repository import');
  causes.throwIfAny(IMAGE_STREAM_IMPORT_KIND, name);
}

function checkReferencePolicy(type: string, field: string, causes: CauseList): void {
  if (type !== 'Source' && type !== 'Local') causes.invalid(field, type, 'supported values: "Source", "Local"');
}

// ---- platform choice (Legacy mode, §1.2) -------------------------------

export interface PlatformEntry {
  digest: string;
  platform?: { architecture?: string; os?: string };
}

export interface PlatformPreference {
  arch?: string;
  os?: string;
}

/** Node's names for the server's own platform, in the registry's vocabulary. */
export function serverPlatform(arch: string = process.arch, os: string = process.platform): { arch: string; os: string } {
  const archMap: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };
  return { arch: archMap[arch] ?? arch, os: os === 'win32' ? 'windows' : os };
}

/**
 * The child a Legacy import takes: the spec tag's preferred platform, else
 * the server's, else linux/amd64, else the first. Architecture and OS must
 * both match; the variant is ignored. A preference naming only one of the
 * two fills the other from the server's platform.
 */
export function pickPlatform<T extends PlatformEntry>(entries: readonly T[], preferred: PlatformPreference, server = serverPlatform()): T | undefined {
  const find = (arch: string, os: string) => entries.find((e) => e.platform?.architecture === arch && e.platform?.os === os);
  const candidates: Array<[string, string]> = [];
  if (preferred.arch || preferred.os) candidates.push([preferred.arch || server.arch, preferred.os || server.os]);
  candidates.push([server.arch, server.os], ['amd64', 'linux']);
  for (const [arch, os] of candidates) {
    const hit = find(arch, os);
    if (hit) return hit;
  }
  return entries[0];
}

/** prefer-arch / prefer-os annotations of the stream's spec tag `tag`. */
export function platformPreference(stream: Pick<StoredStream, 'spec'> | undefined, tag: string | undefined): PlatformPreference {
  const annotations = tag ? stream?.spec.tags?.find((t) => t.name === tag)?.annotations : undefined;
  return { arch: annotations?.[ANNOTATION_PREFER_ARCH] || undefined, os: annotations?.[ANNOTATION_PREFER_OS] || undefined };
}

// ---- applying results to a stream (§5.7, §3.6) ---------------------------

/** One tag's outcome, as the service hands it to `applyImport`. */
export interface TagOutcome {
  tag: string;
  /** The pull spec as the request wrote it (becomes `from.name` of the spec tag). */
  from: string;
  importPolicy: ImportPolicy;
  referencePolicy: { type: string };
  /** A failed tag with no spec tag gets one (images[]), or only a condition (repository entries). */
  specTagOnFailure: boolean;
  result: { image: string; reference: string } | { failure: ImportStatus };
}

function statusTag(tags: NamedTagEventList[], tag: string): NamedTagEventList | undefined {
  return tags.find((t) => t.tag === tag);
}

function upsert(tags: NamedTagEventList[], next: NamedTagEventList): NamedTagEventList[] {
  return [...tags.filter((t) => t.tag !== next.tag), next].sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}

function upsertSpecTag(tags: TagReference[], next: TagReference): TagReference[] {
  const out = tags.filter((t) => t.name !== next.name);
  out.push(next);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function newSpecTag(o: TagOutcome): TagReference {
  return { name: o.tag, annotations: null, from: { kind: 'DockerImage', name: o.from }, generation: 0, importPolicy: { ...o.importPolicy }, referencePolicy: { ...o.referencePolicy } };
}

/**
 * The stream after an import (§5.7): successful tags get a (re)written spec
 * tag when they changed and an event; failed tags get an ImportSuccess=False
 * condition (identical ones kept as they are) and keep their history.
 * Spec tags set to generation 0 take the stream's new generation; the stream
 * generation advances when the spec changed. `exists` false = a new stream.
 * The dockerRepositoryCheck annotation is set unless nothing changed on a
 * stream that already had it.
 */
export function applyImport(current: StoredStream, exists: boolean, outcomes: readonly TagOutcome[], now: string): StoredStream {
  const nextGeneration = current.metadata.generation + 1;
  let stream: StoredStream = current;
  for (const o of outcomes) {
    const specTags = stream.spec.tags ?? [];
    const existing = specTags.find((t) => t.name === o.tag);
    const history = statusTag(stream.status.tags ?? [], o.tag);
    if ('image' in o.result) {
      const head = history?.items?.[0];
      const changed = !head || !existing || existing.generation === null || head.dockerImageReference !== o.result.reference || head.image !== o.result.image || (existing.generation ?? 0) > head.generation;
      let spec = stream.spec;
      if (changed) {
        const rewritten: TagReference = existing
          ? { ...existing, from: { kind: 'DockerImage', name: o.from }, generation: 0, importPolicy: { ...o.importPolicy } }
          : newSpecTag(o);
        spec = { ...spec, tags: upsertSpecTag(specTags, rewritten) };
      } else if (existing && !sameImportPolicy(existing.importPolicy, o.importPolicy)) {
        spec = { ...spec, tags: upsertSpecTag(specTags, { ...existing, importPolicy: { ...o.importPolicy } }) };
      }
      stream = { ...stream, spec };
      if (changed) {
        const event = { created: now, dockerImageReference: o.result.reference, image: o.result.image, generation: nextGeneration };
        stream = applyTagEvent(stream, o.tag, event).stream;
      }
      // Success clears the tag's conditions, changed or not.
      const list = statusTag(stream.status.tags ?? [], o.tag);
      if (list?.conditions?.length) stream = { ...stream, status: { ...stream.status, tags: upsert(stream.status.tags ?? [], { tag: list.tag, items: list.items }) } };
    } else {
      const condition: TagEventCondition = {
        type: CONDITION_IMPORT_SUCCESS,
        status: 'False',
        reason: o.result.failure.reason ?? '',
        message: o.result.failure.message || 'unknown error prevented import',
        generation: nextGeneration,
        lastTransitionTime: now,
      };
      const same = history?.conditions?.some((c) => c.type === condition.type && c.status === condition.status && c.reason === condition.reason && c.message === condition.message);
      if (same) continue;
      stream = { ...stream, status: { ...stream.status, tags: upsert(stream.status.tags ?? [], { tag: o.tag, items: history?.items ?? null, conditions: [condition] }) } };
      if (existing) stream = { ...stream, spec: { ...stream.spec, tags: upsertSpecTag(specTags, { ...existing, generation: 0 }) } };
      else if (o.specTagOnFailure) stream = { ...stream, spec: { ...stream.spec, tags: upsertSpecTag(specTags, newSpecTag(o)) } };
    }
  }
  const specChanged = !exists || JSON.stringify(stream.spec) !== JSON.stringify(current.spec);
  const generation = specChanged ? nextGeneration : current.metadata.generation;
  if (stream.spec.tags?.some((t) => !t.generation)) {
    stream = { ...stream, spec: { ...stream.spec, tags: stream.spec.tags.map((t) => (t.generation ? t : { ...t, generation })) } };
  }
  const changed = specChanged || JSON.stringify(stream.status) !== JSON.stringify(current.status);
  const annotations = current.metadata.annotations ?? {};
  if (exists && !changed && annotations[ANNOTATION_REPOSITORY_CHECK]) return current;
  return { ...stream, metadata: { ...stream.metadata, generation, annotations: { ...annotations, [ANNOTATION_REPOSITORY_CHECK]: now } } };
}

function sameImportPolicy(a: TagReference['importPolicy'], b: ImportPolicy): boolean {
  return (a.insecure ?? false) === b.insecure && (a.scheduled ?? false) === b.scheduled && (a.importMode ?? '') === b.importMode;
}

/** The repository-level Status of a repository import (§5.3). */
export function repositoryStatus(failed: number): ImportStatus {
  if (failed === 0) return { status: 'Success' };
  return {
    status: 'Failure',
    reason: 'ImportFailed',
    message: failed === 1 ? 'one of the images from this repository failed to import' : `${failed} of the images from this repository failed to import`,
  };
}

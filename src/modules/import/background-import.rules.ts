import type { TagReference } from '../image-stream/image-stream.model.js';
import type { StoredStream } from '../image-stream/image-stream.store.js';
import { ANNOTATION_REPOSITORY_CHECK, CONDITION_IMPORT_SUCCESS, type ImageStreamImportWrite } from './import.model.js';

/**
 * What the background importers decide (reference §7.1, §7.2), pure: which
 * tags of a stream need an import now, which are scheduled, and the
 * ImageStreamImport request that performs it.
 */

export const ANNOTATION_INSECURE_REPOSITORY = 'openshift.io/image.insecureRepository';

type StreamView = Pick<StoredStream, 'metadata' | 'spec' | 'status'>;

/** A spec tag an import can resolve: a DockerImage that is not a mere reference. */
export function isImportable(tag: TagReference): boolean {
  return tag.from?.kind === 'DockerImage' && !tag.reference && Boolean(tag.from.name);
}

/** The generation a tag's status has caught up with: its newest event or its ImportSuccess condition. */
export function observedGeneration(stream: StreamView, tag: string): number {
  const list = stream.status.tags?.find((t) => t.tag === tag);
  if (!list) return 0;
  const event = list.items?.[0]?.generation ?? 0;
  const condition = list.conditions?.find((c) => c.type === CONDITION_IMPORT_SUCCESS)?.generation ?? 0;
  return Math.max(event, condition);
}

export interface ImportNeed {
  tags: TagReference[];
  /** A full import: spec.dockerImageRepository as a repository import. */
  repository: boolean;
}

/**
 * §7.1 `needsImport`: a stream never checked imports every importable tag
 * (and its repository); afterwards only tags whose generation is ahead of
 * what their status has observed.
 */
export function needsImport(stream: StreamView): ImportNeed | undefined {
  const importable = (stream.spec.tags ?? []).filter(isImportable);
  if (!stream.metadata.annotations?.[ANNOTATION_REPOSITORY_CHECK]) {
    if (stream.spec.dockerImageRepository) return { tags: importable, repository: true };
    return importable.length ? { tags: importable, repository: false } : undefined;
  }
  const behind = importable.filter((t) => t.generation !== null && t.generation > observedGeneration(stream, t.name));
  return behind.length ? { tags: behind, repository: false } : undefined;
}

/**
 * §7.2: importable tags with `importPolicy.scheduled`; a tag naming a digest
 * stays scheduled only until its first successful import.
 */
export function scheduledTags(stream: StreamView): TagReference[] {
  return (stream.spec.tags ?? []).filter((t) => {
    if (!isImportable(t) || !t.importPolicy.scheduled) return false;
    if (!t.from!.name.includes('@')) return true;
    return !stream.status.tags?.find((s) => s.tag === t.name)?.items?.length;
  });
}

/** The request the controllers send (§7.1): preconditioned on the stream they looked at. */
export function backgroundImportRequest(stream: StreamView, need: ImportNeed): ImageStreamImportWrite {
  const { name, namespace, resourceVersion, uid } = stream.metadata;
  return {
    metadata: { name, namespace, resourceVersion, uid },
    spec: {
      import: true,
      images: need.tags.map((t) => ({
        from: { kind: 'DockerImage', name: t.from!.name },
        to: { name: t.name },
        importPolicy: { insecure: t.importPolicy.insecure ?? false, scheduled: t.importPolicy.scheduled ?? false, importMode: t.importPolicy.importMode ?? '' },
        referencePolicy: { type: t.referencePolicy.type },
      })),
      ...(need.repository && stream.spec.dockerImageRepository
        ? {
            repository: {
              from: { kind: 'DockerImage', name: stream.spec.dockerImageRepository },
              importPolicy: { insecure: stream.metadata.annotations?.[ANNOTATION_INSECURE_REPOSITORY] === 'true' },
            },
          }
        : {}),
    },
  };
}

/** A token bucket: `perMinute` refills spread over the minute, at most `burst` saved up. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 60_000) * this.perMinute);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

import type { NamedTagEventList, TagEvent } from '../image-stream/image-stream.model.js';
import { splitStreamImage } from '../tag-history/tag-history.rules.js';
import type { StoredStream } from '../image-stream/image-stream.store.js';

/** Pruning (reference §9): the only way tag history shrinks. Pure decisions; the service writes. */

export interface PrunePolicy {
  keepTagRevisions: number;
  /** Items and images created after this instant are kept. */
  keepAfter: Date;
}

export interface PrunedEvent extends TagEvent {
  namespace: string;
  stream: string;
  tag: string;
}

/** Digests a spec tag pins (ImageStreamImage sources, DockerImage pull specs by digest). */
export function pinnedImages(streams: StoredStream[]): Set<string> {
  const out = new Set<string>();
  for (const s of streams) {
    for (const t of s.spec.tags ?? []) {
      const name = t.from?.name ?? '';
      if (t.from?.kind === 'ImageStreamImage') out.add(name.includes('@') ? (splitStreamImage(name)?.id ?? name) : name);
      else if (t.from?.kind === 'DockerImage' && name.includes('@')) out.add(name.slice(name.lastIndexOf('@') + 1));
    }
  }
  return out;
}

/**
 * A stream's status after pruning and what was removed: per tag the first
 * `keepTagRevisions` items stay, and any younger item, and any item whose
 * image a spec tag pins. A stream younger than the threshold is skipped.
 * Tags left with no items disappear from status.
 */
export function pruneStream(stream: StoredStream, policy: PrunePolicy, pinned: Set<string>): { stream: StoredStream; removed: PrunedEvent[] } {
  if (new Date(stream.metadata.creationTimestamp) > policy.keepAfter) return { stream, removed: [] };
  const removed: PrunedEvent[] = [];
  const tags: NamedTagEventList[] = [];
  for (const t of stream.status.tags ?? []) {
    const items = t.items ?? [];
    const kept = items.filter((e, i) => {
      const keep = i < policy.keepTagRevisions || new Date(e.created) > policy.keepAfter || pinned.has(e.image);
      if (!keep) removed.push({ ...e, namespace: stream.metadata.namespace, stream: stream.metadata.name, tag: t.tag });
      return keep;
    });
    if (kept.length === items.length) tags.push(t);
    else if (kept.length) tags.push({ ...t, items: kept });
  }
  if (removed.length === 0) return { stream, removed };
  return { stream: { ...stream, status: tags.length ? { tags } : {} }, removed };
}

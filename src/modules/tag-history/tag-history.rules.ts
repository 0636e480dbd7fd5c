import type { NamedTagEventList, TagEvent, TagReference } from '../image-stream/image-stream.model.js';

/**
 * The tag-history engine (reference §3.3, §3.4): how a tag's history grows
 * and how spec tags turn into status events. Pure: mappings, tagging, spec
 * resolution and (later) imports all go through these functions, so the
 * rules live in exactly one place.
 */

/** What happened to a tag's history when an event was offered. */
export type HistoryChange = 'none' | 'updated' | 'prepended';

/** The part of a stream the engine reads and writes. */
export interface StreamView {
  metadata: { namespace: string; name: string };
  spec: { tags?: TagReference[] };
  status: { tags?: NamedTagEventList[] };
}

/**
 * Offers `event` to a tag's history (§3.4). Compared with the current
 * `items[0]`: identical → nothing changes (conditions kept); same reference
 * and/or same image → items[0] is updated in place (its `created` kept);
 * otherwise the event is prepended. Any change clears the conditions.
 */
export function addTagEvent(list: NamedTagEventList | undefined, tag: string, event: TagEvent): { list: NamedTagEventList; change: HistoryChange } {
  const items = list?.items ?? [];
  if (items.length === 0) return { list: { tag, items: [event] }, change: 'prepended' };
  const [current, ...older] = items;
  const sameRef = current.dockerImageReference === event.dockerImageReference;
  const sameImage = current.image === event.image;
  if (sameRef && sameImage && current.generation === event.generation) return { list: list!, change: 'none' };
  if (sameRef || sameImage) {
    const updated: TagEvent = { ...current, dockerImageReference: event.dockerImageReference, image: event.image, generation: event.generation };
    return { list: { tag, items: [updated, ...older] }, change: 'updated' };
  }
  return { list: { tag, items: [event, ...items] }, change: 'prepended' };
}

/** Splits `stream:tag`; undefined when it is not exactly that shape. */
export function splitStreamTag(name: string): { stream: string; tag: string } | undefined {
  const parts = name.split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1] || name.includes('@')) return undefined;
  return { stream: parts[0], tag: parts[1] };
}

/** Splits `stream@id`; undefined when it is not exactly that shape. */
export function splitStreamImage(name: string): { stream: string; id: string } | undefined {
  const parts = name.split('@');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { stream: parts[0], id: parts[1] };
}

/**
 * The tag of THIS stream an `ImageStreamTag` spec tag follows, or undefined
 * when it points elsewhere (another stream or namespace: copied once, never
 * followed, §3.3).
 */
export function trackedTag(ref: TagReference, stream: StreamView['metadata']): string | undefined {
  const from = ref.from;
  if (!from || from.kind !== 'ImageStreamTag' || !from.name) return undefined;
  if ((from.namespace || stream.namespace) !== stream.namespace) return undefined;
  if (!from.name.includes(':')) return from.name;
  const split = splitStreamTag(from.name);
  return split && split.stream === stream.name ? split.tag : undefined;
}

function upsertStatusTag(tags: NamedTagEventList[], next: NamedTagEventList): NamedTagEventList[] {
  const rest = tags.filter((t) => t.tag !== next.tag);
  return [...rest, next].sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}

/**
 * Adds `event` to `tag` and lets every alias tag of the same stream follow
 * (transitively, each tag at most once). Returns the new status and the tags
 * whose history changed; an unchanged stream comes back as given.
 */
export function applyTagEvent<S extends StreamView>(stream: S, tag: string, event: TagEvent): { stream: S; changed: string[] } {
  let tags = stream.status.tags ?? [];
  const changed: string[] = [];
  const visited = new Set<string>();
  const queue = [tag];
  while (queue.length) {
    const current = queue.shift()!;
    if (visited.has(current)) continue;
    visited.add(current);
    const { list, change } = addTagEvent(tags.find((t) => t.tag === current), current, event);
    // Aliases follow changes only: an unchanged tag leaves its followers alone (§3.3).
    if (change === 'none') continue;
    tags = upsertStatusTag(tags, { tag: current, items: list.items });
    changed.push(current);
    for (const ref of stream.spec.tags ?? []) {
      if (ref.name !== current && trackedTag(ref, stream.metadata) === current) queue.push(ref.name);
    }
  }
  if (changed.length === 0) return { stream, changed };
  return { stream: { ...stream, status: { ...stream.status, tags } }, changed };
}

/**
 * A reference into the integrated registry at the source stream's
 * repository is rewritten to the destination stream's repository (§3.3,
 * "should change image reference for internal images"); any other
 * reference is kept as it is.
 */
export function rewriteInternalReference(
  reference: string,
  internalRegistry: string | undefined,
  source: { namespace: string; name: string },
  destination: { namespace: string; name: string },
): string {
  if (!internalRegistry) return reference;
  const prefix = `${internalRegistry}/${source.namespace}/${source.name}@`;
  if (!reference.startsWith(prefix)) return reference;
  return `${internalRegistry}/${destination.namespace}/${destination.name}@${reference.slice(prefix.length)}`;
}

/**
 * Does image `name` match the id a client gave (§6.3)? The id may be any
 * prefix of the hex part of the digest or of the whole name.
 */
export function imageMatches(name: string, id: string): boolean {
  if (name.startsWith(id)) return true;
  const colon = name.indexOf(':');
  return colon >= 0 && name.slice(colon + 1).startsWith(id);
}

/**
 * The distinct image names that match `id`, sorted: callers that must be
 * deterministic take the first; callers that refuse ambiguity check the length.
 */
export function matchingImages(candidates: Iterable<string>, id: string): string[] {
  const out = new Set<string>();
  for (const c of candidates) if (c && imageMatches(c, id)) out.add(c);
  return [...out].sort();
}

/** Every image name anywhere in a stream's history (all tags, all items). */
export function historyImages(stream: Pick<StreamView, 'status'>): string[] {
  const out = new Set<string>();
  for (const t of stream.status.tags ?? []) for (const e of t.items ?? []) if (e.image) out.add(e.image);
  return [...out];
}

/** The first event in a stream's history that carries `image` (to copy its reference). */
export function findEventForImage(stream: Pick<StreamView, 'status'>, image: string): TagEvent | undefined {
  for (const t of stream.status.tags ?? []) for (const e of t.items ?? []) if (e.image === image) return e;
  return undefined;
}

export function currentEvent(stream: Pick<StreamView, 'status'>, tag: string): TagEvent | undefined {
  return stream.status.tags?.find((t) => t.tag === tag)?.items?.[0];
}

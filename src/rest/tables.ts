import type { ImageStream, NamedTagEventList } from '../modules/image-stream/image-stream.model.js';

/**
 * meta.k8s.io/v1 Table renderings (what `kubectl get` prints), with the
 * reference printer's columns (§0: ImageStream → Name, Image Repository,
 * Tags, Updated).
 */

export type IncludeObject = 'None' | 'Metadata' | 'Object';

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const column = (name: string, description: string, format = ''): Column => ({ name, type: 'string', format, description, priority: 0 });

const IMAGE_STREAM_COLUMNS: Column[] = [
  column('Name', 'Name must be unique within a namespace.', 'name'),
  column('Image Repository', 'The pull spec of the stream: the public repository when there is one, else the spec or internal one.'),
  column('Tags', 'The status tags, most recently updated first.'),
  column('Updated', 'How long ago any tag last pointed at a new image.'),
];

const TAGS_WIDTH = 40;

/** `Less than a second`, `5 minutes`, `About an hour`, `3 days`... (the printer's human durations). */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(s / 3600);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(h / 24 / 365)} years`;
}

const latestCreated = (t: NamedTagEventList): number => (t.items?.[0] ? Date.parse(t.items[0].created) : 0);

/** Tag names newest first, cut at the column width with a count of the rest. */
export function tagsColumn(tags: NamedTagEventList[] | undefined): string {
  const names = [...(tags ?? [])].sort((a, b) => latestCreated(b) - latestCreated(a) || a.tag.localeCompare(b.tag)).map((t) => t.tag);
  let out = '';
  for (let i = 0; i < names.length; i++) {
    const next = out ? `${out},${names[i]}` : names[i];
    if (next.length > TAGS_WIDTH && out) return `${out} + ${names.length - i} more...`;
    out = next;
  }
  return out;
}

export function updatedColumn(tags: NamedTagEventList[] | undefined, now = Date.now()): string {
  const latest = Math.max(0, ...(tags ?? []).map(latestCreated));
  return latest ? `${humanDuration(now - latest)} ago` : '';
}

function rowObject(stream: ImageStream, include: IncludeObject, apiVersion: string): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return { kind: 'ImageStream', apiVersion, ...stream };
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: stream.metadata };
}

export function imageStreamTable(
  items: ImageStream[],
  listMeta: { resourceVersion: string; continue?: string },
  include: IncludeObject,
  apiVersion: string,
): unknown {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: IMAGE_STREAM_COLUMNS,
    rows: items.map((s) => {
      const object = rowObject(s, include, apiVersion);
      return {
        cells: [
          s.metadata.name,
          s.status.publicDockerImageRepository || s.spec.dockerImageRepository || s.status.dockerImageRepository || '',
          tagsColumn(s.status.tags),
          updatedColumn(s.status.tags),
        ],
        ...(object ? { object } : {}),
      };
    }),
  };
}

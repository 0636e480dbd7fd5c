import type { ChangeEventType } from '../../platform/change-log.js';
import { BadRequestError } from '../../platform/errors.js';
import { matchesFields, type FieldRequirement } from '../image-stream/field-selector.rules.js';
import { matchesLabels, type LabelRequirement } from '../image-stream/label-selector.rules.js';

export type WatchEventType = ChangeEventType | 'BOOKMARK';

/** One row of the change log, as the feed hands it to subscribers (shared, never copied per subscriber). */
export interface ChangeRow {
  resourceVersion: number;
  type: ChangeEventType;
  resource: string;
  namespace: string;
  name: string;
  object: WatchedObject;
  /** MODIFIED: labels before the change; undefined when not recorded. */
  previousLabels?: Record<string, string>;
}

/** The stored object: only the parts watch itself reads are typed. */
export interface WatchedObject {
  metadata: { name: string; namespace?: string; resourceVersion: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

export interface WatchEvent {
  type: WatchEventType;
  object: unknown;
  resourceVersion: string;
  /** Set on the last event of a subscription that ends in error: the resolver raises it. */
  error?: unknown;
}

export interface WatchFilter {
  resource: string;
  namespace?: string;
  name?: string;
  labels: LabelRequirement[];
  /** metadata.name / metadata.namespace requirements; both are immutable, so they simply filter. */
  fields?: FieldRequirement[];
}

/**
 * What a subscriber with `filter` sees of a change, or null for nothing.
 * Namespace and name never change, so they simply filter. Labels can: as the
 * Kubernetes watch cache does, a MODIFIED that makes an object start matching
 * the selector is an ADDED, one that makes it stop matching is a DELETED
 * (carrying the object as it is now), judged on the labels before and after.
 */
export function classifyForWatch(filter: WatchFilter, row: ChangeRow): ChangeRow['type'] | null {
  if (row.resource !== filter.resource) return null;
  if (filter.namespace !== undefined && row.namespace !== filter.namespace) return null;
  if (filter.name !== undefined && row.name !== filter.name) return null;
  if (filter.fields?.length && !matchesFields(filter.fields, { name: row.name, namespace: row.namespace })) return null;
  const now = matchesLabels(filter.labels, row.object.metadata.labels);
  if (row.type !== 'MODIFIED' || filter.labels.length === 0 || row.previousLabels === undefined) return now ? row.type : null;
  const before = matchesLabels(filter.labels, row.previousLabels);
  if (now) return before ? 'MODIFIED' : 'ADDED';
  return before ? 'DELETED' : null;
}

export function matchesWatch(filter: WatchFilter, row: ChangeRow): boolean {
  return classifyForWatch(filter, row) !== null;
}

/**
 * The version to resume after, or undefined for "start with the current
 * state" (no version, or "0" as Kubernetes treats it).
 */
export function parseResumeVersion(input: string | null | undefined): number | undefined {
  if (input == null || input === '' || input === '0') return undefined;
  if (!/^\d{1,15}$/.test(input)) throw new BadRequestError(`invalid resourceVersion: ${JSON.stringify(input)}: must be a resourceVersion this server returned`);
  return Number(input);
}

export function toWatchEvent(row: ChangeRow, type: WatchEventType = row.type): WatchEvent {
  return { type, object: row.object, resourceVersion: String(row.resourceVersion) };
}

/**
 * A BOOKMARK carries only the version (§8.2); the GraphQL type needs its
 * non-null fields, so they are present and empty.
 */
export function bookmarkEvent(resourceVersion: number, opts: { initialEventsEnd?: boolean } = {}): WatchEvent {
  const rv = String(resourceVersion);
  return {
    type: 'BOOKMARK',
    resourceVersion: rv,
    object: {
      metadata: {
        name: '', uid: '', resourceVersion: rv, creationTimestamp: '',
        // As Kubernetes marks the end of the initial ADDED events (§8.2).
        ...(opts.initialEventsEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}),
      },
      spec: { lookupPolicy: { local: false } },
      status: { dockerImageRepository: '' },
    },
  };
}

const shared = new WeakMap<ChangeRow, Partial<Record<WatchEventType, WatchEvent>>>();

/**
 * The event of `row` as `type`, one object for every subscriber that gets
 * it: a transport may render it once for all of them (keyed by identity).
 */
export function sharedEvent(row: ChangeRow, type: WatchEventType = row.type): WatchEvent {
  let byType = shared.get(row);
  if (!byType) shared.set(row, (byType = {}));
  return (byType[type] ??= toWatchEvent(row, type));
}

import type { ChangeEventType } from '../../platform/change-log.js';
import { BadRequestError } from '../../platform/errors.js';
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
}

export interface WatchFilter {
  resource: string;
  namespace?: string;
  name?: string;
  labels: LabelRequirement[];
}

/** A filter matches on the object after the change (for DELETED: its last state). */
export function matchesWatch(filter: WatchFilter, row: ChangeRow): boolean {
  if (row.resource !== filter.resource) return false;
  if (filter.namespace !== undefined && row.namespace !== filter.namespace) return false;
  if (filter.name !== undefined && row.name !== filter.name) return false;
  return matchesLabels(filter.labels, row.object.metadata.labels);
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

export function toWatchEvent(row: ChangeRow): WatchEvent {
  return { type: row.type, object: row.object, resourceVersion: String(row.resourceVersion) };
}

/**
 * A BOOKMARK carries only the version (§8.2); the GraphQL type needs its
 * non-null fields, so they are present and empty.
 */
export function bookmarkEvent(resourceVersion: number): WatchEvent {
  const rv = String(resourceVersion);
  return {
    type: 'BOOKMARK',
    resourceVersion: rv,
    object: {
      metadata: { name: '', uid: '', resourceVersion: rv, creationTimestamp: '' },
      spec: { lookupPolicy: { local: false } },
      status: { dockerImageRepository: '' },
    },
  };
}

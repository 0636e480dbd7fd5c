import type { CauseList } from '../../platform/errors.js';

/** Rules for object names (reference §2.1). */

const STREAM_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
export const STREAM_NAME_PATTERN = '[a-z0-9]+(?:[._-][a-z0-9]+)*';

/** The API path-segment rule every Kubernetes name obeys. */
export function pathSegmentProblems(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const problems: string[] = [];
  if (name.includes('/')) problems.push("may not contain '/'");
  if (name.includes('%')) problems.push("may not contain '%'");
  return problems;
}

export function validateStreamName(namespace: string, name: string, causes: CauseList, field = 'metadata.name'): void {
  if (!name) {
    causes.required(field, 'name or generateName is required');
    return;
  }
  const segment = pathSegmentProblems(name);
  for (const p of segment) causes.invalid(field, name, p);
  if (segment.length === 0 && !STREAM_NAME.test(name)) causes.invalid(field, name, `must match "${STREAM_NAME_PATTERN}"`);
  if (`${namespace}/${name}`.length > 255) causes.invalid(field, name, "'namespace/name' cannot be longer than 255 characters");
}


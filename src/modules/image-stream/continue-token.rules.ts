import { BadRequestError, ExpiredError, TooLargeResourceVersionError } from '../../platform/errors.js';

/**
 * Continue tokens of chunked lists (reference §8.1). A token remembers the
 * list's resourceVersion and the last key served; the next chunk starts
 * after that key. It expires once the change log no longer reaches back to
 * its resourceVersion (the counterpart of etcd compaction upstream).
 */
export interface ContinueToken {
  resourceVersion: string;
  namespace: string;
  name: string;
}

export const EXPIRED_CONTINUE_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.';

export function encodeContinueToken(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 1, rv: t.resourceVersion, start: [t.namespace, t.name] })).toString('base64url');
}

/** A token that does not decode is a malformed request (upstream: 400 "continue key is not valid"). */
export function decodeContinueToken(token: string): ContinueToken {
  try {
    const p = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: unknown; rv?: unknown; start?: unknown };
    if (
      p.v === 1 && typeof p.rv === 'string' && /^\d+$/.test(p.rv) &&
      Array.isArray(p.start) && p.start.length === 2 && p.start.every((s) => typeof s === 'string')
    ) {
      return { resourceVersion: p.rv, namespace: p.start[0] as string, name: p.start[1] as string };
    }
  } catch {
    /* reported below */
  }
  throw new BadRequestError('continue key is not valid: the token could not be decoded');
}

/** `oldestRetained` is the oldest resourceVersion the change log still holds (undefined: the log is complete). */
export function checkContinueTokenFresh(token: ContinueToken, oldestRetained: number | undefined): void {
  if (oldestRetained !== undefined && Number(token.resourceVersion) < oldestRetained - 1) {
    throw new ExpiredError(EXPIRED_CONTINUE_MESSAGE);
  }
}

/** A list's `resourceVersion` parameter: empty, "0" or a decimal number. */
export function parseResourceVersion(value: string | null | undefined): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new BadRequestError(`invalid resource version "${value}": must be a non-negative integer`);
  return Number(value);
}

/**
 * A list read at `requested` (resourceVersion / resourceVersionMatch): the
 * store serves only its latest state, which satisfies NotOlderThan any
 * version up to it; a future version is 504 as upstream after its wait; an
 * Exact older version cannot be reproduced, so it is 410 Expired.
 */
export function checkListResourceVersion(requested: number | undefined, match: string | null | undefined, current: number): void {
  if (match && !['NotOlderThan', 'Exact'].includes(match)) {
    throw new BadRequestError(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  if (match && requested === undefined) throw new BadRequestError('resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (match === 'Exact' && requested === 0) throw new BadRequestError('resourceVersionMatch "Exact" is forbidden for resourceVersion "0"');
  if (requested === undefined) return;
  if (requested > current) throw new TooLargeResourceVersionError(String(requested), String(current));
  if (match === 'Exact' && requested < current) throw new ExpiredError(`too old resource version: ${requested} (${current})`);
}

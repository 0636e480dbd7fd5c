import { UnsupportedMediaTypeError } from '../platform/errors.js';
import type { PatchType } from '../modules/image-stream/patch.rules.js';
import { NotAcceptableError } from './errors.js';

/** How a response is written: JSON or YAML, as the object or as a meta.k8s.io Table. */
export interface Rendering {
  format: 'json' | 'yaml';
  table: boolean;
}

const ACCEPTED = ['application/json', 'application/yaml', 'application/json;as=Table;v=v1;g=meta.k8s.io'];

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

function parseMediaRange(raw: string): MediaRange {
  const [type, ...rest] = raw.split(';').map((p) => p.trim());
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
  }
  return { type: type.toLowerCase(), params };
}

/**
 * Picks the first `Accept` entry this server can answer (clients list their
 * preferences in order, e.g. kubectl: Table v1, Table v1beta1, plain JSON).
 * Entries asking for encodings or conversions we lack are skipped; when none
 * is left the answer is 406.
 */
export function negotiate(accept: string | undefined): Rendering {
  if (!accept || !accept.trim()) return { format: 'json', table: false };
  for (const raw of accept.split(',')) {
    if (!raw.trim()) continue;
    const { type, params } = parseMediaRange(raw);
    const format = type === 'application/json' || type === 'application/*' || type === '*/*' ? 'json' : type === 'application/yaml' ? 'yaml' : undefined;
    if (!format) continue;
    if (params.as === undefined) return { format, table: false };
    if (params.as === 'Table' && params.g === 'meta.k8s.io' && (params.v === 'v1' || params.v === 'v1beta1')) return { format, table: true };
  }
  throw new NotAcceptableError(ACCEPTED);
}

const PATCH_TYPES: Record<string, PatchType> = {
  'application/merge-patch+json': 'MERGE',
  'application/json-patch+json': 'JSON',
  'application/strategic-merge-patch+json': 'STRATEGIC',
};

/** The patch format named by a PATCH request's Content-Type; anything else is 415. */
export function patchTypeOf(contentType: string | undefined): PatchType {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const patchType = PATCH_TYPES[type];
  if (!patchType) {
    throw new UnsupportedMediaTypeError(
      `the body of the request was in an unknown format - accepted media types include: ${Object.keys(PATCH_TYPES).join(', ')}`,
    );
  }
  return patchType;
}

/** Body formats of POST and PUT. */
export function bodyFormatOf(contentType: string | undefined): 'json' | 'yaml' {
  const type = (contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
  if (type === 'application/json' || type === '') return 'json';
  if (type === 'application/yaml') return 'yaml';
  throw new UnsupportedMediaTypeError(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
}

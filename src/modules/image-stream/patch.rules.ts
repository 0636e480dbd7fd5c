import fastJsonPatch from 'fast-json-patch';
import jsonMergePatch from 'json-merge-patch';
import { BadRequestError } from '../../platform/errors.js';

/** The patch formats a client may send (REST content types map onto these). */
export type PatchType = 'MERGE' | 'JSON' | 'STRATEGIC';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Applies a patch to a JSON document without touching the original; malformed patches are BAD_REQUEST. */
export function applyPatch(document: unknown, patch: unknown, type: PatchType): unknown {
  const doc = structuredClone(document);
  switch (type) {
    case 'MERGE':
      if (!isPlainObject(patch)) throw new BadRequestError('a merge patch must be a JSON object');
      return jsonMergePatch.apply(doc, patch);
    case 'STRATEGIC':
      if (!isPlainObject(patch)) throw new BadRequestError('a strategic merge patch must be a JSON object');
      return strategicMerge(doc, patch, []);
    case 'JSON': {
      if (!Array.isArray(patch)) throw new BadRequestError('a JSON patch must be an array of operations');
      try {
        // validate() dry-runs the operations and lets a TypeError escape (an `add` under a missing
        // parent, e.g. /metadata/labels/a without labels): that is still the client's patch, so 400.
        const problem = fastJsonPatch.validate(patch as fastJsonPatch.Operation[], doc);
        if (problem) throw new BadRequestError(`the JSON patch is invalid: ${problem.message.split('\n')[0]}`);
        return fastJsonPatch.applyPatch(doc, patch as fastJsonPatch.Operation[], false, false).newDocument;
      } catch (e) {
        if (e instanceof BadRequestError) throw e;
        throw new BadRequestError(`the JSON patch could not be applied: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
}

/** List fields merged by key in a strategic merge patch (the image stream's patchMergeKey tags). */
const MERGE_KEYS: Record<string, string> = { 'spec.tags': 'name', 'status.tags': 'tag' };

function strategicMerge(target: unknown, patch: Record<string, unknown>, path: string[]): unknown {
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue; // directives such as $patch are instructions, not data
    const here = [...path, key];
    const mergeKey = MERGE_KEYS[here.join('.')];
    if (value === null) delete out[key];
    else if (mergeKey && Array.isArray(value)) out[key] = mergeList(out[key], value, mergeKey, here);
    else if (isPlainObject(value)) out[key] = strategicMerge(out[key], value, here);
    else out[key] = value;
  }
  return out;
}

function mergeList(current: unknown, patch: unknown[], key: string, path: string[]): unknown[] {
  const result = Array.isArray(current) ? [...current] : [];
  for (const item of patch) {
    if (!isPlainObject(item) || typeof item[key] !== 'string') throw new BadRequestError(`${path.join('.')}: every entry needs a "${key}"`);
    const idx = result.findIndex((r) => isPlainObject(r) && r[key] === item[key]);
    if (item.$patch === 'delete') {
      if (idx >= 0) result.splice(idx, 1);
    } else if (idx >= 0) {
      result[idx] = strategicMerge(result[idx], item, path);
    } else {
      result.push(strategicMerge({}, item, path));
    }
  }
  return result;
}

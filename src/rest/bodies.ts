import { API_GROUP, BadRequestError } from '../platform/errors.js';
import type { RestContext } from './context.js';
import { bodyFormatOf, patchTypeOf } from './media.js';

/** Request bodies and answers shared by the small resource route files. */

/** A POST/PUT body that must be a JSON (or YAML) object of `kind`; kind/apiVersion may be omitted. */
export async function objectBody<T>(ctx: RestContext, kind: string): Promise<T> {
  const { value } = await ctx.bodyValue(bodyFormatOf(ctx.req.headers['content-type']));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequestError('the request body must be a JSON object');
  const given = (value as { kind?: unknown }).kind;
  if (given !== undefined && given !== kind) throw new BadRequestError(`the kind in the data (${String(given)}) does not match the expected kind (${kind})`);
  return value as T;
}

export async function patchBodyOf(ctx: RestContext) {
  const patchType = patchTypeOf(ctx.req.headers['content-type']);
  const { value } = await ctx.bodyValue('json');
  return { patch: value, patchType };
}

/** The `Status` a successful delete answers (§8.3 envelope). */
export function deletedStatus(name: string, resource: string, uid?: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, group: API_GROUP, kind: resource, ...(uid ? { uid } : {}) } };
}

/** Objects carry kind and apiVersion; `v1` under /oapi/v1. */
export const typed = (ctx: RestContext, kind: string, object: object) => ({ kind, apiVersion: ctx.apiVersion, ...object });

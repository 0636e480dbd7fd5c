import type { ImageStream, ImageStreamWrite } from '../modules/image-stream/image-stream.model.js';
import { IMAGE_STREAM_KIND, IMAGE_STREAM_RESOURCE } from '../modules/image-stream/image-stream.model.js';
import { applyFieldValidation, decodeImageStreamJson } from '../modules/image-stream/wire.rules.js';
import { API_GROUP, BadRequestError } from '../platform/errors.js';
import { findDuplicateJsonKeys } from '../platform/http/duplicate-keys.js';
import type { RestContext } from './context.js';
import { imageStreamWatch } from './image-stream-watch.js';
import { bodyFormatOf, patchTypeOf } from './media.js';
import { booleanParam, dryRunParam, fieldValidationParam, includeObjectParam, nonNegativeIntParam } from './params.js';
import type { Reply } from './render.js';
import type { RouteDef } from './router.js';
import { imageStreamTable } from './tables.js';

/** Image stream routes (rest-paths.md): each parses the request, calls ImageStreamService, shapes the answer. */

const object = (ctx: RestContext, s: ImageStream) => ({ kind: IMAGE_STREAM_KIND, apiVersion: ctx.apiVersion, ...s });

const objectReply = (ctx: RestContext, s: ImageStream, status = 200): Reply => ({
  status,
  body: object(ctx, s),
  table: () => imageStreamTable([s], { resourceVersion: s.metadata.resourceVersion }, includeObjectParam(ctx), ctx.apiVersion),
});

/** Items of a list carry no kind/apiVersion (§8.1). */
function listReply(ctx: RestContext, items: ImageStream[], meta: { resourceVersion: string; continue?: string }): Reply {
  return {
    body: { kind: 'ImageStreamList', apiVersion: ctx.apiVersion, metadata: meta, items },
    table: () => imageStreamTable(items, meta, includeObjectParam(ctx), ctx.apiVersion),
  };
}

/**
 * An ImageStream request body, decoded under the request's fieldValidation:
 * unknown fields come from the wire schema, duplicate ones from the raw text.
 */
async function streamBody(ctx: RestContext): Promise<ImageStreamWrite> {
  const mode = fieldValidationParam(ctx);
  const format = bodyFormatOf(ctx.req.headers['content-type']);
  const { value, text } = await ctx.bodyValue(format);
  checkTypeMeta(ctx, value);
  const duplicates = format === 'json' ? findDuplicateJsonKeys(text) : [];
  const { value: stream, warnings } = applyFieldValidation(decodeImageStreamJson(value), duplicates, mode);
  ctx.warnings.push(...warnings);
  return stream;
}

/** A body must be an ImageStream of this API (either spelling of its version, so old manifests still apply). */
function checkTypeMeta(ctx: RestContext, value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequestError('the request body must be a JSON object');
  const { kind, apiVersion } = value as { kind?: unknown; apiVersion?: unknown };
  if (kind !== undefined && kind !== IMAGE_STREAM_KIND) {
    throw new BadRequestError(`the kind in the data (${String(kind)}) does not match the expected kind (${IMAGE_STREAM_KIND})`);
  }
  if (apiVersion !== undefined && apiVersion !== ctx.apiVersion && apiVersion !== `${API_GROUP}/v1` && apiVersion !== 'v1') {
    throw new BadRequestError(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${ctx.apiVersion})`);
  }
}

/** A patch body: JSON in the format its Content-Type names; duplicate keys follow fieldValidation. */
async function patchBody(ctx: RestContext) {
  const patchType = patchTypeOf(ctx.req.headers['content-type']);
  const mode = fieldValidationParam(ctx);
  const { value, text } = await ctx.bodyValue('json');
  const { warnings } = applyFieldValidation({ value: {}, unknownFields: [] }, findDuplicateJsonKeys(text), mode);
  ctx.warnings.push(...warnings);
  // Unknown fields show only in the patched object: the service decodes it under the same directive.
  return { patch: value, patchType, fieldValidation: mode, onWarning: (w: string) => ctx.warnings.push(w) };
}

interface DeleteOptionsBody {
  dryRun?: unknown;
  preconditions?: { uid?: unknown; resourceVersion?: unknown } | null;
}

/** DELETE may carry DeleteOptions (kubectl sends propagationPolicy); dryRun may come from either place. */
async function deleteOptions(ctx: RestContext) {
  const { value } = await ctx.bodyValue('json', { optional: true });
  const body = (value ?? {}) as DeleteOptionsBody;
  if (body.dryRun !== undefined && !(Array.isArray(body.dryRun) && body.dryRun.every((v) => v === 'All'))) {
    throw new BadRequestError('Invalid dryRun value: the only supported value is "All"');
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    dryRun: dryRunParam(ctx) || (Array.isArray(body.dryRun) && body.dryRun.length > 0),
    preconditions: { uid: str(body.preconditions?.uid), resourceVersion: str(body.preconditions?.resourceVersion) },
  };
}

async function list(ctx: RestContext): Promise<Reply> {
  if (booleanParam(ctx, 'watch')) return imageStreamWatch(ctx, { namespace: ctx.params.namespace });
  nonNegativeIntParam(ctx, 'timeoutSeconds');
  const chunk = await ctx.services.imageStreams.listChunk(ctx.caller, {
    namespace: ctx.params.namespace,
    labelSelector: ctx.query('labelSelector'),
    fieldSelector: ctx.query('fieldSelector'),
    limit: nonNegativeIntParam(ctx, 'limit'),
    continue: ctx.query('continue'),
    resourceVersion: ctx.query('resourceVersion'),
    resourceVersionMatch: ctx.query('resourceVersionMatch'),
  });
  return listReply(ctx, chunk.items, { resourceVersion: chunk.resourceVersion, ...(chunk.continue ? { continue: chunk.continue } : {}) });
}

const ns = (ctx: RestContext) => ctx.param('namespace');
const name = (ctx: RestContext) => ctx.param('name');
const ITEM = '{g}/namespaces/{namespace}/imagestreams/{name}';

/**
 * Reads the response cache may answer: plain gets and first pages of lists.
 * Not watches, continued lists (their token may expire while the data does
 * not change) or reads at a given resourceVersion.
 */
const plainRead = (url: URL) => !['watch', 'continue', 'resourceVersion', 'resourceVersionMatch'].some((p) => url.searchParams.has(p));
const cacheStream = (params: Record<string, string>, url: URL) => (plainRead(url) ? [{ stream: `${params.namespace}/${params.name}` }] : undefined);
const cacheList = (params: Record<string, string>, url: URL) => (plainRead(url) ? [params.namespace === undefined ? ('all' as const) : { namespace: params.namespace }] : undefined);

export const imageStreamRoutes: RouteDef[] = [
  { method: 'GET', path: '{g}/imagestreams', handle: list, cacheAs: cacheList },
  { method: 'GET', path: '{g}/namespaces/{namespace}/imagestreams', handle: list, cacheAs: cacheList },
  {
    method: 'POST',
    path: '{g}/namespaces/{namespace}/imagestreams',
    handle: async (ctx) => {
      const dryRun = dryRunParam(ctx);
      const created = await ctx.services.imageStreams.create(ctx.caller, ns(ctx), await streamBody(ctx), { dryRun });
      return objectReply(ctx, created, 201);
    },
  },
  {
    method: 'DELETE',
    path: '{g}/namespaces/{namespace}/imagestreams',
    handle: async (ctx) => {
      const { dryRun } = await deleteOptions(ctx);
      const deleted = await ctx.services.imageStreams.deleteCollection(ctx.caller, ns(ctx), ctx.query('labelSelector'), ctx.query('fieldSelector'), { dryRun });
      return listReply(ctx, deleted, { resourceVersion: '' });
    },
  },
  { method: 'GET', path: '{g}/watch/imagestreams', handle: (ctx) => imageStreamWatch(ctx, {}) },
  { method: 'GET', path: '{g}/watch/namespaces/{namespace}/imagestreams', handle: (ctx) => imageStreamWatch(ctx, { namespace: ns(ctx) }) },
  { method: 'GET', path: '{g}/watch/namespaces/{namespace}/imagestreams/{name}', handle: (ctx) => imageStreamWatch(ctx, { namespace: ns(ctx), name: name(ctx) }) },
  {
    method: 'GET',
    path: ITEM,
    cacheAs: cacheStream,
    handle: async (ctx) =>
      booleanParam(ctx, 'watch')
        ? imageStreamWatch(ctx, { namespace: ns(ctx), name: name(ctx) })
        : objectReply(ctx, await ctx.services.imageStreams.getOrThrow(ctx.caller, ns(ctx), name(ctx))) },
  {
    method: 'PUT',
    path: ITEM,
    handle: async (ctx) => {
      const dryRun = dryRunParam(ctx);
      return objectReply(ctx, await ctx.services.imageStreams.replace(ctx.caller, ns(ctx), name(ctx), await streamBody(ctx), { dryRun }));
    },
  },
  {
    method: 'PATCH',
    path: ITEM,
    handle: async (ctx) => {
      const dryRun = dryRunParam(ctx);
      const { patch, patchType, ...validation } = await patchBody(ctx);
      return objectReply(ctx, await ctx.services.imageStreams.patch(ctx.caller, ns(ctx), name(ctx), patch, patchType, { dryRun, ...validation }));
    },
  },
  {
    method: 'DELETE',
    path: ITEM,
    handle: async (ctx) => {
      const deleted = await ctx.services.imageStreams.delete(ctx.caller, ns(ctx), name(ctx), await deleteOptions(ctx));
      return {
        body: {
          kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
          details: { name: deleted.metadata.name, group: API_GROUP, kind: IMAGE_STREAM_RESOURCE, uid: deleted.metadata.uid },
        },
      };
    },
  },
  { method: 'GET', path: `${ITEM}/status`, cacheAs: cacheStream, handle: async (ctx) => objectReply(ctx, await ctx.services.imageStreams.getOrThrow(ctx.caller, ns(ctx), name(ctx))) },
  {
    method: 'PUT',
    path: `${ITEM}/status`,
    handle: async (ctx) => {
      const dryRun = dryRunParam(ctx);
      return objectReply(ctx, await ctx.services.imageStreams.updateStatus(ctx.caller, ns(ctx), name(ctx), await streamBody(ctx), { dryRun }));
    },
  },
  {
    method: 'PATCH',
    path: `${ITEM}/status`,
    handle: async (ctx) => {
      const dryRun = dryRunParam(ctx);
      const { patch, patchType, ...validation } = await patchBody(ctx);
      return objectReply(ctx, await ctx.services.imageStreams.patchStatus(ctx.caller, ns(ctx), name(ctx), patch, patchType, { dryRun, ...validation }));
    },
  },
];

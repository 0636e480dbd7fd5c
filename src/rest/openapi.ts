import { createHash } from 'node:crypto';
import { z } from 'zod';
import { imageStreamWireSchema } from '../modules/image-stream/wire.rules.js';
import type { RouteDef } from './router.js';

/**
 * OpenAPI v3 for the image group, generated from the same zod wire schema
 * the service decodes bodies with. kubectl reads it to decide that the server
 * validates fields itself (a PATCH operation carrying the GVK and a
 * `fieldValidation` parameter → it sends fieldValidation=Strict instead of
 * validating client-side) and, for `apply`, to build strategic merge patches
 * (the `x-kubernetes-patch-*` keys on the tag lists).
 */

type Json = Record<string, unknown>;
const GROUP = 'image.openshift.io';
const PREFIX = `/apis/${GROUP}/v1`;
const DEF = 'com.github.openshift.api.image.v1';
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const gvk = (kind: string, group = GROUP) => [{ group, kind, version: 'v1' }];

/** JSON Schema 2020-12 (zod's output) to the OpenAPI 3.0 dialect: nullable unions collapse to their non-null side. */
function toOpenApi(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toOpenApi);
  if (typeof node !== 'object' || node === null) return node;
  const n = node as Json;
  const anyOf = n.anyOf as Json[] | undefined;
  if (anyOf) {
    const rest = anyOf.filter((s) => s.type !== 'null');
    if (rest.length === 1) return toOpenApi({ ...Object.fromEntries(Object.entries(n).filter(([k]) => k !== 'anyOf')), ...rest[0] });
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(n)) {
    if (k === '$schema' || k === 'propertyNames') continue;
    if (k === 'type' && Array.isArray(v)) {
      const types = v.filter((t) => t !== 'null');
      out.type = types.length === 1 ? types[0] : types;
      continue;
    }
    out[k] = toOpenApi(v);
  }
  if (out.additionalProperties !== undefined && typeof out.additionalProperties === 'object' && Object.keys(out.additionalProperties as Json).length === 0) {
    out.additionalProperties = true;
  }
  return out;
}

/** Marks `path` (a property path) as a list merged by `key` in strategic merge patches. */
function markMergeList(schema: Json, path: string[], key: string): void {
  let node = schema;
  for (const p of path) node = (node.properties as Json)[p] as Json;
  Object.assign(node, {
    'x-kubernetes-patch-merge-key': key,
    'x-kubernetes-patch-strategy': 'merge',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': [key],
  });
}

function imageStreamSchema(): Json {
  const schema = toOpenApi(z.toJSONSchema(imageStreamWireSchema, { io: 'input', unrepresentable: 'any' })) as Json;
  markMergeList(schema, ['spec', 'tags'], 'name');
  markMergeList(schema, ['status', 'tags'], 'tag');
  return { ...schema, description: 'An ImageStream: a named set of tags, each pointing at a history of images.', 'x-kubernetes-group-version-kind': gvk('ImageStream') };
}

const queryParam = (name: string, type: 'string' | 'integer' | 'boolean', description: string) => ({ name, in: 'query', description, schema: { type }, style: 'form' });
const P = {
  pretty: queryParam('pretty', 'string', "If 'true', the output is pretty printed."),
  dryRun: queryParam('dryRun', 'string', 'When present (only "All"), the request is validated and answered but nothing is stored.'),
  fieldValidation: queryParam('fieldValidation', 'string', 'Ignore, Warn (default) or Strict: what to do with unknown or duplicate fields.'),
  fieldManager: queryParam('fieldManager', 'string', 'Accepted for compatibility; managed fields are not tracked.'),
  labelSelector: queryParam('labelSelector', 'string', 'Only objects whose labels match.'),
  fieldSelector: queryParam('fieldSelector', 'string', 'Only objects whose metadata.name / metadata.namespace match.'),
  limit: queryParam('limit', 'integer', 'At most this many items; a continue token follows when more remain.'),
  continue: queryParam('continue', 'string', 'The token of the previous chunk of a list.'),
  resourceVersion: queryParam('resourceVersion', 'string', 'The list is at least this recent.'),
  resourceVersionMatch: queryParam('resourceVersionMatch', 'string', 'NotOlderThan (default) or Exact.'),
  timeoutSeconds: queryParam('timeoutSeconds', 'integer', 'Bound on the duration of the call.'),
  watch: queryParam('watch', 'boolean', 'Stream changes instead of listing.'),
};
const pathParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', uniqueItems: true } });
const json = (schema: unknown) => ({ 'application/json': { schema }, 'application/yaml': { schema } });
const ok = (schema: unknown, code = '200') => ({ [code]: { description: 'OK', content: json(schema) }, '401': { description: 'Unauthorized' } });

function op(id: string, action: string, kind: string, parameters: unknown[], responses: unknown, extra: Json = {}) {
  return { operationId: id, tags: ['imageOpenshiftIo_v1'], parameters, responses, 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': { group: GROUP, version: 'v1', kind }, ...extra };
}

const streamBody = { required: true, content: json(ref(`${DEF}.ImageStream`)) };
const patchBody = {
  required: true,
  content: Object.fromEntries(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'].map((t) => [t, { schema: { type: 'object' } }])),
};
const listParams = [P.pretty, P.labelSelector, P.fieldSelector, P.limit, P.continue, P.resourceVersion, P.resourceVersionMatch, P.timeoutSeconds, P.watch];
const writeParams = [P.pretty, P.dryRun, P.fieldManager, P.fieldValidation];

function imageStreamPaths(): Json {
  const ns = pathParam('namespace');
  const nm = pathParam('name');
  const stream = ref(`${DEF}.ImageStream`);
  const list = ref(`${DEF}.ImageStreamList`);
  const status = ref('io.k8s.apimachinery.pkg.apis.meta.v1.Status');
  const item = (sub: string, suffix: string) => ({
    get: op(`readImageOpenshiftIoV1NamespacedImageStream${sub}`, 'get', 'ImageStream', [ns, nm, P.pretty], ok(stream)),
    put: op(`replaceImageOpenshiftIoV1NamespacedImageStream${sub}`, 'put', 'ImageStream', [ns, nm, ...writeParams], ok(stream), { requestBody: streamBody }),
    patch: op(`patchImageOpenshiftIoV1NamespacedImageStream${sub}`, 'patch', 'ImageStream', [ns, nm, ...writeParams], ok(stream), { requestBody: patchBody }),
    ...(suffix ? {} : { delete: op('deleteImageOpenshiftIoV1NamespacedImageStream', 'delete', 'ImageStream', [ns, nm, P.pretty, P.dryRun], ok(status)) }),
  });
  return {
    [`${PREFIX}/imagestreams`]: { get: op('listImageOpenshiftIoV1ImageStreamForAllNamespaces', 'list', 'ImageStream', listParams, ok(list)) },
    [`${PREFIX}/namespaces/{namespace}/imagestreams`]: {
      get: op('listImageOpenshiftIoV1NamespacedImageStream', 'list', 'ImageStream', [ns, ...listParams], ok(list)),
      post: op('createImageOpenshiftIoV1NamespacedImageStream', 'post', 'ImageStream', [ns, ...writeParams], ok(stream, '201'), { requestBody: streamBody }),
      delete: op('deleteImageOpenshiftIoV1CollectionNamespacedImageStream', 'deletecollection', 'ImageStream', [ns, P.pretty, P.dryRun, P.labelSelector, P.fieldSelector], ok(list)),
    },
    [`${PREFIX}/namespaces/{namespace}/imagestreams/{name}`]: item('', ''),
    [`${PREFIX}/namespaces/{namespace}/imagestreams/{name}/status`]: item('Status', '/status'),
  };
}

function buildGroupDocument(): Json {
  return {
    openapi: '3.0.0',
    info: { title: 'imagestreams', version: 'image.openshift.io/v1' },
    paths: imageStreamPaths(),
    components: {
      schemas: {
        [`${DEF}.ImageStream`]: imageStreamSchema(),
        [`${DEF}.ImageStreamList`]: {
          type: 'object',
          required: ['items'],
          properties: {
            kind: { type: 'string' },
            apiVersion: { type: 'string' },
            metadata: { type: 'object', properties: { resourceVersion: { type: 'string' }, continue: { type: 'string' } } },
            items: { type: 'array', items: ref(`${DEF}.ImageStream`) },
          },
          'x-kubernetes-group-version-kind': gvk('ImageStreamList'),
        },
        'io.k8s.apimachinery.pkg.apis.meta.v1.Status': {
          type: 'object',
          properties: {
            kind: { type: 'string' }, apiVersion: { type: 'string' }, metadata: { type: 'object' }, status: { type: 'string' },
            message: { type: 'string' }, reason: { type: 'string' }, details: { type: 'object' }, code: { type: 'integer' },
          },
          'x-kubernetes-group-version-kind': gvk('Status', ''),
        },
      },
    },
  };
}

let cached: { document: Json; hash: string } | undefined;
/** Built once: the schema is fixed for the life of the process. */
export function groupDocument(): { document: Json; hash: string } {
  if (!cached) {
    const document = buildGroupDocument();
    cached = { document, hash: createHash('sha512').update(JSON.stringify(document)).digest('hex').slice(0, 64).toUpperCase() };
  }
  return cached;
}

export const openApiRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/openapi/v3',
    handle: () => ({ body: { paths: { [`apis/${GROUP}/v1`]: { serverRelativeURL: `/openapi/v3/apis/${GROUP}/v1?hash=${groupDocument().hash}` } } } }),
  },
  { method: 'GET', path: `/openapi/v3/apis/${GROUP}/v1`, handle: () => ({ body: groupDocument().document }) },
];

import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  CreateImageDocument,
  CreateMappingDocument,
  CreateSignatureDocument,
  DeleteImageDocument,
  DeleteIstagDocument,
  DeleteSignatureDocument,
  GetImageDocument,
  GetIsimageDocument,
  GetIstagDocument,
  ListImagesDocument,
  PruneImagesDocument,
  TagImageDocument,
  UpdateImageDocument,
  CreateStreamDocument,
  CreateTokenDocument,
  DeleteStreamDocument,
  DeleteStreamsDocument,
  GetStreamDocument,
  GrantRoleDocument,
  ListStreamsDocument,
  PatchStreamDocument,
  ReplaceStreamDocument,
  RevokeRoleDocument,
  RevokeTokenDocument,
  RoleBindingsDocument,
  UpdateStreamStatusDocument,
  WhoAmIDocument,
  ImportImagesDocument,
  CreatePullSecretDocument,
  DeletePullSecretDocument,
  ImageStreamSecretsDocument,
} from '../../../generated/graphql.js';
import type { GraphQLClient } from '../../../support/graphql-client.js';
import { connectWs } from '../../../support/ws-client.js';
import { imageInput, ociImage } from '../../../support/images.js';

/**
 * THE authorization matrix: every operation of every edge × every kind of
 * caller → allowed, or the exact denial code. `authorization-matrix.suite.ts`
 * runs it and fails when a root field of the schema has no row, so a new
 * operation cannot ship without saying who may call it.
 *
 * To add an operation: append a row. `vars` runs once per caller (fresh
 * fixtures each time, made with the cluster-admin client) and returns the
 * variables; `expect` is usually one of the shorthands below. A row that is
 * not GraphQL over HTTP (a subscription, a REST route, SSE) gives `perform`
 * instead: it makes the call as the caller and answers the outcome
 * (`overWebSocket` below does it for graphql-ws).
 */

export const CALLERS = ['anonymous', 'otherNamespace', 'view', 'edit', 'admin', 'clusterAdmin'] as const;
export type Caller = (typeof CALLERS)[number];

/** 'allowed' = answered without errors; otherwise the first error's `extensions.code`. */
export type Outcome = 'allowed' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'INVALID' | 'NOT_FOUND';

export interface Fixture {
  /** The namespace where the view, edit and admin callers hold their role (the other-namespace caller holds admin elsewhere). */
  ns: string;
  /** Cluster-admin client, for setting things up. */
  admin: GraphQLClient;
  /** A name no other attempt uses. */
  unique(prefix?: string): string;
  /** Creates a stream in `ns` and answers its resourceVersion. */
  stream(name: string, labels?: Record<string, string>): Promise<string>;
}

/** What a `perform` row gets to act as one caller. */
export interface CallerHandle {
  baseUrl: string;
  /** Absent for the anonymous caller. */
  token?: string;
  graphql: GraphQLClient;
}

export interface MatrixRow {
  /** `Query.x`, `Mutation.x`, `Subscription.x`, or a REST route as `GET /apis/...`. */
  operation: string;
  /** Tells rows of one operation apart (e.g. a list in one namespace vs. in all). */
  variant?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  doc: TypedDocumentNode<any, any> | string;
  vars: (f: Fixture) => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Replaces the HTTP call: performs the operation as `caller` with `vars` and answers what happened. */
  perform?: (caller: CallerHandle, vars: Record<string, unknown>, doc: string) => Promise<Outcome | string>;
  expect: Record<Caller, Outcome>;
}

const denied = { anonymous: 'UNAUTHENTICATED', otherNamespace: 'FORBIDDEN' } as const;
/** Any authenticated caller (the answer itself is filtered to what the caller may see). */
export const ANY_AUTHENTICATED: Record<Caller, Outcome> = { anonymous: 'UNAUTHENTICATED', otherNamespace: 'allowed', view: 'allowed', edit: 'allowed', admin: 'allowed', clusterAdmin: 'allowed' };
export const VIEW_AND_UP: Record<Caller, Outcome> = { ...denied, view: 'allowed', edit: 'allowed', admin: 'allowed', clusterAdmin: 'allowed' };
export const EDIT_AND_UP: Record<Caller, Outcome> = { ...denied, view: 'FORBIDDEN', edit: 'allowed', admin: 'allowed', clusterAdmin: 'allowed' };
export const ADMIN_AND_UP: Record<Caller, Outcome> = { ...denied, view: 'FORBIDDEN', edit: 'FORBIDDEN', admin: 'allowed', clusterAdmin: 'allowed' };
export const CLUSTER_ADMIN_ONLY: Record<Caller, Outcome> = { ...denied, view: 'FORBIDDEN', edit: 'FORBIDDEN', admin: 'FORBIDDEN', clusterAdmin: 'allowed' };

const pullSecretDoc = JSON.stringify({ auths: { 'registry.example.com': { auth: Buffer.from('u:p').toString('base64') } } });

export const MATRIX: MatrixRow[] = [
  // ---- image streams ------------------------------------------------------
  { operation: 'Query.imageStream', doc: GetStreamDocument, vars: async (f) => ({ namespace: f.ns, name: await named(f) }), expect: VIEW_AND_UP },
  { operation: 'Query.imageStreams', variant: 'in a namespace', doc: ListStreamsDocument, vars: (f) => ({ namespace: f.ns }), expect: VIEW_AND_UP },
  { operation: 'Query.imageStreams', variant: 'in all namespaces (filtered)', doc: ListStreamsDocument, vars: () => ({}), expect: ANY_AUTHENTICATED },
  {
    operation: 'Mutation.createImageStream',
    doc: CreateStreamDocument,
    vars: (f) => ({ namespace: f.ns, imageStream: { metadata: { name: f.unique('new') } } }),
    expect: EDIT_AND_UP,
  },
  {
    operation: 'Mutation.replaceImageStream',
    doc: ReplaceStreamDocument,
    vars: async (f) => {
      const name = f.unique('rep');
      const resourceVersion = await f.stream(name);
      return { namespace: f.ns, name, imageStream: { metadata: { name, resourceVersion, labels: { changed: 'yes' } } } };
    },
    expect: EDIT_AND_UP,
  },
  {
    operation: 'Mutation.patchImageStream',
    doc: PatchStreamDocument,
    vars: async (f) => ({ namespace: f.ns, name: await named(f), patch: { metadata: { labels: { patched: 'yes' } } } }),
    expect: EDIT_AND_UP,
  },
  { operation: 'Mutation.deleteImageStream', doc: DeleteStreamDocument, vars: async (f) => ({ namespace: f.ns, name: await named(f) }), expect: EDIT_AND_UP },
  {
    operation: 'Mutation.deleteImageStreams',
    doc: DeleteStreamsDocument,
    vars: async (f) => {
      const run = f.unique('run');
      await f.stream(f.unique('dc'), { run });
      return { namespace: f.ns, labelSelector: `run=${run}` };
    },
    expect: EDIT_AND_UP,
  },
  {
    operation: 'Mutation.updateImageStreamStatus',
    doc: UpdateStreamStatusDocument,
    vars: async (f) => {
      const name = await named(f);
      return { namespace: f.ns, name, imageStream: { metadata: { name }, status: { tags: [{ tag: 't', items: [{ dockerImageReference: 'busybox@sha256:' + 'a'.repeat(64), image: 'sha256:' + 'a'.repeat(64) }] }] } } };
    },
    expect: EDIT_AND_UP,
  },

  // ---- images, tags and history -------------------------------------------
  // Images reached through a stream (istag, isimage, TagEvent.image) follow the stream's read right;
  // the cluster-scoped image resources themselves are cluster-admin only (reference bootstrap policy).
  { operation: 'Query.imageStreamTag', doc: GetIstagDocument, vars: async (f) => ({ namespace: f.ns, name: (await mapped(f)).istag }), expect: VIEW_AND_UP },
  { operation: 'Query.imageStreamImage', doc: GetIsimageDocument, vars: async (f) => ({ namespace: f.ns, name: (await mapped(f)).isimage }), expect: VIEW_AND_UP },
  { operation: 'Mutation.createImageStreamMapping', doc: CreateMappingDocument, vars: async (f) => mappingVars(f, await named(f)), expect: EDIT_AND_UP },
  {
    operation: 'Mutation.tagImage',
    doc: TagImageDocument,
    vars: async (f) => ({ namespace: f.ns, input: { source: { kind: 'ImageStreamTag', name: (await mapped(f)).istag }, destinations: [`${f.unique('dst')}:t`] } }),
    expect: EDIT_AND_UP,
  },
  { operation: 'Mutation.deleteImageStreamTag', doc: DeleteIstagDocument, vars: async (f) => ({ namespace: f.ns, name: (await mapped(f)).istag }), expect: EDIT_AND_UP },
  { operation: 'Query.image', doc: GetImageDocument, vars: async (f) => ({ name: (await mapped(f)).image }), expect: CLUSTER_ADMIN_ONLY },
  { operation: 'Query.images', doc: ListImagesDocument, vars: () => ({ first: 1 }), expect: CLUSTER_ADMIN_ONLY },
  { operation: 'Mutation.createImage', doc: CreateImageDocument, vars: (f) => ({ image: imageInput(ociImage(f.unique('direct'))) }), expect: CLUSTER_ADMIN_ONLY },
  { operation: 'Mutation.updateImage', doc: UpdateImageDocument, vars: async (f) => ({ name: (await mapped(f)).image, metadata: { labels: { touched: 'yes' } } }), expect: CLUSTER_ADMIN_ONLY },
  { operation: 'Mutation.deleteImage', doc: DeleteImageDocument, vars: async (f) => ({ name: (await mapped(f)).image }), expect: CLUSTER_ADMIN_ONLY },
  {
    operation: 'Mutation.createImageSignature',
    doc: CreateSignatureDocument,
    vars: async (f) => ({ signature: { metadata: { name: `${(await mapped(f)).image}@sig` }, type: 'AtomicImageV1', content: Buffer.from('signed').toString('base64') } }),
    expect: CLUSTER_ADMIN_ONLY,
  },
  {
    operation: 'Mutation.deleteImageSignature',
    doc: DeleteSignatureDocument,
    vars: async (f) => {
      const name = `${(await mapped(f)).image}@sig`;
      await f.admin.ok(CreateSignatureDocument, { signature: { metadata: { name }, type: 'AtomicImageV1', content: Buffer.from('signed').toString('base64') } });
      return { name };
    },
    expect: CLUSTER_ADMIN_ONLY,
  },
  // A dry run: a real prune is cluster-wide and would disturb the other rows' fixtures.
  // ---- imports and pull secrets -------------------------------------------
  // A preview from a refused address: answered (with a per-image Forbidden) without any network access.
  {
    operation: 'Mutation.importImages',
    doc: ImportImagesDocument,
    vars: (f) => ({ namespace: f.ns, import: { metadata: { name: f.unique('isi') }, spec: { import: false, images: [{ from: { kind: 'DockerImage', name: '169.254.169.254/x/y:z' } }] } } }),
    expect: EDIT_AND_UP,
  },
  {
    operation: 'Mutation.createPullSecret',
    doc: CreatePullSecretDocument,
    vars: (f) => ({ namespace: f.ns, name: f.unique('sec'), dockerConfigJson: pullSecretDoc }),
    expect: EDIT_AND_UP,
  },
  {
    operation: 'Mutation.deletePullSecret',
    doc: DeletePullSecretDocument,
    vars: async (f) => {
      const name = f.unique('sec');
      await f.admin.ok(CreatePullSecretDocument, { namespace: f.ns, name, dockerConfigJson: pullSecretDoc });
      return { namespace: f.ns, name };
    },
    expect: EDIT_AND_UP,
  },
  { operation: 'Query.imageStreamSecrets', doc: ImageStreamSecretsDocument, vars: (f) => ({ namespace: f.ns, name: 'any' }), expect: EDIT_AND_UP },

  { operation: 'Mutation.pruneImages', doc: PruneImagesDocument, vars: () => ({ dryRun: true }), expect: CLUSTER_ADMIN_ONLY },

  // The WebSocket edge answers alike (subscriptions will use the same runner).
  { operation: 'Query.imageStream', variant: 'over graphql-ws', doc: GetStreamDocument, vars: async (f) => ({ namespace: f.ns, name: await named(f) }), perform: overWebSocket, expect: VIEW_AND_UP },
  {
    operation: 'Mutation.createImageStream',
    variant: 'over graphql-ws',
    doc: CreateStreamDocument,
    vars: (f) => ({ namespace: f.ns, imageStream: { metadata: { name: f.unique('ws') } } }),
    perform: overWebSocket,
    expect: EDIT_AND_UP,
  },

  // ---- image streams over REST (the same service rules as GraphQL) ----------
  { operation: 'GET /apis/image.openshift.io/v1/namespaces/{ns}/imagestreams', doc: 'GET', vars: (f) => ({ path: `${REST}/namespaces/${f.ns}/imagestreams` }), perform: overRest, expect: VIEW_AND_UP },
  { operation: 'GET /apis/image.openshift.io/v1/imagestreams', variant: 'all namespaces (filtered)', doc: 'GET', vars: () => ({ path: `${REST}/imagestreams` }), perform: overRest, expect: ANY_AUTHENTICATED },
  { operation: 'GET /oapi/v1/namespaces/{ns}/imagestreams/{name}', variant: 'legacy prefix', doc: 'GET', vars: async (f) => ({ path: `/oapi/v1/namespaces/${f.ns}/imagestreams/${await named(f)}` }), perform: overRest, expect: VIEW_AND_UP },
  { operation: 'GET /apis/image.openshift.io/v1/namespaces/{ns}/imagestreams/{name}', doc: 'GET', vars: async (f) => ({ path: `${REST}/namespaces/${f.ns}/imagestreams/${await named(f)}` }), perform: overRest, expect: VIEW_AND_UP },
  { operation: 'POST /apis/image.openshift.io/v1/namespaces/{ns}/imagestreams', doc: 'POST', vars: (f) => ({ path: `${REST}/namespaces/${f.ns}/imagestreams`, body: { metadata: { name: f.unique('rest') } } }), perform: overRest, expect: EDIT_AND_UP },
  {
    operation: 'PUT /apis/image.openshift.io/v1/namespaces/{ns}/imagestreams/{name}',
    doc: 'PUT',
    vars: async (f) => {
      const name = f.unique('put');
      const resourceVersion = await f.stream(name);
      return { path: `${REST}/namespaces/${f.ns}/imagestreams/${name}`, body: { metadata: { name, resourceVersion, labels: { put: 'yes' } } } };
    },
    perform: overRest,
    expect: EDIT_AND_UP,
  },
  {
    operation: 'PATCH /apis/image.openshift.io/v1/namespaces/{ns}/imagestreams/{name}',
    doc: 'PATCH',
    vars: async (f) => ({ path: `${REST}/namespaces/${f.ns}/imagestreams/${await named(f)}`, body: { metadata: { labels: { patched: 'yes' } } }, contentType: 'application/merge-patch+json' }),
    perform: overRest,
    expect: EDIT_AND_UP,
  },
  { operation: 'DELETE /apis/image.openshift.io/v1/namespaces/{ns}/imagestreams/{name}', doc: 'DELETE', vars: async (f) => ({ path: `${REST}/namespaces/${f.ns}/imagestreams/${await named(f)}` }), perform: overRest, expect: EDIT_AND_UP },
  {
    operation: 'DELETE /apis/image.openshift.io/v1/namespaces/{ns}/imagestreams',
    variant: 'collection',
    doc: 'DELETE',
    vars: async (f) => {
      const run = f.unique('rdc');
      await f.stream(f.unique('rdc'), { run });
      return { path: `${REST}/namespaces/${f.ns}/imagestreams?labelSelector=run%3D${run}` };
    },
    perform: overRest,
    expect: EDIT_AND_UP,
  },
  { operation: 'GET /apis/image.openshift.io/v1/namespaces/{ns}/imagestreams/{name}/status', doc: 'GET', vars: async (f) => ({ path: `${REST}/namespaces/${f.ns}/imagestreams/${await named(f)}/status` }), perform: overRest, expect: VIEW_AND_UP },
  {
    operation: 'PUT /apis/image.openshift.io/v1/namespaces/{ns}/imagestreams/{name}/status',
    doc: 'PUT',
    vars: async (f) => {
      const name = f.unique('sput');
      const resourceVersion = await f.stream(name);
      const digest = 'sha256:' + 'c'.repeat(64);
      return { path: `${REST}/namespaces/${f.ns}/imagestreams/${name}/status`, body: { metadata: { name, resourceVersion }, status: { tags: [{ tag: 't', items: [{ dockerImageReference: `busybox@${digest}`, image: digest }] }] } } };
    },
    perform: overRest,
    expect: EDIT_AND_UP,
  },
  {
    operation: 'PATCH /apis/image.openshift.io/v1/namespaces/{ns}/imagestreams/{name}/status',
    doc: 'PATCH',
    vars: async (f) => ({ path: `${REST}/namespaces/${f.ns}/imagestreams/${await named(f)}/status`, body: { status: { tags: [] } }, contentType: 'application/merge-patch+json' }),
    perform: overRest,
    expect: EDIT_AND_UP,
  },
  // Secrets hold registry credentials: view may not read them.
  { operation: 'GET /apis/image.openshift.io/v1/namespaces/{ns}/imagestreams/{name}/secrets', doc: 'GET', vars: async (f) => ({ path: `${REST}/namespaces/${f.ns}/imagestreams/${await named(f)}/secrets` }), perform: overRest, expect: EDIT_AND_UP },
  {
    operation: 'POST /apis/image.openshift.io/v1/namespaces/{ns}/imagestreamimports',
    variant: 'preview of a refused source (no fetch is made)',
    doc: 'POST',
    vars: (f) => ({
      path: `${REST}/namespaces/${f.ns}/imagestreamimports`,
      body: { metadata: { name: f.unique('imp') }, spec: { import: false, images: [{ from: { kind: 'DockerImage', name: '169.254.169.254/x/y:z' } }] } },
    }),
    perform: overRest,
    expect: EDIT_AND_UP,
  },

  // ---- GraphQL over SSE: the same rules as graphql-ws ----------------------
  {
    operation: 'Subscription.watchImageStreams',
    variant: 'over SSE in a namespace',
    doc: 'subscription($namespace: String) { watchImageStreams(namespace: $namespace) { type resourceVersion } }',
    vars: (f) => ({ namespace: f.ns }),
    perform: firstOverSse,
    expect: VIEW_AND_UP,
  },

  // ---- watch ----------------------------------------------------------------
  {
    operation: 'Subscription.watchImageStreams',
    variant: 'in a namespace',
    doc: 'subscription($namespace: String) { watchImageStreams(namespace: $namespace) { type resourceVersion } }',
    vars: async (f) => ({ namespace: f.ns, name: await named(f) }),
    perform: firstOverWebSocket,
    expect: VIEW_AND_UP,
  },
  {
    operation: 'Subscription.watchImageStreams',
    variant: 'in all namespaces (filtered)',
    doc: 'subscription { watchImageStreams { type resourceVersion } }',
    vars: () => ({}),
    perform: firstOverWebSocket,
    expect: ANY_AUTHENTICATED,
  },

  // ---- import progress (events are filtered to the importing user) ------------
  {
    operation: 'Subscription.importProgress',
    doc: 'subscription($progressId: String!) { importProgress(progressId: $progressId) { phase } }',
    vars: (f) => ({ progressId: f.unique('progress-id') }),
    perform: firstOverWebSocket,
    expect: ANY_AUTHENTICATED,
  },

  // ---- REST routes (the same services; outcomes from the HTTP status) -------
  { operation: 'GET /apis/image.openshift.io/v1/namespaces/{ns}/imagestreamtags/{name}', doc: 'GET', vars: async (f) => ({ path: `${REST}/namespaces/${f.ns}/imagestreamtags/${(await mapped(f)).istag}` }), perform: overRest, expect: VIEW_AND_UP },
  { operation: 'GET /apis/image.openshift.io/v1/namespaces/{ns}/imagestreamtags', doc: 'GET', vars: (f) => ({ path: `${REST}/namespaces/${f.ns}/imagestreamtags` }), perform: overRest, expect: VIEW_AND_UP },
  {
    operation: 'PUT /apis/image.openshift.io/v1/namespaces/{ns}/imagestreamtags/{name}',
    variant: 'blind upsert (oc tag)',
    doc: 'PUT',
    vars: (f) => {
      const name = `${f.unique('ut')}:t`;
      return { path: `${REST}/namespaces/${f.ns}/imagestreamtags/${name}`, body: { metadata: { name }, tag: { from: { kind: 'DockerImage', name: 'busybox:1' } } } };
    },
    perform: overRest,
    expect: EDIT_AND_UP,
  },
  { operation: 'DELETE /apis/image.openshift.io/v1/namespaces/{ns}/imagestreamtags/{name}', doc: 'DELETE', vars: async (f) => ({ path: `${REST}/namespaces/${f.ns}/imagestreamtags/${(await mapped(f)).istag}` }), perform: overRest, expect: EDIT_AND_UP },
  { operation: 'GET /apis/image.openshift.io/v1/namespaces/{ns}/imagestreamimages/{name}', doc: 'GET', vars: async (f) => ({ path: `${REST}/namespaces/${f.ns}/imagestreamimages/${(await mapped(f)).isimage}` }), perform: overRest, expect: VIEW_AND_UP },
  {
    operation: 'POST /apis/image.openshift.io/v1/namespaces/{ns}/imagestreammappings',
    doc: 'POST',
    vars: async (f) => ({ path: `${REST}/namespaces/${f.ns}/imagestreammappings`, body: mappingVars(f, await named(f)).mapping }),
    perform: overRest,
    expect: EDIT_AND_UP,
  },
  { operation: 'GET /apis/image.openshift.io/v1/images/{name}', doc: 'GET', vars: async (f) => ({ path: `${REST}/images/${(await mapped(f)).image}` }), perform: overRest, expect: CLUSTER_ADMIN_ONLY },
  { operation: 'GET /apis/image.openshift.io/v1/images', doc: 'GET', vars: () => ({ path: `${REST}/images?limit=1` }), perform: overRest, expect: CLUSTER_ADMIN_ONLY },
  { operation: 'POST /apis/image.openshift.io/v1/images', doc: 'POST', vars: (f) => ({ path: `${REST}/images`, body: imageInput(ociImage(f.unique('rest'))) }), perform: overRest, expect: CLUSTER_ADMIN_ONLY },
  {
    operation: 'PATCH /apis/image.openshift.io/v1/images/{name}',
    doc: 'PATCH',
    vars: async (f) => ({ path: `${REST}/images/${(await mapped(f)).image}`, body: { metadata: { labels: { touched: 'yes' } } }, contentType: 'application/merge-patch+json' }),
    perform: overRest,
    expect: CLUSTER_ADMIN_ONLY,
  },
  { operation: 'DELETE /apis/image.openshift.io/v1/images/{name}', doc: 'DELETE', vars: async (f) => ({ path: `${REST}/images/${(await mapped(f)).image}` }), perform: overRest, expect: CLUSTER_ADMIN_ONLY },
  {
    operation: 'POST /apis/image.openshift.io/v1/imagesignatures',
    doc: 'POST',
    vars: async (f) => ({ path: `${REST}/imagesignatures`, body: { metadata: { name: `${(await mapped(f)).image}@sig` }, type: 'AtomicImageV1', content: Buffer.from('signed').toString('base64') } }),
    perform: overRest,
    expect: CLUSTER_ADMIN_ONLY,
  },
  {
    operation: 'DELETE /apis/image.openshift.io/v1/imagesignatures/{name}',
    doc: 'DELETE',
    vars: async (f) => {
      const name = `${(await mapped(f)).image}@sig`;
      await f.admin.ok(CreateSignatureDocument, { signature: { metadata: { name }, type: 'AtomicImageV1', content: Buffer.from('signed').toString('base64') } });
      return { path: `${REST}/imagesignatures/${name}` };
    },
    perform: overRest,
    expect: CLUSTER_ADMIN_ONLY,
  },
  // REST watch: authorized exactly as the subscription (same WatchService).
  { operation: 'GET /apis/image.openshift.io/v1/watch/namespaces/{ns}/imagestreams', doc: 'GET', vars: async (f) => ({ path: `${REST}/watch/namespaces/${f.ns}/imagestreams`, name: await named(f) }), perform: overRest, expect: VIEW_AND_UP },
  { operation: 'GET /apis/image.openshift.io/v1/namespaces/{ns}/imagestreams?watch=true', doc: 'GET', vars: (f) => ({ path: `${REST}/namespaces/${f.ns}/imagestreams?watch=true` }), perform: overRest, expect: VIEW_AND_UP },
  { operation: 'GET /apis/image.openshift.io/v1/watch/imagestreams', variant: 'in all namespaces (filtered)', doc: 'GET', vars: () => ({ path: `${REST}/watch/imagestreams` }), perform: overRest, expect: ANY_AUTHENTICATED },

  // ---- identities and roles ------------------------------------------------
  { operation: 'Query.whoAmI', doc: WhoAmIDocument, vars: () => ({}), expect: ANY_AUTHENTICATED },
  { operation: 'Query.roleBindings', doc: RoleBindingsDocument, vars: (f) => ({ namespace: f.ns }), expect: ADMIN_AND_UP },
  { operation: 'Mutation.createToken', doc: CreateTokenDocument, vars: (f) => ({ user: f.unique('robot'), expiresIn: 60 }), expect: CLUSTER_ADMIN_ONLY },
  {
    operation: 'Mutation.revokeToken',
    doc: RevokeTokenDocument,
    // Holding a token is the authority to revoke it: every authenticated caller may.
    vars: async (f) => ({ token: (await f.admin.ok(CreateTokenDocument, { user: f.unique('victim'), expiresIn: 60 })).createToken }),
    expect: ANY_AUTHENTICATED,
  },
  { operation: 'Mutation.grantRole', doc: GrantRoleDocument, vars: (f) => ({ namespace: f.ns, role: 'view', user: f.unique('grantee') }), expect: ADMIN_AND_UP },
  {
    operation: 'Mutation.revokeRole',
    doc: RevokeRoleDocument,
    vars: async (f) => {
      const vars = { namespace: f.ns, role: 'edit', group: f.unique('team') };
      await f.admin.ok(GrantRoleDocument, vars);
      return vars;
    },
    expect: ADMIN_AND_UP,
  },
];

/**
 * Runs the row's document over graphql-ws as the caller: 'allowed' when the
 * first result has no errors, else its first error code; a socket refused
 * at connection_init (4403) is UNAUTHENTICATED, as on HTTP.
 */
export async function overWebSocket(caller: CallerHandle, vars: Record<string, unknown>, doc: string): Promise<Outcome | string> {
  const ws = connectWs(caller.baseUrl, caller.token ? { authorization: `Bearer ${caller.token}` } : {});
  try {
    const ready = await Promise.race([ws.connected.then(() => true), ws.closed.then(() => false)]);
    if (!ready) return (await ws.closed).code === 4403 ? 'UNAUTHENTICATED' : `closed ${(await ws.closed).code}`;
    const result = await ws.execute(doc, vars);
    return result.errors?.length ? String(result.errors[0].extensions?.code) : 'allowed';
  } finally {
    await ws.dispose();
  }
}

const REST = '/apis/image.openshift.io/v1';

/**
 * A REST row: `doc` is the HTTP method, `vars` the path (and body). The
 * outcome comes from the status, as the Status reason maps to the GraphQL
 * codes; a watch counts as allowed once its 200 headers arrive (the stream is
 * then dropped).
 */
export async function overRest(caller: CallerHandle, vars: Record<string, unknown>, method: string): Promise<Outcome | string> {
  const headers: Record<string, string> = {};
  if (caller.token) headers.authorization = `Bearer ${caller.token}`;
  if (vars.body !== undefined) headers['content-type'] = String(vars.contentType ?? 'application/json');
  const abort = new AbortController();
  try {
    const res = await fetch(`${caller.baseUrl}${String(vars.path)}`, { method, headers, body: vars.body === undefined ? undefined : JSON.stringify(vars.body), signal: abort.signal });
    if (res.status >= 200 && res.status < 300) return 'allowed';
    const byStatus: Record<number, Outcome> = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 422: 'INVALID' };
    return byStatus[res.status] ?? `HTTP ${res.status}: ${await res.text()}`;
  } finally {
    abort.abort();
  }
}

function mappingVars(f: Fixture, stream: string) {
  return { namespace: f.ns, mapping: { metadata: { name: stream }, tag: 'latest', image: imageInput(ociImage(f.unique('img'))) } };
}

/** A stream in the caller's namespace whose tag `latest` points at a fresh image (made by the cluster-admin). */
async function mapped(f: Fixture): Promise<{ istag: string; isimage: string; image: string }> {
  const stream = await named(f);
  const vars = mappingVars(f, stream);
  await f.admin.ok(CreateMappingDocument, vars);
  const image = vars.mapping.image.metadata.name;
  return { istag: `${stream}:latest`, isimage: `${stream}@${image}`, image };
}

/**
 * A subscription's first result over GraphQL-over-SSE (distinct connections) as the caller:
 * 401 before the stream is UNAUTHENTICATED; otherwise the first `next` event decides.
 */
async function firstOverSse(caller: CallerHandle, vars: Record<string, unknown>, doc: string): Promise<Outcome | string> {
  const abort = new AbortController();
  try {
    const res = await fetch(`${caller.baseUrl}/graphql/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(caller.token ? { authorization: `Bearer ${caller.token}` } : {}) },
      body: JSON.stringify({ query: doc, variables: vars }),
      signal: abort.signal,
    });
    if (res.status === 401) return 'UNAUTHENTICATED';
    if (res.status !== 200 || !res.body) return `HTTP ${res.status}: ${await res.text()}`;
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      const data = /event: next\ndata: (.*)\n/.exec(text)?.[1];
      if (data) {
        const result = JSON.parse(data) as { errors?: Array<{ extensions?: { code?: string } }> };
        return result.errors?.length ? String(result.errors[0].extensions?.code) : 'allowed';
      }
    }
    return `stream ended without a result: ${text}`;
  } finally {
    abort.abort();
  }
}

/** A subscription's first result over graphql-ws as the caller: 'allowed' when it carries no errors. */
async function firstOverWebSocket(caller: CallerHandle, vars: Record<string, unknown>, doc: string): Promise<Outcome | string> {
  const ws = connectWs(caller.baseUrl, caller.token ? { authorization: `Bearer ${caller.token}` } : {});
  try {
    const ready = await Promise.race([ws.connected.then(() => true), ws.closed.then(() => false)]);
    if (!ready) return (await ws.closed).code === 4403 ? 'UNAUTHENTICATED' : `closed ${(await ws.closed).code}`;
    const { name: _unused, ...variables } = vars;
    const result = await ws.first(doc, variables);
    return result.errors?.length ? String(result.errors[0].extensions?.code) : 'allowed';
  } finally {
    await ws.dispose();
  }
}

async function named(f: Fixture): Promise<string> {
  const name = f.unique('is');
  await f.stream(name);
  return name;
}

import { IMAGE_STREAM_IMPORT_KIND, type ImageImportStatus, type ImageStreamImport, type ImageStreamImportWrite } from '../modules/import/import.model.js';
import type { StoredImage } from '../modules/image/image.store.js';
import type { PullSecret } from '../modules/pull-secret/pull-secret.model.js';
import { BadRequestError } from '../platform/errors.js';
import type { RestContext } from './context.js';
import { dryRunParam } from './params.js';
import type { Reply } from './render.js';
import type { RouteDef } from './router.js';

/** ImageStreamImport (POST only) and the `imagestreams/{name}/secrets` subresource (reference §5, §8.7). */

/** The wire Image: the platform OS travels only inside the service. */
const wireImage = ({ os: _os, ...image }: StoredImage) => image;
const wireEntry = (e: ImageImportStatus) => ({ ...e, ...(e.image ? { image: wireImage(e.image) } : {}), ...(e.manifests ? { manifests: e.manifests.map(wireImage) } : {}) });

function importReply(ctx: RestContext, isi: ImageStreamImport): Reply {
  const { status } = isi;
  return {
    status: 201,
    body: {
      kind: IMAGE_STREAM_IMPORT_KIND,
      apiVersion: ctx.apiVersion,
      metadata: isi.metadata,
      spec: isi.spec,
      status: {
        ...(status.import ? { import: { kind: 'ImageStream', apiVersion: ctx.apiVersion, ...status.import } } : {}),
        ...(status.repository ? { repository: { ...status.repository, ...(status.repository.images ? { images: status.repository.images.map(wireEntry) } : {}) } } : {}),
        ...(status.images ? { images: status.images.map(wireEntry) } : {}),
      },
    },
  };
}

async function importBody(ctx: RestContext): Promise<ImageStreamImportWrite> {
  const { value } = await ctx.bodyValue('json');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequestError('the request body must be a JSON object');
  const kind = (value as { kind?: unknown }).kind;
  if (kind !== undefined && kind !== IMAGE_STREAM_IMPORT_KIND) {
    throw new BadRequestError(`the kind in the data (${String(kind)}) does not match the expected kind (${IMAGE_STREAM_IMPORT_KIND})`);
  }
  return value as ImageStreamImportWrite;
}

const secretItem = (s: PullSecret) => ({
  kind: 'Secret',
  apiVersion: 'v1',
  metadata: s.metadata,
  type: s.type,
  data: { '.dockerconfigjson': Buffer.from(s.dockerConfigJson, 'utf8').toString('base64') },
});

export const importRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '{g}/namespaces/{namespace}/imagestreamimports',
    handle: async (ctx) => {
      const body = await importBody(ctx);
      // dryRun=All previews instead of importing (the reference ignores dryRun here, §5.9; previewing is the safe reading).
      const input = dryRunParam(ctx) ? { ...body, spec: { ...body.spec, import: false } } : body;
      return importReply(ctx, await ctx.services.imports.importImages(ctx.caller, ctx.param('namespace'), input));
    },
  },
  {
    method: 'GET',
    path: '{g}/namespaces/{namespace}/imagestreams/{name}/secrets',
    handle: async (ctx) => {
      const secrets = await ctx.services.pullSecrets.forStream(ctx.caller, ctx.param('namespace'), ctx.param('name'));
      return { body: { kind: 'SecretList', apiVersion: ctx.apiVersion, metadata: {}, items: secrets.map(secretItem) } };
    },
  },
];

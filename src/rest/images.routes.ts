import { IMAGE_KIND, IMAGE_RESOURCE, type ImageSignature } from '../modules/image/image.model.js';
import type { ImageWrite, SignatureWrite } from '../modules/image/image.rules.js';
import type { StoredImage } from '../modules/image/image.store.js';
import { NotFoundError } from '../platform/errors.js';
import { deletedStatus, objectBody, patchBodyOf, typed } from './bodies.js';
import type { RestContext } from './context.js';
import { nonNegativeIntParam } from './params.js';
import type { RouteDef } from './router.js';

/** Images and imagesignatures (cluster-scoped, reference §4.2-§4.4), over ImageService. */

const image = (ctx: RestContext, { os: _os, ...wire }: StoredImage) => typed(ctx, IMAGE_KIND, wire);
const signature = (ctx: RestContext, { imageName: _i, ...wire }: ImageSignature) => typed(ctx, 'ImageSignature', wire);
const ITEM = '{g}/images/{name}';

export const imageRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '{g}/images',
    handle: async (ctx) => {
      const page = await ctx.services.images.list(ctx.caller, { first: nonNegativeIntParam(ctx, 'limit') ?? null, after: ctx.query('continue') ?? null });
      const cont = page.hasNextPage && page.endCursor ? { continue: page.endCursor } : {};
      return { body: { kind: 'ImageList', apiVersion: ctx.apiVersion, metadata: { resourceVersion: '', ...cont }, items: page.items.map(({ os: _os, ...i }) => i) } };
    },
  },
  {
    method: 'POST',
    path: '{g}/images',
    handle: async (ctx) => ({ status: 201, body: image(ctx, await ctx.services.images.create(ctx.caller, await objectBody<ImageWrite>(ctx, IMAGE_KIND))) }),
  },
  {
    method: 'GET',
    path: ITEM,
    handle: async (ctx) => {
      const found = await ctx.services.images.get(ctx.caller, ctx.param('name'));
      if (!found) throw new NotFoundError(IMAGE_RESOURCE, ctx.param('name'));
      return { body: image(ctx, found) };
    },
  },
  {
    method: 'PUT',
    path: ITEM,
    handle: async (ctx) => {
      const body = await objectBody<ImageWrite>(ctx, IMAGE_KIND);
      const meta = body.metadata ?? {};
      return { body: image(ctx, await ctx.services.images.updateMetadata(ctx.caller, ctx.param('name'), { labels: meta.labels ?? null, annotations: meta.annotations ?? null, resourceVersion: meta.resourceVersion })) };
    },
  },
  {
    method: 'PATCH',
    path: ITEM,
    handle: async (ctx) => {
      const { patch, patchType } = await patchBodyOf(ctx);
      return { body: image(ctx, await ctx.services.images.patch(ctx.caller, ctx.param('name'), patch, patchType)) };
    },
  },
  {
    method: 'DELETE',
    path: ITEM,
    handle: async (ctx) => {
      const deleted = await ctx.services.images.delete(ctx.caller, ctx.param('name'));
      return { body: deletedStatus(deleted.metadata.name, IMAGE_RESOURCE, deleted.metadata.uid) };
    },
  },
  {
    method: 'POST',
    path: '{g}/imagesignatures',
    handle: async (ctx) => ({ status: 201, body: signature(ctx, await ctx.services.images.createSignature(ctx.caller, await objectBody<SignatureWrite>(ctx, 'ImageSignature'))) }),
  },
  {
    method: 'DELETE',
    path: '{g}/imagesignatures/{name}',
    handle: async (ctx) => {
      await ctx.services.images.deleteSignature(ctx.caller, ctx.param('name'));
      return { body: deletedStatus(ctx.param('name'), 'imagesignatures') };
    },
  },
];

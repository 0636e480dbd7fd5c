import type { ImageStreamTagWrite } from '../modules/image-stream-tag/image-stream-tag.service.js';
import type { ImageStreamTagView } from '../modules/image-stream-tag/image-stream-tag.rules.js';
import type { MappingWrite } from '../modules/mapping/mapping.service.js';
import { NotFoundError } from '../platform/errors.js';
import { deletedStatus, objectBody, patchBodyOf, typed } from './bodies.js';
import type { RestContext } from './context.js';
import type { RouteDef } from './router.js';

/** imagestreamtags (§3.8), imagestreamimages (§6) and imagestreammappings (§4.1), over their services. */

const ns = (ctx: RestContext) => ctx.param('namespace');
const name = (ctx: RestContext) => ctx.param('name');
const ITEM = '{g}/namespaces/{namespace}/imagestreamtags/{name}';

const istag = async (ctx: RestContext, view: ImageStreamTagView) => typed(ctx, 'ImageStreamTag', await ctx.services.imageStreamTags.toObject(view));

async function getTag(ctx: RestContext): Promise<ImageStreamTagView> {
  const view = await ctx.services.imageStreamTags.get(ctx.caller, ns(ctx), name(ctx));
  if (!view) throw new NotFoundError('imagestreamtags', name(ctx));
  return view;
}

export const imageStreamTagRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '{g}/namespaces/{namespace}/imagestreamtags',
    handle: async (ctx) => {
      const views = await ctx.services.imageStreamTags.list(ctx.caller, ns(ctx), ctx.query('labelSelector'));
      const items = await Promise.all(views.map((v) => ctx.services.imageStreamTags.toObject(v)));
      return { body: { kind: 'ImageStreamTagList', apiVersion: ctx.apiVersion, metadata: { resourceVersion: '' }, items } };
    },
  },
  {
    method: 'POST',
    path: '{g}/namespaces/{namespace}/imagestreamtags',
    handle: async (ctx) => {
      const body = await objectBody<ImageStreamTagWrite>(ctx, 'ImageStreamTag');
      const view = await ctx.services.imageStreamTags.create(ctx.caller, ns(ctx), body.metadata?.name ?? '', body);
      return { status: 201, body: await istag(ctx, view) };
    },
  },
  { method: 'GET', path: ITEM, handle: async (ctx) => ({ body: await istag(ctx, await getTag(ctx)) }) },
  {
    method: 'PUT',
    path: ITEM,
    handle: async (ctx) => {
      const body = await objectBody<ImageStreamTagWrite>(ctx, 'ImageStreamTag');
      return { body: await istag(ctx, await ctx.services.imageStreamTags.update(ctx.caller, ns(ctx), name(ctx), body)) };
    },
  },
  {
    method: 'PATCH',
    path: ITEM,
    handle: async (ctx) => {
      const { patch, patchType } = await patchBodyOf(ctx);
      return { body: await istag(ctx, await ctx.services.imageStreamTags.patch(ctx.caller, ns(ctx), name(ctx), patch, patchType)) };
    },
  },
  {
    method: 'DELETE',
    path: ITEM,
    handle: async (ctx) => {
      await ctx.services.imageStreamTags.delete(ctx.caller, ns(ctx), name(ctx));
      return { body: deletedStatus(name(ctx), 'imagestreamtags') };
    },
  },
  {
    method: 'GET',
    path: '{g}/namespaces/{namespace}/imagestreamimages/{name}',
    handle: async (ctx) => {
      const view = await ctx.services.imageStreamTags.getImage(ctx.caller, ns(ctx), name(ctx));
      // Singular resource in the reference's NotFound (§6 step 5).
      if (!view) throw new NotFoundError('imagestreamimage', name(ctx));
      return { body: typed(ctx, 'ImageStreamImage', view) };
    },
  },
  {
    method: 'POST',
    path: '{g}/namespaces/{namespace}/imagestreammappings',
    handle: async (ctx) => {
      await ctx.services.mappings.create(ctx.caller, ns(ctx), await objectBody<MappingWrite>(ctx, 'ImageStreamMapping'));
      return { status: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };
    },
  },
];

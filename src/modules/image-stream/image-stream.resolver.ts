import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root, registerEnumType } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context.js';
import { JSONScalar } from '../../platform/graphql/scalars.js';
import { ImageStreamInput } from './image-stream.input.js';
import type { ImageStream as ImageStreamModel, ImageStreamWrite, TagEvent as TagEventModel } from './image-stream.model.js';
import { encodeCursor } from './image-stream.service.js';
import { ImageStream, ImageStreamConnection, TagEvent } from './image-stream.type.js';
import type { PatchType as PatchTypeName } from './patch.rules.js';

export enum PatchType {
  MERGE = 'MERGE',
  JSON = 'JSON',
  STRATEGIC = 'STRATEGIC',
}
registerEnumType(PatchType, {
  name: 'PatchType',
  description: 'MERGE: JSON merge patch (RFC 7386). JSON: JSON patch (RFC 6902). STRATEGIC: merge patch that merges spec.tags by name and status.tags by tag.',
});

/** GraphQL input objects arrive as class instances; the service takes plain data. */
const plain = (input: ImageStreamInput): ImageStreamWrite => input as unknown as ImageStreamWrite;

interface ConnectionResult {
  edges: Array<{ cursor: string; node: ImageStreamModel }>;
  nodes: ImageStreamModel[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  resourceVersion: string;
  totalCount: () => Promise<number>;
}

@Resolver(() => ImageStream)
export class ImageStreamResolver {
  @Query(() => ImageStream, { nullable: true, description: 'One image stream; null when absent.' })
  imageStream(
    @Arg('namespace', () => String) namespace: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ImageStreamModel | null> {
    return ctx.services.imageStreams.get(ctx.caller, namespace, name);
  }

  @Query(() => ImageStreamConnection, { description: 'Image streams in a namespace, or in every namespace the caller may see when namespace is null.' })
  async imageStreams(
    @Ctx() ctx: RequestContext,
    @Arg('namespace', () => String, { nullable: true }) namespace?: string,
    @Arg('labelSelector', () => String, { nullable: true }) labelSelector?: string,
    @Arg('fieldSelector', () => String, { nullable: true }) fieldSelector?: string,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<ConnectionResult> {
    const page = await ctx.services.imageStreams.list(ctx.caller, { namespace, labelSelector, fieldSelector, first, after });
    return {
      edges: page.items.map((node) => ({ cursor: encodeCursor(node.metadata.namespace, node.metadata.name), node })),
      nodes: page.items,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      resourceVersion: page.resourceVersion,
      totalCount: page.totalCount,
    };
  }

  @Mutation(() => ImageStream, { description: 'Creates a stream. dryRun validates and answers without storing.' })
  createImageStream(
    @Arg('namespace', () => String) namespace: string,
    @Arg('imageStream', () => ImageStreamInput) imageStream: ImageStreamInput,
    @Ctx() ctx: RequestContext,
    @Arg('dryRun', () => Boolean, { nullable: true }) dryRun?: boolean,
  ): Promise<ImageStreamModel> {
    return ctx.services.imageStreams.create(ctx.caller, namespace, plain(imageStream), { dryRun: dryRun ?? false });
  }

  @Mutation(() => ImageStream, { description: 'Replaces metadata and spec; metadata.resourceVersion is required and must be current.' })
  replaceImageStream(
    @Arg('namespace', () => String) namespace: string,
    @Arg('name', () => String) name: string,
    @Arg('imageStream', () => ImageStreamInput) imageStream: ImageStreamInput,
    @Ctx() ctx: RequestContext,
    @Arg('dryRun', () => Boolean, { nullable: true }) dryRun?: boolean,
  ): Promise<ImageStreamModel> {
    return ctx.services.imageStreams.replace(ctx.caller, namespace, name, plain(imageStream), { dryRun: dryRun ?? false });
  }

  @Mutation(() => ImageStream, { description: 'Patches the stream as JSON (status changes are ignored; use updateImageStreamStatus).' })
  patchImageStream(
    @Arg('namespace', () => String) namespace: string,
    @Arg('name', () => String) name: string,
    @Arg('patch', () => JSONScalar) patch: unknown,
    @Ctx() ctx: RequestContext,
    @Arg('patchType', () => PatchType, { nullable: true }) patchType?: PatchType,
    @Arg('dryRun', () => Boolean, { nullable: true }) dryRun?: boolean,
  ): Promise<ImageStreamModel> {
    return ctx.services.imageStreams.patch(ctx.caller, namespace, name, patch, (patchType ?? PatchType.MERGE) as PatchTypeName, { dryRun: dryRun ?? false });
  }

  @Mutation(() => ImageStream, { description: 'Deletes a stream and answers its last state. Images are kept.' })
  deleteImageStream(
    @Arg('namespace', () => String) namespace: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: RequestContext,
    @Arg('dryRun', () => Boolean, { nullable: true }) dryRun?: boolean,
  ): Promise<ImageStreamModel> {
    return ctx.services.imageStreams.delete(ctx.caller, namespace, name, { dryRun: dryRun ?? false });
  }

  @Mutation(() => Int, { description: 'Deletes every stream of the namespace matching the selector; answers how many.' })
  async deleteImageStreams(
    @Arg('namespace', () => String) namespace: string,
    @Ctx() ctx: RequestContext,
    @Arg('labelSelector', () => String, { nullable: true }) labelSelector?: string,
    @Arg('dryRun', () => Boolean, { nullable: true }) dryRun?: boolean,
  ): Promise<number> {
    const deleted = await ctx.services.imageStreams.deleteCollection(ctx.caller, namespace, labelSelector, undefined, { dryRun: dryRun ?? false });
    return deleted.length;
  }

  @Mutation(() => ImageStream, { description: 'Writes status.tags (the /status subresource); spec and metadata are kept.' })
  updateImageStreamStatus(
    @Arg('namespace', () => String) namespace: string,
    @Arg('name', () => String) name: string,
    @Arg('imageStream', () => ImageStreamInput) imageStream: ImageStreamInput,
    @Ctx() ctx: RequestContext,
    @Arg('dryRun', () => Boolean, { nullable: true }) dryRun?: boolean,
  ): Promise<ImageStreamModel> {
    return ctx.services.imageStreams.updateStatus(ctx.caller, namespace, name, plain(imageStream), { dryRun: dryRun ?? false });
  }

  @FieldResolver(() => String)
  kind(): string {
    return 'ImageStream';
  }

  @FieldResolver(() => String)
  apiVersion(): string {
    return 'image.openshift.io/v1';
  }
}

@Resolver(() => ImageStreamConnection)
export class ImageStreamConnectionResolver {
  @FieldResolver(() => Int, { description: 'How many streams match in all (a separate count, made only when asked for).' })
  totalCount(@Root() connection: ConnectionResult): Promise<number> {
    return connection.totalCount();
  }
}

@Resolver(() => TagEvent)
export class TagEventResolver {
  @FieldResolver(() => String, { description: 'The image name (digest), as the JSON field "image" holds it.' })
  imageName(@Root() event: TagEventModel): string {
    return event.image;
  }
}

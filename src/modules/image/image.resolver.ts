import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context.js';
import { ObjectMetaInput } from '../image-stream/image-stream.input.js';
import type { TagEvent as TagEventModel } from '../image-stream/image-stream.model.js';
import { TagEvent } from '../image-stream/image-stream.type.js';
import { imageStreamTagView, type ImageStreamTagView } from '../image-stream-tag/image-stream-tag.rules.js';
import { ImageStreamTag } from '../image-stream-tag/image-stream-tag.type.js';
import { ImageInput, ImageSignatureInput } from './image.input.js';
import { NotFoundError } from '../../platform/errors.js';
import { IMAGE_RESOURCE, type ImageManifest as ImageManifestModel, type ImageSignature } from './image.model.js';
import type { ImageWrite, SignatureWrite } from './image.rules.js';
import { encodeImageCursor } from './image.service.js';
import type { StoredImage } from './image.store.js';
import { DockerImageMetadata, Image, ImageConnection, ImageManifest, Signature } from './image.type.js';

const plain = <T>(input: unknown): T => input as T;

interface ImageConnectionResult {
  edges: Array<{ cursor: string; node: StoredImage }>;
  nodes: StoredImage[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  resourceVersion: string;
  totalCount: () => Promise<number>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map(String) : undefined);
const keys = (v: unknown): string[] | undefined => (v && typeof v === 'object' ? Object.keys(v) : undefined);

@Resolver(() => Image)
export class ImageResolver {
  @Query(() => Image, { nullable: true, description: 'One image by name (digest); null when absent.' })
  image(@Arg('name', () => String) name: string, @Ctx() ctx: RequestContext): Promise<StoredImage | null> {
    return ctx.services.images.get(ctx.caller, name);
  }

  @Query(() => ImageConnection, { description: 'Images ordered by name.' })
  async images(
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<ImageConnectionResult> {
    const page = await ctx.services.images.list(ctx.caller, { first, after });
    const resourceVersion = await ctx.services.imageStreams.currentResourceVersion();
    return {
      edges: page.items.map((node) => ({ cursor: encodeImageCursor(node.metadata.name), node })),
      nodes: page.items,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      resourceVersion,
      totalCount: page.totalCount,
    };
  }

  @Mutation(() => Image, { description: 'Creates an image (privileged). Layers and metadata are derived from dockerImageManifest + dockerImageConfig when given.' })
  createImage(@Arg('image', () => ImageInput) image: ImageInput, @Ctx() ctx: RequestContext): Promise<StoredImage> {
    return ctx.services.images.create(ctx.caller, plain<ImageWrite>(image));
  }

  @Mutation(() => Image, { description: 'Changes the labels and annotations of an image; its content is immutable. metadata.resourceVersion, when given, must be current.' })
  updateImage(@Arg('name', () => String) name: string, @Arg('metadata', () => ObjectMetaInput) metadata: ObjectMetaInput, @Ctx() ctx: RequestContext): Promise<StoredImage> {
    return ctx.services.images.updateMetadata(ctx.caller, name, metadata);
  }

  @Mutation(() => Image, { description: 'Deletes an image and answers its last state.' })
  deleteImage(@Arg('name', () => String) name: string, @Ctx() ctx: RequestContext): Promise<StoredImage> {
    return ctx.services.images.delete(ctx.caller, name);
  }

  @Mutation(() => Signature, { description: 'Adds a signature to an image; name "<image>@<signature>".' })
  createImageSignature(@Arg('signature', () => ImageSignatureInput) signature: ImageSignatureInput, @Ctx() ctx: RequestContext): Promise<ImageSignature> {
    return ctx.services.images.createSignature(ctx.caller, plain<SignatureWrite>(signature));
  }

  @Mutation(() => Boolean, { description: 'Removes a signature; name "<image>@<signature>".' })
  async deleteImageSignature(@Arg('name', () => String) name: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    await ctx.services.images.deleteSignature(ctx.caller, name);
    return true;
  }

  @FieldResolver(() => String)
  kind(): string {
    return 'Image';
  }

  @FieldResolver(() => String)
  apiVersion(): string {
    return 'image.openshift.io/v1';
  }

  @FieldResolver(() => DockerImageMetadata, { description: 'The metadata blob, whole (raw) and typed.' })
  dockerImageMetadata(@Root() image: StoredImage): DockerImageMetadata {
    const m = image.dockerImageMetadata;
    const c = (m.Config ?? undefined) as Record<string, unknown> | undefined;
    return {
      raw: m,
      id: str(m.Id),
      created: str(m.Created),
      architecture: str(m.Architecture),
      os: image.os,
      size: typeof m.Size === 'number' ? m.Size : undefined,
      author: str(m.Author),
      dockerVersion: str(m.DockerVersion),
      config: c
        ? {
            user: str(c.User),
            env: strings(c.Env),
            cmd: strings(c.Cmd),
            entrypoint: strings(c.Entrypoint),
            workingDir: str(c.WorkingDir),
            labels: (c.Labels as Record<string, string> | undefined) ?? undefined,
            exposedPorts: keys(c.ExposedPorts),
            volumes: keys(c.Volumes),
            stopSignal: str(c.StopSignal),
          }
        : undefined,
    };
  }

  @FieldResolver(() => [ImageStreamTag], { description: 'Tags of the streams you may see whose current image (items[0]) is this one.' })
  async imageStreamTags(@Root() image: StoredImage, @Ctx() ctx: RequestContext): Promise<ImageStreamTagView[]> {
    const pointers = await ctx.loaders.tagPointers.load(image.metadata.name);
    const streams = await Promise.all(pointers.map((p) => ctx.loaders.stream.load(`${p.namespace}/${p.stream}`)));
    return pointers.flatMap((p, i) => {
      const s = streams[i];
      const view = s && imageStreamTagView(s, p.tag);
      return view ? [view] : [];
    });
  }
}

@Resolver(() => ImageConnection)
export class ImageConnectionResolver {
  @FieldResolver(() => Int, { description: 'How many images exist (counted only when asked for).' })
  totalCount(@Root() connection: ImageConnectionResult): Promise<number> {
    return connection.totalCount();
  }
}

@Resolver(() => ImageManifest)
export class ImageManifestResolver {
  @FieldResolver(() => Image, { nullable: true, description: 'The platform image this entry names; null when it is not stored.' })
  image(@Root() manifest: ImageManifestModel, @Ctx() ctx: RequestContext): Promise<StoredImage | null> {
    return ctx.loaders.image.load(manifest.digest);
  }
}

@Resolver(() => Signature)
export class SignatureResolver {
  @FieldResolver(() => Image, { description: 'The signed image.' })
  async image(@Root() signature: ImageSignature, @Ctx() ctx: RequestContext): Promise<StoredImage> {
    // A signature exists only inside its image, so the image is there unless deleted concurrently.
    const image = await ctx.loaders.image.load(signature.imageName);
    if (!image) throw new NotFoundError(IMAGE_RESOURCE, signature.imageName);
    return image;
  }

  @FieldResolver(() => String)
  kind(): string {
    return 'ImageSignature';
  }

  @FieldResolver(() => String)
  apiVersion(): string {
    return 'image.openshift.io/v1';
  }
}

@Resolver(() => TagEvent)
export class TagEventImageResolver {
  @FieldResolver(() => Image, { nullable: true, description: 'The image of this event; null for pure references or when the image object does not exist.' })
  image(@Root() event: TagEventModel, @Ctx() ctx: RequestContext): Promise<StoredImage | null> | null {
    return event.image ? ctx.loaders.image.load(event.image) : null;
  }
}

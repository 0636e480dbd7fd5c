import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context.js';
import type { StoredImage } from '../image/image.store.js';
import { Image } from '../image/image.type.js';
import { TagImageInput } from './image-stream-tag.input.js';
import { imageAsSeenThroughTag, type ImageStreamTagView } from './image-stream-tag.rules.js';
import type { ImageStreamImageView } from './image-stream-tag.service.js';
import { ImageStreamImage, ImageStreamTag } from './image-stream-tag.type.js';

@Resolver(() => ImageStreamTag)
export class ImageStreamTagResolver {
  @Query(() => ImageStreamTag, { nullable: true, description: 'A tag with its current image; name "stream:tag". Null when the stream or tag (or its image) is absent.' })
  imageStreamTag(@Arg('namespace', () => String) namespace: string, @Arg('name', () => String) name: string, @Ctx() ctx: RequestContext): Promise<ImageStreamTagView | null> {
    return ctx.services.imageStreamTags.get(ctx.caller, namespace, name);
  }

  @Mutation(() => [ImageStreamTag], { description: '`oc tag`: sets a spec tag on each destination (creating missing streams) and answers the tags.' })
  tagImage(@Arg('namespace', () => String) namespace: string, @Arg('input', () => TagImageInput) input: TagImageInput, @Ctx() ctx: RequestContext): Promise<ImageStreamTagView[]> {
    return ctx.services.imageStreamTags.tag(ctx.caller, namespace, input);
  }

  @Mutation(() => Boolean, { description: 'Removes a tag from spec and status; images are kept.' })
  deleteImageStreamTag(@Arg('namespace', () => String) namespace: string, @Arg('name', () => String) name: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return ctx.services.imageStreamTags.delete(ctx.caller, namespace, name);
  }

  @FieldResolver(() => Image, { nullable: true, description: 'The current image; null while the tag has none or the image object is gone.' })
  async image(@Root() tag: ImageStreamTagView, @Ctx() ctx: RequestContext): Promise<StoredImage | null> {
    const image = tag.imageName ? await ctx.loaders.image.load(tag.imageName) : null;
    return image && imageAsSeenThroughTag(image, tag);
  }

  @FieldResolver(() => String)
  kind(): string {
    return 'ImageStreamTag';
  }

  @FieldResolver(() => String)
  apiVersion(): string {
    return 'image.openshift.io/v1';
  }
}

@Resolver(() => ImageStreamImage)
export class ImageStreamImageResolver {
  @Query(() => ImageStreamImage, {
    nullable: true,
    description: 'An image of a stream\'s history by "stream@id", id any prefix of the digest or its hex. Several matches: the smallest image name. Null when nothing matches.',
  })
  imageStreamImage(@Arg('namespace', () => String) namespace: string, @Arg('name', () => String) name: string, @Ctx() ctx: RequestContext): Promise<ImageStreamImageView | null> {
    return ctx.services.imageStreamTags.getImage(ctx.caller, namespace, name);
  }

  @FieldResolver(() => Image)
  image(@Root() view: ImageStreamImageView): StoredImage {
    return view.image;
  }

  @FieldResolver(() => String)
  imageName(@Root() view: ImageStreamImageView): string {
    return view.image.metadata.name;
  }

  @FieldResolver(() => String)
  kind(): string {
    return 'ImageStreamImage';
  }

  @FieldResolver(() => String)
  apiVersion(): string {
    return 'image.openshift.io/v1';
  }
}

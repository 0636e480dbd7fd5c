import { Arg, Ctx, FieldResolver, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context.js';
import type { ImageStreamMapping as MappingModel, MappingWrite } from './mapping.service.js';
import { ImageStreamMapping, ImageStreamMappingInput } from './mapping.type.js';

@Resolver(() => ImageStreamMapping)
export class ImageStreamMappingResolver {
  @Mutation(() => ImageStreamMapping, { description: 'Adds an image to a tag\'s history (what the registry does after a push). The stream must exist; spec tags are not created.' })
  createImageStreamMapping(
    @Arg('namespace', () => String) namespace: string,
    @Arg('mapping', () => ImageStreamMappingInput) mapping: ImageStreamMappingInput,
    @Ctx() ctx: RequestContext,
  ): Promise<MappingModel> {
    return ctx.services.mappings.create(ctx.caller, namespace, mapping as unknown as MappingWrite);
  }

  @FieldResolver(() => String)
  kind(): string {
    return 'ImageStreamMapping';
  }

  @FieldResolver(() => String)
  apiVersion(): string {
    return 'image.openshift.io/v1';
  }
}

import { Arg, Ctx, FieldResolver, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context.js';
import { ImageStreamImportInput } from './import.input.js';
import type { ImageStreamImport as ImportModel, ImageStreamImportWrite } from './import.model.js';
import { ImageStreamImport } from './import.type.js';

@Resolver(() => ImageStreamImport)
export class ImageStreamImportResolver {
  @Mutation(() => ImageStreamImport, {
    description: 'Reads images from container registries. import: false previews (nothing stored); import: true stores the Images and writes the stream (created if absent). Per-image failures are in status, not errors.',
  })
  importImages(
    @Arg('namespace', () => String) namespace: string,
    @Arg('import', () => ImageStreamImportInput) input: ImageStreamImportInput,
    @Ctx() ctx: RequestContext,
    @Arg('progressId', () => String, { nullable: true, description: 'Reports per-tag progress to importProgress(progressId) subscribers (same user, this replica).' })
    progressId?: string,
  ): Promise<ImportModel> {
    return ctx.services.imports.importImages(ctx.caller, namespace, input as unknown as ImageStreamImportWrite, progressId ?? undefined);
  }

  @FieldResolver(() => String)
  kind(): string {
    return 'ImageStreamImport';
  }

  @FieldResolver(() => String)
  apiVersion(): string {
    return 'image.openshift.io/v1';
  }
}

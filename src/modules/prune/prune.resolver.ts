import { Arg, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context.js';
import type { PruneResult as PruneResultModel } from './prune.service.js';
import { PruneResult } from './prune.type.js';

@Resolver()
export class PruneResolver {
  @Mutation(() => PruneResult, { description: 'Trims tag histories beyond the kept revisions, then deletes images nothing references (cluster-admins).' })
  pruneImages(
    @Ctx() ctx: RequestContext,
    @Arg('keepTagRevisions', () => Int, { defaultValue: 3 }) keepTagRevisions: number,
    @Arg('keepYoungerThanMinutes', () => Int, { defaultValue: 60 }) keepYoungerThanMinutes: number,
    @Arg('dryRun', () => Boolean, { nullable: true }) dryRun?: boolean,
  ): Promise<PruneResultModel> {
    return ctx.services.prune.prune(ctx.caller, { keepTagRevisions, keepYoungerThanMinutes, dryRun: dryRun ?? false });
  }
}

import { Arg, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context.js';
import type { PruneResult as PruneResultModel } from './prune.service.js';
import { PruneResult } from './prune.type.js';

@Resolver()
export class PruneResolver {
  @Mutation(() => PruneResult, { description: 'Trims tag histories beyond the kept revisions, then deletes images nothing references (cluster-admins).' })
  pruneImages(
    @Ctx() ctx: RequestContext,
    @Arg('keepTagRevisions', () => Int, { nullable: true, defaultValue: 3 }) keepTagRevisions: number | null,
    @Arg('keepYoungerThanMinutes', () => Int, { nullable: true, defaultValue: 60 }) keepYoungerThanMinutes: number | null,
    @Arg('dryRun', () => Boolean, { nullable: true }) dryRun?: boolean,
  ): Promise<PruneResultModel> {
    return ctx.services.prune.prune(ctx.caller, { keepTagRevisions: keepTagRevisions ?? 3, keepYoungerThanMinutes: keepYoungerThanMinutes ?? 60, dryRun: dryRun ?? false });
  }
}

import { Arg, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context.js';
import type { ImportProgressEvent } from './import-progress.js';
import { ImportProgress } from './import-progress.type.js';

@Resolver(() => ImportProgress)
export class ImportProgressResolver {
  @Subscription(() => ImportProgress, {
    description:
      'Progress of your own repository import run with importImages(progressId: ID) on this replica. Subscribe first, wait for WAITING, ' +
      'then start the import; the subscription ends after DONE.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { progressId: string }, RequestContext>) =>
      context.services.imports.importProgress(context.caller, args.progressId),
  })
  importProgress(@Root() event: ImportProgressEvent, @Arg('progressId', () => String) _progressId: string): ImportProgress {
    return event as ImportProgress;
  }
}

import 'reflect-metadata';
import { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AuthResolver } from './modules/auth/auth.resolver.js';
import {
  ImageStreamConnectionResolver,
  ImageStreamResolver,
  TagEventResolver,
} from './modules/image-stream/image-stream.resolver.js';
import { QUERY_LIMITS_DESCRIPTION } from './platform/graphql/limits.js';
import { ImageStreamImageResolver, ImageStreamTagResolver } from './modules/image-stream-tag/image-stream-tag.resolver.js';
import {
  ImageConnectionResolver,
  ImageManifestResolver,
  ImageResolver,
  SignatureResolver,
  TagEventImageResolver,
} from './modules/image/image.resolver.js';
import { ImageStreamMappingResolver } from './modules/mapping/mapping.resolver.js';
import { PruneResolver } from './modules/prune/prune.resolver.js';
import { WatchResolver } from './modules/watch/watch.resolver.js';
import { ImageStreamImportResolver } from './modules/import/import.resolver.js';
import { ImportProgressResolver } from './modules/import/import-progress.resolver.js';
import { PullSecretResolver } from './modules/pull-secret/pull-secret.resolver.js';

/** Every resolver of every module; schema.graphql is emitted from exactly this. */
export const resolvers = [
  ImageStreamResolver,
  ImageStreamConnectionResolver,
  TagEventResolver,
  TagEventImageResolver,
  ImageResolver,
  ImageConnectionResolver,
  ImageManifestResolver,
  SignatureResolver,
  ImageStreamTagResolver,
  ImageStreamImageResolver,
  ImageStreamMappingResolver,
  PruneResolver,
  AuthResolver,
  WatchResolver,
  ImageStreamImportResolver,
  ImportProgressResolver,
  PullSecretResolver,
] as const;

/**
 * type-graphql insists on a PubSub once a schema has a subscription, but
 * every subscription here brings its own `subscribe` (the change feed):
 * topic-based subscriptions are deliberately unsupported.
 */
const noTopicPubSub = {
  publish(): void {
    throw new Error('topic-based subscriptions are not used: subscriptions read the change feed');
  },
  subscribe(): AsyncIterable<unknown> {
    throw new Error('topic-based subscriptions are not used: subscriptions read the change feed');
  },
};

export async function buildAppSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({ resolvers: [...resolvers], validate: false, pubSub: noTopicPubSub });
  // The query limits and cost weights are part of the contract: published in the schema itself.
  return new GraphQLSchema({ ...schema.toConfig(), description: QUERY_LIMITS_DESCRIPTION });
}

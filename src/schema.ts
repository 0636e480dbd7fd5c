import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import {
  ImageStreamConnectionResolver,
  ImageStreamResolver,
  TagEventResolver,
} from './modules/image-stream/image-stream.resolver.js';
import { WatchResolver } from './modules/watch/watch.resolver.js';

/** Every resolver of every module; schema.graphql is emitted from exactly this. */
export const resolvers = [ImageStreamResolver, ImageStreamConnectionResolver, TagEventResolver, WatchResolver] as const;

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

export function buildAppSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [...resolvers], validate: false, pubSub: noTopicPubSub });
}

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
] as const;

export async function buildAppSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({ resolvers: [...resolvers], validate: false });
  // The query limits and cost weights are part of the contract: published in the schema itself.
  return new GraphQLSchema({ ...schema.toConfig(), description: QUERY_LIMITS_DESCRIPTION });
}

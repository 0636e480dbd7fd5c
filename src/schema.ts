import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import {
  ImageStreamConnectionResolver,
  ImageStreamResolver,
  TagEventResolver,
} from './modules/image-stream/image-stream.resolver.js';
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
import { ImageStreamImportResolver } from './modules/import/import.resolver.js';
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
  ImageStreamImportResolver,
  PullSecretResolver,
] as const;

export function buildAppSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [...resolvers], validate: false });
}

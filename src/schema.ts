import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AuthResolver } from './modules/auth/auth.resolver.js';
import {
  ImageStreamConnectionResolver,
  ImageStreamResolver,
  TagEventResolver,
} from './modules/image-stream/image-stream.resolver.js';

/** Every resolver of every module; schema.graphql is emitted from exactly this. */
export const resolvers = [ImageStreamResolver, ImageStreamConnectionResolver, TagEventResolver, AuthResolver] as const;

export function buildAppSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [...resolvers], validate: false });
}

import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the console from src/operations/*.graphql, checked
 * against the service's checked-in schema. Generated at build time (not committed).
 */
const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/operations/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'src/generated/': {
      preset: 'client',
      config: {
        scalars: { StringMap: 'Record<string, string>', JSON: 'unknown', SafeInt: 'number' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
      presetConfig: { fragmentMasking: false, gqlTagName: 'graphql' },
    },
  },
};

export default config;

import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents from the operations in test/operations: tests (and later
 * the console and clients) import them and get typed data and variables.
 * Run after `schema:emit`; the output is generated, not committed.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/operations/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'test/generated/': {
      preset: 'client',
      config: {
        scalars: { StringMap: 'Record<string, string>', JSON: 'unknown', SafeInt: 'number' },
        enumsAsTypes: true,
        useTypeImports: true,
        emitLegacyCommonJSImports: false,
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;

import { readFileSync, writeFileSync } from 'node:fs';
import { printSchema, lexicographicSortSchema } from 'graphql';
import { buildAppSchema } from '../src/schema.js';

/**
 * schema.graphql is the contract clients and codegen read. It is emitted
 * from the code; `--check` fails when the checked-in file has drifted.
 */
const target = new URL('../schema.graphql', import.meta.url);
const header = '# Emitted from the code by `npm run schema:emit`; do not edit by hand.\n\n';
const emitted = header + printSchema(lexicographicSortSchema(await buildAppSchema())) + '\n';

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    /* missing counts as drift */
  }
  if (current !== emitted) {
    console.error('schema.graphql is out of date: run `npm run schema:emit` and commit the result.');
    process.exit(1);
  }
  console.log('schema.graphql is up to date');
} else {
  writeFileSync(target, emitted);
  console.log('wrote schema.graphql');
}

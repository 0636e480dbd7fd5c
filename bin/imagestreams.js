#!/usr/bin/env node
// The operator's command line. The sources are TypeScript run through tsx,
// as `npm start` runs them, so there is no build step to forget. The
// project's tsconfig is named explicitly: the CLI may run from any directory.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/cli/main.ts');

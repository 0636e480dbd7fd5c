import { describe } from 'vitest';
import { useSuiteContext } from './harness.js';
import { runAllSuites } from './suites/index.js';

describe('on PGlite (embedded)', () => {
  runAllSuites(useSuiteContext('pglite'));
});

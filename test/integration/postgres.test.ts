import { describe } from 'vitest';
import { useSuiteContext } from './harness.js';
import { runAllSuites } from './suites/index.js';

describe('on a real PostgreSQL server', () => {
  runAllSuites(useSuiteContext('postgres'));
});

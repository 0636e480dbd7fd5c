import type { SuiteContext } from '../harness.js';
import { imageStreamSuite } from './image-streams.suite.js';
import { watchSuite } from './watch.suite.js';

/** Every behavioural suite; each driver file runs all of them against its own service. */
export function runAllSuites(ctx: SuiteContext): void {
  imageStreamSuite(ctx);
  watchSuite(ctx);
}

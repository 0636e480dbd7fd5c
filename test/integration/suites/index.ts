import type { SuiteContext } from '../harness.js';
import { accessSuite } from './authorization/access.suite.js';
import { authorizationMatrixSuite } from './authorization/authorization-matrix.suite.js';
import { imageStreamSuite } from './image-streams.suite.js';
import { queryLimitsSuite } from './query-limits.suite.js';
import { websocketAuthSuite } from './websocket-auth.suite.js';

/** Every behavioural suite; each driver file runs all of them against its own service. */
export function runAllSuites(ctx: SuiteContext): void {
  imageStreamSuite(ctx);
  authorizationMatrixSuite(ctx);
  accessSuite(ctx);
  queryLimitsSuite(ctx);
  websocketAuthSuite(ctx);
}

import type { SuiteContext } from '../harness.js';
import { accessSuite } from './authorization/access.suite.js';
import { authorizationMatrixSuite } from './authorization/authorization-matrix.suite.js';
import { imageStreamSuite } from './image-streams.suite.js';
import { graphWalkSuite } from './graph-walk.suite.js';
import { imagesSuite } from './images.suite.js';
import { pruneSuite } from './prune.suite.js';
import { restDiscoverySuite } from './rest-discovery.suite.js';
import { restImageStreamSuite } from './rest-image-streams.suite.js';
import { restResourcesSuite } from './rest-resources.suite.js';
import { restWatchSuite } from './rest-watch.suite.js';
import { tagHistorySuite } from './tag-history.suite.js';
import { queryLimitsSuite } from './query-limits.suite.js';
import { websocketAuthSuite } from './websocket-auth.suite.js';
import { metricsSuite } from './metrics.suite.js';
import { watchSuite } from './watch.suite.js';
import { responseCacheSuite } from './response-cache.suite.js';

/** Every behavioural suite; each driver file runs all of them against its own service. */
export function runAllSuites(ctx: SuiteContext): void {
  imageStreamSuite(ctx);
  restDiscoverySuite(ctx);
  restImageStreamSuite(ctx);
  restResourcesSuite(ctx);
  imagesSuite(ctx);
  tagHistorySuite(ctx);
  graphWalkSuite(ctx);
  authorizationMatrixSuite(ctx);
  accessSuite(ctx);
  queryLimitsSuite(ctx);
  websocketAuthSuite(ctx);
  metricsSuite(ctx);
  responseCacheSuite(ctx);
  watchSuite(ctx);
  restWatchSuite(ctx);
  // Last: pruning is cluster-wide.
  pruneSuite(ctx);
}

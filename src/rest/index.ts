import type { Logger } from '../platform/logger.js';
import type { ResponseCache } from '../platform/response-cache.js';
import type { Services } from '../platform/services.js';
import { discoveryRoutes } from './discovery.routes.js';
import { imageStreamRoutes } from './image-streams.routes.js';
import { imageStreamTagRoutes } from './image-stream-tags.routes.js';
import { imageRoutes } from './images.routes.js';
import { importRoutes } from './import.routes.js';
import { namespaceRoutes } from './namespaces.routes.js';
import { openApiRoutes } from './openapi.js';
import { createRouter } from './router.js';

/**
 * The Kubernetes-style REST API (rest-paths.md). Each resource contributes
 * a route table; adding one is a file of routes and a line here.
 */
export function createRestHandler(services: Services, log: Logger, cache?: ResponseCache) {
  return createRouter([...discoveryRoutes, ...openApiRoutes, ...namespaceRoutes, ...imageStreamRoutes, ...importRoutes, ...imageStreamTagRoutes, ...imageRoutes], services, log, cache);
}

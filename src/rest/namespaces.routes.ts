import { namespaceProblem } from '../platform/namespace.rules.js';
import { NotFoundError } from '../platform/errors.js';
import type { RouteDef } from './router.js';

/**
 * Namespaces are implicit here (any valid name exists, holding whatever was
 * created in it). kubectl asks for the namespace after a NotFound to word its
 * error, so one is answered as an active core/v1 Namespace.
 */
export const namespaceRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/api/v1/namespaces/{name}',
    handle: (ctx) => {
      const name = ctx.param('name');
      if (namespaceProblem(name)) throw new NotFoundError('namespaces', name, '');
      return { body: { kind: 'Namespace', apiVersion: 'v1', metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } } };
    },
  },
];

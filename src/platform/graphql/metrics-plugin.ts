import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Metrics } from '../metrics.js';

/**
 * Times every GraphQL operation Apollo executes (HTTP queries and mutations;
 * graphql-ws subscriptions bypass Apollo and are measured where they are
 * served) and counts the errors clients are sent, by their final
 * `extensions.code`: `willSendResponse` sees the errors after formatError.
 */
export function metricsPlugin(metrics: Metrics): ApolloServerPlugin {
  const countCodes = (errors: ReadonlyArray<{ extensions?: Record<string, unknown> }> | undefined) => {
    for (const e of errors ?? []) metrics.graphqlErrors.inc({ code: String(e.extensions?.code ?? 'UNKNOWN') });
  };
  return {
    // A bad or missing token fails in context creation, before any request listener exists.
    async contextCreationDidFail({ error }) {
      countCodes([error instanceof GraphQLError ? error : { extensions: { code: 'INTERNAL' } }]);
    },
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, request, operation, response }) {
          metrics.observeOperation(operationName ?? request.operationName, operation?.operation ?? 'unknown', (performance.now() - started) / 1000);
          if (response.body.kind === 'single') countCodes(response.body.singleResult.errors);
          else countCodes(response.body.initialResult.errors);
        },
      };
    },
  };
}

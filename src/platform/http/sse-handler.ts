import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExecutionResult, GraphQLSchema } from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/http';
import { DomainError } from '../errors.js';
import type { RequestContext } from '../graphql/context.js';

type FormatError = (formatted: import('graphql').GraphQLFormattedError, error: unknown) => import('graphql').GraphQLFormattedError;

/**
 * GraphQL over Server-Sent Events (graphql-sse, "distinct connections"
 * mode: one HTTP request per operation) for clients that cannot speak
 * WebSocket, such as curl or EventSource. Same schema, same
 * `Authorization: Bearer` header and the same error shapes as /graphql.
 */
export function createSseHandler(
  schema: GraphQLSchema,
  authenticate: (req: IncomingMessage, res: ServerResponse) => Promise<RequestContext>,
  formatError: FormatError,
) {
  type SseContext = RequestContext & Record<PropertyKey, unknown>;
  const contexts = new WeakMap<IncomingMessage, SseContext>();
  const handler = createHandler<SseContext>({
    schema,
    onSubscribe: async (req) => {
      try {
        contexts.set(req.raw, (await authenticate(req.raw, req.context.res)) as SseContext);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        const body = JSON.stringify({ errors: [{ message: e.message, extensions: { code: e.code, status: e.toStatus() } }] });
        return [body, { status: e.httpStatus, statusText: e.reason, headers: { 'content-type': 'application/json; charset=utf-8' } }];
      }
    },
    context: (req) => contexts.get(req.raw)!,
    onNext: (_ctx, _req, result) => formatResult(result as ExecutionResult, formatError),
  });
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    await handler(req, res);
  };
}

/** Errors leave the server shaped once, by the same formatter as every other transport. */
export function formatResult(result: ExecutionResult, formatError: FormatError): ExecutionResult | void {
  if (!result.errors?.length) return;
  return { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } as unknown as ExecutionResult;
}

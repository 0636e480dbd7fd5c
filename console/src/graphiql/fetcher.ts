import type { Fetcher, FetcherOpts, FetcherParams } from '@graphiql/toolkit';
import type { Client } from 'graphql-ws';
import { getOperationAST, parse, type ExecutionResult } from 'graphql';
import { GRAPHQL_HTTP_URL } from '../shared/session';
import { describeSocketError, wsClientCache } from '../shared/ws';

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() === name && typeof v === 'string') return v;
  return undefined;
}

/**
 * The operation to run, read from the query text itself: GraphiQL's
 * operation name can lag behind a tab switch and name an operation of the
 * previous tab; with a single operation in the text, that one is meant.
 */
function resolveOperation(params: FetcherParams): { params: FetcherParams; subscription: boolean } {
  try {
    const doc = parse(params.query);
    const named = getOperationAST(doc, params.operationName ?? undefined);
    const operation = named ?? getOperationAST(doc);
    const fixed = named ? params : { ...params, operationName: operation?.name?.value ?? null };
    return { params: fixed, subscription: operation?.operation === 'subscription' };
  } catch {
    return { params, subscription: false }; // the service reports the syntax error
  }
}

/**
 * The subscription's results as GraphiQL shows them; a socket the service
 * refused or lost ends the stream with a readable error instead of a bare
 * close event.
 */
async function* subscribe(client: Client, params: FetcherParams): AsyncGenerator<ExecutionResult> {
  try {
    for await (const result of client.iterate({ query: params.query, variables: params.variables ?? undefined, operationName: params.operationName ?? undefined })) {
      // Wire results (formatted errors), exactly what the HTTP branch hands GraphiQL too: it only renders them.
      yield result as unknown as ExecutionResult;
    }
  } catch (e) {
    yield { errors: [{ message: describeSocketError(e) }] } as unknown as ExecutionResult;
  }
}

/**
 * Queries and mutations go over HTTP with the headers editor's headers;
 * subscriptions over graphql-ws on the same /graphql, with the editor's
 * Authorization header as the connection_init payload.
 */
export function createFetcher(): Fetcher {
  const wsFor = wsClientCache();
  return (requested: FetcherParams, opts?: FetcherOpts) => {
    const headers = (opts?.headers ?? {}) as Record<string, string>;
    const { params, subscription } = resolveOperation(requested);
    if (subscription) {
      const client = wsFor(header(headers, 'authorization'));
      return subscribe(client, params);
    }
    return fetch(GRAPHQL_HTTP_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(params),
    }).then((res) => res.json());
  };
}

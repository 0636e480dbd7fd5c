import type { Fetcher, FetcherOpts, FetcherParams } from '@graphiql/toolkit';
import { getOperationAST, parse, type DocumentNode, type ExecutionResult } from 'graphql';
import { GRAPHQL_HTTP_URL } from '../shared/session';
import { wsClientCache } from '../shared/ws';

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() === name && typeof v === 'string') return v;
  return undefined;
}

function isSubscription(params: FetcherParams, doc: DocumentNode | undefined): boolean {
  try {
    const ast = getOperationAST(doc ?? parse(params.query), params.operationName ?? undefined);
    return ast?.operation === 'subscription';
  } catch {
    return false;
  }
}

/**
 * Queries and mutations go over HTTP with the headers editor's headers;
 * subscriptions over graphql-ws on the same /graphql, with the editor's
 * Authorization header as the connection_init payload.
 */
export function createFetcher(): Fetcher {
  const wsFor = wsClientCache();
  return (params: FetcherParams, opts?: FetcherOpts) => {
    const headers = (opts?.headers ?? {}) as Record<string, string>;
    if (isSubscription(params, opts?.documentAST)) {
      const client = wsFor(header(headers, 'authorization'));
      const events = client.iterate({ query: params.query, variables: params.variables ?? undefined, operationName: params.operationName ?? undefined });
      // Wire results (formatted errors), exactly what the HTTP branch hands GraphiQL too: it only renders them.
      return events as unknown as AsyncIterable<ExecutionResult>;
    }
    return fetch(GRAPHQL_HTTP_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(params),
    }).then((res) => res.json());
  };
}

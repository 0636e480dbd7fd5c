import { createClient, type Client } from 'graphql-ws';
import { GRAPHQL_WS_URL } from './session';

/** graphql-ws close codes the service uses to refuse a socket: retrying cannot help. */
const REFUSED = new Set([4401, 4403]);

/** True when the service refused the token on the socket (a new attempt with it cannot succeed). */
export function isRefusal(e: unknown): boolean {
  return REFUSED.has(closeCode(e) ?? 0);
}

/** The `extensions.code` of the first GraphQL error in what ended a subscription, if it was an error list. */
export function errorCode(e: unknown): string | undefined {
  if (!Array.isArray(e)) return undefined;
  const code: unknown = e[0]?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A graphql-ws client that never retries by itself: its owner resubscribes
 * after a drop with the variables it chooses (a watch resumes from the last
 * resourceVersion it saw, which graphql-ws's own retry would not update).
 */
export function createOneShotClient(authorization: string): Client {
  return createClient({ url: GRAPHQL_WS_URL, lazy: true, connectionParams: { authorization }, retryAttempts: 0 });
}

export function closeCode(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'number' ? e.code : undefined;
}

/** A readable sentence for what ended a subscription: a close event, an error list, or an Error. */
export function describeSocketError(e: unknown): string {
  const code = closeCode(e);
  if (code !== undefined) {
    const reason = typeof e === 'object' && e !== null && 'reason' in e && typeof e.reason === 'string' ? e.reason : '';
    const hint = REFUSED.has(code) ? ' (check the Authorization header: the token goes in connection_init)' : '';
    return `the service closed the WebSocket: ${code} ${reason}${hint}`.trim();
  }
  if (Array.isArray(e)) return e.map((x) => (x && typeof x.message === 'string' ? x.message : String(x))).join('; ');
  return e instanceof Error ? e.message : String(e);
}

/**
 * One graphql-ws connection per authorization value: the token travels in
 * connection_init (the service's contract), so a changed token needs a new
 * connection, and the old one is closed.
 */
export function wsClientCache(): (authorization: string | undefined) => Client {
  let current: { authorization: string | undefined; client: Client } | undefined;
  return (authorization) => {
    if (current && current.authorization === authorization) return current.client;
    void current?.client.dispose();
    const client = createClient({
      url: GRAPHQL_WS_URL,
      lazy: true,
      connectionParams: authorization ? { authorization } : {},
      retryAttempts: 3,
      shouldRetry: (e) => !REFUSED.has(closeCode(e) ?? 0),
    });
    current = { authorization, client };
    return client;
  };
}

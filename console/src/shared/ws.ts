import { createClient, type Client } from 'graphql-ws';
import { GRAPHQL_WS_URL } from './session';

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
    });
    current = { authorization, client };
    return client;
  };
}

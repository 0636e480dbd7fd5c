import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';

export interface WsConnection {
  client: Client;
  /** Resolves when the socket closes, with the close code the server sent. */
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves once the server acknowledged connection_init (rejects if it closed first). */
  connected: Promise<void>;
  /** Runs one operation to completion: its single result, or the errors it ended with. */
  execute<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<FormattedExecutionResult<T, unknown>>;
  /** For subscriptions: the first result (or the errors), then unsubscribes. */
  first<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<FormattedExecutionResult<T, unknown>>;
  dispose(): Promise<void>;
}

/** A real graphql-ws client over a real socket, as an application would use it. */
export function connectWs(baseUrl: string, connectionParams: Record<string, unknown>): WsConnection {
  let onClosed!: (e: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((r) => (onClosed = r));
  let onConnected!: () => void;
  let onFailed!: (e: unknown) => void;
  const connected = new Promise<void>((resolve, reject) => {
    onConnected = resolve;
    onFailed = reject;
  });
  connected.catch(() => undefined);
  const client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    lazy: false,
    retryAttempts: 0,
    on: {
      connected: () => onConnected(),
      closed: (e) => {
        const ev = e as { code: number; reason: string };
        onClosed({ code: ev.code, reason: String(ev.reason) });
        onFailed(new Error(`closed ${ev.code}`));
      },
    },
    onNonLazyError: () => undefined,
  });
  return {
    client,
    closed,
    connected,
    execute: <T>(query: string, variables?: Record<string, unknown>) =>
      new Promise<FormattedExecutionResult<T, unknown>>((resolve, reject) => {
        let result: FormattedExecutionResult<T, unknown> | undefined;
        client.subscribe<T>(
          { query, variables },
          {
            next: (r) => (result = r),
            error: (e) => (Array.isArray(e) ? resolve({ errors: e }) : reject(e)),
            complete: () => resolve(result ?? {}),
          },
        );
      }),
    first: <T>(query: string, variables?: Record<string, unknown>) =>
      new Promise<FormattedExecutionResult<T, unknown>>((resolve, reject) => {
        const stop = client.subscribe<T>(
          { query, variables },
          {
            next: (r) => {
              resolve(r);
              stop();
            },
            error: (e) => (Array.isArray(e) ? resolve({ errors: e }) : reject(e)),
            complete: () => resolve({}),
          },
        );
      }),
    dispose: () => client.dispose() as Promise<void>,
  };
}

/**
 * The signed-in token, shared by the console and GraphiQL (same origin).
 * sessionStorage: it lives as long as the tab and is never written to disk
 * by the page, nor sent anywhere but this service.
 */
const KEY = 'imagestreams.token';

export function readToken(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}

/** The GraphQL endpoint of the service that served this page, over HTTP and WebSocket. */
export const GRAPHQL_HTTP_URL = `${location.origin}/graphql`;
export const GRAPHQL_WS_URL = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;

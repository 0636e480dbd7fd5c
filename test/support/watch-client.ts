import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';
import { WatchStreamsDocument, type WatchStreamsSubscription, type WatchStreamsSubscriptionVariables } from '../generated/graphql.js';

export type WatchEventData = WatchStreamsSubscription['watchImageStreams'];

export interface WatchError {
  message: string;
  extensions?: { code?: string; status?: { code: number; reason: string; message?: string } };
}

interface Waiter {
  ready: () => boolean;
  resolve: () => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * What one subscription received. Tests wait on a condition over it with a
 * bounded deadline (never a fixed sleep).
 */
export class Received {
  readonly events: WatchEventData[] = [];
  readonly errors: WatchError[] = [];
  completed = false;
  closeCode?: number;
  closeReason?: string;
  private waiters: Waiter[] = [];

  /** Events other than BOOKMARK. */
  get changes(): WatchEventData[] {
    return this.events.filter((e) => e.type !== 'BOOKMARK');
  }

  get lastResourceVersion(): string | undefined {
    return this.events[this.events.length - 1]?.resourceVersion;
  }

  add(event: WatchEventData): void {
    this.events.push(event);
    this.check();
  }

  fail(error: WatchError): void {
    this.errors.push(error);
    this.check();
  }

  finish(): void {
    this.completed = true;
    this.check();
  }

  closed(code: number, reason: string): void {
    this.closeCode = code;
    this.closeReason = reason;
    this.check();
  }

  until(ready: (r: Received) => boolean, what = 'the expected events', timeoutMs = 15_000): Promise<void> {
    if (ready(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        ready: () => ready(this),
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new Error(`timed out waiting for ${what}; received ${JSON.stringify(this.events.map((e) => [e.type, e.object.metadata.name, e.resourceVersion]))} errors ${JSON.stringify(this.errors)}`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Waits until `n` changes (not bookmarks) arrived. */
  changesCount(n: number, timeoutMs?: number): Promise<void> {
    return this.until((r) => r.changes.length >= n, `${n} changes`, timeoutMs);
  }

  private check(): void {
    for (const w of [...this.waiters]) {
      if (w.ready()) {
        clearTimeout(w.timer);
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve();
      }
    }
  }
}

export interface OpenWatch {
  received: Received;
  client: Client;
  /** Completes the subscription and closes the socket. */
  close(): Promise<void>;
}

/** Opens a graphql-ws connection (token in connection_init) and subscribes to watchImageStreams. */
export function watchOverWebSocket(baseUrl: string, token: string | undefined, variables: WatchStreamsSubscriptionVariables): OpenWatch {
  const received = new Received();
  const client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
    on: { closed: (event) => received.closed((event as { code: number }).code, String((event as { reason: string }).reason)) },
  });
  const unsubscribe = client.subscribe<WatchStreamsSubscription>(
    { query: print(WatchStreamsDocument), variables },
    {
      next: (result) => {
        if (result.errors?.length) for (const e of result.errors) received.fail(e as WatchError);
        else if (result.data) received.add(result.data.watchImageStreams);
      },
      error: (err) => {
        if (Array.isArray(err)) for (const e of err) received.fail(e as WatchError);
        else received.fail({ message: err instanceof Error ? err.message : `closed: ${(err as { code?: number }).code ?? 'unknown'}` });
      },
      complete: () => received.finish(),
    },
  );
  return {
    received,
    client,
    close: async () => {
      unsubscribe();
      await client.dispose();
    },
  };
}

/** The same subscription over GraphQL-over-SSE (distinct connections mode). */
export function watchOverSse(baseUrl: string, token: string, variables: WatchStreamsSubscriptionVariables): { received: Received; close(): void } {
  const received = new Received();
  const client = createSseClient({ url: `${baseUrl}/graphql`, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
  const unsubscribe = client.subscribe<WatchStreamsSubscription>(
    { query: print(WatchStreamsDocument), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (result.errors?.length) for (const e of result.errors) received.fail(e as WatchError);
        else if (result.data) received.add(result.data.watchImageStreams);
      },
      error: (err) => received.fail({ message: err instanceof Error ? err.message : String(err) }),
      complete: () => received.finish(),
    },
  );
  return {
    received,
    close: () => {
      unsubscribe();
      client.dispose();
    },
  };
}

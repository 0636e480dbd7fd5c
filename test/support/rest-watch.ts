/** Reads a REST watch (chunked newline-delimited JSON) with fetch, as any HTTP client would. */
export interface RestWatchEvent {
  type: string;
  object: any;
}

export interface RestWatch {
  status: number;
  headers: Headers;
  events: RestWatchEvent[];
  /** Resolves once the server ended the stream. */
  ended: Promise<void>;
  isEnded(): boolean;
  /** Waits (bounded) until `predicate` holds over the events received so far. */
  until(predicate: (events: RestWatchEvent[]) => boolean, what: string, timeoutMs?: number): Promise<RestWatchEvent[]>;
  close(): void;
}

export async function openRestWatch(baseUrl: string, path: string, token: string | undefined, accept?: string): Promise<RestWatch> {
  const abort = new AbortController();
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (accept) headers.accept = accept;
  // fetch resolves on the headers: this also proves they are flushed before any event.
  const res = await fetch(`${baseUrl}${path}`, { headers, signal: abort.signal });
  const events: RestWatchEvent[] = [];
  const listeners = new Set<() => void>();
  let ended = false;
  const notify = () => listeners.forEach((l) => l());
  const done = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line.trim()) events.push(JSON.parse(line));
        }
        notify();
      }
    } catch (e) {
      if (!abort.signal.aborted) throw e;
    } finally {
      ended = true;
      notify();
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    events,
    ended: done,
    isEnded: () => ended,
    until(predicate, what, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(events)) {
            cleanup();
            resolve(events);
          } else if (ended) {
            cleanup();
            reject(new Error(`the watch ended before ${what}: ${JSON.stringify(events)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${what}: ${JSON.stringify(events)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    close: () => abort.abort(),
  };
}

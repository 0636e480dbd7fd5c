import { print } from 'graphql';
import { useEffect, useRef, useState } from 'react';
import { ConsoleStreamsDocument, ConsoleWatchDocument, type ConsoleWatchSubscription } from '../generated/graphql';
import { request } from '../shared/client';
import { createOneShotClient, errorCode, isRefusal } from '../shared/ws';

/**
 * How the console learns that streams changed: the one place that knows the
 * mechanism. Callers only get "these streams changed (or: anything may have
 * changed), re-read them"; they never depend on how that was found out.
 *
 * The mechanism is the `watchImageStreams` subscription over graphql-ws
 * (token in connection_init), started from the version of a one-item list.
 * Nothing is polled. After a dropped connection the watch resumes from the
 * last resourceVersion received (events and BOOKMARKs), so nothing is missed
 * and nothing is re-read; when that version is too old (`EXPIRED`) the
 * callers re-list everything and the watch starts again from the new list.
 */
export type LiveMode = 'live' | 'connecting' | 'offline';

export interface StreamChange {
  /** Set when the change is known to be about one stream; undefined means "anything may have changed". */
  namespace?: string;
  name?: string;
}

type WatchEvent = ConsoleWatchSubscription['watchImageStreams'];

/** Events arriving together (a burst of writes) become one re-read. */
const COALESCE_MS = 100;
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10_000;

export function useStreamChanges(token: string, onChange: (changes: StreamChange[]) => void): LiveMode {
  const [mode, setMode] = useState<LiveMode>('connecting');
  const handler = useRef(onChange);
  handler.current = onChange;

  useEffect(() => {
    const client = createOneShotClient(`Bearer ${token}`);
    let stopped = false;
    /** The version to resume from: the last one the service told us about. */
    let resumeFrom: string | undefined;
    let failures = 0;
    /** Set when retrying cannot help (the token or the right to watch is gone): no more attempts. */
    let hopeless = false;
    let unsubscribe: (() => void) | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    let pending: StreamChange[] = [];

    const changed = (change: StreamChange) => {
      pending.push(change);
      flushTimer ??= setTimeout(() => {
        flushTimer = undefined;
        const batch = pending;
        pending = [];
        if (!stopped) handler.current(batch);
      }, COALESCE_MS);
    };

    const retryLater = () => {
      if (stopped) return;
      if (hopeless) return setMode('offline');
      const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** failures++);
      retryTimer = setTimeout(() => void start(), delay);
    };

    // The badge follows the socket: a refused subscription on a live socket (EXPIRED) keeps it live.
    const offConnected = client.on('connected', () => {
      failures = 0;
      setMode('live');
    });
    const offClosed = client.on('closed', () => {
      if (!stopped) setMode('offline');
    });

    const onEvent = (event: WatchEvent) => {
      resumeFrom = event.resourceVersion;
      if (event.type === 'BOOKMARK') return;
      changed({ namespace: event.object.metadata.namespace ?? undefined, name: event.object.metadata.name });
    };

    /** What a refused subscription means for the next attempt. */
    const refused = (errors: unknown) => {
      const code = errorCode(errors);
      // Too old to resume from: re-list, then watch from the new list's version.
      if (code === 'EXPIRED') resumeFrom = undefined;
      // The token or its rights are gone: the callers' next read finds out (and signs out).
      else if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') {
        hopeless = true;
        changed({});
      }
    };

    const start = async () => {
      if (stopped) return;
      if (resumeFrom === undefined) {
        // A fresh start (or a re-list after EXPIRED): the newest version handed out, then re-read what is shown,
        // so a change between the page's own reads and this version is not lost.
        try {
          resumeFrom = (await request(token, ConsoleStreamsDocument, { first: 1 })).imageStreams.resourceVersion;
        } catch {
          setMode('offline');
          return retryLater();
        }
        if (stopped) return;
        changed({});
      }
      unsubscribe = client.subscribe<{ watchImageStreams: WatchEvent }>(
        { query: print(ConsoleWatchDocument), operationName: 'ConsoleWatch', variables: { resourceVersion: resumeFrom } },
        {
          next: (result) => {
            if (result.data) return onEvent(result.data.watchImageStreams);
            // A refused subscription arrives as a result with errors, then `complete`, which retries.
            if (result.errors?.length) refused(result.errors);
          },
          error: (e) => {
            unsubscribe = undefined;
            if (stopped) return;
            if (isRefusal(e)) {
              // The token is no longer accepted: the callers' next read finds out and signs out.
              setMode('offline');
              return changed({});
            }
            refused(e);
            retryLater();
          },
          // The service completes watches when it shuts down: resume on the next one.
          complete: () => {
            unsubscribe = undefined;
            retryLater();
          },
        },
      );
    };

    void start();
    return () => {
      stopped = true;
      clearTimeout(retryTimer);
      clearTimeout(flushTimer);
      unsubscribe?.();
      offConnected();
      offClosed();
      void client.dispose();
    };
  }, [token]);

  return mode;
}

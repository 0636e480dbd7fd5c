import { useEffect, useRef, useState } from 'react';
import { ConsoleStreamsDocument } from '../generated/graphql';
import { request } from '../shared/client';

/**
 * How the console learns that streams changed: the one place to swap the
 * mechanism. Callers only get "something in this scope changed, re-read it";
 * they never depend on how that was found out.
 *
 * Today: poll the list's resourceVersion (the newest version the service
 * handed out) while the tab is visible; a different value means a change.
 * With the `watchImageStreams` subscription (graphql-ws, see ../shared/ws.ts),
 * this hook subscribes instead, passing the stream of each event, and the
 * poll goes away; the components stay as they are.
 */
export type LiveMode = 'polling' | 'paused';

export interface StreamChange {
  /** Set when the change is known to be about one stream; undefined means "anything may have changed". */
  namespace?: string;
  name?: string;
}

export const POLL_INTERVAL_MS = 2000;

export function useStreamChanges(token: string, onChange: (change: StreamChange) => void): LiveMode {
  const [mode, setMode] = useState<LiveMode>('polling');
  const handler = useRef(onChange);
  handler.current = onChange;

  useEffect(() => {
    let last: string | undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      if (stopped) return;
      if (document.visibilityState === 'visible') {
        try {
          const data = await request(token, ConsoleStreamsDocument, { first: 1 });
          const version = data.imageStreams.resourceVersion;
          if (last !== undefined && version !== last) handler.current({});
          last = version;
          setMode('polling');
        } catch {
          // A failed poll (service restarting) is retried on the next tick; the page keeps what it shows.
          setMode('paused');
        }
      }
      if (!stopped) timer = setTimeout(tick, POLL_INTERVAL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [token]);

  return mode;
}

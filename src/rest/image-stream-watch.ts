import { IMAGE_STREAM_KIND, type ImageStream } from '../modules/image-stream/image-stream.model.js';
import type { WatchEvent as ServiceEvent } from '../modules/watch/watch.rules.js';
import { ExpiredError } from '../platform/errors.js';
import type { RestContext } from './context.js';
import { booleanParam, includeObjectParam, nonNegativeIntParam } from './params.js';
import type { Reply, WatchEvent } from './render.js';
import { imageStreamTable } from './tables.js';

/**
 * A watch of image streams over REST (§8.2): the same WatchService the
 * GraphQL subscription uses, written as newline-delimited events. Refusals
 * (401/403/400) happen before the stream starts and answer as plain errors;
 * a too-old resourceVersion answers, as Kubernetes does, a 200 stream with
 * one ERROR event carrying the 410 Expired Status.
 */
export async function imageStreamWatch(ctx: RestContext, target: { namespace?: string; name?: string }): Promise<Reply> {
  const timeoutSeconds = nonNegativeIntParam(ctx, 'timeoutSeconds');
  let iterator: AsyncIterableIterator<ServiceEvent>;
  try {
    iterator = await ctx.services.watch.watchImageStreams(
      ctx.caller,
      {
        namespace: target.namespace,
        name: target.name,
        labelSelector: ctx.query('labelSelector'),
        fieldSelector: ctx.query('fieldSelector'),
        resourceVersion: ctx.query('resourceVersion'),
        bookmarks: booleanParam(ctx, 'allowWatchBookmarks'),
      },
      {
        onSlowConsumer: () => ctx.res.destroy(),
        // The token is checked again while the watch lives, as the subscription's is.
        reauthenticate: () => ctx.services.auth.authenticate(ctx.req.headers.authorization),
      },
    );
  } catch (e) {
    if (!(e instanceof ExpiredError)) throw e;
    const expired = e;
    return { watch: { run: async () => Promise.reject(expired) } };
  }
  const sub = iterator;
  return {
    watch: {
      timeoutSeconds: timeoutSeconds || undefined,
      table: (object, first) => {
        const table = imageStreamTable([object as ImageStream], { resourceVersion: (object as ImageStream).metadata.resourceVersion }, includeObjectParam(ctx), ctx.apiVersion) as { columnDefinitions?: unknown };
        // Column definitions once, on the first event (what kubectl get -w expects).
        if (!first) table.columnDefinitions = [];
        return table;
      },
      run: async (emit, signal) => {
        const stop = () => void sub.return?.();
        signal.addEventListener('abort', stop, { once: true });
        try {
          for await (const event of sub) {
            // Ends the stream with a final ERROR event (renderWatch turns it into a Status).
            if (event.error) throw event.error;
            emit(toRestEvent(ctx, event));
          }
        } finally {
          signal.removeEventListener('abort', stop);
          await sub.return?.();
        }
      },
    },
  };
}

/** Objects carry kind/apiVersion; a BOOKMARK only kind, apiVersion and the version (plus the initial-events-end marker). */
function toRestEvent(ctx: RestContext, event: ServiceEvent): WatchEvent {
  const typeMeta = { kind: IMAGE_STREAM_KIND, apiVersion: ctx.apiVersion };
  if (event.type === 'BOOKMARK') {
    const annotations = (event.object as { metadata?: { annotations?: Record<string, string> } } | null)?.metadata?.annotations;
    return { type: 'BOOKMARK', object: { ...typeMeta, metadata: { resourceVersion: event.resourceVersion, ...(annotations ? { annotations } : {}) } } };
  }
  return { type: event.type, object: { ...typeMeta, ...(event.object as object) } };
}

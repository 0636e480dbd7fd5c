import type { IncomingMessage, ServerResponse } from 'node:http';
import YAML from 'yaml';
import { DomainError, InternalError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Rendering } from './media.js';

/** One line of a watch stream (reference §8.2). */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: unknown;
}

/**
 * A streamed answer (watch): `run` emits events until it returns or
 * `signal` aborts (client gone, timeoutSeconds reached).
 */
export interface WatchReply {
  run(emit: (event: WatchEvent) => void, signal: AbortSignal): Promise<void>;
  /** The object of an ADDED/MODIFIED/DELETED event as a Table (kubectl get -w); `first` carries the column definitions. */
  table?: (object: unknown, first: boolean) => unknown;
  timeoutSeconds?: number;
}

/** What a route answers: a body, and how to show it as a Table when the client asks for one; or a watch stream. */
export interface Reply {
  status?: number;
  body?: unknown;
  table?: () => unknown;
  watch?: WatchReply;
}

export interface RenderOptions {
  rendering: Rendering;
  pretty: boolean;
  warnings?: string[];
}

/** Kubernetes' warning header form: `299 - "<text>"`. */
export function warningHeader(text: string): string {
  return `299 - ${JSON.stringify(text)}`;
}

/** The one place a REST response body is written; answers what it wrote (the response cache keeps it). */
export function render(res: ServerResponse, reply: Reply, opts: RenderOptions): { contentType: string; body: string } {
  const value = opts.rendering.table && reply.table ? reply.table() : reply.body;
  res.statusCode = reply.status ?? 200;
  if (opts.warnings?.length) res.setHeader('warning', opts.warnings.map(warningHeader));
  const written = opts.rendering.format === 'yaml'
    ? { contentType: 'application/yaml', body: YAML.stringify(value) }
    : { contentType: 'application/json', body: `${JSON.stringify(value, null, opts.pretty ? 2 : undefined)}\n` };
  res.setHeader('content-type', written.contentType);
  res.end(written.body);
  return written;
}

/**
 * Writes a watch: headers flushed at once (kubectl waits for them), one JSON
 * object per line, ended when the producer returns or the signal aborts. A
 * failure after the headers went out becomes a final ERROR event.
 */
export async function renderWatch(req: IncomingMessage, res: ServerResponse, watch: WatchReply, opts: RenderOptions & { log: Logger; requestId: string }): Promise<void> {
  const abort = new AbortController();
  const stop = () => abort.abort();
  req.once('close', stop);
  const timer = watch.timeoutSeconds ? setTimeout(stop, watch.timeoutSeconds * 1000) : undefined;
  res.statusCode = 200;
  res.setHeader('content-type', 'application/json');
  res.setHeader('transfer-encoding', 'chunked');
  if (opts.warnings?.length) res.setHeader('warning', opts.warnings.map(warningHeader));
  res.flushHeaders();
  let first = true;
  const emit = (event: WatchEvent) => {
    if (abort.signal.aborted || res.writableEnded) return;
    const asTable = opts.rendering.table && watch.table && event.type !== 'ERROR' && event.type !== 'BOOKMARK';
    const object = asTable ? watch.table!(event.object, first) : event.object;
    if (asTable) first = false;
    res.write(`${JSON.stringify({ type: event.type, object })}\n`);
  };
  try {
    await watch.run(emit, abort.signal);
  } catch (e) {
    if (!(e instanceof DomainError)) opts.log.error({ err: e, requestId: opts.requestId }, 'watch failed');
    emit({ type: 'ERROR', object: (e instanceof DomainError ? e : new InternalError(opts.requestId)).toStatus() });
  } finally {
    if (timer) clearTimeout(timer);
    req.off('close', stop);
    if (!res.writableEnded) res.end();
  }
}

/** The one place errors become Kubernetes `Status` bodies; anything untyped is logged and hidden. */
export function renderError(res: ServerResponse, e: unknown, opts: RenderOptions & { log: Logger; requestId: string }): void {
  let error: DomainError;
  if (e instanceof DomainError) {
    error = e;
  } else {
    opts.log.error({ err: e, requestId: opts.requestId }, 'REST request failed');
    error = new InternalError(opts.requestId);
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  render(res, { status: error.httpStatus, body: error.toStatus() }, { ...opts, rendering: { ...opts.rendering, table: false } });
}

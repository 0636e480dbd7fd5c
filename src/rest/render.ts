import type { ServerResponse } from 'node:http';
import YAML from 'yaml';
import { DomainError, InternalError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Rendering } from './media.js';

/** What a route answers: a body, and how to show it as a Table when the client asks for one. */
export interface Reply {
  status?: number;
  body: unknown;
  table?: () => unknown;
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

/** The one place a REST response body is written. */
export function render(res: ServerResponse, reply: Reply, opts: RenderOptions): void {
  const body = opts.rendering.table && reply.table ? reply.table() : reply.body;
  res.statusCode = reply.status ?? 200;
  if (opts.warnings?.length) res.setHeader('warning', opts.warnings.map(warningHeader));
  if (opts.rendering.format === 'yaml') {
    res.setHeader('content-type', 'application/yaml');
    res.end(YAML.stringify(body));
    return;
  }
  res.setHeader('content-type', 'application/json');
  res.end(`${JSON.stringify(body, null, opts.pretty ? 2 : undefined)}\n`);
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

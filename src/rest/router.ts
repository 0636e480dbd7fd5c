import type { IncomingMessage, ServerResponse } from 'node:http';
import { rightsKey, type Identity } from '../modules/auth/identity.js';
import type { Watermark } from '../platform/freshness.js';
import type { Logger } from '../platform/logger.js';
import type { Dependency, ResponseCache } from '../platform/response-cache.js';
import type { Services } from '../platform/services.js';
import { RestContext } from './context.js';
import { MethodNotAllowedError } from './errors.js';
import { negotiate, type Rendering } from './media.js';
import { render, renderError, renderWatch, type Reply } from './render.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One row of the route table. `path` segments in braces are parameters;
 * a leading `{g}` stands for both image API prefixes (the group path and the
 * legacy `/oapi/v1`), so each image route is written once.
 */
export interface RouteDef {
  method: Method;
  path: string;
  /** Served without a token (only /version, as the reference's public-info viewer role). */
  public?: boolean;
  handle(ctx: RestContext): Promise<Reply> | Reply;
  /**
   * For reads of streams only: what the answer depends on, so the response
   * cache may keep it (platform/response-cache.ts); undefined for a request
   * that must always be executed.
   */
  cacheAs?(params: Record<string, string>, url: URL): Dependency[] | undefined;
}

export const IMAGE_GROUP_VERSION = 'image.openshift.io/v1';
export const IMAGE_API_PREFIXES = [
  { prefix: '/apis/image.openshift.io/v1', apiVersion: IMAGE_GROUP_VERSION },
  { prefix: '/oapi/v1', apiVersion: 'v1' },
] as const;

const ANONYMOUS: Identity = { user: 'system:anonymous', groups: ['system:unauthenticated'] };

interface CompiledRoute {
  def: RouteDef;
  segments: string[];
  apiVersion: string;
}

function compile(routes: RouteDef[]): CompiledRoute[] {
  return routes.flatMap((def) => {
    const expansions = def.path.startsWith('{g}')
      ? IMAGE_API_PREFIXES.map((p) => ({ path: p.prefix + def.path.slice(3), apiVersion: p.apiVersion }))
      : [{ path: def.path, apiVersion: IMAGE_GROUP_VERSION }];
    return expansions.map((e) => ({ def, apiVersion: e.apiVersion, segments: e.path.split('/').filter(Boolean) }));
  });
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p.startsWith('{') && p.endsWith('}')) params[p.slice(1, -1)] = actual[i];
    else if (p !== actual[i]) return undefined;
  }
  return params;
}

function sendCached(res: ServerResponse, answer: { contentType: string; body: string }): void {
  res.statusCode = 200;
  res.setHeader('content-type', answer.contentType);
  res.end(answer.body);
}

/**
 * The REST edge: matches a request against the route table, authenticates,
 * negotiates the representation and renders the reply or the error. Answers
 * false for paths it does not own, so the caller can try other handlers.
 */
export function createRouter(routes: RouteDef[], services: Services, log: Logger, cache?: ResponseCache) {
  // Routes by segment count: a request is matched against the few of its length only.
  const table = new Map<number, CompiledRoute[]>();
  for (const r of compile(routes)) table.set(r.segments.length, [...(table.get(r.segments.length) ?? []), r]);
  return async (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<boolean> => {
    let segments: string[];
    try {
      segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return false;
    }
    const candidates = (table.get(segments.length) ?? []).flatMap((r) => {
      const params = matchSegments(r.segments, segments);
      return params ? [{ route: r, params }] : [];
    });
    if (candidates.length === 0) return false;
    const found = candidates.find((c) => c.route.def.method === req.method);
    const pretty = url.searchParams.get('pretty') === 'true' || url.searchParams.get('pretty') === '1';
    let rendering: Rendering = { format: 'json', table: false };
    let ctx: RestContext | undefined;
    try {
      rendering = negotiate(req.headers.accept);
      const isPublic = candidates.every((c) => c.route.def.public);
      const deps = cache && found && !isPublic ? found.route.def.cacheAs?.(found.params, url) : undefined;
      const watermark = deps ? await services.freshness.current() : undefined;
      const caller = isPublic ? ANONYMOUS : await services.auth.authenticate(req.headers.authorization, watermark);
      if (!found) throw new MethodNotAllowedError();
      const key = deps && `rest\u0000${url.pathname}${url.search}\u0000${req.headers.accept ?? ''}\u0000${rightsKey(caller)}`;
      const hit = key && cache!.get(key, watermark!);
      if (hit) {
        sendCached(res, hit);
        return true;
      }
      ctx = new RestContext(req, res, url, found.params, found.route.apiVersion, services, rendering, caller);
      const reply = await found.route.def.handle(ctx);
      if (reply.watch) await renderWatch(req, res, reply.watch, { rendering, pretty, warnings: ctx.warnings, log, requestId });
      else {
        const written = render(res, reply, { rendering, pretty, warnings: ctx.warnings });
        if (key && res.statusCode === 200 && !ctx.warnings.length) cache!.put(key, written, deps!, watermark as Watermark);
      }
    } catch (e) {
      renderError(res, e, { rendering, pretty, warnings: ctx?.warnings, log, requestId });
    }
    return true;
  };
}

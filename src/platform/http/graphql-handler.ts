import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { BadRequestError, DomainError } from '../errors.js';
import type { Identity } from '../../modules/auth/identity.js';
import type { RequestContext } from '../graphql/context.js';
import type { CacheableOperation, CachedOperations, GraphqlBody } from '../graphql/cached-operations.js';
import { readBody } from './body.js';
import { assertWellFormedStrings } from './well-formed.js';

function sendErrors(res: ServerResponse, error: DomainError): void {
  res.statusCode = error.httpStatus;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code, status: error.toStatus() } }] }));
}

function sendJson(res: ServerResponse, body: string): void {
  res.statusCode = 200;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

/**
 * Apollo Server on a bare node:http handler: no framework between the
 * socket and the executor (the cheapest path), the body capped before it is
 * parsed, and authentication done once per request in `context` (given the
 * caller when the response cache already authenticated it). Stream reads
 * are answered from `cache` when it holds a current answer.
 */
export function createGraphqlHandler(
  apollo: ApolloServer<RequestContext>,
  context: (req: IncomingMessage, caller?: Identity) => Promise<RequestContext>,
  cache?: CachedOperations,
) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    let body: unknown;
    let text: string | undefined;
    let cached: CacheableOperation | undefined;
    try {
      if (req.method === 'POST') {
        const raw = await readBody(req);
        const type = req.headers['content-type'] ?? '';
        if (type.includes('json')) {
          text = raw.toString('utf8');
          // A body this process already planned is answered without parsing it again.
          cached = cache && (await cache.prepareRaw(text, req.headers.authorization));
          const hit = cached && cache!.get(cached);
          if (hit) return sendJson(res, hit);
          try {
            body = raw.length ? JSON.parse(text) : undefined;
          } catch {
            throw new BadRequestError('the request body is not valid JSON');
          }
          assertWellFormedStrings(body);
        } else {
          body = raw.toString('utf8');
        }
      }
    } catch (e) {
      if (e instanceof DomainError) return sendErrors(res, e);
      throw e;
    }
    const cacheable = req.method === 'POST' && body && typeof body === 'object' && !Array.isArray(body) ? (body as GraphqlBody) : undefined;
    if (cache && cacheable && !cached) {
      cached = await cache.prepare(cacheable, text!, req.headers.authorization);
      const hit = cached && cache.get(cached);
      if (hit) return sendJson(res, hit);
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: () => context(req, cached?.caller),
    });
    res.statusCode = result.status ?? 200;
    for (const [key, value] of result.headers) res.setHeader(key, value);
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
      if (cache && cacheable && res.statusCode === 200) {
        if (cached) cache.put(cached, result.body.string);
        else cache.learn(cacheable);
      }
      return;
    }
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

/** Context errors must reach the client with their code and HTTP status, not as a 500. */
export function contextError(e: DomainError): GraphQLError {
  return new GraphQLError(e.message, {
    extensions: { code: e.code, status: e.toStatus(), http: { status: e.httpStatus } },
  });
}

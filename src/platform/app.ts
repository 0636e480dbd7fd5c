import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ApolloServer } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { buildAppSchema } from '../schema.js';
import type { Config } from './config.js';
import { connectDatabase, type DatabaseHandle } from './database/connect.js';
import { DomainError, UnauthenticatedError } from './errors.js';
import type { RequestContext } from './graphql/context.js';
import { createFormatError } from './graphql/format-error.js';
import { contextError, createGraphqlHandler } from './http/graphql-handler.js';
import { createSseHandler, formatResult } from './http/sse-handler.js';
import { createLogger, type Logger } from './logger.js';
import { runWithRequestId } from './request-scope.js';
import { createServices, type Services } from './services.js';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface App {
  server: Server;
  url: string;
  services: Services;
  database: DatabaseHandle;
  log: Logger;
  /** Set on first start when no token was configured: shown once, never stored. */
  bootstrapToken?: string;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * WebSocket close code for a watch subscriber that fell more than
 * IMAGESTREAMS_WATCH_BUFFER events behind: 1013 "Try Again Later" (RFC 6455
 * registry), with a reason saying so; the client resumes from its last
 * resourceVersion.
 */
export const WATCH_SLOW_CONSUMER_CLOSE_CODE = 1013;

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** Builds and starts the whole service: database, migrations, bootstrap token, HTTP and WebSocket. */
export async function startApp(config: Config, opts: { log?: Logger } = {}): Promise<App> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const database = await connectDatabase({
    url: config.DATABASE_URL,
    dataDir: config.IMAGESTREAMS_DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    migrationsFolder: MIGRATIONS_FOLDER,
  });
  let migrated = false;
  try {
    await database.migrate();
    migrated = true;
  } catch (e) {
    await database.close().catch(() => undefined);
    throw e;
  }
  const CHANGES_CHANNEL = 'imagestreams_changes';
  const services = createServices(database.db, config, log, { publishChanges: () => database.notify(CHANGES_CHANNEL) });
  await services.watch.start((onSignal) => database.listen(CHANGES_CHANNEL, onSignal, (err) => log.warn({ err }, 'change listener connection lost; reconnecting')));
  const bootstrapToken = await services.auth.bootstrap(config.IMAGESTREAMS_BOOTSTRAP_TOKEN);

  const schema: GraphQLSchema = await buildAppSchema();
  const apollo = new ApolloServer<RequestContext>({ schema, formatError: createFormatError(log), includeStacktraceInErrorResponses: false });
  await apollo.start();

  const contextFor = async (authorization: string | undefined, requestId: string): Promise<RequestContext> => {
    try {
      const caller = await services.auth.authenticate(authorization);
      return { caller, requestId, services, log };
    } catch (e) {
      if (e instanceof DomainError) throw contextError(e);
      throw e;
    }
  };
  const formatError = createFormatError(log);
  const graphqlHttp = createGraphqlHandler(apollo, (req) => contextFor(req.headers.authorization, String(req.headers['x-request-id'] ?? randomUUID())));
  const sse = createSseHandler(
    schema,
    async (req, res) => {
      const caller = await services.auth.authenticate(req.headers.authorization);
      // A slow SSE consumer has no close code to receive: its response is cut off.
      const reauthenticate = () => services.auth.authenticate(req.headers.authorization);
      return { caller, requestId: String(req.headers['x-request-id'] ?? randomUUID()), services, log, closeConnection: () => res.destroy(), reauthenticate };
    },
    formatError,
  );
  // GraphQL over SSE on the same path, chosen by `Accept: text/event-stream` (also served at /graphql/stream).
  const graphql: Route = (req, res, url) => ((req.headers.accept ?? '').includes('text/event-stream') ? sse(req, res) : graphqlHttp(req, res, url));

  const routes: Record<string, Route> = {
    '/graphql': graphql,
    '/graphql/stream': (req, res) => sse(req, res),
    '/healthz': (_req, res) => json(res, 200, { status: 'ok' }),
    '/readyz': async (_req, res) => json(res, (await ready()) ? 200 : 503, { status: (await ready()) ? 'ok' : 'unavailable' }),
  };

  const ready = async (): Promise<boolean> => {
    if (!migrated) return false;
    try {
      await database.ping();
      return true;
    } catch {
      return false;
    }
  };

  const server = createServer((req, res) => {
    const requestId = String(req.headers['x-request-id'] ?? randomUUID());
    res.setHeader('x-request-id', requestId);
    runWithRequestId(requestId, async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = routes[url.pathname];
      try {
        if (!route) return json(res, 404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 });
        await route(req, res, url);
      } catch (e) {
        log.error({ err: e, requestId }, 'request failed');
        if (!res.headersSent) json(res, 500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Internal error occurred (request ${requestId})`, reason: 'InternalError', code: 500 });
        else res.destroy();
      }
    });
  });

  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: 3 * 1024 * 1024 });
  const wsServer = useServer<Record<string, unknown>, { ctx?: RequestContext }>(
    {
      schema,
      // The token travels in connection_init: a socket that cannot authenticate is closed before any operation.
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const header = typeof params.authorization === 'string' ? params.authorization : typeof params.token === 'string' ? `Bearer ${params.token}` : undefined;
        try {
          const caller = await services.auth.authenticate(header);
          const socket = ctx.extra.socket;
          const closeConnection = (pending: number) => socket.close(WATCH_SLOW_CONSUMER_CLOSE_CODE, `slow consumer: ${pending} events pending; resume from the last resourceVersion`.slice(0, 120));
          const reauthenticate = () => services.auth.authenticate(header);
          ctx.extra.ctx = { caller, requestId: randomUUID(), services, log, closeConnection, reauthenticate };
          return true;
        } catch (e) {
          if (e instanceof UnauthenticatedError) return false;
          throw e;
        }
      },
      context: (ctx) => ctx.extra.ctx!,
      onNext: (_ctx, _id, _payload, _args, result) => formatResult(result, formatError),
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e)),
    },
    wss,
    config.IMAGESTREAMS_WS_KEEPALIVE,
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  const url = `http://${host}:${address.port}`;
  log.info({ url: `${url}/graphql`, database: database.kind }, 'imagestreams is serving');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      migrated = false; // readyz answers 503 while draining
      // Subscriptions end with `complete` (not a dropped socket) before the sockets close.
      await services.watch.stop();
      await new Promise((r) => setImmediate(r));
      await wsServer.dispose();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await apollo.stop();
      await database.close();
    })());

  return { server, url, services, database, log, bootstrapToken, ready, close };
}

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { createRestHandler } from '../rest/index.js';
import { buildAppSchema } from '../schema.js';
import type { Config } from './config.js';
import { connectDatabase, type DatabaseHandle } from './database/connect.js';
import { DomainError, UnauthenticatedError } from './errors.js';
import type { RequestContext } from './graphql/context.js';
import { createFormatError } from './graphql/format-error.js';
import { createLoaders } from './graphql/loaders.js';
import { contextError, createGraphqlHandler } from './http/graphql-handler.js';
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

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** Builds and starts the whole service: database, migrations, bootstrap token, HTTP and WebSocket. */
export async function startApp(config: Config, opts: { log?: Logger } = {}): Promise<App> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  // Read before anything starts, so a wrong path fails fast with nothing to clean up.
  // kubectl sends no bearer token over plain HTTP: with a certificate the service speaks HTTPS only.
  const tls = config.IMAGESTREAMS_TLS_CERT && config.IMAGESTREAMS_TLS_KEY
    ? { cert: readFileSync(config.IMAGESTREAMS_TLS_CERT), key: readFileSync(config.IMAGESTREAMS_TLS_KEY) }
    : undefined;
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
  const services = createServices(database.db, config, log);
  const bootstrapToken = await services.auth.bootstrap(config.IMAGESTREAMS_BOOTSTRAP_TOKEN);

  const schema: GraphQLSchema = await buildAppSchema();
  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError: createFormatError(log),
    includeStacktraceInErrorResponses: false,
    // Cache-control wraps every field resolver (about 60% of the executor's time on
    // stream payloads) and we send no cache hints; the landing page would load from a
    // CDN, which many deployments cannot reach.
    plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled(), ApolloServerPluginUsageReportingDisabled()],
  });
  await apollo.start();

  const contextFor = async (authorization: string | undefined, requestId: string): Promise<RequestContext> => {
    try {
      const caller = await services.auth.authenticate(authorization);
      return { caller, requestId, services, log, loaders: createLoaders(services, caller) };
    } catch (e) {
      if (e instanceof DomainError) throw contextError(e);
      throw e;
    }
  };
  const graphql = createGraphqlHandler(apollo, (req) => contextFor(req.headers.authorization, String(req.headers['x-request-id'] ?? randomUUID())));

  const routes: Record<string, Route> = {
    '/graphql': graphql,
    '/healthz': (_req, res) => json(res, 200, { status: 'ok' }),
    '/readyz': async (_req, res) => json(res, (await ready()) ? 200 : 503, { status: (await ready()) ? 'ok' : 'unavailable' }),
  };

  const rest = createRestHandler(services, log);

  const ready = async (): Promise<boolean> => {
    if (!migrated) return false;
    try {
      await database.ping();
      return true;
    } catch {
      return false;
    }
  };

  const handler: RequestListener = (req, res) => {
    const requestId = String(req.headers['x-request-id'] ?? randomUUID());
    res.setHeader('x-request-id', requestId);
    runWithRequestId(requestId, async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = routes[url.pathname];
      try {
        if (!route && (await rest(req, res, url, requestId))) return;
        if (!route) return json(res, 404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 });
        await route(req, res, url);
      } catch (e) {
        log.error({ err: e, requestId }, 'request failed');
        if (!res.headersSent) json(res, 500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Internal error occurred (request ${requestId})`, reason: 'InternalError', code: 500 });
        else res.destroy();
      }
    });
  };
  const server: Server = tls ? createHttpsServer(tls, handler) : createServer(handler);

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
          ctx.extra.ctx = { caller, requestId: randomUUID(), services, log, loaders: createLoaders(services, caller) };
          return true;
        } catch (e) {
          if (e instanceof UnauthenticatedError) return false;
          throw e;
        }
      },
      // Fresh loaders per operation: a socket lives long, cached links would go stale.
      context: (ctx) => ({ ...ctx.extra.ctx!, loaders: createLoaders(services, ctx.extra.ctx!.caller) }),
    },
    wss,
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  const url = `${tls ? 'https' : 'http'}://${host}:${address.port}`;
  log.info({ url: `${url}/graphql`, database: database.kind }, 'imagestreams is serving');
  if (config.IMAGESTREAMS_BACKGROUND_IMPORTS) services.importWorker.start();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      migrated = false; // readyz answers 503 while draining
      await services.importWorker.stop();
      await wsServer.dispose();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await apollo.stop();
      await services.imports.close();
      await database.close();
    })());

  return { server, url, services, database, log, bootstrapToken, ready, close };
}

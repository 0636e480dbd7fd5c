import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { createRestHandler } from '../rest/index.js';
import { buildAppSchema } from '../schema.js';
import type { Config } from './config.js';
import { connectDatabase, type DatabaseHandle } from './database/connect.js';
import { DomainError } from './errors.js';
import type { Identity } from '../modules/auth/identity.js';
import type { RequestContext } from './graphql/context.js';
import { createFormatError } from './graphql/format-error.js';
import { createLoaders } from './graphql/loaders.js';
import { LIMIT_PLUGINS, LIMIT_RULES, PARSE_OPTIONS } from './graphql/limits.js';
import { attachGraphqlWs } from './graphql/ws-server.js';
import { metricsPlugin } from './graphql/metrics-plugin.js';
import { CachedOperations } from './graphql/cached-operations.js';
import { ChangeIndex, ResponseCache } from './response-cache.js';
import { contextError, createGraphqlHandler } from './http/graphql-handler.js';
import { createSseHandler } from './http/sse-handler.js';
import { StaticFiles, wantsHtml } from './http/static-files.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { runWithRequestId } from './request-scope.js';
import { createServices, type Services } from './services.js';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));
/** The web UI (GraphiQL and the console), built from console/ at install time. */
export const UI_FOLDER = fileURLToPath(new URL('../../console/dist', import.meta.url));

export interface App {
  server: Server;
  url: string;
  services: Services;
  database: DatabaseHandle;
  log: Logger;
  metrics: Metrics;
  /** Set on first start when no token was configured: shown once, never stored. */
  bootstrapToken?: string;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export { WATCH_SLOW_CONSUMER_CLOSE_CODE } from './graphql/ws-server.js';

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
  const metrics = createMetrics();
  if (database.poolStats) metrics.observePool(database.poolStats);
  const CHANGES_CHANNEL = 'imagestreams_changes';
  const services = createServices(database.db, config, log, { publishChanges: () => database.notify(CHANGES_CHANNEL), readWatermark: () => database.watermark(), metrics });
  metrics.observeWatch({ subscriptions: () => services.watch.subscriptionCount, lag: () => services.watch.feedLag() });
  await services.watch.start((onSignal) => database.listen(CHANGES_CHANNEL, onSignal, (err) => log.warn({ err }, 'change listener connection lost; reconnecting')));
  let responseCache: ResponseCache | undefined;
  if (config.IMAGESTREAMS_RESPONSE_CACHE) {
    // Complete from the feed's position on: answers are only cached from now, so older rows do not matter.
    const changeIndex = new ChangeIndex();
    changeIndex.position = services.watch.follow(changeIndex);
    responseCache = new ResponseCache(changeIndex, config.IMAGESTREAMS_RESPONSE_CACHE_MB * 2 ** 20, {
      hit: () => metrics.responseCache.inc({ result: 'hit' }),
      miss: () => metrics.responseCache.inc({ result: 'miss' }),
    });
  }
  const bootstrapToken = await services.auth.bootstrap(config.IMAGESTREAMS_BOOTSTRAP_TOKEN);

  const schema: GraphQLSchema = await buildAppSchema();
  const formatError = createFormatError(log);
  // Query limits (graphql-armor) on parse and validation; the same rules guard graphql-ws below.
  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    validationRules: LIMIT_RULES,
    parseOptions: PARSE_OPTIONS,
    // Cache-control wraps every field resolver (about 60% of the executor's time on
    // stream payloads) and we send no cache hints; the landing page would load from a
    // CDN, which many deployments cannot reach.
    // (GraphiQL is served from our own build instead: see the /graphql route.)
    plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled(), ApolloServerPluginUsageReportingDisabled(), ...LIMIT_PLUGINS, metricsPlugin(metrics)],
    allowBatchedHttpRequests: false,
  });
  await apollo.start();

  const contextFor = async (authorization: string | undefined, requestId: string, authenticated?: Identity): Promise<RequestContext> => {
    try {
      const caller = authenticated ?? (await services.auth.authenticate(authorization));
      return { caller, requestId, services, log, loaders: createLoaders(services, caller) };
    } catch (e) {
      if (e instanceof DomainError) throw contextError(e);
      throw e;
    }
  };
  const cachedOperations = responseCache
    ? new CachedOperations(schema, responseCache, (header, watermark) => services.auth.authenticate(header, watermark), () => services.freshness.current(), (operationName, seconds) =>
        metrics.observeOperation(operationName, 'query', seconds),
      )
    : undefined;
  const graphqlHttp = createGraphqlHandler(apollo, (req, caller) => contextFor(req.headers.authorization, String(req.headers['x-request-id'] ?? randomUUID()), caller), cachedOperations);
  const sse = createSseHandler(
    schema,
    async (req, res) => {
      const caller = await services.auth.authenticate(req.headers.authorization);
      // A slow SSE consumer has no close code to receive: its response is cut off.
      const reauthenticate = () => services.auth.authenticate(req.headers.authorization);
      return { caller, requestId: String(req.headers['x-request-id'] ?? randomUUID()), services, log, loaders: createLoaders(services, caller), closeConnection: () => res.destroy(), reauthenticate };
    },
    formatError,
  );
  // GraphQL over SSE on the same path, chosen by `Accept: text/event-stream` (also served at /graphql/stream).
  const graphql: Route = (req, res, url) => ((req.headers.accept ?? '').includes('text/event-stream') ? sse(req, res) : graphqlHttp(req, res, url));

  const ui = new StaticFiles(UI_FOLDER);
  const consolePage: Route = (req, res) => ui.send(req, res, 'index.html');
  const routes: Record<string, Route> = {
    // A browser navigating to the endpoint gets GraphiQL; every GraphQL request (POST, GET with ?query=) the executor.
    '/graphql': (req, res, url) => (wantsHtml(req, url) ? ui.send(req, res, 'graphiql.html') : graphql(req, res, url)),
    '/graphql/stream': (req, res) => sse(req, res),
    '/console': consolePage,
    '/console/': consolePage,
    // Unauthenticated on purpose (README, "Metrics"): aggregate numbers only, no names of namespaces or streams.
    '/metrics': async (_req, res) => {
      const { contentType, body } = await metrics.scrape();
      res.setHeader('content-type', contentType);
      res.setHeader('cache-control', 'no-store');
      res.end(body);
    },
    '/healthz': (_req, res) => json(res, 200, { status: 'ok' }),
    '/readyz': async (_req, res) => json(res, (await ready()) ? 200 : 503, { status: (await ready()) ? 'ok' : 'unavailable' }),
  };
  /** Routes owning every path under a prefix; the key doubles as the metrics route label. */
  const prefixRoutes: Array<[string, Route]> = [['/console/', (req, res, url) => ui.send(req, res, url.pathname.slice('/console/'.length))]];
  const findRoute = (path: string): [string, Route] | undefined => {
    const exact = routes[path];
    if (exact) return [path, exact];
    const prefixed = prefixRoutes.find(([prefix]) => path.startsWith(prefix));
    return prefixed && [`${prefixed[0]}*`, prefixed[1]];
  };

  const rest = createRestHandler(services, log, responseCache);

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
      const found = findRoute(url.pathname);
      const route = found?.[1];
      // Labelled by route key, never the raw path: unknown paths all count as one series.
      const timer = metrics.httpRequestDuration.startTimer({ route: found?.[0] ?? 'unmatched', method: req.method ?? 'GET' });
      res.once('close', () => timer({ status: String(res.statusCode) }));
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

  const wsServer = attachGraphqlWs({
    server, schema, services, log, formatError,
    revalidateMs: config.IMAGESTREAMS_WS_REVALIDATE_SECONDS * 1000,
    keepAliveMs: config.IMAGESTREAMS_WS_KEEPALIVE,
    onSocketOpen: (socket) => {
      metrics.websocketConnections.inc();
      socket.once('close', () => metrics.websocketConnections.dec());
    },
  });

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
      // Subscriptions end with `complete` (not a dropped socket) before the sockets close.
      await services.watch.stop();
      await new Promise((r) => setImmediate(r));
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

  return { server, url, services, database, log, metrics, bootstrapToken, ready, close };
}

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Pool figures of a real PostgreSQL connection pool (pg's Pool counters). */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** What the watch service reports at each scrape. */
export interface WatchStats {
  subscriptions(): number;
  /** Reads the change log: how far this replica's feed trails it. */
  lag(): Promise<{ latest: number; dispatched: number; versions: number; seconds: number }>;
}

/**
 * The process's Prometheus metrics, one registry per App (tests start several
 * apps in one process; the global default registry would collide).
 *
 * Adding a metric: declare it on `Metrics`, create it in `createMetrics` with
 * `registers: [registry]`, and hand `app.metrics` (or just the one metric) to
 * the code that moves it. Keep label values bounded: never a namespace, a
 * stream name, a token or anything else a client can vary without limit.
 */
export interface Metrics {
  registry: Registry;
  /** Seconds per HTTP request, by route template (not raw path), method and status. */
  httpRequestDuration: Histogram<'route' | 'method' | 'status'>;
  /** Seconds per GraphQL operation over HTTP, by operation name and type. */
  graphqlOperationDuration: Histogram<'operation' | 'type'>;
  /** Times one GraphQL operation (the name label bounded by operationLabeler). */
  observeOperation(operationName: string | null | undefined, type: string, seconds: number): void;
  /** Stream reads answered from the response cache (hit) or by the executor although cacheable (miss). */
  responseCache: Counter<'result'>;
  /** GraphQL errors sent to clients, by `extensions.code`. */
  graphqlErrors: Counter<'code'>;
  /** WebSocket connections open on /graphql (authenticated or not yet). */
  websocketConnections: Gauge;
  /**
   * Images an import or preview fetched, by result (success, failure), failure reason
   * (the Status reason, a fixed set; `''` on success) and mode (import, preview).
   */
  importedImages: Counter<'result' | 'reason' | 'mode'>;
  /** Seconds per registry HTTP exchange, by purpose (ping, token, manifest, blob, tags) and outcome (2xx..5xx, error). */
  registryRequestDuration: Histogram<'purpose' | 'outcome'>;
  /** The registry client's `onRequest` hook feeding `registryRequestDuration`. */
  observeRegistryRequest(event: { purpose: string; status?: number; durationSeconds: number }): void;
  /** Adds pool gauges read at each scrape; call once, for a real pool only (PGlite is one in-process connection). */
  observePool(stats: () => PoolStats): void;
  /** Adds the watch gauges (active subscriptions, change-log lag) read at each scrape; call once. */
  observeWatch(stats: WatchStats): void;
  /** The Prometheus text exposition of every metric. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/** Buckets from 1 ms to 10 s: GraphQL reads take milliseconds, imports and slow queries seconds. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const httpRequestDuration = new Histogram({
    name: 'imagestreams_http_request_duration_seconds',
    help: 'HTTP request duration in seconds by route, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const graphqlOperationDuration = new Histogram({
    name: 'imagestreams_graphql_operation_duration_seconds',
    help: 'GraphQL operation duration in seconds by operation name and type (query, mutation).',
    labelNames: ['operation', 'type'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const label = operationLabeler();
  const observeOperation = (operationName: string | null | undefined, type: string, seconds: number) =>
    graphqlOperationDuration.observe({ operation: label(operationName), type }, seconds);
  const responseCache = new Counter({
    name: 'imagestreams_graphql_response_cache_total',
    help: 'Cacheable GraphQL stream reads by result: hit (answered from memory) or miss (executed).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const graphqlErrors = new Counter({
    name: 'imagestreams_graphql_errors_total',
    help: 'GraphQL errors returned to clients by extensions.code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });

  const websocketConnections = new Gauge({
    name: 'imagestreams_websocket_connections',
    help: 'WebSocket (graphql-ws) connections open on /graphql.',
    registers: [registry],
  });

  const importedImages = new Counter({
    name: 'imagestreams_imported_images_total',
    help: 'Images fetched by imports and previews, by result, failure reason and mode (import, preview).',
    labelNames: ['result', 'reason', 'mode'] as const,
    registers: [registry],
  });
  // The _count of this histogram is the number of registry requests: no separate counter needed.
  const registryRequestDuration = new Histogram({
    name: 'imagestreams_registry_request_duration_seconds',
    help: 'Registry HTTP exchanges (each retry and redirect counts) in seconds, by purpose and outcome (status class or error).',
    labelNames: ['purpose', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const observeRegistryRequest = (event: { purpose: string; status?: number; durationSeconds: number }) => {
    const outcome = event.status === undefined ? 'error' : `${Math.floor(event.status / 100)}xx`;
    registryRequestDuration.observe({ purpose: event.purpose, outcome }, event.durationSeconds);
  };

  // Created only for a real pool: on PGlite there is no pool, and zeros would read as an idle one.
  const observePool = (stats: () => PoolStats) => {
    const poolGauge = (name: string, help: string, pick: (s: PoolStats) => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(pick(stats()));
        },
      });
    poolGauge('imagestreams_db_pool_connections', 'Connections open in the PostgreSQL pool.', (s) => s.total);
    poolGauge('imagestreams_db_pool_idle_connections', 'Idle connections in the PostgreSQL pool.', (s) => s.idle);
    poolGauge('imagestreams_db_pool_waiting_requests', 'Queries waiting for a free pool connection.', (s) => s.waiting);
  };

  const observeWatch = (stats: WatchStats) => {
    new Gauge({
      name: 'imagestreams_watch_subscriptions',
      help: 'watchImageStreams subscriptions open on this replica (graphql-ws and SSE).',
      registers: [registry],
      collect() {
        this.set(stats.subscriptions());
      },
    });
    // One change-log read per scrape feeds the four lag gauges: a scrape calls every collect() at once,
    // so they share the read in flight; the next scrape starts a new one. A failed read leaves their last values.
    let lag: ReturnType<WatchStats['lag']> | undefined;
    const readLag = () =>
      (lag ??= stats.lag().finally(() => {
        lag = undefined;
      }));
    const lagGauge = (name: string, help: string, pick: (l: Awaited<ReturnType<WatchStats['lag']>>) => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        async collect() {
          try {
            this.set(pick(await readLag()));
          } catch {
            // The database is unreachable: /readyz says so; the scrape still answers.
          }
        },
      });
    lagGauge('imagestreams_changelog_latest_resource_version', 'Newest resourceVersion committed to the change log.', (l) => l.latest);
    lagGauge('imagestreams_watch_dispatched_resource_version', "Newest change-log resourceVersion this replica's feed handed to its subscribers.", (l) => l.dispatched);
    lagGauge('imagestreams_watch_lag_versions', 'Committed change-log versions this replica has not yet handed to its subscribers.', (l) => l.versions);
    lagGauge('imagestreams_watch_lag_seconds', 'Age of the oldest change this replica has not yet handed to its subscribers (0 when current).', (l) => l.seconds);
  };

  return {
    registry,
    httpRequestDuration,
    graphqlOperationDuration,
    observeOperation,
    responseCache,
    graphqlErrors,
    websocketConnections,
    importedImages,
    registryRequestDuration,
    observeRegistryRequest,
    observePool,
    observeWatch,
    scrape: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Bounds the operation-name label: clients choose the names, so past `limit`
 * distinct names (or for anything that is not a plain GraphQL name) the
 * label is `other`, and a client cannot grow the scrape without bound.
 */
export function operationLabeler(limit = 200): (name: string | null | undefined) => string {
  const seen = new Set<string>();
  return (name) => {
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'other';
    if (seen.has(name)) return name;
    if (seen.size >= limit) return 'other';
    seen.add(name);
    return name;
  };
}

import type { Config } from './config.js';
import type { Database } from './database/connect.js';
import type { Logger } from './logger.js';
import { Freshness, type Watermark } from './freshness.js';
import { AuthService } from '../modules/auth/auth.service.js';
import { AuthStore } from '../modules/auth/auth.store.js';
import { ImageStreamService } from '../modules/image-stream/image-stream.service.js';
import { ImageStreamStore } from '../modules/image-stream/image-stream.store.js';
import { ImageStreamTagService } from '../modules/image-stream-tag/image-stream-tag.service.js';
import { ImageService } from '../modules/image/image.service.js';
import { ImageStore } from '../modules/image/image.store.js';
import { MappingService } from '../modules/mapping/mapping.service.js';
import { PruneService } from '../modules/prune/prune.service.js';
import { SpecTagResolver } from '../modules/tag-history/spec-tag-resolver.js';
import { ChangeFeed } from '../modules/watch/change-feed.js';
import { WatchService } from '../modules/watch/watch.service.js';
import { WatchStore } from '../modules/watch/watch.store.js';
import { ChangeSignal } from './change-log.js';
import { ImportService } from '../modules/import/import.service.js';
import { ImportJobStore } from '../modules/import/import-jobs.store.js';
import { ImportWorker } from '../modules/import/import-worker.js';
import { FetchGuard, RegistryClient } from '../registry/index.js';
import { PullSecretService } from '../modules/pull-secret/pull-secret.service.js';
import { PullSecretStore } from '../modules/pull-secret/pull-secret.store.js';
import { SecretCipher } from '../modules/pull-secret/secret-cipher.js';
import { loadSecretKey } from './secret-key.js';
import type { Metrics } from './metrics.js';

/** The service layer, built once per process and shared by every edge (GraphQL, REST, WebSocket). */
export interface Services {
  /** How current the database is; caches answer only when caught up with it. */
  freshness: Freshness;
  auth: AuthService;
  imageStreams: ImageStreamService;
  images: ImageService;
  mappings: MappingService;
  imageStreamTags: ImageStreamTagService;
  prune: PruneService;
  watch: WatchService;
  /** Rung after every committed change: wakes this process's change feed and publishes to the other replicas. */
  changes: ChangeSignal;
  imports: ImportService;
  pullSecrets: PullSecretService;
  /** Background imports (spec tags, scheduled); started by the app when enabled. */
  importWorker: ImportWorker;
}

export interface ServiceOptions {
  /** Publishes "new change-log rows exist" to other replicas (NOTIFY); none on PGlite. */
  publishChanges?: () => Promise<void>;
  /** Reads the freshness watermark: the database handle's `watermark`. */
  readWatermark: () => Promise<Watermark>;
  /** Import and registry-request metrics; none for the CLI's one-off services. */
  metrics?: Pick<Metrics, 'observeRegistryRequest' | 'importedImages'>;
}

export function createServices(db: Database, config: Config, log: Logger, opts: ServiceOptions): Services {
  const freshness = new Freshness(opts.readWatermark);
  const auth = new AuthService(new AuthStore(db), log, freshness);
  const changes = new ChangeSignal(opts.publishChanges);
  const streamStore = new ImageStreamStore(db, changes);
  const imageStore = new ImageStore(db);
  const resolver = new SpecTagResolver(streamStore, imageStore, auth, config.IMAGESTREAMS_INTERNAL_REGISTRY);
  const imageStreams = new ImageStreamService(
    streamStore,
    auth,
    {
      internalRegistry: config.IMAGESTREAMS_INTERNAL_REGISTRY,
      publicRegistry: config.IMAGESTREAMS_PUBLIC_REGISTRY,
      defaultImportMode: config.IMAGESTREAMS_DEFAULT_IMPORT_MODE,
    },
    resolver,
  );
  const images = new ImageService(imageStore, streamStore, auth, log);
  const mappings = new MappingService(auth, imageStreams, streamStore, images, imageStore, { internalRegistry: config.IMAGESTREAMS_INTERNAL_REGISTRY }, log);
  const imageStreamTags = new ImageStreamTagService(auth, imageStreams, streamStore, imageStore, resolver);
  const prune = new PruneService(auth, imageStreams, streamStore, imageStore);
  const watchStore = new WatchStore(db, streamStore);
  const feed = new ChangeFeed(watchStore, log, { pollIntervalMs: config.IMAGESTREAMS_WATCH_POLL_INTERVAL });
  changes.onSignal(() => feed.poke());
  const watch = new WatchService(watchStore, feed, auth, imageStreams, {
    retentionMs: config.IMAGESTREAMS_WATCH_RETENTION,
    bookmarkIntervalMs: config.IMAGESTREAMS_WATCH_BOOKMARK_INTERVAL,
    compactionIntervalMs: config.IMAGESTREAMS_WATCH_COMPACTION_INTERVAL,
    bufferLimit: config.IMAGESTREAMS_WATCH_BUFFER,
    reauthIntervalMs: config.IMAGESTREAMS_WATCH_REAUTH_INTERVAL,
  }, log);
  const pullSecrets = new PullSecretService(new PullSecretStore(db), streamStore, auth, new SecretCipher(loadSecretKey(config, log)));
  const registry = new RegistryClient({
    guard: new FetchGuard({ allowedRegistries: config.IMAGESTREAMS_ALLOWED_REGISTRIES, allowPrivate: config.IMAGESTREAMS_ALLOW_PRIVATE_REGISTRIES }),
    timeouts: {
      connectMs: Math.min(10_000, config.IMAGESTREAMS_REGISTRY_RESPONSE_TIMEOUT),
      headersMs: config.IMAGESTREAMS_REGISTRY_RESPONSE_TIMEOUT,
      bodyMs: config.IMAGESTREAMS_REGISTRY_RESPONSE_TIMEOUT,
      requestMs: config.IMAGESTREAMS_REGISTRY_REQUEST_TIMEOUT,
    },
    retry: { retries: config.IMAGESTREAMS_REGISTRY_RETRIES, baseDelayMs: config.IMAGESTREAMS_REGISTRY_RETRY_DELAY, maxDelayMs: 5 * config.IMAGESTREAMS_REGISTRY_RETRY_DELAY },
    ...(opts.metrics ? { onRequest: opts.metrics.observeRegistryRequest } : {}),
  });
  const imports = new ImportService(auth, imageStreams, streamStore, images, imageStore, registry, {
    defaultImportMode: config.IMAGESTREAMS_DEFAULT_IMPORT_MODE,
    maxImagesPerRepository: config.IMAGESTREAMS_MAX_IMAGES_BULK_IMPORTED_PER_REPOSITORY,
    perRegistryConcurrency: 5,
  }, pullSecrets, opts.metrics ? { imageFetched: (result, reason, mode) => opts.metrics!.importedImages.inc({ result, reason, mode }) } : undefined);
  const importWorker = new ImportWorker(new ImportJobStore(db), streamStore, imports, {
    pollMs: 250,
    scheduledIntervalSeconds: config.IMAGESTREAMS_SCHEDULED_IMPORT_INTERVAL / 1000,
    scheduledPerMinute: config.IMAGESTREAMS_SCHEDULED_IMPORTS_PER_MINUTE,
    concurrency: 5,
    leaseSeconds: config.IMAGESTREAMS_IMPORT_LEASE / 1000,
  }, log);
  return { freshness, auth, imageStreams, images, mappings, imageStreamTags, prune, watch, changes, imports, pullSecrets, importWorker };
}

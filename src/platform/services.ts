import type { Config } from './config.js';
import type { Database } from './database/connect.js';
import type { Logger } from './logger.js';
import { AuthService } from '../modules/auth/auth.service.js';
import { AuthStore } from '../modules/auth/auth.store.js';
import { ImageStreamService } from '../modules/image-stream/image-stream.service.js';
import { ImageStreamStore } from '../modules/image-stream/image-stream.store.js';
import { ChangeFeed } from '../modules/watch/change-feed.js';
import { WatchService } from '../modules/watch/watch.service.js';
import { WatchStore } from '../modules/watch/watch.store.js';
import { ChangeSignal } from './change-log.js';

/** The service layer, built once per process and shared by every edge (GraphQL, REST, WebSocket). */
export interface Services {
  auth: AuthService;
  imageStreams: ImageStreamService;
  watch: WatchService;
  /** Rung after every committed change: wakes this process's change feed and publishes to the other replicas. */
  changes: ChangeSignal;
}

export interface ServiceOptions {
  /** Publishes "new change-log rows exist" to other replicas (NOTIFY); none on PGlite. */
  publishChanges?: () => Promise<void>;
}

export function createServices(db: Database, config: Config, log: Logger, opts: ServiceOptions = {}): Services {
  const auth = new AuthService(new AuthStore(db), log);
  const changes = new ChangeSignal(opts.publishChanges);
  const streamStore = new ImageStreamStore(db, changes);
  const imageStreams = new ImageStreamService(streamStore, auth, {
    internalRegistry: config.IMAGESTREAMS_INTERNAL_REGISTRY,
    publicRegistry: config.IMAGESTREAMS_PUBLIC_REGISTRY,
    defaultImportMode: config.IMAGESTREAMS_DEFAULT_IMPORT_MODE,
  });
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
  return { auth, imageStreams, watch, changes };
}

import type { Config } from './config.js';
import type { Database } from './database/connect.js';
import type { Logger } from './logger.js';
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
import { ImportService } from '../modules/import/import.service.js';
import { ImportJobStore } from '../modules/import/import-jobs.store.js';
import { ImportWorker } from '../modules/import/import-worker.js';
import { FetchGuard, RegistryClient } from '../registry/index.js';
import { PullSecretService } from '../modules/pull-secret/pull-secret.service.js';
import { PullSecretStore } from '../modules/pull-secret/pull-secret.store.js';
import { SecretCipher } from '../modules/pull-secret/secret-cipher.js';
import { loadSecretKey } from './secret-key.js';

/** The service layer, built once per process and shared by every edge (GraphQL, REST, WebSocket). */
export interface Services {
  auth: AuthService;
  imageStreams: ImageStreamService;
  images: ImageService;
  mappings: MappingService;
  imageStreamTags: ImageStreamTagService;
  prune: PruneService;
  imports: ImportService;
  pullSecrets: PullSecretService;
  /** Background imports (spec tags, scheduled); started by the app when enabled. */
  importWorker: ImportWorker;
}

export function createServices(db: Database, config: Config, log: Logger): Services {
  const auth = new AuthService(new AuthStore(db), log);
  const streamStore = new ImageStreamStore(db);
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
  const pullSecrets = new PullSecretService(new PullSecretStore(db), streamStore, auth, new SecretCipher(loadSecretKey(config, log)));
  const registry = new RegistryClient({
    guard: new FetchGuard({ allowedRegistries: config.IMAGESTREAMS_ALLOWED_REGISTRIES, allowPrivate: config.IMAGESTREAMS_ALLOW_PRIVATE_REGISTRIES }),
  });
  const imports = new ImportService(auth, imageStreams, streamStore, images, imageStore, registry, {
    defaultImportMode: config.IMAGESTREAMS_DEFAULT_IMPORT_MODE,
    maxImagesPerRepository: config.IMAGESTREAMS_MAX_IMAGES_BULK_IMPORTED_PER_REPOSITORY,
    perRegistryConcurrency: 5,
  }, pullSecrets);
  const importWorker = new ImportWorker(new ImportJobStore(db), streamStore, imports, {
    pollMs: 250,
    scheduledIntervalSeconds: config.IMAGESTREAMS_SCHEDULED_IMPORT_INTERVAL,
    scheduledPerMinute: config.IMAGESTREAMS_SCHEDULED_IMPORTS_PER_MINUTE,
    concurrency: 5,
  }, log);
  return { auth, imageStreams, images, mappings, imageStreamTags, prune, imports, pullSecrets, importWorker };
}

import type { Config } from './config.js';
import type { Database } from './database/connect.js';
import type { Logger } from './logger.js';
import { AuthService } from '../modules/auth/auth.service.js';
import { AuthStore } from '../modules/auth/auth.store.js';
import { ImageStreamService } from '../modules/image-stream/image-stream.service.js';
import { ImageStreamStore } from '../modules/image-stream/image-stream.store.js';

/** The service layer, built once per process and shared by every edge (GraphQL, REST, WebSocket). */
export interface Services {
  auth: AuthService;
  imageStreams: ImageStreamService;
}

export function createServices(db: Database, config: Config, log: Logger): Services {
  const auth = new AuthService(new AuthStore(db), log);
  const imageStreams = new ImageStreamService(new ImageStreamStore(db), auth, {
    internalRegistry: config.IMAGESTREAMS_INTERNAL_REGISTRY,
    publicRegistry: config.IMAGESTREAMS_PUBLIC_REGISTRY,
    defaultImportMode: config.IMAGESTREAMS_DEFAULT_IMPORT_MODE,
  });
  return { auth, imageStreams };
}

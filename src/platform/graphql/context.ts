import type { Logger } from '../logger.js';
import type { Identity } from '../../modules/auth/identity.js';
import type { WatchSink } from '../../modules/watch/watch-subscription.js';
import type { Services } from '../services.js';
import type { Loaders } from './loaders.js';

/** What every resolver receives: who is calling, and the services to call. */
export interface RequestContext {
  caller: Identity;
  requestId: string;
  services: Services;
  log: Logger;
  /** Batch loaders of this operation (links without N+1). */
  loaders: Loaders;
  /**
   * Set by streaming transports (WebSocket, SSE): ends the client's
   * connection, e.g. when a watch subscriber falls too far behind.
   */
  closeConnection?: (pending: number) => void;
  /**
   * Set by streaming transports: authenticates the connection's credentials
   * again, so a long-lived subscription follows revocation and expiry.
   */
  reauthenticate?: () => Promise<Identity>;
  /**
   * Set by graphql-ws for subscriptions: a watch writes its events through
   * it (rendered once per audience) instead of through graphql-js per subscriber.
   */
  watchSink?: WatchSink;
}

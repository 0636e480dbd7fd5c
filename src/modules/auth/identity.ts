import { CLUSTER_ADMIN_GROUP, isClusterAdmin, type NamespaceGrant } from './roles.rules.js';

export { CLUSTER_ADMIN_GROUP };

/** Who is calling. Every service method takes one. */
export interface Identity {
  user: string;
  groups: string[];
  /**
   * The caller's namespace roles (bound to the user or one of its groups),
   * loaded once by `authenticate()` so a request makes one query for its
   * rights however many checks it runs. Absent = none.
   */
  grants?: NamespaceGrant[];
  /** The id (not the secret) of the token this identity came from; absent for the service itself. */
  tokenId?: string;
}

export const BOOTSTRAP_ADMIN_USER = 'system:admin';

/** For the service's own background work (scheduled imports, compaction) and the operator's CLI. */
export const SYSTEM_IDENTITY: Identity = { user: 'system:imagestreams', groups: [CLUSTER_ADMIN_GROUP] };

const rightsKeys = new WeakMap<Identity, string>();

/**
 * Who sees what, as a cache key: equal keys, equal answers. Cluster-admins
 * may do everything (no decision reads their name); anyone else is keyed by
 * name, groups and grants, everything an authorization decision or a
 * resolver reads. Used by the response cache and the watch renderer;
 * remembered per identity object (identities are cached per auth epoch).
 */
export function rightsKey(caller: Identity): string {
  let key = rightsKeys.get(caller);
  if (key === undefined) {
    key = isClusterAdmin(caller) ? '*' : JSON.stringify([caller.user, caller.groups, caller.grants ?? []]);
    rightsKeys.set(caller, key);
  }
  return key;
}

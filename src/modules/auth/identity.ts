/** Who is calling. Every service method takes one. */
export interface Identity {
  user: string;
  groups: string[];
}

/** Members of this group hold cluster-admin (as in Kubernetes). */
export const CLUSTER_ADMIN_GROUP = 'system:masters';
export const BOOTSTRAP_ADMIN_USER = 'system:admin';

/** For the service's own background work (scheduled imports, compaction). */
export const SYSTEM_IDENTITY: Identity = { user: 'system:imagestreams', groups: [CLUSTER_ADMIN_GROUP] };

import { ForbiddenError, UnauthenticatedError, qualified } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import { AuthStore } from './auth.store.js';
import { BOOTSTRAP_ADMIN_USER, CLUSTER_ADMIN_GROUP, type Identity } from './identity.js';
import { bearerToken, generateToken, hashToken } from './token.rules.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface AccessRequest {
  verb: Verb;
  resource: string;
  namespace?: string;
  name?: string;
}

/** Namespaces a caller may list in: every one, or these. */
export type NamespaceScope = 'all' | string[];

export class AuthService {
  constructor(private readonly store: AuthStore, private readonly log: Logger) {}

  /** Resolves an `Authorization` header to an identity, or throws UNAUTHENTICATED. */
  async authenticate(header: string | undefined | null): Promise<Identity> {
    const token = bearerToken(header);
    if (!token) throw new UnauthenticatedError();
    const row = await this.store.findByHash(hashToken(token));
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) throw new UnauthenticatedError();
    return { user: row.user, groups: row.groups };
  }

  /**
   * The bootstrap admin: the configured token, or one generated on the first
   * start and printed once (only its hash is kept).
   */
  async bootstrap(configuredToken: string | undefined): Promise<string | undefined> {
    if (configuredToken) {
      await this.store.insert(hashToken(configuredToken), BOOTSTRAP_ADMIN_USER, [CLUSTER_ADMIN_GROUP], null);
      return undefined;
    }
    const token = generateToken();
    const created = await this.store.ifNoTokenFor(BOOTSTRAP_ADMIN_USER, (q) =>
      this.store.insert(hashToken(token), BOOTSTRAP_ADMIN_USER, [CLUSTER_ADMIN_GROUP], null, q),
    );
    if (created) this.log.warn('generated the bootstrap admin token; it is shown once, keep it safe');
    return created ? token : undefined;
  }

  /**
   * The one place access is decided. Until role bindings exist only
   * cluster-admins pass; everything else is forbidden with the reference's message.
   */
  authorize(caller: Identity, req: AccessRequest): void {
    if (caller.groups.includes(CLUSTER_ADMIN_GROUP)) return;
    const target = req.name ? `${qualified(req.resource, req.name)} is forbidden` : `${req.resource}.image.openshift.io is forbidden`;
    const where = req.namespace ? ` in the namespace "${req.namespace}"` : ' at the cluster scope';
    throw new ForbiddenError(`${target}: User "${caller.user}" cannot ${req.verb} resource "${req.resource}" in API group "image.openshift.io"${where}`, {
      ...(req.name ? { name: req.name } : {}),
      group: 'image.openshift.io',
      kind: req.resource,
    });
  }

  /** Namespaces whose objects `caller` may list; lists never reveal anything outside them. */
  listScope(caller: Identity, _resource: string): NamespaceScope {
    return caller.groups.includes(CLUSTER_ADMIN_GROUP) ? 'all' : [];
  }
}

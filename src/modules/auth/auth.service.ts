import { EventEmitter } from 'node:events';
import { CauseList, ForbiddenError, InvalidError, UnauthenticatedError, qualified } from '../../platform/errors.js';
import type { Freshness, Watermark } from '../../platform/freshness.js';
import type { Logger } from '../../platform/logger.js';
import { validateNamespace } from '../../platform/namespace.rules.js';
import { AuthStore, type BindingRow, type TokenRow } from './auth.store.js';
import { IdentityCache } from './identity-cache.js';
import { BOOTSTRAP_ADMIN_USER, CLUSTER_ADMIN_GROUP, type Identity } from './identity.js';
import { allows, isClusterAdmin, isNamespaceRole, namespacesAllowing, NAMESPACE_ROLES, type NamespaceGrant, type Verb } from './roles.rules.js';
import { bearerToken, generateToken, hashToken, tokenProblems } from './token.rules.js';

export type { Verb };

export interface AccessRequest {
  verb: Verb;
  resource: string;
  namespace?: string;
  name?: string;
}

/** Namespaces a caller may list in: every one, or these. */
export type NamespaceScope = 'all' | string[];

export interface RoleBindingView {
  namespace: string;
  role: string;
  user: string | null;
  group: string | null;
}


/** Events other code can follow (the WebSocket server closes sockets of revoked tokens). */
interface AuthEvents {
  tokenRevoked: [tokenId: string];
  grantsChanged: [];
}

export class AuthService {
  private readonly events = new EventEmitter<AuthEvents>();
  private readonly identities = new IdentityCache();

  constructor(private readonly store: AuthStore, private readonly log: Logger, private readonly freshness: Freshness) {
    // Every open WebSocket may listen: no leak warning for many of them.
    this.events.setMaxListeners(0);
  }

  // ---- identities --------------------------------------------------------

  /**
   * Resolves an `Authorization` header to an identity with its namespace
   * grants, or throws UNAUTHENTICATED. Identities are cached per auth epoch
   * (identity-cache.ts), and the epoch is read after the request arrived
   * (`watermark`, or a fresh one): a revoked token or role is refused on the
   * very next request, on every replica.
   */
  async authenticate(header: string | undefined | null, watermark?: Watermark): Promise<Identity> {
    const token = bearerToken(header);
    if (!token) throw new UnauthenticatedError();
    const { authEpoch } = watermark ?? (await this.freshness.current());
    const hash = hashToken(token);
    const cached = this.identities.get(hash, authEpoch);
    if (cached) return cached;
    const row = await this.store.findByHash(hash);
    const identity = await this.identityOf(row);
    this.identities.set(hash, authEpoch, identity, row!.expiresAt);
    return identity;
  }

  /** Re-checks a token by id (open WebSockets do this periodically); throws UNAUTHENTICATED when it no longer holds. */
  async reauthenticate(tokenId: string): Promise<Identity> {
    return this.identityOf(await this.store.findById(tokenId));
  }

  private async identityOf(row: TokenRow | undefined): Promise<Identity> {
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) throw new UnauthenticatedError();
    // cluster-admins need no bindings: skip the query.
    const grants = row.groups.includes(CLUSTER_ADMIN_GROUP) ? [] : await this.store.grantsFor(row.user, row.groups);
    return { user: row.user, groups: row.groups, grants, tokenId: row.id };
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

  // ---- decisions ---------------------------------------------------------

  /** The one place access is decided (roles.rules.ts); a denial carries the reference's message (§8.3). */
  authorize(caller: Identity, req: AccessRequest): void {
    if (allows(caller, req)) return;
    const target = req.name ? `${qualified(req.resource, req.name)} is forbidden` : `${qualified(req.resource)} is forbidden`;
    const where = req.namespace ? ` in the namespace "${req.namespace}"` : ' at the cluster scope';
    throw new ForbiddenError(`${target}: User "${caller.user}" cannot ${req.verb} resource "${req.resource}" in API group "image.openshift.io"${where}`, {
      ...(req.name ? { name: req.name } : {}),
      group: 'image.openshift.io',
      kind: req.resource,
    });
  }

  /** The same decision as a boolean, for callers that report a denial their own way (e.g. a 422 Forbidden cause). */
  can(caller: Identity, req: AccessRequest): boolean {
    return allows(caller, req);
  }

  /** Namespaces whose objects `caller` may list; lists never reveal anything outside them. */
  listScope(caller: Identity, resource: string): NamespaceScope {
    return namespacesAllowing(caller, 'list', resource);
  }

  // ---- management --------------------------------------------------------

  /**
   * A new token for `user`, shown once. Cluster-admins only: a token is a
   * cluster-wide identity (it carries the user's roles in every namespace
   * and any group, system:masters included), which no namespace admin may
   * hand out.
   */
  async createToken(caller: Identity, user: string, groups: string[] = [], expiresIn?: number | null): Promise<string> {
    this.authorize(caller, { verb: 'create', resource: 'tokens' });
    const causes = new CauseList();
    for (const [field, value, detail] of tokenProblems(user, groups, expiresIn)) causes.invalid(field, value, detail);
    causes.throwIfAny('Token', user);
    const token = generateToken();
    const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
    await this.store.insert(hashToken(token), user, [...new Set(groups)], expiresAt);
    this.log.info({ user, groups, expiresAt, by: caller.user }, 'token created');
    return token;
  }

  /**
   * Revokes a token at once (every replica refuses it on its next request;
   * open WebSockets on this replica are closed now, on others at their next
   * re-validation). Whoever holds a token may revoke it, cluster-admins any.
   */
  async revokeToken(caller: Identity, token: string): Promise<boolean> {
    // Possession is the authority: a holder could use the token anyway, so revoking it grants nothing.
    const id = await this.store.revokeByHash(hashToken(token));
    if (!id) return false;
    this.log.info({ tokenId: id, by: caller.user }, 'token revoked');
    this.events.emit('tokenRevoked', id);
    return true;
  }

  /** Binds `role` in `namespace` to a user or a group; false when that binding already existed. */
  async grantRole(caller: Identity, namespace: string, role: string, user?: string | null, group?: string | null): Promise<boolean> {
    const binding = this.binding(caller, 'create', namespace, role, user, group);
    const created = await this.store.insertBinding(binding);
    if (created) {
      this.log.info({ ...binding, by: caller.user }, 'role granted');
      this.events.emit('grantsChanged');
    }
    return created;
  }

  /** Removes a binding; false when there was none. Takes effect on the next request, and on open WebSockets now. */
  async revokeRole(caller: Identity, namespace: string, role: string, user?: string | null, group?: string | null): Promise<boolean> {
    const binding = this.binding(caller, 'delete', namespace, role, user, group);
    const removed = await this.store.deleteBinding(binding);
    if (removed) {
      this.log.info({ ...binding, by: caller.user }, 'role revoked');
      this.events.emit('grantsChanged');
    }
    return removed;
  }

  async roleBindings(caller: Identity, namespace: string): Promise<RoleBindingView[]> {
    this.checkNamespace(namespace);
    this.authorize(caller, { verb: 'list', resource: 'rolebindings', namespace });
    return (await this.store.bindingsIn(namespace)).map((b) => ({
      namespace: b.namespace,
      role: b.role,
      user: b.subjectKind === 'User' ? b.subjectName : null,
      group: b.subjectKind === 'Group' ? b.subjectName : null,
    }));
  }

  /** What the caller holds, for clients to show (and to debug a denial). */
  whoAmI(caller: Identity): { user: string; groups: string[]; clusterAdmin: boolean; grants: NamespaceGrant[] } {
    return { user: caller.user, groups: caller.groups, clusterAdmin: isClusterAdmin(caller), grants: caller.grants ?? [] };
  }

  // ---- events ------------------------------------------------------------

  /** Called with the token id whenever a token is revoked through this process. Returns an unsubscribe function. */
  onTokenRevoked(listener: (tokenId: string) => void): () => void {
    this.events.on('tokenRevoked', listener);
    return () => this.events.off('tokenRevoked', listener);
  }

  /** Called whenever a role binding is granted or revoked through this process. */
  onGrantsChanged(listener: () => void): () => void {
    this.events.on('grantsChanged', listener);
    return () => this.events.off('grantsChanged', listener);
  }

  // ---- internals ---------------------------------------------------------

  /** Validates and authorizes a grant or revocation; namespace admins manage their own namespace (reference: admin = edit + role bindings). */
  private binding(caller: Identity, verb: 'create' | 'delete', namespace: string, role: string, user?: string | null, group?: string | null): BindingRow {
    this.checkNamespace(namespace);
    this.authorize(caller, { verb, resource: 'rolebindings', namespace });
    const causes = new CauseList();
    if (!isNamespaceRole(role)) {
      const hint = role === 'cluster-admin' ? 'cluster-admin is not bound per namespace: create a token with the system:masters group' : `supported values: ${NAMESPACE_ROLES.map((r) => `"${r}"`).join(', ')}`;
      causes.invalid('role', role, hint);
    }
    const subjects = [user, group].filter((s) => s !== undefined && s !== null);
    if (subjects.length !== 1) causes.required('user', 'exactly one of user or group');
    for (const [field, value] of [['user', user], ['group', group]] as const) {
      if (value !== undefined && value !== null && (!value.trim() || /\s/.test(value) || value.length > 253)) causes.invalid(field, value, 'must be a non-empty name of at most 253 characters without spaces');
    }
    causes.throwIfAny('RoleBinding', `${role}`);
    return { namespace, role: role as BindingRow['role'], subjectKind: user ? 'User' : 'Group', subjectName: (user ?? group)! };
  }

  private checkNamespace(namespace: string): void {
    const causes = new CauseList();
    validateNamespace(namespace, causes);
    causes.throwIfAny('RoleBinding', '');
  }

}

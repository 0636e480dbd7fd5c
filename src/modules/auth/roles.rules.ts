/**
 * Who may do what: the reference's bootstrap RBAC policy (OAS
 * `pkg/bootstrappolicy/policy.go`, reference §4.1, §8.7) reduced to the
 * image API. Pure data and pure functions: no I/O, unit-tested on its own.
 *
 * Resource names are the reference's REST resources (plural, lower case,
 * subresources as `parent/sub`). Services call `auth.authorize` with these:
 *
 * | resource | scope | what it covers |
 * | --- | --- | --- |
 * | `imagestreams` | namespace | streams (get, list, watch, create, update, patch, delete, deletecollection) |
 * | `imagestreams/status` | namespace | the status subresource |
 * | `imagestreams/secrets` | namespace | pull secrets as the stream sees them (§8.7) |
 * | `imagestreams/layers` | namespace | layers; also what cross-namespace tagging checks |
 * | `imagestreamtags`, `imagetags` | namespace | tags |
 * | `imagestreamimages` | namespace | images reached through a stream |
 * | `imagestreamimports` | namespace | imports (create) |
 * | `imagestreammappings` | namespace | mappings (create) |
 * | `pullsecrets` (alias `secrets`) | namespace | the service's own pull-secret objects |
 * | `rolebindings` | namespace | grantRole / revokeRole / listing bindings |
 * | `images`, `imagesignatures`, `tokens`, anything else | cluster | cluster-admin only |
 *
 * A resource or verb not in this table is denied to everyone but
 * cluster-admin: forgetting a rule fails closed.
 */

export const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] as const;
export type Verb = (typeof VERBS)[number];

export const NAMESPACE_ROLES = ['view', 'edit', 'admin'] as const;
export type NamespaceRole = (typeof NAMESPACE_ROLES)[number];

export function isNamespaceRole(role: string): role is NamespaceRole {
  return (NAMESPACE_ROLES as readonly string[]).includes(role);
}

/** Members of this group hold cluster-admin (as in Kubernetes). */
export const CLUSTER_ADMIN_GROUP = 'system:masters';

/** One binding as the caller carries it: `role` in `namespace`. */
export interface NamespaceGrant {
  namespace: string;
  role: NamespaceRole;
}

/** What a decision needs to know about the caller. */
export interface Subject {
  user: string;
  groups: readonly string[];
  /** The caller's bindings, already resolved for the user and its groups. Absent = none. */
  grants?: readonly NamespaceGrant[];
}

interface Rule {
  verbs: readonly Verb[];
  resources: readonly string[];
}

const READ: readonly Verb[] = ['get', 'list', 'watch'];
const READ_WRITE: readonly Verb[] = VERBS;

const VIEW_RULES: readonly Rule[] = [
  { verbs: READ, resources: ['imagestreams', 'imagestreams/status', 'imagestreamtags', 'imagetags', 'imagestreamimages'] },
  // Pulling (and tagging from) a stream one can see; the reference grants it to view too.
  { verbs: ['get'], resources: ['imagestreams/layers'] },
];

const EDIT_RULES: readonly Rule[] = [
  { verbs: READ_WRITE, resources: ['imagestreams', 'imagestreams/status', 'imagestreamtags', 'imagetags', 'pullsecrets', 'secrets'] },
  { verbs: READ, resources: ['imagestreamimages'] },
  { verbs: ['get', 'list'], resources: ['imagestreams/secrets'] },
  { verbs: ['get', 'update'], resources: ['imagestreams/layers'] },
  { verbs: ['create'], resources: ['imagestreamimports', 'imagestreammappings'] },
];

const ADMIN_RULES: readonly Rule[] = [...EDIT_RULES, { verbs: READ_WRITE, resources: ['rolebindings'] }];

export const ROLE_RULES: Readonly<Record<NamespaceRole, readonly Rule[]>> = {
  view: VIEW_RULES,
  edit: EDIT_RULES,
  admin: ADMIN_RULES,
};

export function roleAllows(role: NamespaceRole, verb: Verb, resource: string): boolean {
  return ROLE_RULES[role].some((rule) => rule.verbs.includes(verb) && rule.resources.includes(resource));
}

export function isClusterAdmin(subject: Pick<Subject, 'groups'>): boolean {
  return subject.groups.includes(CLUSTER_ADMIN_GROUP);
}

export interface Access {
  verb: Verb;
  resource: string;
  /** Absent for cluster-scoped resources. */
  namespace?: string;
}

/** The decision: cluster-admin may do everything, others what a role bound in the namespace allows. */
export function allows(subject: Subject, access: Access): boolean {
  if (isClusterAdmin(subject)) return true;
  if (!access.namespace) return false;
  return (subject.grants ?? []).some((g) => g.namespace === access.namespace && roleAllows(g.role, access.verb, access.resource));
}

/** Namespaces in which `subject` may `verb` `resource` ('all' for cluster-admin), sorted. */
export function namespacesAllowing(subject: Subject, verb: Verb, resource: string): 'all' | string[] {
  if (isClusterAdmin(subject)) return 'all';
  const out = new Set<string>();
  for (const g of subject.grants ?? []) if (roleAllows(g.role, verb, resource)) out.add(g.namespace);
  return [...out].sort();
}

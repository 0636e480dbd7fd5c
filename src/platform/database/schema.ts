import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
  foreignKey,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/**
 * One global counter for every write, as etcd's revision is for Kubernetes:
 * a client can order any two changes and resume a watch from any point.
 */
export const resourceVersionSeq = pgSequence('resource_version_seq', { startWith: 1, increment: 1 });

const int64 = (name: string) => bigint(name, { mode: 'number' });
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
type StringMap = Record<string, string>;

export const imageStreams = pgTable(
  'image_streams',
  {
    uid: uuid('uid').primaryKey(),
    namespace: text('namespace').notNull(),
    name: text('name').notNull(),
    resourceVersion: int64('resource_version').notNull(),
    generation: int64('generation').notNull(),
    creationTimestamp: ts('creation_timestamp').notNull(),
    labels: jsonb('labels').$type<StringMap>(),
    annotations: jsonb('annotations').$type<StringMap>(),
    specDockerImageRepository: text('spec_docker_image_repository'),
    lookupLocal: boolean('lookup_local').notNull().default(false),
  },
  (t) => [uniqueIndex('image_streams_namespace_name').on(t.namespace, t.name)],
);

export const specTags = pgTable(
  'spec_tags',
  {
    streamUid: uuid('stream_uid')
      .notNull()
      .references(() => imageStreams.uid, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    annotations: jsonb('annotations').$type<StringMap>(),
    fromKind: text('from_kind'),
    fromName: text('from_name'),
    fromNamespace: text('from_namespace'),
    reference: boolean('reference').notNull().default(false),
    generation: int64('generation'),
    importInsecure: boolean('import_insecure').notNull().default(false),
    importScheduled: boolean('import_scheduled').notNull().default(false),
    importMode: text('import_mode').notNull(),
    referencePolicyType: text('reference_policy_type').notNull(),
  },
  (t) => [primaryKey({ columns: [t.streamUid, t.name] })],
);

/** A status tag exists even with no events (a failure condition alone, or an emptied history). */
export const statusTags = pgTable(
  'status_tags',
  {
    streamUid: uuid('stream_uid')
      .notNull()
      .references(() => imageStreams.uid, { onDelete: 'cascade' }),
    tag: text('tag').notNull(),
  },
  (t) => [primaryKey({ columns: [t.streamUid, t.tag] })],
);

/** History of a tag; position 0 is the current image (items[0]), older ones follow. */
export const tagEvents = pgTable(
  'tag_events',
  {
    streamUid: uuid('stream_uid').notNull(),
    tag: text('tag').notNull(),
    position: integer('position').notNull(),
    created: ts('created').notNull(),
    dockerImageReference: text('docker_image_reference').notNull(),
    image: text('image').notNull(),
    generation: int64('generation').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.streamUid, t.tag, t.position] }),
    foreignKey({ columns: [t.streamUid, t.tag], foreignColumns: [statusTags.streamUid, statusTags.tag] }).onDelete('cascade'),
    index('tag_events_image').on(t.image),
  ],
);

export const tagConditions = pgTable(
  'tag_conditions',
  {
    streamUid: uuid('stream_uid').notNull(),
    tag: text('tag').notNull(),
    position: integer('position').notNull(),
    type: text('type').notNull(),
    status: text('status').notNull(),
    lastTransitionTime: ts('last_transition_time').notNull(),
    reason: text('reason'),
    message: text('message'),
    generation: int64('generation').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.streamUid, t.tag, t.position] }),
    foreignKey({ columns: [t.streamUid, t.tag], foreignColumns: [statusTags.streamUid, statusTags.tag] }).onDelete('cascade'),
  ],
);

/**
 * Every change to a stream, written in the same transaction as the change:
 * the one source watch reads, in resourceVersion order.
 */
export const changeLog = pgTable(
  'change_log',
  {
    resourceVersion: int64('resource_version').primaryKey(),
    eventType: text('event_type').notNull(),
    resource: text('resource').notNull(),
    namespace: text('namespace').notNull(),
    name: text('name').notNull(),
    object: jsonb('object').notNull(),
    /** MODIFIED: the labels before the change, for label-selector watches ({} = none, null = not recorded). */
    previousLabels: jsonb('previous_labels').$type<StringMap>(),
    recordedAt: ts('recorded_at').notNull().defaultNow(),
  },
  (t) => [index('change_log_recorded_at').on(t.recordedAt)],
);

export const apiTokens = pgTable('api_tokens', {
  id: uuid('id').primaryKey(),
  /** sha256 of the token: the token itself is shown once and never stored. */
  tokenHash: text('token_hash').notNull().unique(),
  user: text('user_name').notNull(),
  groups: jsonb('groups').$type<string[]>().notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  expiresAt: ts('expires_at'),
  revokedAt: ts('revoked_at'),
});

/**
 * Images are cluster-scoped and named by their digest. Content fields are
 * immutable once written (reference §4.3); labels, annotations and
 * signatures may change, which bumps resource_version.
 */
export const images = pgTable('images', {
  name: text('name').primaryKey(),
  uid: uuid('uid').notNull(),
  resourceVersion: int64('resource_version').notNull(),
  creationTimestamp: ts('creation_timestamp').notNull(),
  labels: jsonb('labels').$type<StringMap>(),
  annotations: jsonb('annotations').$type<StringMap>(),
  dockerImageReference: text('docker_image_reference').notNull(),
  dockerImageMetadata: jsonb('docker_image_metadata').$type<Record<string, unknown>>().notNull(),
  dockerImageMetadataVersion: text('docker_image_metadata_version').notNull(),
  dockerImageManifest: text('docker_image_manifest'),
  dockerImageManifestMediaType: text('docker_image_manifest_media_type'),
  dockerImageConfig: text('docker_image_config'),
  dockerImageSignatures: jsonb('docker_image_signatures').$type<string[]>(),
  /** The config's os: docker10 metadata has no OS key, GraphQL exposes it typed. */
  os: text('os'),
});

/** Layers of an image, base layer first (position 0). */
export const imageLayers = pgTable(
  'image_layers',
  {
    imageName: text('image_name')
      .notNull()
      .references(() => images.name, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    size: int64('size').notNull(),
    mediaType: text('media_type').notNull(),
  },
  (t) => [primaryKey({ columns: [t.imageName, t.position] })],
);

/** Sub-manifests of a manifest list / OCI index, in list order; `digest` names another Image. */
export const imageManifests = pgTable(
  'image_manifests',
  {
    imageName: text('image_name')
      .notNull()
      .references(() => images.name, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    digest: text('digest').notNull(),
    mediaType: text('media_type').notNull(),
    manifestSize: int64('manifest_size').notNull(),
    architecture: text('architecture').notNull(),
    os: text('os').notNull(),
    variant: text('variant'),
  },
  (t) => [primaryKey({ columns: [t.imageName, t.position] }), index('image_manifests_digest').on(t.digest)],
);

/** Signatures of an image; `name` is the part after `@` in `<image>@<signature>`. */
export const imageSignatures = pgTable(
  'image_signatures',
  {
    imageName: text('image_name')
      .notNull()
      .references(() => images.name, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    uid: uuid('uid').notNull(),
    creationTimestamp: ts('creation_timestamp').notNull(),
    type: text('type').notNull(),
    content: text('content').notNull(),
    conditions: jsonb('conditions').$type<Array<Record<string, unknown>>>(),
    imageIdentity: text('image_identity'),
    signedClaims: jsonb('signed_claims').$type<StringMap>(),
    created: ts('created'),
    issuedBy: jsonb('issued_by').$type<Record<string, string>>(),
    issuedTo: jsonb('issued_to').$type<Record<string, string>>(),
  },
  (t) => [primaryKey({ columns: [t.imageName, t.name] })],
);

/**
 * Namespace role bindings (the reference's RoleBinding to a bootstrap
 * ClusterRole, reduced to what this API needs): `role` in `namespace` for a
 * user or a group. cluster-admin is not bound here: it is the
 * `system:masters` group carried by a token.
 */
export const roleBindings = pgTable(
  'role_bindings',
  {
    id: uuid('id').primaryKey(),
    namespace: text('namespace').notNull(),
    role: text('role').notNull(),
    /** 'User' or 'Group', as an RBAC subject kind. */
    subjectKind: text('subject_kind').notNull(),
    subjectName: text('subject_name').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('role_bindings_unique').on(t.namespace, t.role, t.subjectKind, t.subjectName),
    // authenticate() loads every binding of one user and their groups in one query.
    index('role_bindings_subject').on(t.subjectKind, t.subjectName),
  ],
);

/**
 * Pull secrets (`kubernetes.io/dockerconfigjson`) per namespace. The data is
 * AES-256-GCM ciphertext (`iv | tag | ciphertext`, base64); `keyId` names
 * the key that sealed it, so a replica with another key says so plainly.
 */
export const pullSecrets = pgTable(
  'pull_secrets',
  {
    uid: uuid('uid').primaryKey(),
    namespace: text('namespace').notNull(),
    name: text('name').notNull(),
    type: text('type').notNull(),
    resourceVersion: int64('resource_version').notNull(),
    creationTimestamp: ts('creation_timestamp').notNull(),
    annotations: jsonb('annotations').$type<StringMap>(),
    keyId: text('key_id').notNull(),
    sealedData: text('sealed_data').notNull(),
  },
  (t) => [uniqueIndex('pull_secrets_namespace_name').on(t.namespace, t.name)],
);

/**
 * Background imports (reference §7): `spec` jobs for streams whose spec tags
 * need an import, `scheduled` jobs for periodic re-imports. Replicas claim
 * due rows with `FOR UPDATE SKIP LOCKED` and hold them by `leaseUntil`, so
 * each due import runs once. `seq` changes on every re-request, so finishing
 * an older request never drops a newer one.
 */
export const importJobs = pgTable(
  'import_jobs',
  {
    namespace: text('namespace').notNull(),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    dueAt: ts('due_at').notNull(),
    leaseUntil: ts('lease_until'),
    seq: int64('seq').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.namespace, t.name, t.kind] }), index('import_jobs_due').on(t.dueAt)],
);

/** Where the import scanner is in the change log; one row, locked by whichever replica scans. */
export const importScanner = pgTable('import_scanner', {
  id: integer('id').primaryKey(),
  recordedAfter: ts('recorded_after').notNull(),
});

/**
 * One row whose counter every change to tokens or role bindings bumps in
 * its own transaction. Each replica reads it with the change log's newest
 * version before serving a request (platform/freshness.ts), so cached
 * identities are dropped on every replica at the first request after a
 * revocation commits. No seed row: the first bump inserts it.
 */
export const authEpoch = pgTable('auth_epoch', {
  id: integer('id').primaryKey(),
  epoch: bigint('epoch', { mode: 'number' }).notNull(),
});

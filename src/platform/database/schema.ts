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

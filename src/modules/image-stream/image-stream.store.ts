import { isDeepStrictEqual } from 'node:util';
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Database } from '../../platform/database/connect.js';
import { imageStreams, specTags, statusTags, tagConditions, tagEvents } from '../../platform/database/schema.js';
import {
  ChangeSignal,
  latestCommittedVersion,
  WRITE_ORDER_LOCK_KEY,
  recordChange,
  takeResourceVersion,
  type ChangeEventType,
} from '../../platform/change-log.js';
import type { FieldRequirement } from './field-selector.rules.js';
import type { ImageStream, NamedTagEventList, TagReference } from './image-stream.model.js';
import type { LabelRequirement } from './label-selector.rules.js';

/** Anything that can run queries: the database or an open transaction. */
export type Queryable = Pick<Database, 'execute' | 'select' | 'insert' | 'update' | 'delete'>;

export interface StreamFilter {
  namespaces?: string[] | 'all';
  labels?: LabelRequirement[];
  fields?: FieldRequirement[];
}

export interface StreamPage {
  after?: { namespace: string; name: string };
  limit?: number;
}

/**
 * A stream as stored, without the computed status repositories (they follow
 * configuration and are filled on read by the service).
 */
export type StoredStream = Omit<ImageStream, 'status'> & { status: { tags?: NamedTagEventList[] } };

const iso = (col: SQL) => sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/**
 * The whole stream in one statement: spec tags, status tags, their events
 * and conditions come back as JSON built by Postgres, so a get or a list
 * costs one round trip whatever the number of tags.
 */
const streamColumns = sql`
  s.uid, s.namespace, s.name, s.resource_version, s.generation,
  ${iso(sql`s.creation_timestamp`)} as creation_timestamp,
  s.labels, s.annotations, s.spec_docker_image_repository, s.lookup_local,
  (select coalesce(json_agg(json_build_object(
      'name', t.name, 'annotations', t.annotations, 'fromKind', t.from_kind, 'fromName', t.from_name,
      'fromNamespace', t.from_namespace, 'reference', t.reference, 'generation', t.generation,
      'insecure', t.import_insecure, 'scheduled', t.import_scheduled, 'importMode', t.import_mode,
      'referencePolicy', t.reference_policy_type) order by t.name), '[]'::json)
     from spec_tags t where t.stream_uid = s.uid) as spec_tags,
  (select coalesce(json_agg(json_build_object(
      'tag', st.tag,
      'items', (select json_agg(json_build_object(
          'created', ${iso(sql`e.created`)}, 'dockerImageReference', e.docker_image_reference,
          'image', e.image, 'generation', e.generation) order by e.position)
        from tag_events e where e.stream_uid = st.stream_uid and e.tag = st.tag),
      'conditions', (select json_agg(json_build_object(
          'type', c.type, 'status', c.status, 'lastTransitionTime', ${iso(sql`c.last_transition_time`)},
          'reason', c.reason, 'message', c.message, 'generation', c.generation) order by c.position)
        from tag_conditions c where c.stream_uid = st.stream_uid and c.tag = st.tag)
    ) order by st.tag), '[]'::json)
     from status_tags st where st.stream_uid = s.uid) as status_tags`;

interface StreamRow {
  uid: string;
  namespace: string;
  name: string;
  resource_version: string | number;
  generation: string | number;
  creation_timestamp: string;
  labels: Record<string, string> | null;
  annotations: Record<string, string> | null;
  spec_docker_image_repository: string | null;
  lookup_local: boolean;
  spec_tags: Array<{
    name: string; annotations: Record<string, string> | null; fromKind: string | null; fromName: string | null;
    fromNamespace: string | null; reference: boolean; generation: number | null; insecure: boolean; scheduled: boolean;
    importMode: string; referencePolicy: string;
  }>;
  status_tags: Array<{
    tag: string;
    items: NamedTagEventList['items'];
    conditions: Array<{ type: string; status: string; lastTransitionTime: string; reason: string | null; message: string | null; generation: number }> | null;
  }>;
}

function rowToStream(r: StreamRow): StoredStream {
  const tags: TagReference[] = r.spec_tags.map((t) => ({
    name: t.name,
    annotations: t.annotations,
    ...(t.fromKind ? { from: { kind: t.fromKind, name: t.fromName ?? '', ...(t.fromNamespace ? { namespace: t.fromNamespace } : {}) } } : {}),
    ...(t.reference ? { reference: true } : {}),
    generation: t.generation,
    importPolicy: { ...(t.insecure ? { insecure: true } : {}), ...(t.scheduled ? { scheduled: true } : {}), importMode: t.importMode },
    referencePolicy: { type: t.referencePolicy },
  }));
  const status: NamedTagEventList[] = r.status_tags.map((t) => ({
    tag: t.tag,
    items: t.items,
    ...(t.conditions
      ? { conditions: t.conditions.map((c) => ({ type: c.type, status: c.status, lastTransitionTime: c.lastTransitionTime, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}), generation: c.generation })) }
      : {}),
  }));
  return {
    metadata: {
      name: r.name,
      namespace: r.namespace,
      uid: r.uid,
      resourceVersion: String(r.resource_version),
      generation: Number(r.generation),
      creationTimestamp: r.creation_timestamp,
      ...(r.labels ? { labels: r.labels } : {}),
      ...(r.annotations ? { annotations: r.annotations } : {}),
    },
    spec: {
      lookupPolicy: { local: r.lookup_local },
      ...(r.spec_docker_image_repository ? { dockerImageRepository: r.spec_docker_image_repository } : {}),
      ...(tags.length ? { tags } : {}),
    },
    status: status.length ? { tags: status } : {},
  };
}

// Queries alias image_streams as `s`; conditions name its columns the same way.
const col = { namespace: sql`s.namespace`, name: sql`s.name`, labels: sql`s.labels` };

function labelCondition(r: LabelRequirement): SQL {
  const value = sql`${col.labels} ->> ${r.key}`;
  switch (r.operator) {
    case 'exists':
      return sql`coalesce(${col.labels}, '{}'::jsonb) ? ${r.key}`;
    case 'notexists':
      return sql`not (coalesce(${col.labels}, '{}'::jsonb) ? ${r.key})`;
    case 'in':
      return or(...r.values.map((v) => sql`${value} = ${v}`))!;
    case 'notin':
      return sql`(${value} is null or not (${or(...r.values.map((v) => sql`${value} = ${v}`))}))`;
  }
}

function filterCondition(f: StreamFilter): SQL | undefined {
  const parts: SQL[] = [];
  if (f.namespaces !== undefined && f.namespaces !== 'all') {
    parts.push(f.namespaces.length ? sql`${col.namespace} in (${sql.join(f.namespaces.map((n) => sql`${n}`), sql`, `)})` : sql`false`);
  }
  for (const r of f.labels ?? []) parts.push(labelCondition(r));
  for (const r of f.fields ?? []) {
    const column = r.field === 'metadata.name' ? col.name : col.namespace;
    parts.push(r.equals ? sql`${column} = ${r.value}` : sql`${column} <> ${r.value}`);
  }
  return parts.length ? and(...parts) : undefined;
}

export class ImageStreamStore {
  constructor(
    private readonly db: Database,
    /** Told about every recorded change, and again once its transaction committed (watch fan-out). */
    private readonly changes: ChangeSignal = new ChangeSignal(),
  ) {}

  /** Runs `fn` in one transaction; with PGlite every query inside must use `tx`. */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    let open: Queryable | undefined;
    const result = await this.db.transaction((tx) => {
      open = tx as unknown as Queryable;
      this.ownTransactions.add(open);
      return fn(open);
    });
    // Committed: wake the readers only now, so they can see the rows.
    if (open && this.recordedIn.has(open)) this.changes.committed();
    return result;
  }

  /** Transactions opened by `transaction` (their commit is seen) and those of them that recorded changes. */
  private readonly ownTransactions = new WeakSet<Queryable>();
  private readonly recordedIn = new WeakSet<Queryable>();

  async get(namespace: string, name: string, q: Queryable = this.db): Promise<StoredStream | undefined> {
    const [row] = await queryRows<StreamRow>(q, sql`select ${streamColumns} from image_streams s where s.namespace = ${namespace} and s.name = ${name}`);
    return row ? rowToStream(row) : undefined;
  }

  /** Whether the stream exists, without reading it. */
  async exists(namespace: string, name: string, q: Queryable = this.db): Promise<boolean> {
    const rows = await queryRows<{ one: number }>(q, sql`select 1 as one from image_streams where namespace = ${namespace} and name = ${name}`);
    return rows.length > 0;
  }

  /** Streams by namespace/name in one statement, keyed `namespace/name`. */
  async getMany(keys: ReadonlyArray<{ namespace: string; name: string }>, q: Queryable = this.db): Promise<Map<string, StoredStream>> {
    const out = new Map<string, StoredStream>();
    if (keys.length === 0) return out;
    // A join with the unnested keys (index lookups), not a row-IN list: the
    // planner compared every stream with every pair (2,000 pairs: 69 s).
    const namespaces = sql.join(keys.map((k) => sql`${k.namespace}`), sql`, `);
    const names = sql.join(keys.map((k) => sql`${k.name}`), sql`, `);
    const rows = await queryRows<StreamRow>(
      q,
      sql`select ${streamColumns} from unnest(array[${namespaces}]::text[], array[${names}]::text[]) as k(namespace, name)
          join image_streams s on s.namespace = k.namespace and s.name = k.name`,
    );
    for (const r of rows) out.set(`${r.namespace}/${r.name}`, rowToStream(r));
    return out;
  }

  /** Locks the row for the rest of the transaction (read-modify-write without lost updates). */
  async getForUpdate(q: Queryable, namespace: string, name: string): Promise<StoredStream | undefined> {
    // The write-order lock before the row lock, as every writer takes them
    // (see change-log.ts), in one round trip: the row lock is taken on the
    // join's output, which needs the materialised lock first.
    // Lock first, read second: under READ COMMITTED a locking SELECT that
    // waited re-reads only the locked row, while its subqueries (tags,
    // events) keep the snapshot taken before the wait, i.e. a stale status.
    // A second statement takes a fresh snapshot after the lock is ours.
    const locked = await queryRows<{ uid: string }>(
      q,
      sql`with ordered as materialized (select pg_advisory_xact_lock(${WRITE_ORDER_LOCK_KEY}::bigint))
          select s.uid from ordered, image_streams s where s.namespace = ${namespace} and s.name = ${name} for update of s`,
    );
    if (locked.length === 0) return undefined;
    return this.get(namespace, name, q);
  }

  async list(filter: StreamFilter, page: StreamPage = {}, q: Queryable = this.db): Promise<StoredStream[]> {
    const where = [filterCondition(filter)];
    if (page.after) {
      where.push(sql`(${col.namespace}, ${col.name}) > (${page.after.namespace}, ${page.after.name})`);
    }
    const cond = and(...where.filter((w): w is SQL => w !== undefined));
    const limit = page.limit !== undefined ? sql` limit ${page.limit}` : sql``;
    const rows = await queryRows<StreamRow>(q, sql`select ${streamColumns} from image_streams s where ${cond ?? sql`true`} order by s.namespace, s.name${limit}`);
    return rows.map(rowToStream);
  }

  async count(filter: StreamFilter, q: Queryable = this.db): Promise<number> {
    const cond = filterCondition(filter);
    const [row] = await queryRows<{ n: number }>(q, sql`select count(*)::int as n from image_streams s where ${cond ?? sql`true`}`);
    return Number(row.n);
  }

  /**
   * The newest committed resourceVersion: what a list reports as its own
   * version. Read before the list, so a watch resumed from it misses nothing.
   */
  async currentResourceVersion(q: Queryable = this.db): Promise<string> {
    return String(await latestCommittedVersion(q));
  }

  /** The oldest change the change log still holds; undefined while it holds none. */
  async oldestRetainedResourceVersion(q: Queryable = this.db): Promise<number | undefined> {
    const [row] = await queryRows<{ rv: string | number | null }>(q, sql`select min(resource_version) as rv from change_log`);
    return row?.rv === null || row?.rv === undefined ? undefined : Number(row.rv);
  }

  /** Every write takes its version here: this also orders commits by version (see takeResourceVersion). */
  async nextResourceVersion(q: Queryable): Promise<number> {
    return takeResourceVersion(q);
  }

  /** Inserts a new stream; the caller has set uid, timestamps, generation. */
  async insert(q: Queryable, stream: StoredStream): Promise<StoredStream> {
    const rv = await this.nextResourceVersion(q);
    const stored = withResourceVersion(stream, rv);
    await q.insert(imageStreams).values({
      uid: stream.metadata.uid,
      namespace: stream.metadata.namespace,
      name: stream.metadata.name,
      resourceVersion: rv,
      generation: stream.metadata.generation,
      creationTimestamp: new Date(stream.metadata.creationTimestamp),
      labels: stream.metadata.labels ?? null,
      annotations: stream.metadata.annotations ?? null,
      specDockerImageRepository: stream.spec.dockerImageRepository ?? null,
      lookupLocal: stream.spec.lookupPolicy.local,
    });
    await this.insertChildren(q, stored);
    return stored;
  }

  /**
   * Replaces a stream's content if its resourceVersion is still `expected`.
   * Returns undefined when another writer got there first.
   */
  async replace(q: Queryable, stream: StoredStream, expected: string, previous: StoredStream): Promise<StoredStream | undefined> {
    const rv = await this.nextResourceVersion(q);
    // The caller read the stream at `expected`: if the update below applies, these were its labels.
    this.rememberPreviousLabels(q, stream.metadata.uid, previous.metadata.labels ?? {});
    const updated = await q
      .update(imageStreams)
      .set({
        resourceVersion: rv,
        generation: stream.metadata.generation,
        labels: stream.metadata.labels ?? null,
        annotations: stream.metadata.annotations ?? null,
        specDockerImageRepository: stream.spec.dockerImageRepository ?? null,
        lookupLocal: stream.spec.lookupPolicy.local,
      })
      .where(and(eq(imageStreams.uid, stream.metadata.uid), eq(imageStreams.resourceVersion, Number(expected))))
      .returning({ uid: imageStreams.uid });
    if (updated.length === 0) return undefined;
    // Status writes (mappings, imports) leave the spec tags as they are: two statements fewer under the write-order lock.
    const specChanged = !isDeepStrictEqual(previous.spec.tags ?? [], stream.spec.tags ?? []);
    if (specChanged) await q.delete(specTags).where(eq(specTags.streamUid, stream.metadata.uid));
    // Only the status tags that changed are rewritten (their events and
    // conditions go with them, by cascade): a mapping adds one event to one
    // tag, and rewriting a 20-tag history for it made every push cost the
    // whole stream, under the write-order lock.
    const { stale, fresh } = changedStatusTags(previous, stream);
    if (stale.length) await q.delete(statusTags).where(and(eq(statusTags.streamUid, stream.metadata.uid), inArray(statusTags.tag, stale)));
    const stored = withResourceVersion(stream, rv);
    await this.insertChildren(q, { ...stored, status: { ...stored.status, tags: fresh } }, { spec: specChanged });
    return stored;
  }

  async delete(q: Queryable, uid: string): Promise<number> {
    const rv = await this.nextResourceVersion(q);
    await q.delete(imageStreams).where(eq(imageStreams.uid, uid));
    return rv;
  }

  /**
   * Records a change in the log. A MODIFIED change also records the labels
   * the object had before (remembered by `replace` in the same transaction),
   * so a label-selector watch can tell "started matching" (ADDED) and
   * "stopped matching" (DELETED) from a plain MODIFIED, as Kubernetes does.
   */
  async recordChange(q: Queryable, type: ChangeEventType, object: ImageStream): Promise<void> {
    const previousLabels = type === 'MODIFIED' ? this.previousLabels.get(q)?.get(object.metadata.uid) : undefined;
    await recordChange(
      q,
      { type, resource: 'imagestreams', namespace: object.metadata.namespace, name: object.metadata.name, resourceVersion: Number(object.metadata.resourceVersion), object, previousLabels },
    );
    if (this.ownTransactions.has(q)) this.recordedIn.add(q);
    else this.changes.recordedElsewhere();
  }

  /** Per open transaction (weakly held: gone with it), the labels each replaced stream had before. */
  private readonly previousLabels = new WeakMap<Queryable, Map<string, Record<string, string>>>();

  private rememberPreviousLabels(q: Queryable, uid: string, labels: Record<string, string>): void {
    let byUid = this.previousLabels.get(q);
    if (!byUid) this.previousLabels.set(q, (byUid = new Map()));
    byUid.set(uid, labels);
  }

  private async insertChildren(q: Queryable, stream: StoredStream, write: { spec: boolean } = { spec: true }): Promise<void> {
    const uid = stream.metadata.uid;
    const tags = stream.spec.tags ?? [];
    if (write.spec && tags.length) {
      await q.insert(specTags).values(
        tags.map((t) => ({
          streamUid: uid,
          name: t.name,
          annotations: t.annotations,
          fromKind: t.from?.kind ?? null,
          fromName: t.from?.name ?? null,
          fromNamespace: t.from?.namespace ?? null,
          reference: Boolean(t.reference),
          generation: t.generation,
          importInsecure: Boolean(t.importPolicy.insecure),
          importScheduled: Boolean(t.importPolicy.scheduled),
          importMode: t.importPolicy.importMode ?? '',
          referencePolicyType: t.referencePolicy.type,
        })),
      );
    }
    const status = stream.status.tags ?? [];
    if (!status.length) return;
    await q.insert(statusTags).values(status.map((t) => ({ streamUid: uid, tag: t.tag })));
    const events = status.flatMap((t) =>
      (t.items ?? []).map((e, position) => ({
        streamUid: uid, tag: t.tag, position, created: new Date(e.created),
        dockerImageReference: e.dockerImageReference, image: e.image, generation: e.generation,
      })),
    );
    if (events.length) await q.insert(tagEvents).values(events);
    const conditions = status.flatMap((t) =>
      (t.conditions ?? []).map((c, position) => ({
        streamUid: uid, tag: t.tag, position, type: c.type, status: c.status,
        lastTransitionTime: new Date(c.lastTransitionTime), reason: c.reason ?? null, message: c.message ?? null, generation: c.generation,
      })),
    );
    if (conditions.length) await q.insert(tagConditions).values(conditions);
  }
}

/** The status tags a replace must delete (changed or gone) and those it must insert (changed or new). */
function changedStatusTags(previous: StoredStream, next: StoredStream): { stale: string[]; fresh: StatusTags } {
  const nextTags = next.status.tags ?? [];
  const before = new Map((previous.status.tags ?? []).map((t) => [t.tag, t]));
  const fresh: StatusTags = [];
  const kept = new Set<string>();
  for (const t of nextTags) {
    if (isDeepStrictEqual(before.get(t.tag), t)) kept.add(t.tag);
    else fresh.push(t);
  }
  return { stale: [...before.keys()].filter((tag) => !kept.has(tag)), fresh };
}

type StatusTags = NonNullable<StoredStream['status']['tags']>;

function withResourceVersion(stream: StoredStream, rv: number): StoredStream {
  return { ...stream, metadata: { ...stream.metadata, resourceVersion: String(rv) } };
}


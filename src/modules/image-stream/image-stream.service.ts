import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  AlreadyExistsError,
  BadRequestError,
  CauseList,
  ConflictError,
  InvalidError,
  NotFoundError,
} from '../../platform/errors.js';
import { checkContinueTokenFresh, checkListResourceVersion, decodeContinueToken, encodeContinueToken, parseResourceVersion } from './continue-token.rules.js';
import { isUniqueViolation } from '../../platform/database/errors.js';
import { validateNamespace } from '../../platform/namespace.rules.js';
import type { AuthService, Verb } from '../auth/auth.service.js';
import type { Identity } from '../auth/identity.js';
import { parseFieldSelector } from './field-selector.rules.js';
import {
  IMAGE_STREAM_KIND,
  IMAGE_STREAM_RESOURCE,
  type ImageStream,
  type ImageStreamWrite,
} from './image-stream.model.js';
import {
  applyGenerations,
  computeRepositories,
  formatTimestamp,
  normaliseLabels,
  normaliseSpec,
  normaliseStatusTags,
  stampCreateGenerations,
  stripTagAndDigest,
  validateImageStream,
  validateStatusTags,
} from './image-stream.rules.js';
import { ImageStreamStore, type Queryable, type StoredStream, type StreamFilter } from './image-stream.store.js';
import { SelectorError, parseLabelSelector } from './label-selector.rules.js';
import { applyPatch, type PatchType } from './patch.rules.js';
import { applyFieldValidation, decodeImageStreamJson, type FieldValidation } from './wire.rules.js';
import type { SpecTagResolver } from '../tag-history/spec-tag-resolver.js';

export interface WriteOptions {
  dryRun?: boolean;
}

/** Patches decode their result under a fieldValidation directive (Strict unless told). */
export interface PatchOptions extends WriteOptions {
  fieldValidation?: FieldValidation;
  /** Receives the Warn-mode findings once the patch is written. */
  onWarning?: (warning: string) => void;
}

/** DeleteOptions.preconditions: the delete happens only if the object still has these. */
export interface DeletePreconditions {
  uid?: string | null;
  resourceVersion?: string | null;
}

/** A Kubernetes list request (REST): chunked with limit/continue, read at a resourceVersion. */
export interface ChunkOptions {
  namespace?: string | null;
  labelSelector?: string | null;
  fieldSelector?: string | null;
  /** 0 or absent: everything. */
  limit?: number | null;
  continue?: string | null;
  resourceVersion?: string | null;
  /** NotOlderThan (default when a resourceVersion is given) or Exact. */
  resourceVersionMatch?: string | null;
}

export interface StreamChunk {
  items: ImageStream[];
  resourceVersion: string;
  /** Set when more items follow. */
  continue?: string;
}

export interface ListOptions {
  namespace?: string | null;
  labelSelector?: string | null;
  fieldSelector?: string | null;
  first?: number | null;
  after?: string | null;
}

export interface StreamList {
  items: ImageStream[];
  hasNextPage: boolean;
  endCursor: string | null;
  resourceVersion: string;
  /** Counted only when asked for: a count is a second query. */
  totalCount: () => Promise<number>;
}

export interface ImageStreamServiceConfig {
  internalRegistry?: string;
  publicRegistry?: string;
  defaultImportMode: string;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
/** Read-modify-write callers (patch) retry this many times on a concurrent write before answering CONFLICT. */
const PATCH_ATTEMPTS = 5;
/** Status and tag writers retry this many times, as the reference's mapping and istag writers do (§10). */
const STATUS_ATTEMPTS = 10;

export class ImageStreamService {
  constructor(
    private readonly store: ImageStreamStore,
    private readonly auth: AuthService,
    private readonly config: ImageStreamServiceConfig,
    /** Turns new or changed spec tags into status events (reference §3.3); absent = no resolution. */
    private readonly specTags?: SpecTagResolver,
  ) {}

  // ---- reads -------------------------------------------------------------

  async get(caller: Identity, namespace: string, name: string): Promise<ImageStream | null> {
    this.authorize(caller, 'get', namespace, name);
    const stored = await this.store.get(namespace, name);
    return stored ? this.present(stored) : null;
  }

  async getOrThrow(caller: Identity, namespace: string, name: string): Promise<ImageStream> {
    const stream = await this.get(caller, namespace, name);
    if (!stream) throw new NotFoundError(IMAGE_STREAM_RESOURCE, name);
    return stream;
  }

  async list(caller: Identity, opts: ListOptions): Promise<StreamList> {
    const filter = this.listFilter(caller, opts.namespace ?? undefined, opts.labelSelector, opts.fieldSelector);
    const first = opts.first ?? DEFAULT_PAGE_SIZE;
    if (first < 0 || first > MAX_PAGE_SIZE) throw new BadRequestError(`first must be between 0 and ${MAX_PAGE_SIZE}`);
    const after = opts.after ? decodeCursor(opts.after) : undefined;
    const resourceVersion = await this.store.currentResourceVersion();
    const rows = await this.store.list(filter, { after, limit: first + 1 });
    const page = rows.slice(0, first);
    const last = page[page.length - 1];
    return {
      items: page.map((s) => this.present(s)),
      hasNextPage: rows.length > first,
      endCursor: last ? encodeCursor(last.metadata.namespace, last.metadata.name) : null,
      resourceVersion,
      totalCount: () => this.store.count(filter),
    };
  }

  /**
   * The REST list (reference §8.1): all matches, or `limit` of them with a
   * continue token. A token whose resourceVersion the change log no longer
   * reaches is expired (410); the chunk reports the token's resourceVersion
   * so a client resuming a watch from it misses nothing.
   */
  async listChunk(caller: Identity, opts: ChunkOptions): Promise<StreamChunk> {
    const filter = this.listFilter(caller, opts.namespace ?? undefined, opts.labelSelector, opts.fieldSelector);
    const limit = opts.limit ?? 0;
    if (!Number.isInteger(limit) || limit < 0) throw new BadRequestError(`limit must be a non-negative integer`);
    const requested = parseResourceVersion(opts.resourceVersion);
    const current = await this.store.currentResourceVersion();
    let after: { namespace: string; name: string } | undefined;
    let resourceVersion = current;
    if (opts.continue) {
      if (requested !== undefined && requested !== 0) throw new BadRequestError('specifying resource version is not allowed when using continue');
      const token = decodeContinueToken(opts.continue);
      checkContinueTokenFresh(token, await this.store.oldestRetainedResourceVersion());
      after = { namespace: token.namespace, name: token.name };
      resourceVersion = token.resourceVersion;
    } else {
      checkListResourceVersion(requested, opts.resourceVersionMatch, Number(current));
    }
    const rows = await this.store.list(filter, { after, ...(limit ? { limit: limit + 1 } : {}) });
    const page = limit ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    const more = limit > 0 && rows.length > limit;
    return {
      items: page.map((s) => this.present(s)),
      resourceVersion,
      ...(more && last ? { continue: encodeContinueToken({ resourceVersion, namespace: last.metadata.namespace, name: last.metadata.name }) } : {}),
    };
  }

  /** The filter a list runs with: the caller's visible namespaces narrowed by the request. */
  listFilter(caller: Identity, namespace: string | undefined, labelSelector?: string | null, fieldSelector?: string | null): StreamFilter {
    if (namespace) this.authorize(caller, 'list', namespace);
    const scope = this.auth.listScope(caller, IMAGE_STREAM_RESOURCE);
    const namespaces = namespace ? [namespace] : scope;
    try {
      return { namespaces, labels: parseLabelSelector(labelSelector), fields: parseFieldSelector(fieldSelector) };
    } catch (e) {
      if (e instanceof SelectorError) throw new BadRequestError(e.message);
      throw e;
    }
  }

  // ---- writes ------------------------------------------------------------

  async create(caller: Identity, namespace: string, input: ImageStreamWrite, opts: WriteOptions = {}): Promise<ImageStream> {
    const meta = input.metadata ?? {};
    if (meta.namespace && meta.namespace !== namespace) {
      throw new BadRequestError('the namespace of the provided object does not match the namespace sent on the request');
    }
    const name = meta.name || (meta.generateName ? meta.generateName + randomSuffix() : '');
    this.authorize(caller, 'create', namespace, name || undefined);
    const now = formatTimestamp(new Date());
    const stream: StoredStream = {
      metadata: { name, namespace, uid: randomUUID(), resourceVersion: '', generation: 1, creationTimestamp: now, ...normaliseLabels(meta) },
      // Client status is wiped on create; the server owns it (§1.10).
      spec: stampCreateGenerations(normaliseSpec(input.spec, this.defaults)),
      status: {},
    };
    this.validate(stream);
    const resolved = this.specTags ? await this.specTags.resolve(caller, undefined, stream) : stream;
    if (opts.dryRun) {
      if (await this.store.get(namespace, name)) throw new AlreadyExistsError(IMAGE_STREAM_RESOURCE, name);
      return this.present(resolved);
    }
    try {
      return await this.store.transaction(async (tx) => {
        const stored = await this.store.insert(tx, resolved);
        return this.commit(tx, 'ADDED', stored);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AlreadyExistsError(IMAGE_STREAM_RESOURCE, name);
      throw e;
    }
  }

  /** PUT semantics: the caller's resourceVersion is the optimistic lock; status is kept as stored. */
  async replace(caller: Identity, namespace: string, name: string, input: ImageStreamWrite, opts: WriteOptions = {}): Promise<ImageStream> {
    this.authorize(caller, 'update', namespace, name);
    this.checkIdentity(namespace, name, input);
    const rv = input.metadata?.resourceVersion;
    if (!rv) {
      throw new InvalidError(IMAGE_STREAM_RESOURCE, name, [{ field: 'metadata.resourceVersion', reason: 'FieldValueInvalid', message: 'Invalid value: 0: must be specified for an update' }]);
    }
    const current = await this.store.get(namespace, name);
    if (!current) throw new NotFoundError(IMAGE_STREAM_RESOURCE, name);
    if (current.metadata.resourceVersion !== rv) throw new ConflictError(IMAGE_STREAM_RESOURCE, name);
    return this.writeSpec(caller, current, input, opts, () => new ConflictError(IMAGE_STREAM_RESOURCE, name));
  }

  async patch(caller: Identity, namespace: string, name: string, patch: unknown, patchType: PatchType = 'MERGE', opts: PatchOptions = {}): Promise<ImageStream> {
    this.authorize(caller, 'patch', namespace, name);
    return this.readPatchWrite(namespace, name, patch, patchType, opts, (current, patched, onConflict) => this.writeSpec(caller, current, patched, opts, onConflict));
  }

  /** The /status subresource: status tags replaced, spec and metadata kept, generation untouched. */
  async updateStatus(caller: Identity, namespace: string, name: string, input: ImageStreamWrite, opts: WriteOptions = {}): Promise<ImageStream> {
    this.authorize(caller, 'update', namespace, name, 'imagestreams/status');
    this.checkIdentity(namespace, name, input);
    const current = await this.store.get(namespace, name);
    if (!current) throw new NotFoundError(IMAGE_STREAM_RESOURCE, name);
    const rv = input.metadata?.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw new ConflictError(IMAGE_STREAM_RESOURCE, name);
    return this.writeStatus(current, input, opts, () => new ConflictError(IMAGE_STREAM_RESOURCE, name));
  }

  /** The /status subresource by patch: read, patch, then the /status write rules; retried on a concurrent write. */
  async patchStatus(caller: Identity, namespace: string, name: string, patch: unknown, patchType: PatchType = 'MERGE', opts: PatchOptions = {}): Promise<ImageStream> {
    this.authorize(caller, 'patch', namespace, name, 'imagestreams/status');
    return this.readPatchWrite(namespace, name, patch, patchType, opts, (current, patched, onConflict) => this.writeStatus(current, patched, opts, onConflict));
  }

  /**
   * PATCH is read-modify-write on the current object: a patch that names a
   * resourceVersion is a conditional write (CONFLICT when stale); one that
   * does not is applied to the latest and retried when another writer got
   * in between, up to PATCH_ATTEMPTS times.
   */
  private async readPatchWrite(
    namespace: string,
    name: string,
    patch: unknown,
    patchType: PatchType,
    opts: PatchOptions,
    write: (current: StoredStream, patched: ImageStreamWrite, onConflict: () => Error) => Promise<ImageStream>,
  ): Promise<ImageStream> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.store.get(namespace, name);
      if (!current) throw new NotFoundError(IMAGE_STREAM_RESOURCE, name);
      const { value: patched, warnings } = applyFieldValidation(decodeImageStreamJson(applyPatch(this.present(current), patch, patchType)), [], opts.fieldValidation ?? 'Strict');
      this.checkIdentity(namespace, name, patched);
      const requestedRv = patched.metadata?.resourceVersion;
      if (requestedRv && requestedRv !== current.metadata.resourceVersion) throw new ConflictError(IMAGE_STREAM_RESOURCE, name);
      try {
        const written = await write(current, patched, () => new RetryableConflict());
        warnings.forEach((w) => opts.onWarning?.(w));
        return written;
      } catch (e) {
        if (!(e instanceof RetryableConflict)) throw e;
        if (attempt >= PATCH_ATTEMPTS || patchNamesVersion(patch)) throw new ConflictError(IMAGE_STREAM_RESOURCE, name);
      }
    }
  }

  async delete(caller: Identity, namespace: string, name: string, opts: WriteOptions & { preconditions?: DeletePreconditions } = {}): Promise<ImageStream> {
    this.authorize(caller, 'delete', namespace, name);
    const current = await this.store.get(namespace, name);
    if (!current) throw new NotFoundError(IMAGE_STREAM_RESOURCE, name);
    checkPreconditions(current, name, opts.preconditions);
    if (opts.dryRun) return this.present(current);
    return this.store.transaction(async (tx) => {
      const last = await this.store.getForUpdate(tx, namespace, name);
      if (!last) throw new NotFoundError(IMAGE_STREAM_RESOURCE, name);
      checkPreconditions(last, name, opts.preconditions);
      return this.deleteLocked(tx, last);
    });
  }

  async deleteCollection(caller: Identity, namespace: string, labelSelector?: string | null, fieldSelector?: string | null, opts: WriteOptions = {}): Promise<ImageStream[]> {
    this.authorize(caller, 'deletecollection', namespace);
    const filter = this.listFilter(caller, namespace, labelSelector, fieldSelector);
    if (opts.dryRun) return (await this.store.list(filter)).map((s) => this.present(s));
    return this.store.transaction(async (tx) => {
      const victims = await this.store.list(filter, {}, tx);
      const deleted: ImageStream[] = [];
      for (const v of victims) deleted.push(await this.deleteLocked(tx, v));
      return deleted;
    });
  }

  // ---- collaborators' entry points ---------------------------------------
  // Mappings and tagging change streams only through these, so every change
  // is validated, resolved and recorded in the change log like any other write.

  /** The newest resourceVersion handed out (lists of other resources report it too). */
  currentResourceVersion(): Promise<string> {
    return this.store.currentResourceVersion();
  }

  /** Streams by namespace/name for per-request loaders (links from objects the caller already read). */
  async loadLinked(keys: ReadonlyArray<{ namespace: string; name: string }>): Promise<Map<string, ImageStream>> {
    const rows = await this.store.getMany(keys);
    return new Map([...rows].map(([k, v]) => [k, this.present(v)]));
  }

  /**
   * Read-modify-write of a stream's status under a row lock: `mutate` gets
   * the current stream and answers the next one, or undefined for "no
   * change" (nothing is written). Concurrent callers queue on the lock, and
   * an optimistic-version miss is retried, so no caller's change is lost.
   */
  async updateStatusWith(namespace: string, name: string, mutate: (current: StoredStream) => StoredStream | undefined): Promise<{ stream: ImageStream; changed: boolean }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store.transaction(async (tx) => {
          const current = await this.store.getForUpdate(tx, namespace, name);
          if (!current) throw new NotFoundError(IMAGE_STREAM_RESOURCE, name);
          const next = mutate(current);
          if (!next || isDeepStrictEqual(next, current)) return { stream: this.present(current), changed: false };
          const stored = await this.store.replace(tx, { ...next, metadata: current.metadata }, current.metadata.resourceVersion, current);
          if (!stored) throw new RetryableConflict();
          return { stream: await this.commit(tx, 'MODIFIED', stored), changed: true };
        });
      } catch (e) {
        if (!(e instanceof RetryableConflict) || attempt >= STATUS_ATTEMPTS) throw e instanceof RetryableConflict ? new ConflictError(IMAGE_STREAM_RESOURCE, name) : e;
      }
    }
  }

  /**
   * A spec write computed from the current stream (ImageStreamTag updates,
   * `oc tag`): `change` gets the stream as clients see it, or undefined when
   * there is none (it is then created from the answer). Validation,
   * generations and spec-tag resolution run as for replace; a concurrent
   * writer makes it start over with the newer stream.
   */
  async writeSpecWith(caller: Identity, namespace: string, name: string, change: (current: ImageStream | undefined) => ImageStreamWrite): Promise<ImageStream> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.store.get(namespace, name);
      try {
        if (!current) return await this.create(caller, namespace, change(undefined));
        return await this.writeSpec(caller, current, change(this.present(current)), {}, () => new RetryableConflict());
      } catch (e) {
        const retry = e instanceof RetryableConflict || (e instanceof AlreadyExistsError && !current);
        if (!retry) throw e;
        if (attempt >= STATUS_ATTEMPTS) throw new ConflictError(IMAGE_STREAM_RESOURCE, name);
      }
    }
  }

  /**
   * A write of spec and status together, computed from the stored stream
   * (tag deletion). The stream generation advances when the spec changed
   * (§3.1); a concurrent writer makes it start over, `exhausted` is thrown
   * when it keeps losing.
   */
  async rewriteWith(namespace: string, name: string, change: (current: StoredStream) => StoredStream, exhausted: () => Error): Promise<ImageStream> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.store.get(namespace, name);
      if (!current) throw new NotFoundError(IMAGE_STREAM_RESOURCE, name);
      const changed = change(current);
      const next = isDeepStrictEqual(changed.spec, current.spec) ? changed : { ...changed, metadata: { ...changed.metadata, generation: current.metadata.generation + 1 } };
      try {
        return await this.persist(current, next, {}, () => new RetryableConflict());
      } catch (e) {
        if (!(e instanceof RetryableConflict)) throw e;
        if (attempt >= STATUS_ATTEMPTS) throw exhausted();
      }
    }
  }

  /**
   * Creates a stream the caller built whole (imports create streams with
   * spec and status together, reference §5.7). AlreadyExists when another
   * writer created it first; the caller then rewrites the stored one.
   */
  async createStored(stream: StoredStream): Promise<ImageStream> {
    this.validate(stream);
    try {
      return await this.store.transaction(async (tx) => this.commit(tx, 'ADDED', await this.store.insert(tx, stream)));
    } catch (e) {
      if (isUniqueViolation(e)) throw new AlreadyExistsError(IMAGE_STREAM_RESOURCE, stream.metadata.name);
      throw e;
    }
  }

  // ---- internals ---------------------------------------------------------

  private get defaults() {
    return { importMode: this.config.defaultImportMode };
  }

  private authorize(caller: Identity, verb: Verb, namespace: string, name?: string, resource = IMAGE_STREAM_RESOURCE): void {
    const causes = new CauseList();
    // A bad namespace is a bad request path: reject it before anything else reads it.
    validateNamespace(namespace, causes);
    causes.throwIfAny(IMAGE_STREAM_KIND, name ?? '');
    this.auth.authorize(caller, { verb, resource, namespace, name });
  }

  private checkIdentity(namespace: string, name: string, input: ImageStreamWrite): void {
    const meta = input.metadata ?? {};
    if (meta.namespace && meta.namespace !== namespace) {
      throw new BadRequestError('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (meta.name && meta.name !== name) {
      throw new BadRequestError(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
  }

  private validate(stream: StoredStream): void {
    validateImageStream(stream).throwIfAny(IMAGE_STREAM_KIND, stream.metadata.name);
  }

  /** A main-resource write: new metadata and spec, stored status, server-owned generations (§3.1, §8.4). */
  private async writeSpec(caller: Identity, current: StoredStream, input: ImageStreamWrite, opts: WriteOptions, onConflict: () => Error): Promise<ImageStream> {
    const spec = normaliseSpec(input.spec, this.defaults);
    const { generation, spec: stamped } = applyGenerations(this.present(current), spec);
    const next: StoredStream = {
      metadata: { ...current.metadata, generation, ...normaliseLabels(input.metadata) },
      spec: stamped,
      status: current.status,
    };
    if (!next.metadata.labels) delete next.metadata.labels;
    if (!next.metadata.annotations) delete next.metadata.annotations;
    this.validate(next);
    const resolved = this.specTags ? await this.specTags.resolve(caller, current, next) : next;
    return this.persist(current, resolved, opts, onConflict);
  }

  /** A /status write: status tags replaced, spec and metadata kept, generation untouched. */
  private async writeStatus(current: StoredStream, input: ImageStreamWrite, opts: WriteOptions, onConflict: () => Error): Promise<ImageStream> {
    const tags = normaliseStatusTags(input.status?.tags ?? [], formatTimestamp(new Date()), current.metadata.generation);
    const causes = new CauseList();
    validateStatusTags(tags, causes);
    causes.throwIfAny(IMAGE_STREAM_KIND, current.metadata.name);
    const next: StoredStream = { ...current, status: tags.length ? { tags } : {} };
    return this.persist(current, next, opts, onConflict);
  }

  /** Writes `next` if it differs from `current` and nobody wrote in between; a no-op write changes nothing. */
  private async persist(current: StoredStream, next: StoredStream, opts: WriteOptions, onConflict: () => Error): Promise<ImageStream> {
    if (isDeepStrictEqual(current, next)) return this.present(current);
    if (opts.dryRun) return this.present(next);
    return this.store.transaction(async (tx) => {
      const stored = await this.store.replace(tx, next, current.metadata.resourceVersion, current);
      if (!stored) throw onConflict();
      return this.commit(tx, 'MODIFIED', stored);
    });
  }

  private async deleteLocked(tx: Queryable, stream: StoredStream): Promise<ImageStream> {
    const rv = await this.store.delete(tx, stream.metadata.uid);
    const last = this.present({ ...stream, metadata: { ...stream.metadata, resourceVersion: String(rv) } });
    await this.store.recordChange(tx, 'DELETED', last);
    return last;
  }

  private async commit(tx: Queryable, type: 'ADDED' | 'MODIFIED', stored: StoredStream): Promise<ImageStream> {
    const object = this.present(stored);
    await this.store.recordChange(tx, type, object);
    return object;
  }

  /** The stream as clients see it: computed repositories (recomputed on every read, §3.5). */
  present(stored: StoredStream): ImageStream {
    const repos = computeRepositories(stored.metadata.namespace, stored.metadata.name, stored.spec.dockerImageRepository, {
      internal: this.config.internalRegistry,
      public: this.config.publicRegistry,
    });
    const spec = stored.spec.dockerImageRepository
      ? { ...stored.spec, dockerImageRepository: stripTagAndDigest(stored.spec.dockerImageRepository) }
      : stored.spec;
    return { metadata: stored.metadata, spec, status: { ...repos, ...stored.status } };
  }
}

class RetryableConflict extends Error {}

function checkPreconditions(current: StoredStream, name: string, pre: DeletePreconditions | undefined): void {
  if (pre?.uid && pre.uid !== current.metadata.uid) {
    throw new ConflictError(IMAGE_STREAM_RESOURCE, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
    throw new ConflictError(
      IMAGE_STREAM_RESOURCE,
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
    );
  }
}

function patchNamesVersion(patch: unknown): boolean {
  const meta = (patch as { metadata?: { resourceVersion?: unknown } } | null)?.metadata;
  return typeof meta?.resourceVersion === 'string' && meta.resourceVersion !== '';
}

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)];
  return s;
}

export function encodeCursor(namespace: string, name: string): string {
  return Buffer.from(JSON.stringify([namespace, name])).toString('base64url');
}

export function decodeCursor(cursor: string): { namespace: string; name: string } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((p) => typeof p === 'string')) {
      return { namespace: parsed[0] as string, name: parsed[1] as string };
    }
  } catch {
    /* fall through */
  }
  throw new BadRequestError(`invalid cursor "${cursor}"`);
}

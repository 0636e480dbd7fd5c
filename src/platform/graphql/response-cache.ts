import type { GraphQLSchema } from 'graphql';
import type { Identity } from '../../modules/auth/identity.js';
import { isClusterAdmin } from '../../modules/auth/roles.rules.js';
import type { Watermark } from '../freshness.js';
import { planRead, type Dependency, type ReadPlan } from './read-plan.js';

/** A change-log row as far as the cache cares. */
interface ChangedRow {
  resourceVersion: number;
  namespace: string;
  name: string;
}

/**
 * The newest resourceVersion that touched each stream and namespace, fed by
 * this process's change feed (every row, in order).
 */
export class ChangeIndex {
  private readonly streams = new Map<string, number>();
  private readonly namespaces = new Map<string, number>();
  private any = 0;
  /** The newest row seen: the index is complete up to here. */
  position = 0;

  offer(row: ChangedRow): void {
    this.streams.set(`${row.namespace}/${row.name}`, row.resourceVersion);
    this.namespaces.set(row.namespace, row.resourceVersion);
    this.any = row.resourceVersion;
    this.position = row.resourceVersion;
  }

  /** True when a row after `version` touched what `dep` names. */
  changedAfter(dep: Dependency, version: number): boolean {
    if (dep === 'all') return this.any > version;
    if ('stream' in dep) return (this.streams.get(dep.stream) ?? 0) > version;
    return (this.namespaces.get(dep.namespace) ?? 0) > version;
  }
}

interface Entry {
  body: string;
  deps: Dependency[];
  /** The watermark read before the answer was computed: the answer is at least this new. */
  version: number;
}

/** A request the cache may answer or store: everything needed, computed once. */
export interface CacheableRequest {
  key: string;
  operationName: string | undefined;
  /** performance.now() when the request was prepared. */
  startedAt: number;
  deps: Dependency[];
  watermark: Watermark;
  caller: Identity;
}

export interface GraphqlBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

const MAX_ENTRIES = 5_000;
const MAX_BODY_BYTES = 1 << 20;
const MAX_PLANS = 1_000;

/**
 * Serialised answers of stream reads, the way the Kubernetes API server
 * answers from its watch cache: an answer is reused only while no change-log
 * row after the version it was computed at touched what it read, and only
 * once this process has seen every row up to the database's newest version
 * (read after the request arrived), so a reader never gets an answer older
 * than a write acknowledged before it asked, on any replica. Keys include
 * the caller's rights, so one caller never gets an answer computed for
 * another's. Only answers without errors are stored.
 */
export class ResponseCache {
  private readonly plans = new Map<string, ReadPlan | null>();
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly index: ChangeIndex,
    private readonly authenticate: (header: string | undefined, watermark: Watermark) => Promise<Identity>,
    private readonly freshness: () => Promise<Watermark>,
    private readonly observe: { hit(operationName: string | undefined, seconds: number): void; miss(): void } = { hit: () => undefined, miss: () => undefined },
  ) {}

  /**
   * The request's key and dependencies when its document is known to be
   * cacheable (it ran successfully once here); undefined otherwise, or when
   * the caller cannot be authenticated (the executor then answers).
   */
  async prepare(body: GraphqlBody, authorization: string | undefined): Promise<CacheableRequest | undefined> {
    const { query, operationName } = body;
    if (typeof query !== 'string' || (operationName !== undefined && operationName !== null && typeof operationName !== 'string')) return undefined;
    if (body.extensions !== undefined && body.extensions !== null) return undefined;
    const variables = body.variables ?? {};
    if (typeof variables !== 'object' || Array.isArray(variables)) return undefined;
    const plan = this.plans.get(planKey(query, operationName));
    if (!plan) return undefined;
    const startedAt = performance.now();
    const deps = plan.dependencies(variables as Record<string, unknown>);
    if (!deps) return undefined;
    const watermark = await this.freshness();
    let caller: Identity;
    try {
      caller = await this.authenticate(authorization, watermark);
    } catch {
      return undefined;
    }
    const key = `${operationName ?? ''}\u0000${JSON.stringify(variables)}\u0000${rightsOf(caller)}\u0000${query}`;
    return { key, operationName: plan.operationName, startedAt, deps, watermark, caller };
  }

  /** The stored answer, if still current. */
  get(req: CacheableRequest): string | undefined {
    const entry = this.entries.get(req.key);
    if (entry && this.current(entry, req.watermark)) {
      this.observe.hit(req.operationName, (performance.now() - req.startedAt) / 1000);
      return entry.body;
    }
    this.observe.miss();
    return undefined;
  }

  /** Keeps an answer the executor produced for `req` (computed after `req.watermark` was read). */
  put(req: CacheableRequest, body: string): void {
    if (body.length > MAX_BODY_BYTES || body.includes('"errors"')) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(req.key, { body, deps: req.deps, version: req.watermark.resourceVersion });
  }

  /** After a successful execution of a document not yet planned: decide once whether its answers may be cached. */
  learn(body: GraphqlBody): void {
    const { query } = body;
    const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
    if (typeof query !== 'string' || this.plans.has(planKey(query, operationName))) return;
    if (this.plans.size >= MAX_PLANS) this.plans.delete(this.plans.keys().next().value!);
    this.plans.set(planKey(query, operationName), planRead(this.schema, query, operationName) ?? null);
  }

  private current(entry: Entry, now: Watermark): boolean {
    // Rows up to `now` not yet seen here could touch the entry: not current.
    if (this.index.position < now.resourceVersion) return false;
    return !entry.deps.some((dep) => this.index.changedAfter(dep, entry.version));
  }
}

function planKey(query: string, operationName: string | null | undefined): string {
  return `${operationName ?? ''}\u0000${query}`;
}

/** Everything about a caller that can change a stream read's answer. */
function rightsOf(caller: Identity): string {
  if (isClusterAdmin(caller)) return '*';
  return (caller.grants ?? []).map((g) => `${g.namespace}:${g.role}`).sort().join(',');
}

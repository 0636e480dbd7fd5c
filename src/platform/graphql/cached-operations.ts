import type { GraphQLSchema } from 'graphql';
import { rightsKey, type Identity } from '../../modules/auth/identity.js';
import type { Watermark } from '../freshness.js';
import type { Dependency, ResponseCache } from '../response-cache.js';
import { planRead, type ReadPlan } from './read-plan.js';

/** A GraphQL request the cache may answer or store: everything needed, computed once. */
export interface CacheableOperation {
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

const MAX_PLANS = 1_000;
/** Request bodies remembered with their dependencies (hot reads repeat byte for byte). */
const MAX_BODIES = 10_000;
const MAX_BODY_CHARS = 16_384;

interface KnownBody {
  operationName: string | undefined;
  deps: Dependency[];
}
const CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * GraphQL's side of the response cache: which documents qualify
 * (read-plan.ts, decided after a document's first successful execution, so
 * only documents that passed the query limits are ever planned) and the key
 * of each request: document, operation, variables and the caller's rights.
 */
export class CachedOperations {
  private readonly plans = new Map<string, ReadPlan | null>();
  /** Raw JSON bodies already planned: a repeated body is answered without parsing it again. */
  private readonly bodies = new Map<string, KnownBody>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly cache: ResponseCache,
    private readonly authenticate: (header: string | undefined, watermark: Watermark) => Promise<Identity>,
    private readonly freshness: () => Promise<Watermark>,
    private readonly onHit: (operationName: string | undefined, seconds: number) => void = () => undefined,
  ) {}

  /**
   * The request's key and dependencies when its document is known to be
   * cacheable; undefined otherwise, or when the caller cannot be
   * authenticated (the executor then answers with the error).
   */
  async prepareRaw(text: string, authorization: string | undefined): Promise<CacheableOperation | undefined> {
    const known = this.bodies.get(text);
    return known && this.identify(text, known.operationName, known.deps, authorization, performance.now());
  }

  /**
   * The same for a parsed body; `text` is the raw body it was parsed from,
   * the key of the answer (identical bytes, identical request).
   */
  async prepare(body: GraphqlBody, text: string, authorization: string | undefined): Promise<CacheableOperation | undefined> {
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
    if (text.length <= MAX_BODY_CHARS) {
      if (this.bodies.size >= MAX_BODIES) this.bodies.delete(this.bodies.keys().next().value!);
      this.bodies.set(text, { operationName: plan.operationName, deps });
    }
    return this.identify(text, plan.operationName, deps, authorization, startedAt);
  }

  private async identify(text: string, operationName: string | undefined, deps: Dependency[], authorization: string | undefined, startedAt: number): Promise<CacheableOperation | undefined> {
    let watermark: Watermark;
    let caller: Identity;
    try {
      watermark = await this.freshness();
      caller = await this.authenticate(authorization, watermark);
    } catch {
      // The executor answers with the error in GraphQL's shape (a database outage, a bad token).
      return undefined;
    }
    const key = `graphql\u0000${rightsKey(caller)}\u0000${text}`;
    return { key, operationName, startedAt, deps, watermark, caller };
  }

  /** The stored answer, if still current. */
  get(op: CacheableOperation): string | undefined {
    const hit = this.cache.get(op.key, op.watermark);
    if (hit) this.onHit(op.operationName, (performance.now() - op.startedAt) / 1000);
    return hit?.body;
  }

  /** Keeps an answer the executor produced for `op`; answers with errors are never kept. */
  put(op: CacheableOperation, body: string): void {
    if (body.includes('"errors"')) return;
    this.cache.put(op.key, { body, contentType: CONTENT_TYPE }, op.deps, op.watermark);
  }

  /** After a successful execution of a document not yet planned: decide once whether its answers may be cached. */
  learn(body: GraphqlBody): void {
    const { query } = body;
    const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
    if (typeof query !== 'string' || this.plans.has(planKey(query, operationName))) return;
    if (this.plans.size >= MAX_PLANS) this.plans.delete(this.plans.keys().next().value!);
    this.plans.set(planKey(query, operationName), planRead(this.schema, query, operationName) ?? null);
  }
}

function planKey(query: string, operationName: string | null | undefined): string {
  return `${operationName ?? ''}\u0000${query}`;
}

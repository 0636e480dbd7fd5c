import type { Watermark } from './freshness.js';

/**
 * What a cached answer depends on: one stream, every stream of a
 * namespace, or every stream.
 */
export type Dependency = { stream: string } | { namespace: string } | 'all';

/** A change-log row as far as the caches care. */
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

export interface CachedAnswer {
  body: string;
  contentType: string;
}

interface Entry extends CachedAnswer {
  deps: Dependency[];
  /** The watermark read before the answer was computed: the answer is at least this new. */
  version: number;
}

/** One answer larger than this is not kept (a huge list would evict much else); a page of 500 whole streams is about 15 MB. */
const MAX_BODY_CHARS = 16 << 20;

/**
 * Serialised answers of stream reads (GraphQL and REST), the way the
 * Kubernetes API server answers from its watch cache: an answer is reused
 * only while no change-log row after the version it was computed at touched
 * what it read, and only once this process has seen every row up to the
 * database's newest version, read after the request arrived
 * (platform/freshness.ts). So no reader gets an answer older than a write
 * acknowledged before it asked, on any replica. Keys must carry everything
 * the answer depends on besides the data, the caller's rights included
 * (`rightsKey` in modules/auth/identity.ts).
 */
export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private chars = 0;

  constructor(
    private readonly index: ChangeIndex,
    /** The budget for keys and bodies together, in characters (JSON is ASCII: about bytes). */
    private readonly maxChars: number,
    private readonly observe: { hit(): void; miss(): void } = { hit: () => undefined, miss: () => undefined },
  ) {}

  /** The answer stored under `key`, if still current at `now`. */
  get(key: string, now: Watermark): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (entry && this.current(entry, now)) {
      this.observe.hit();
      return entry;
    }
    this.observe.miss();
    return undefined;
  }

  /** Keeps an answer computed after `since` was read. */
  put(key: string, answer: CachedAnswer, deps: Dependency[], since: Watermark): void {
    if (answer.body.length > MAX_BODY_CHARS) return;
    this.remove(key);
    this.entries.set(key, { ...answer, deps, version: since.resourceVersion });
    this.chars += key.length + answer.body.length;
    // Oldest first out: Map iterates in insertion order.
    for (const oldest of this.entries.keys()) {
      if (this.chars <= this.maxChars) break;
      this.remove(oldest);
    }
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.chars -= key.length + entry.body.length;
  }

  private current(entry: Entry, now: Watermark): boolean {
    // Rows up to `now` not yet seen here could touch the entry: not current.
    if (this.index.position < now.resourceVersion) return false;
    return !entry.deps.some((dep) => this.index.changedAfter(dep, entry.version));
  }
}

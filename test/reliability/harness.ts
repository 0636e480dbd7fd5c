import pg from 'pg';
import { CreateMappingDocument, CreateStreamDocument } from '../generated/graphql.js';
import { ADMIN_TOKEN } from '../support/app.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { imageInput, ociImage } from '../support/images.js';
import { spawnServer, type ServerProcess } from '../support/server-process.js';
import { watchOverWebSocket, type OpenWatch, type WatchEventData } from '../support/watch-client.js';

/** The service as a real process on `databaseUrl`, administered by ADMIN_TOKEN. */
export function serveOn(databaseUrl: string, port?: number, env: Record<string, string> = {}): Promise<ServerProcess> {
  return spawnServer({ DATABASE_URL: databaseUrl, IMAGESTREAMS_BOOTSTRAP_TOKEN: ADMIN_TOKEN, IMAGESTREAMS_DATA_DIR: 'memory://', LOG_LEVEL: 'error', ...env, ...(port ? { PORT: String(port) } : {}) });
}

/** Waits (bounded) until `check` holds; answers how long it took. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000, pollMs = 25): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export async function readyz(baseUrl: string): Promise<number> {
  try {
    const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
    return res.status;
  } catch {
    return 0;
  }
}

export async function createStream(gql: GraphQLClient, namespace: string, name: string): Promise<string> {
  const data = await gql.ok(CreateStreamDocument, { namespace, imageStream: { metadata: { name } } });
  return data.createImageStream.metadata.resourceVersion;
}

/** One mapping of a fresh image (named by `seed`) onto `stream:tag`; answers whether the server acknowledged it. */
export async function map(gql: GraphQLClient, namespace: string, stream: string, tag: string, seed: string): Promise<{ acked: boolean; image: string; code?: string }> {
  const img = ociImage(seed);
  try {
    const res = await gql.request(CreateMappingDocument, { namespace, mapping: { metadata: { name: stream }, tag, image: imageInput(img) } });
    if (res.data?.createImageStreamMapping && !res.errors?.length) return { acked: true, image: img.name };
    return { acked: false, image: img.name, code: res.errors?.[0]?.extensions?.code ?? `HTTP ${res.status}` };
  } catch (e) {
    return { acked: false, image: img.name, code: `transport: ${(e as Error).message}` };
  }
}

/** Runs SQL straight against the database the service uses (the system of record, not the API). */
export async function sqlRows<T>(databaseUrl: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Every image in each tag history of a stream, with how many times it occurs. */
export async function historyCounts(databaseUrl: string, namespace: string, stream: string): Promise<Map<string, number>> {
  const rows = await sqlRows<{ image: string; n: number }>(
    databaseUrl,
    `select e.image as image, count(*)::int as n from tag_events e join image_streams s on s.uid = e.stream_uid
      where s.namespace = $1 and s.name = $2 group by e.image`,
    [namespace, stream],
  );
  return new Map(rows.map((r) => [r.image, r.n]));
}

interface LoggedStream {
  metadata: { resourceVersion: string; annotations?: Record<string, string> };
  status?: { tags?: Array<{ tag: string; items?: Array<{ image: string }> }> };
}

/** What a check of "no half-written stream" compares: resourceVersion, every `tag/image` history entry, annotations. */
export interface StreamSnapshot {
  resourceVersion: string;
  events: string[];
  annotations: Record<string, string>;
}

/**
 * A stream as stored (its row and tag_events) and as its last change-log
 * row says it is. Every change is one transaction, so after any crash the
 * two are equal.
 */
export async function storedAndLogged(databaseUrl: string, namespace: string, name: string): Promise<{ stored: StreamSnapshot; logged: StreamSnapshot }> {
  const [row] = await sqlRows<{ rv: string; object: LoggedStream }>(databaseUrl, `select resource_version::text as rv, object from change_log where namespace = $1 and name = $2 order by resource_version desc limit 1`, [namespace, name]);
  const [stored] = await sqlRows<{ rv: string; annotations: Record<string, string> | null }>(databaseUrl, `select resource_version::text as rv, annotations from image_streams where namespace = $1 and name = $2`, [namespace, name]);
  const events = await sqlRows<{ k: string }>(databaseUrl, `select e.tag || '/' || e.image as k from tag_events e join image_streams s on s.uid = e.stream_uid where s.namespace = $1 and s.name = $2`, [namespace, name]);
  return {
    stored: { resourceVersion: stored.rv, events: events.map((r) => r.k).sort(), annotations: stored.annotations ?? {} },
    logged: {
      // The object's own resourceVersion must be the row's: checked by comparing both with the stored one.
      resourceVersion: row.object.metadata.resourceVersion === row.rv ? row.rv : `${row.rv} (object says ${row.object.metadata.resourceVersion})`,
      events: (row.object.status?.tags ?? []).flatMap((t) => (t.items ?? []).map((e) => `${t.tag}/${e.image}`)).sort(),
      annotations: row.object.metadata.annotations ?? {},
    },
  };
}

/** Images that a tag history points at but that were never stored (an image and its event are one transaction). */
export function orphanedEvents(databaseUrl: string): Promise<Array<{ image: string }>> {
  return sqlRows(databaseUrl, `select e.image from tag_events e left join images i on i.name = e.image where i.name is null`);
}

/**
 * A watcher that, like a Kubernetes informer, re-subscribes from the last
 * resourceVersion it saw whenever its subscription ends, so a gap can only
 * come from the server.
 */
export class ResumingWatcher {
  readonly events: WatchEventData[] = [];
  resumes = 0;
  private current?: OpenWatch;
  private stopped = false;

  constructor(private readonly baseUrl: string, private readonly namespace: string, private lastRv: string) {
    this.open();
  }

  get lastResourceVersion(): string {
    return this.lastRv;
  }

  private open(): void {
    if (this.stopped) return;
    const w = watchOverWebSocket(this.baseUrl, ADMIN_TOKEN, { namespace: this.namespace, resourceVersion: this.lastRv });
    this.current = w;
    const r = w.received;
    const origAdd = r.add.bind(r);
    r.add = (e) => {
      origAdd(e);
      if (e.type !== 'BOOKMARK') this.events.push(e);
      this.lastRv = e.resourceVersion;
    };
    let ended = false;
    const reopen = () => {
      // An ending subscription reports more than once (error, then close): resume once.
      if (ended || this.current !== w || this.stopped) return;
      ended = true;
      this.resumes++;
      void w.close().catch(() => undefined);
      // Not a timing sleep: a back-off so a down server is not hammered.
      setTimeout(() => this.open(), 100);
    };
    const origFail = r.fail.bind(r);
    r.fail = (e) => {
      origFail(e);
      reopen();
    };
    const origFinish = r.finish.bind(r);
    r.finish = () => {
      origFinish();
      reopen();
    };
    const origClosed = r.closed.bind(r);
    r.closed = (code, reason) => {
      origClosed(code, reason);
      reopen();
    };
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.current?.close().catch(() => undefined);
  }
}

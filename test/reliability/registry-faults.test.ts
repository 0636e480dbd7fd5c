import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateStreamDocument, GetStreamDocument, ImportImagesDocument } from '../generated/graphql.js';
import { ADMIN_TOKEN } from '../support/app.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { Pusher, type PushedImage } from '../support/registry/pusher.js';
import { startRegistry, type RunningRegistry } from '../support/registry/registry-server.js';
import type { ServerProcess } from '../support/server-process.js';
import { startFaultProxy, type FaultMode, type FaultProxy } from './fault-proxy.js';
import { readyz, serveOn, sqlRows, waitFor } from './harness.js';

/**
 * The registry client's bounds, as the server is started with them: one
 * request (retries, back-offs and body included) ends within REQUEST_MS; a
 * connection, the response headers and each body chunk within RESPONSE_MS;
 * resets, 5xx and 429 are retried RETRIES times after 200 ms, 400 ms
 * (Retry-After honoured up to 5 x 200 ms).
 */
const REQUEST_MS = 3_000;
const RESPONSE_MS = 1_000;
const RETRIES = 2;
/** An import of one image whose stored ping is cached needs one request (its manifest); 2 s more for GraphQL and the database on a loaded machine. */
const IMPORT_BOUND_MS = REQUEST_MS + 2_000;

const NS = 'registry-faults';

/** What the per-image failure says, by mode. */
const EXPECTED: Record<Exclude<FaultMode, 'pass' | 'hold'>, RegExp> = {
  timeout: /stopped answering|did not answer within/,
  reset: /ECONNRESET|socket|other side closed/i,
  status500: /answered 500 for the manifest after retries/,
  status429: /answered 429 for the manifest after retries/,
  digest: /content integrity error/,
  drip: new RegExp(`did not answer within ${REQUEST_MS} ms`),
};

type History = Array<{ tag: string; image: string; created: string; generation: string }>;

/** A stream's tag history as stored, newest first per tag. */
async function history(databaseUrl: string, stream: string): Promise<History> {
  return sqlRows<History[number]>(
    databaseUrl,
    `select e.tag, e.image, e.created::text as created, e.generation::text as generation from tag_events e join image_streams s on s.uid = e.stream_uid
      where s.namespace = $1 and s.name = $2 order by e.tag, e.position`,
    [NS, stream],
  );
}

/**
 * Issue 10 §3: a real registry behind a proxy that times out, resets,
 * answers 500 or 429, alters the manifest or drips it. Each import ends
 * within its bound with a per-image failure, the stream's history stays as
 * it was, the scheduled importer records the failure as a condition, the
 * server stays ready, and the next good import succeeds.
 */
describe('registry faults', () => {
  let pg: PostgresServer;
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let server: ServerProcess;
  let v1: PushedImage;
  let v2: PushedImage;

  beforeAll(async () => {
    // Each kept as soon as it runs, so afterAll stops it even if the other failed to start.
    await Promise.all([startPostgres().then((p) => (pg = p)), startRegistry().then((r) => (registry = r))]);
    const pusher = new Pusher(registry.url);
    v1 = await pusher.pushImage('faults/app', 'v1', { format: 'docker' });
    v2 = await pusher.pushImage('faults/app', 'v2', { format: 'docker' });
    await pusher.pushImage('faults/sched', 'v1', { format: 'oci' });
    proxy = await startFaultProxy(registry.url, { dripBytes: 8, dripEveryMs: 100 });
    server = await serveOn(pg.url, undefined, {
      IMAGESTREAMS_ALLOW_PRIVATE_REGISTRIES: 'true',
      IMAGESTREAMS_REGISTRY_REQUEST_TIMEOUT: `${REQUEST_MS}ms`,
      IMAGESTREAMS_REGISTRY_RESPONSE_TIMEOUT: `${RESPONSE_MS}ms`,
      IMAGESTREAMS_REGISTRY_RETRIES: String(RETRIES),
      IMAGESTREAMS_REGISTRY_RETRY_DELAY: '200ms',
      IMAGESTREAMS_BACKGROUND_IMPORTS: 'true',
      IMAGESTREAMS_SCHEDULED_IMPORT_INTERVAL: '500ms',
    });
  }, 60_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await proxy?.stop();
    await Promise.all([registry?.stop(), pg?.stop()]);
  });

  it('ends every import within its bound with a per-image failure, keeps the history, and stays up', async () => {
    const gql = new GraphQLClient(server.url, ADMIN_TOKEN);
    const importInto = (tag: string, source: string) =>
      gql.request(ImportImagesDocument, {
        namespace: NS,
        import: { metadata: { name: 'app' }, spec: { import: true, images: [{ from: { kind: 'DockerImage', name: `${proxy.host}/${source}` }, to: { name: tag }, importPolicy: { insecure: true } }] } },
      });
    const schedTag = async () => (await gql.ok(GetStreamDocument, { namespace: NS, name: 'sched' })).imageStream?.status.tags?.find((t) => t.tag === 'v1');

    // Something good first: the history the faults must not touch.
    const first = await importInto('v1', 'faults/app:v1');
    expect(first.errors).toBeUndefined();
    expect(first.data!.importImages.status.images![0].status.status).toBe('Success');
    await gql.ok(CreateStreamDocument, {
      namespace: NS,
      imageStream: { metadata: { name: 'sched' }, spec: { tags: [{ name: 'v1', from: { kind: 'DockerImage', name: `${proxy.host}/faults/sched:v1` }, importPolicy: { insecure: true, scheduled: true } }] } },
    });
    await waitFor('the scheduled tag imported once', async () => Boolean((await schedTag())?.items?.length));
    const appBefore = await history(pg.url, 'app');
    const schedBefore = await history(pg.url, 'sched');
    expect(appBefore.map((e) => e.image)).toEqual([v1.digest]);
    expect(schedBefore).toHaveLength(1);

    const figures: Array<{ mode: string; importMs: number; attempts: number; scheduledFailureAfterMs: number }> = [];
    for (const [mode, message] of Object.entries(EXPECTED) as Array<[keyof typeof EXPECTED, RegExp]>) {
      proxy.mode = mode;
      const attemptsBefore = proxy.count('/faults/app/');
      const started = Date.now();
      // v2 into tag v1: had it succeeded, the history would have a new event.
      const pending = importInto('v1', 'faults/app:v2');
      // The service answers others while the import hangs on the registry.
      expect(await readyz(server.url)).toBe(200);
      const res = await pending;
      const importMs = Date.now() - started;
      expect(res.errors, mode).toBeUndefined();
      const status = res.data!.importImages.status.images![0].status;
      expect({ mode, status: status.status, reason: status.reason }).toEqual({ mode, status: 'Failure', reason: 'InternalError' });
      expect(status.message, mode).toMatch(message);
      expect(importMs, `${mode} import time`).toBeLessThan(IMPORT_BOUND_MS);
      expect(await history(pg.url, 'app'), mode).toEqual(appBefore);
      // The stream records the failure as a condition on the tag, with its history.
      const tag = res.data!.importImages.status.import!.status.tags!.find((t) => t.tag === 'v1')!;
      expect(tag.items!.map((i) => i.imageName)).toEqual([v1.digest]);
      expect(tag.conditions?.[0]).toMatchObject({ type: 'ImportSuccess', status: 'False', reason: 'InternalError' });

      // The scheduled importer meets the same fault and records it, history untouched.
      const scheduledFailureAfterMs = await waitFor(`the scheduled import to fail with ${mode}`, async () => message.test((await schedTag())?.conditions?.[0]?.message ?? ''), 20_000);
      expect(await history(pg.url, 'sched'), mode).toEqual(schedBefore);
      expect(await readyz(server.url)).toBe(200);
      // Resets, 5xx and 429 are retried, within the budget; the rest fail at the first answer.
      const attempts = proxy.count('/faults/app/') - attemptsBefore;
      expect(attempts, `${mode} attempts`).toBe(['reset', 'status500', 'status429'].includes(mode) ? 1 + RETRIES : 1);
      figures.push({ mode, importMs, attempts, scheduledFailureAfterMs });
    }

    // Fault removed: the next import succeeds and adds to the history the faults left intact.
    proxy.mode = 'pass';
    const good = await importInto('v1', 'faults/app:v2');
    expect(good.data!.importImages.status.images![0].status.status).toBe('Success');
    const after = await history(pg.url, 'app');
    expect(after.map((e) => e.image).sort()).toEqual([v1.digest, v2.digest].sort());
    expect(after).toEqual(expect.arrayContaining(appBefore));
    const recovered = await waitFor('the scheduled import to succeed again', async () => !(await schedTag())?.conditions?.length, 20_000);
    // The same image again: no new event; the reference collapses it into the newest one, whose generation moves on.
    const eventOf = (h: History) => h.map(({ tag, image, created }) => ({ tag, image, created }));
    expect(eventOf(await history(pg.url, 'sched'))).toEqual(eventOf(schedBefore));
    expect(server.child.exitCode).toBeNull();
    console.log(JSON.stringify({ scenario: 'registry-faults', requestTimeoutMs: REQUEST_MS, responseTimeoutMs: RESPONSE_MS, retries: RETRIES, importBoundMs: IMPORT_BOUND_MS, figures, scheduledRecoveredAfterMs: recovered, historyKept: true }));
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateStreamDocument, ImportImagesDocument } from '../generated/graphql.js';
import { ADMIN_TOKEN } from '../support/app.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { Pusher, type PushedImage } from '../support/registry/pusher.js';
import { startRegistry, type RunningRegistry } from '../support/registry/registry-server.js';
import type { ServerProcess } from '../support/server-process.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { orphanedEvents, serveOn, sqlRows, storedAndLogged, waitFor } from './harness.js';

const IMAGES = 8;
const IMPORTERS = 6;
const IMPORT_STREAMS = ['a', 'b', 'c'];
const SCHEDULED_STREAMS = 10;
/** A crashed replica's jobs wait this long before another replica takes them. */
const LEASE_S = 2;

/** Background imports on; scheduled ones every hour, so a cycle runs only when the test makes it due. */
const ENV = {
  IMAGESTREAMS_ALLOW_PRIVATE_REGISTRIES: 'true',
  IMAGESTREAMS_BACKGROUND_IMPORTS: 'true',
  IMAGESTREAMS_SCHEDULED_IMPORT_INTERVAL: '1h',
  IMAGESTREAMS_IMPORT_LEASE: `${LEASE_S}s`,
  IMAGESTREAMS_REGISTRY_REQUEST_TIMEOUT: '20s',
};

/**
 * Issue 10 §4: the server killed with SIGKILL while imports run. Direct
 * imports (GraphQL importImages) leave no half-written stream and lose no
 * acknowledged import; a scheduled cycle cut by the kill resumes after the
 * restart (two replicas) and runs every due import exactly once.
 */
describe('crash during imports', () => {
  let pg: PostgresServer;
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  const servers: ServerProcess[] = [];
  const images: PushedImage[] = [];

  beforeAll(async () => {
    // Each kept as soon as it runs, so afterAll stops it even if the other failed to start.
    await Promise.all([startPostgres({ durable: true }).then((p) => (pg = p)), startRegistry().then((r) => (registry = r))]);
    const pusher = new Pusher(registry.url);
    for (let i = 0; i < IMAGES; i++) images.push(await pusher.pushImage(`crash/img-${i}`, 'v1', { format: 'docker' }));
    for (let i = 0; i < SCHEDULED_STREAMS; i++) await pusher.pushImage(`crash/sched-${i}`, 'v1', { format: 'oci' });
    proxy = await startFaultProxy(registry.url);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    await proxy?.stop();
    await Promise.all([registry?.stop(), pg?.stop()]);
  });

  const serve = async (port?: number) => {
    const s = await serveOn(pg.url, port, ENV);
    servers.push(s);
    return s;
  };
  const kill = async (s: ServerProcess) => {
    s.child.kill('SIGKILL');
    await s.exited;
  };

  it('keeps every acknowledged import and leaves no half-written stream after SIGKILL', async () => {
    const NS = 'crash-imports';
    let server = await serve();
    const gql = new GraphQLClient(server.url, ADMIN_TOKEN);
    const acked: Array<{ stream: string; tag: string; image: string }> = [];
    let sent = 0;
    const failures = new Map<string, number>();
    const fail = (why: string) => failures.set(why, (failures.get(why) ?? 0) + 1);
    let inFlight = 0;
    let stop = false;
    const importer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const stream = IMPORT_STREAMS[(w + i) % IMPORT_STREAMS.length];
        const img = images[(w * 3 + i) % IMAGES];
        const tag = `w${w}-${i}`;
        sent++;
        inFlight++;
        try {
          const res = await gql.request(ImportImagesDocument, {
            namespace: NS,
            import: { metadata: { name: stream }, spec: { import: true, images: [{ from: { kind: 'DockerImage', name: `${proxy.host}/${img.repository}:v1` }, to: { name: tag }, importPolicy: { insecure: true } }] } },
          });
          if (!res.errors?.length && res.data?.importImages.status.images?.[0]?.status.status === 'Success') acked.push({ stream, tag, image: img.digest });
          else fail(res.errors?.[0]?.extensions?.code ?? res.errors?.[0]?.message ?? res.data?.importImages.status.images?.[0]?.status.message ?? 'unknown');
        } catch (e) {
          fail(`transport: ${(e as Error).message}`); // cut off by the kill
        } finally {
          inFlight--;
        }
      }
    };
    const importers = Array.from({ length: IMPORTERS }, (_, w) => importer(w));
    await waitFor('imports in full flight', () => acked.length >= 40, 60_000);
    const inFlightAtKill = inFlight;
    const manifestRequestsAtKill = proxy.count('/manifests/');
    stop = true; // no new import starts; those in flight are cut off by the kill
    await kill(server);
    await Promise.all(importers);
    // Only the kill made imports fail: every failure is a cut connection, none an answer of the service.
    expect([...failures.keys()].filter((why) => !why.startsWith('transport:'))).toEqual([]);

    const restartedAt = Date.now();
    server = await serve(Number(new URL(server.url).port));
    const restartMs = Date.now() - restartedAt;

    for (const stream of IMPORT_STREAMS) {
      const { stored, logged } = await storedAndLogged(pg.url, NS, stream);
      expect(stored).toEqual(logged);
      // Every acknowledged import's event is there, once.
      const lost = acked.filter((a) => a.stream === stream && stored.events.filter((e) => e === `${a.tag}/${a.image}`).length !== 1);
      expect(lost).toEqual([]);
    }
    expect(await orphanedEvents(pg.url)).toEqual([]);

    // The restarted service imports again.
    const after = await new GraphQLClient(server.url, ADMIN_TOKEN).ok(ImportImagesDocument, {
      namespace: NS,
      import: { metadata: { name: 'a' }, spec: { import: true, images: [{ from: { kind: 'DockerImage', name: `${proxy.host}/${images[0].repository}:v1` }, to: { name: 'after' }, importPolicy: { insecure: true } }] } },
    });
    expect(after.importImages.status.images![0].status.status).toBe('Success');
    expect(inFlightAtKill).toBeGreaterThan(0);
    await kill(server);
    console.log(JSON.stringify({ scenario: 'crash-imports', importers: IMPORTERS, sent, acked: acked.length, foundAfterRestart: acked.length, failedOrCutOff: Object.fromEntries(failures), inFlightAtKill, manifestRequestsAtKill, restartMs }));
  }, 120_000);

  it('resumes a scheduled cycle cut by SIGKILL and runs each due import exactly once', async () => {
    const NS = 'crash-scheduled';
    const first = await serve();
    const gql = new GraphQLClient(first.url, ADMIN_TOKEN);
    const names = Array.from({ length: SCHEDULED_STREAMS }, (_, i) => `sched-${i}`);
    for (const [i, name] of names.entries()) {
      await gql.ok(CreateStreamDocument, {
        namespace: NS,
        imageStream: { metadata: { name }, spec: { tags: [{ name: 'v1', from: { kind: 'DockerImage', name: `${proxy.host}/crash/sched-${i}:v1` }, importPolicy: { insecure: true, scheduled: true } }] } },
      });
    }
    const jobs = () =>
      sqlRows<{ name: string; kind: string; later: boolean; leased: boolean }>(
        pg.url,
        `select name, kind, due_at > now() + interval '30 minutes' as later, coalesce(lease_until > now(), false) as leased from import_jobs where namespace = $1 order by name`,
        [NS],
      );
    // Each stream imported once by the spec-tag controller, and its next scheduled import an hour away.
    await waitFor('every scheduled tag imported and scheduled', async () => {
      const j = await jobs();
      return j.length === SCHEDULED_STREAMS && j.every((x) => x.kind === 'scheduled' && x.later);
    }, 60_000);
    const manifests = (i: number) => proxy.count(`/crash/sched-${i}/manifests/`);
    const before = names.map((_, i) => manifests(i));
    expect(before.every((n) => n === 1)).toBe(true);

    // The cycle falls due (as if the hour had passed); the registry holds the manifests so imports stay in flight.
    proxy.only = '/crash/sched-';
    proxy.mode = 'hold';
    await sqlRows(pg.url, `update import_jobs set due_at = now() where namespace = $1 and kind = 'scheduled'`, [NS]);
    await waitFor('a batch of scheduled imports in flight', () => proxy.held === 5, 20_000);
    // Two finish before the crash; three are cut off by it; the other five were not started.
    expect(proxy.release(2)).toBe(2);
    await waitFor('two imports of the cycle done', async () => (await jobs()).filter((j) => j.later).length === 2, 20_000);
    const doneBeforeKill = new Set((await jobs()).filter((j) => j.later).map((j) => j.name));
    const atKill = names.map((_, i) => manifests(i));
    await kill(first);
    proxy.drop();
    proxy.mode = 'pass';

    // Two replicas after the restart: each due import must run on exactly one of them, once.
    const restartedAt = Date.now();
    const replicas = await Promise.all([serve(Number(new URL(first.url).port)), serve()]);
    const resumeMs = await waitFor('every import of the cycle done', async () => {
      const j = await jobs();
      return j.length === SCHEDULED_STREAMS && j.every((x) => x.later && !x.leased);
    }, 30_000);
    // Rescheduled an hour away and released: nothing of this cycle can run again, so the counts are final.
    const runsAfterRestart = names.map((_, i) => manifests(i) - atKill[i]);
    const expected = names.map((n) => (doneBeforeKill.has(n) ? 0 : 1));
    expect(runsAfterRestart).toEqual(expected);
    // Over the whole cycle, every stream got exactly one completed import (the cut-off ones' requests were never answered).
    const completed = names.map((n, i) => (doneBeforeKill.has(n) ? 1 : 0) + runsAfterRestart[i]);
    expect(completed).toEqual(names.map(() => 1));
    for (const name of names) {
      const { stored, logged } = await storedAndLogged(pg.url, NS, name);
      expect(stored).toEqual(logged);
      expect(stored.events).toHaveLength(1);
    }
    await Promise.all(replicas.map(kill));
    console.log(JSON.stringify({
      scenario: 'crash-scheduled-imports',
      streams: SCHEDULED_STREAMS,
      leaseSeconds: LEASE_S,
      doneBeforeKill: doneBeforeKill.size,
      inFlightAtKill: atKill.reduce((a, n, i) => a + n - before[i], 0) - doneBeforeKill.size,
      notStartedAtKill: SCHEDULED_STREAMS - (atKill.reduce((a, n, i) => a + n - before[i], 0)),
      replicasAfterRestart: replicas.length,
      runsAfterRestart: runsAfterRestart.reduce((a, b) => a + b, 0),
      cycleDoneAfterRestartMs: Date.now() - restartedAt,
      resumeWaitMs: resumeMs,
    }));
  }, 120_000);
});

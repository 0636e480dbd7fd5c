import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CreateStreamDocument } from '../generated/graphql.js';
import { ADMIN_TOKEN } from '../support/app.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { freePort, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import type { ServerProcess } from '../support/server-process.js';
import { watchOverWebSocket, type OpenWatch } from '../support/watch-client.js';
import type { DriverInput, DriverOutput } from './load-driver.js';
import { historyCounts, serveOn, sqlRows, waitFor } from './harness.js';

const NAMESPACES = ['load-0', 'load-1', 'load-2', 'load-3', 'load-4'];
const STREAMS = ['a', 'b'];
const SUBSCRIBERS = 500;
const DURATION_S = Number(process.env.RELIABILITY_LOAD_SECONDS ?? 20);
const READ_RATE = 150;
const WRITE_RATE = 25;
/** How often the server's memory is read while the load runs. */
const SAMPLE_MS = 1_000;
/** An annotation on every stream: each copy of a stream the server keeps costs at least this. */
const PADDING_BYTES = 8 * 1024;
/**
 * Memory is stable when the heap left after a full garbage collection (read
 * through the inspector: `HeapProfiler.collectGarbage`, then
 * `Runtime.getHeapUsage`) grows by less than this per acknowledged write
 * from the middle third of the run to the last (the first is warm-up). Each
 * third is represented by its smallest sample: what is in flight when a
 * sample is taken only adds to it, so the minimum is what the server keeps.
 * Keeping one copy of the written stream per write costs more than
 * PADDING_BYTES.
 */
const MAX_HEAP_BYTES_PER_WRITE = 12 * 1024;
/** What the minimum of a third still varies by from run to run: growth below it is not read as a leak (it matters only when few writes got through). */
const HEAP_JITTER_BYTES = 768 * 1024;
/** RSS includes what the allocator keeps: only a gross bound, after the first third. */
const RSS_GROWTH_FACTOR = 1.5;

const DRIVER = fileURLToPath(new URL('./load-driver.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function metric(baseUrl: string, names: string[]): Promise<Record<string, number>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const name of names) {
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
    if (m) out[name] = Number(m[1]);
  }
  return out;
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The server's V8 inspector (it runs with --inspect): a full GC, then the heap in use. */
async function inspector(port: number): Promise<{ heapAfterGc(): Promise<number>; close(): void }> {
  const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let id = 0;
  const pending = new Map<number, (result: Record<string, number>) => void>();
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as { id?: number; result?: Record<string, number> };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result ?? {});
  });
  const call = (method: string) =>
    new Promise<Record<string, number>>((resolve) => {
      const n = ++id;
      pending.set(n, resolve);
      ws.send(JSON.stringify({ id: n, method }));
    });
  return {
    heapAfterGc: async () => {
      await call('HeapProfiler.collectGarbage');
      return (await call('Runtime.getHeapUsage')).usedSize;
    },
    close: () => ws.close(),
  };
}

/** Runs the load generator as its own process; resolves with what it printed last. */
function drive(input: DriverInput): Promise<DriverOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', DRIVER, JSON.stringify(input)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`load driver exited with ${code}:\n${err}\n${out}`));
      else resolve(JSON.parse(last) as DriverOutput);
    });
  });
}

/**
 * Issue 10 §6: a sustained mixed load from a second process (autocannon:
 * reads over GraphQL and REST, mapping writes over GraphQL) while 500
 * graphql-ws subscribers watch their namespaces.
 */
describe('sustained mixed load', () => {
  let pg: PostgresServer;
  let server: ServerProcess;
  let inspectPort: number;

  beforeAll(async () => {
    pg = await startPostgres();
    inspectPort = await freePort();
    server = await serveOn(pg.url, undefined, { NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}` });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await pg?.stop();
  });

  it('answers without errors, delivers every event to 500 subscribers, and keeps memory flat', async () => {
    const gql = new GraphQLClient(server.url, ADMIN_TOKEN);
    let startRv = '0';
    // Each stream carries PADDING_BYTES of annotation, so every copy of a stream the server holds on to weighs that much.
    for (const ns of NAMESPACES) {
      for (const name of STREAMS) {
        const created = await gql.ok(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name, annotations: { 'load.test/padding': 'x'.repeat(PADDING_BYTES) } } } });
        startRv = created.createImageStream.metadata.resourceVersion;
      }
    }

    const watchers: Array<{ namespace: string; watch: OpenWatch }> = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const namespace = NAMESPACES[i % NAMESPACES.length];
      watchers.push({ namespace, watch: watchOverWebSocket(server.url, ADMIN_TOKEN, { namespace, resourceVersion: startRv }) });
    }
    const subscribedMs = await waitFor('500 subscriptions open on the server', async () => (await metric(server.url, ['imagestreams_watch_subscriptions'])).imagestreams_watch_subscriptions === SUBSCRIBERS, 60_000, 100);

    const heap = await inspector(inspectPort);
    const samples: Array<{ at: number; writes: number; rss: number; heap: number }> = [];
    const started = Date.now();
    let sampling = true;
    // Sampling runs back to back at its own cadence while the load runs: the one timer of this test.
    const sampler = (async () => {
      while (sampling) {
        const at = Date.now();
        const [h, m, w] = await Promise.all([heap.heapAfterGc(), metric(server.url, ['process_resident_memory_bytes']), sqlRows<{ n: number }>(pg.url, `select count(*)::int as n from tag_events`)]);
        samples.push({ at: at - started, writes: w[0].n, rss: m.process_resident_memory_bytes, heap: h });
        await new Promise((r) => setTimeout(r, Math.max(0, SAMPLE_MS - (Date.now() - at))));
      }
    })();
    let output: DriverOutput;
    try {
      output = await drive({ url: server.url, token: ADMIN_TOKEN, namespaces: NAMESPACES, streams: STREAMS, durationSeconds: DURATION_S, readRate: READ_RATE, writeRate: WRITE_RATE, runId: `load-${Date.now()}` });
    } finally {
      sampling = false;
      await sampler;
      heap.close();
    }
    const loadMs = Date.now() - started;
    if (process.env.RELIABILITY_LOAD_DEBUG) console.log(JSON.stringify({ reads: output.reads, writes: output.writes, acked: output.acked.length, samples }));

    // No errors: every answer 2xx, every GraphQL body without errors, no failed connection.
    for (const [kind, f] of [['reads', output.reads], ['writes', output.writes]] as const) {
      expect({ kind, non2xx: f.non2xx, transportErrors: f.transportErrors, badAnswers: f.badAnswers }).toEqual({ kind, non2xx: 0, transportErrors: 0, badAnswers: {} });
    }
    expect(output.reads.requests).toBeGreaterThan(READ_RATE * DURATION_S * 0.1);
    expect(output.acked.length).toBeGreaterThan(WRITE_RATE * DURATION_S * 0.1);

    // Every acknowledged mapping is in its history, once.
    let found = 0;
    for (const ns of NAMESPACES) {
      for (const s of STREAMS) {
        const history = await historyCounts(pg.url, ns, s);
        for (const a of output.acked.filter((x) => x.namespace === ns && x.stream === s)) if (history.get(a.image) === 1) found++;
      }
    }
    expect(found).toBe(output.acked.length);

    // Every subscriber: exactly its namespace's change-log rows since it started, in order.
    const expected = new Map<string, string[]>();
    for (const ns of NAMESPACES) {
      const rows = await sqlRows<{ rv: string }>(pg.url, `select resource_version::text as rv from change_log where namespace = $1 and resource_version > $2 order by resource_version`, [ns, startRv]);
      expected.set(ns, rows.map((r) => r.rv));
    }
    const drainMs = await waitFor('every subscriber to receive its namespace\'s last change', () => watchers.every(({ namespace, watch }) => watch.received.changes.at(-1)?.resourceVersion === expected.get(namespace)!.at(-1)), 60_000, 100);
    const behind = watchers.filter(({ namespace, watch }) => watch.received.errors.length > 0 || watch.received.closeCode !== undefined || watch.received.changes.map((e) => e.resourceVersion).join() !== expected.get(namespace)!.join());
    expect(behind.length).toBe(0);
    const deliveries = watchers.reduce((a, w) => a + w.watch.received.changes.length, 0);

    // Memory: the heap after GC per write from the middle third to the last (the first is warm-up); RSS likewise.
    expect(samples.length).toBeGreaterThanOrEqual(9);
    const third = Math.floor(samples.length / 3);
    const [middle, last] = [samples.slice(third, 2 * third), samples.slice(2 * third)];
    const writesBetween = median(last.map((s) => s.writes)) - median(middle.map((s) => s.writes));
    expect(writesBetween).toBeGreaterThan(0);
    const heapGrowth = Math.min(...last.map((s) => s.heap)) - Math.min(...middle.map((s) => s.heap));
    const heapPerWrite = heapGrowth / writesBetween;
    expect(heapGrowth).toBeLessThan(Math.max(MAX_HEAP_BYTES_PER_WRITE * writesBetween, HEAP_JITTER_BYTES));
    const rss = { afterWarmUp: median(middle.map((s) => s.rss)), last: median(last.map((s) => s.rss)) };
    expect(rss.last).toBeLessThan(rss.afterWarmUp * RSS_GROWTH_FACTOR);

    await Promise.all(watchers.map((w) => w.watch.close()));
    expect(server.child.exitCode).toBeNull();
    const mib = (b: number) => Math.round((b / 1048576) * 10) / 10;
    console.log(JSON.stringify({
      scenario: 'load',
      durationS: DURATION_S,
      loadMs,
      subscribers: SUBSCRIBERS,
      subscribedMs,
      reads: output.reads,
      writes: { ...output.writes, acked: output.acked.length, found },
      deliveries,
      drainMs,
      memory: {
        samples: samples.length,
        heapAfterGcMiB: samples.map((s) => mib(s.heap)),
        heapBytesPerWrite: Math.round(heapPerWrite),
        writesBetweenThirds: writesBetween,
        rssMiB: { afterWarmUp: mib(rss.afterWarmUp), last: mib(rss.last), max: mib(Math.max(...samples.map((s) => s.rss))) },
      },
    }));
  }, 180_000);
});

/**
 * bench/watch: subscribers spread over two replicas on one real Postgres.
 * Measures, per scenario: latency from a mutation's response to each
 * delivery (p50/p99), sustained deliveries per second under concurrent
 * writes, and resident memory per open subscription on the replicas.
 *
 *   node --import tsx bench/watch/run.ts [subscriberCounts=100,1000] [--out BENCHMARKS.md]
 *
 * The clients run in this one process, so its event loop is part of every
 * number: treat them as an upper bound on what the server costs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createDatabase, startPostgres } from '../../test/support/postgres-server.js';
import { startReplica, type Replica } from '../../test/support/replica.js';

const TOKEN = 'bench-admin-token-0123456789abcdef';
/** Scaled with the subscriber count so each scenario delivers a similar number of events. */
const latencyWrites = (subscribers: number) => Math.max(30, Math.round(20_000 / subscribers));
const loadWrites = (subscribers: number) => Math.max(60, Math.round(60_000 / subscribers));
const LOAD_CONCURRENCY = 8;

interface Delivery {
  rv: number;
  at: number;
}

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

async function gql(url: string, query: string, variables: Record<string, unknown>): Promise<{ rv: number; at: number }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, { metadata: { resourceVersion: string } }>; errors?: unknown };
  const at = performance.now();
  if (!body.data) throw new Error(`write failed: ${JSON.stringify(body.errors)}`);
  return { rv: Number(Object.values(body.data)[0].metadata.resourceVersion), at };
}

const CREATE = 'mutation($ns: String!, $n: String!) { createImageStream(namespace: $ns, imageStream: { metadata: { name: $n } }) { metadata { resourceVersion } } }';
const PATCH = 'mutation($ns: String!, $n: String!, $p: JSON!) { patchImageStream(namespace: $ns, name: $n, patch: $p) { metadata { resourceVersion } } }';
const WATCH = 'subscription($ns: String) { watchImageStreams(namespace: $ns) { type resourceVersion object { metadata { name resourceVersion labels } } } }';

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function until(cond: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function scenario(serverUrl: string, subscribers: number) {
  const LATENCY_WRITES = latencyWrites(subscribers);
  const LOAD_WRITES = loadWrites(subscribers);
  const url = await createDatabase(serverUrl, `bench_${subscribers}_${Date.now()}`);
  const env = { DATABASE_URL: url, IMAGESTREAMS_BOOTSTRAP_TOKEN: TOKEN, LOG_LEVEL: 'warn', IMAGESTREAMS_WATCH_BOOKMARK_INTERVAL: '1h', DATABASE_POOL_SIZE: '20' };
  const replicas: Replica[] = [await startReplica(env)];
  replicas.push(await startReplica(env));
  const clients: Client[] = [];
  try {
    const ns = 'bench';
    await gql(replicas[0].url, CREATE, { ns, n: 'target' });
    // One stream per concurrent writer: the load phase measures fan-out, not optimistic-lock retries.
    for (let w = 0; w < LOAD_CONCURRENCY; w++) await gql(replicas[0].url, CREATE, { ns, n: `w${w}` });
    await new Promise((r) => setTimeout(r, 500)); // let the replicas settle after start
    const rssBefore = replicas.map((r) => rssKiB(r.child.pid!));

    const deliveries: Delivery[][] = [];
    for (let i = 0; i < subscribers; i++) {
      const replica = replicas[i % 2];
      const mine: Delivery[] = [];
      deliveries.push(mine);
      const client = createClient({ url: `${replica.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${TOKEN}` }, retryAttempts: 0 });
      clients.push(client);
      client.subscribe<{ watchImageStreams: { resourceVersion: string } }>(
        { query: WATCH, variables: { ns } },
        { next: (r) => r.data && mine.push({ rv: Number(r.data.watchImageStreams.resourceVersion), at: performance.now() }), error: () => undefined, complete: () => undefined },
      );
    }
    await until(() => deliveries.every((d) => d.length >= 1 + LOAD_CONCURRENCY), 'every subscriber got its ADDED events');
    global.gc?.();
    await new Promise((r) => setTimeout(r, 300));
    const rssAfter = replicas.map((r) => rssKiB(r.child.pid!));
    const perConnectionKiB = (rssAfter[0] + rssAfter[1] - rssBefore[0] - rssBefore[1]) / subscribers;

    // Latency: one write at a time, alternating replicas.
    const responded = new Map<number, number>();
    for (let i = 0; i < LATENCY_WRITES; i++) {
      const { rv, at } = await gql(replicas[i % 2].url, PATCH, { ns, n: 'target', p: { metadata: { labels: { i: String(i) } } } });
      responded.set(rv, at);
    }
    const lastLatencyRv = Math.max(...responded.keys());
    await until(() => deliveries.every((d) => d.length && d[d.length - 1].rv >= lastLatencyRv), 'latency-phase deliveries');
    const latencies: number[] = [];
    for (const d of deliveries) for (const e of d) if (responded.has(e.rv)) latencies.push(Math.max(0, e.at - responded.get(e.rv)!));
    latencies.sort((a, b) => a - b);

    // Throughput: concurrent writers on both replicas; deliveries per second until all arrived.
    const before = deliveries.reduce((n, d) => n + d.length, 0);
    const t0 = performance.now();
    let next = 0;
    let lastRv = 0;
    await Promise.all(
      Array.from({ length: LOAD_CONCURRENCY }, async (_, w) => {
        while (next < LOAD_WRITES) {
          const i = next++;
          const { rv } = await gql(replicas[(i + w) % 2].url, PATCH, { ns, n: `w${w}`, p: { metadata: { labels: { j: String(i) } } } });
          lastRv = Math.max(lastRv, rv);
        }
      }),
    );
    const writesDone = performance.now();
    await until(() => deliveries.every((d) => d.length && d[d.length - 1].rv >= lastRv), 'load-phase deliveries');
    const t1 = performance.now();
    const delivered = deliveries.reduce((n, d) => n + d.length, 0) - before;
    return {
      subscribers,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      samples: latencies.length,
      writesPerSecond: LOAD_WRITES / ((writesDone - t0) / 1000),
      eventsPerSecond: delivered / ((t1 - t0) / 1000),
      perConnectionKiB,
    };
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all(replicas.map((r) => r.stop()));
  }
}

const counts = (process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : '100,1000').split(',').map(Number);
const outIndex = process.argv.indexOf('--out');
const server = await startPostgres();
const rows: string[] = [];
try {
  for (const n of counts) {
    const r = await scenario(server.url, n);
    console.log(JSON.stringify(r));
    rows.push(
      `| ${r.subscribers} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.samples} | ${Math.round(r.writesPerSecond)} | ${Math.round(r.eventsPerSecond)} | ${r.perConnectionKiB.toFixed(1)} |`,
    );
  }
} finally {
  await server.stop();
}
const table = [
  '| subscribers (2 replicas) | p50 ms | p99 ms | latency samples | writes/s (8 writers) | deliveries/s | replica RSS per subscription (KiB) |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
].join('\n');
console.log(table);
if (outIndex > 0) {
  const file = process.argv[outIndex + 1] ?? 'BENCHMARKS.md';
  const section = `## watch (\`npm run bench:watch\`)\n\nRun ${new Date().toISOString()} on ${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), Postgres from the system binaries, two replicas as separate processes, every subscriber its own graphql-ws connection to one of them (half each). Latency: from the HTTP response of a mutation (20,000/subscribers of them (at least 30), one at a time, alternating replicas) to each subscriber's delivery. Deliveries/s: 60,000/subscribers patches (at least 60) by ${LOAD_CONCURRENCY} concurrent writers on both replicas, counted until every subscriber had the last one. Memory: replicas' RSS growth divided by the subscriptions opened. The clients share one process with the load generator.\n\n${table}\n`;
  let existing = '';
  try {
    existing = readFileSync(file, 'utf8');
  } catch {
    existing = '# Benchmarks\n\n';
  }
  const updated = existing.includes('## watch (') ? existing.replace(/## watch \(`npm run bench:watch`\)[\s\S]*?(?=\n## |$)/, section) : `${existing.trimEnd()}\n\n${section}`;
  writeFileSync(file, updated);
}

/**
 * bench/watch: watchImageStreams subscribers on one replica and across two
 * (separate processes on one real Postgres), each subscriber its own
 * graphql-ws connection, held by client worker processes (clients.ts).
 *
 *   npm run bench:watch                                   # 1,000 and 10,000 subscribers, 1 and 2 replicas; writes BENCHMARKS.md
 *   node --import tsx bench/watch/run.ts --smoke --out /tmp/watch.md   # 20 subscribers, seconds; writes only /tmp/watch.md
 *
 * Options: `--subscribers 1000,10000`, `--replicas 1,2`, `--out <file>`
 * (default BENCHMARKS.md; the section is replaced in place), `--smoke`
 * (prints only, unless `--out` is given),
 * `--server-root <dir>` (run another checkout's server, e.g. to measure
 * before/after a change), `--cpu-prof <dir>` (replicas write V8 CPU
 * profiles there), `--no-write` (print only).
 *
 * Per scenario, on a fresh database:
 * - writer throughput without watchers: 8 concurrent writers for a few
 *   seconds (patches, each writer its own stream);
 * - memory: heap after a full GC (forced through the replica's inspector,
 *   read from /metrics `nodejs_heap_size_used_bytes`) and RSS, before and
 *   after opening the subscriptions, divided by their number;
 * - latency: paced writes (the next once every subscriber has the
 *   previous), from the mutation's HTTP response to each subscriber's
 *   receipt of the event;
 * - writer throughput with the watchers receiving every write, and the
 *   deliveries per second until every subscriber had the last write.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createDatabase, freePort, startPostgres } from '../../test/support/postgres-server.js';
import { BENCH_TOKEN } from '../lib/environment.js';
import { writeSection } from '../lib/report.js';
import type { FromWorker, ToWorker } from './clients.js';

// ---- options ---------------------------------------------------------------

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  // The last occurrence wins: `npm run bench:watch -- --out x` overrides the script's own.
  const i = argv.lastIndexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const smoke = argv.includes('--smoke');
const list = (s: string | undefined, fallback: number[]) => (s ? s.split(',').map(Number) : fallback);
const counts = list(opt('--subscribers'), smoke ? [20] : [1000, 10_000]);
const topologies = list(opt('--replicas'), [1, 2]);
// A smoke run writes only where it is told to: never over the last real figures.
const out = argv.includes('--no-write') || (smoke && !opt('--out')) ? undefined : resolve(opt('--out') ?? fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url)));
const serverRoot = resolve(opt('--server-root') ?? fileURLToPath(new URL('../..', import.meta.url)));
const cpuProfDir = opt('--cpu-prof');

const WRITERS = 8;
const WRITE_SECONDS = smoke ? 0.5 : 5;
const latencyWrites = (n: number) => (smoke ? 5 : n >= 10_000 ? 20 : 40);
const PER_WORKER = 2500;
const NS = 'bench';
/** Written while the subscribers watch NS: the notification path runs (log read, filter), nothing is delivered. */
const OTHER_NS = 'bench-other';
const now = () => performance.timeOrigin + performance.now();

const CREATE = 'mutation($ns: String!, $n: String!) { createImageStream(namespace: $ns, imageStream: { metadata: { name: $n } }) { metadata { resourceVersion } } }';
const PATCH = 'mutation($ns: String!, $n: String!, $p: JSON!) { patchImageStream(namespace: $ns, name: $n, patch: $p) { metadata { resourceVersion } } }';
const WATCH = 'subscription($ns: String) { watchImageStreams(namespace: $ns) { type resourceVersion object { metadata { name labels } } } }';

// ---- the server side -------------------------------------------------------

interface Replica {
  url: string;
  child: ChildProcess;
  inspector: string;
  stop(): Promise<void>;
}

async function startReplica(env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const flags = ['--inspect=127.0.0.1:0', ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(cpuProfDir)}`] : []), '--import', 'tsx', 'src/main.ts'];
  const child = spawn(process.execPath, flags, {
    cwd: serverRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`replica exited with ${child.exitCode}:\n${stderr}`);
    const ready = await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`replica not ready:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const inspector = /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.exec(stderr)?.[0] ?? '';
  return {
    url,
    child,
    inspector,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A full GC in the replica (through its inspector), then its heap in use as /metrics reports it, in bytes. */
async function heapAfterGc(r: Replica): Promise<number> {
  if (r.inspector) {
    const ws = new WebSocket(r.inspector);
    await new Promise((ok, fail) => {
      ws.once('open', ok);
      ws.once('error', fail);
    });
    for (let i = 1; i <= 2; i++) {
      ws.send(JSON.stringify({ id: i, method: 'HeapProfiler.collectGarbage' }));
      await new Promise<void>((ok) => ws.on('message', (d: Buffer) => JSON.parse(d.toString()).id === i && ok()));
    }
    ws.close();
  }
  const text = await (await fetch(`${r.url}/metrics`)).text();
  return Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1] ?? NaN);
}

const rssBytes = (r: Replica) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${r.child.pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;

async function gql(url: string, query: string, variables: Record<string, unknown>): Promise<{ rv: number; at: number }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, { metadata: { resourceVersion: string } }>; errors?: unknown };
  const at = now();
  if (!body.data) throw new Error(`write failed: ${JSON.stringify(body.errors)}`);
  return { rv: Number(Object.values(body.data)[0].metadata.resourceVersion), at };
}

/** `WRITERS` concurrent writers, each patching its own stream in `ns`, alternating replicas, for `seconds`. */
async function writeLoad(replicas: Replica[], seconds: number, tag: string, ns = NS): Promise<{ writesPerSecond: number; lastRv: number; count: number }> {
  const end = performance.now() + seconds * 1000;
  let count = 0;
  let lastRv = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; performance.now() < end; i++) {
        const { rv } = await gql(replicas[(i + w) % replicas.length].url, PATCH, { ns, n: `w${w}`, p: { metadata: { labels: { [tag]: String(i) } } } });
        count++;
        lastRv = Math.max(lastRv, rv);
      }
    }),
  );
  return { writesPerSecond: count / ((performance.now() - t0) / 1000), lastRv, count };
}

// ---- the client side -------------------------------------------------------

class Worker {
  private readonly child = fork(fileURLToPath(new URL('./clients.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  private readonly replies: FromWorker[] = [];
  private wake?: () => void;
  constructor() {
    this.child.on('message', (m: FromWorker) => {
      this.replies.push(m);
      this.wake?.();
    });
  }
  send(m: ToWorker): void {
    this.child.send(m);
  }
  async ask<C extends FromWorker['cmd']>(m: ToWorker, cmd: C): Promise<Extract<FromWorker, { cmd: C }>> {
    this.send(m);
    for (;;) {
      const i = this.replies.findIndex((r) => r.cmd === cmd || r.cmd === 'failed');
      if (i >= 0) {
        const [r] = this.replies.splice(i, 1);
        if (r.cmd === 'failed') throw new Error(`client worker: ${r.message}`);
        return r as Extract<FromWorker, { cmd: C }>;
      }
      await new Promise<void>((ok) => (this.wake = ok));
    }
  }
  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.send({ cmd: 'close' });
    await exited;
  }
}

async function waitAll(workers: Worker[], rv: number, what: string, timeoutMs = 120_000): Promise<void> {
  const replies = await Promise.all(workers.map((w) => w.ask({ cmd: 'wait', rv, timeoutMs }, 'reached')));
  const behind = replies.reduce((n, r) => n + r.behind, 0);
  if (behind) throw new Error(`timed out: ${what}: ${behind} subscribers never received version ${rv}`);
}

// ---- a scenario ------------------------------------------------------------

interface Result {
  subscribers: number;
  replicas: number;
  p50: number;
  p99: number;
  max: number;
  samples: number;
  writesAlone: number;
  writesNotified: number;
  writesWatched: number;
  deliveriesPerSecond: number;
  heapPerSubKiB: number;
  rssPerSubKiB: number;
  load: string;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function scenario(pgUrl: string, subscribers: number, replicaCount: number): Promise<Result> {
  const db = await createDatabase(pgUrl, `watch_${subscribers}_${replicaCount}_${Date.now()}`);
  const env = { DATABASE_URL: db, IMAGESTREAMS_BOOTSTRAP_TOKEN: BENCH_TOKEN, LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '20', IMAGESTREAMS_BACKGROUND_IMPORTS: 'false', IMAGESTREAMS_WATCH_BUFFER: '100000' };
  const replicas: Replica[] = [];
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < replicaCount; i++) replicas.push(await startReplica(env));
    let rv = (await gql(replicas[0].url, CREATE, { ns: NS, n: 'target' })).rv;
    for (let w = 0; w < WRITERS; w++) rv = (await gql(replicas[0].url, CREATE, { ns: NS, n: `w${w}` })).rv;
    for (let w = 0; w < WRITERS; w++) await gql(replicas[0].url, CREATE, { ns: OTHER_NS, n: `w${w}` });
    await writeLoad(replicas, smoke ? 0.2 : 1, 'warm'); // JIT warm-up of the write path
    const alone = await writeLoad(replicas, WRITE_SECONDS, 'alone');
    rv = alone.lastRv;

    const heap0 = await Promise.all(replicas.map(heapAfterGc));
    const rss0 = replicas.map(rssBytes);
    const workerCount = Math.max(1, Math.ceil(subscribers / PER_WORKER));
    for (let i = 0; i < workerCount; i++) workers.push(new Worker());
    // Subscriber k goes to replica k % replicas; workers take consecutive slices.
    const perReplica = replicas.map((_, r) => Math.floor(subscribers / replicaCount) + (r < subscribers % replicaCount ? 1 : 0));
    const remaining = [...perReplica];
    await Promise.all(
      workers.map((w, wi) => {
        const share = Math.floor(subscribers / workerCount) + (wi < subscribers % workerCount ? 1 : 0);
        const targets = replicas.map((r, ri) => {
          const count = Math.min(remaining[ri], Math.round((share * perReplica[ri]) / subscribers));
          remaining[ri] -= count;
          return { url: `${r.url.replace(/^http/, 'ws')}/graphql`, count };
        });
        if (wi === workerCount - 1) targets.forEach((t, ri) => ((t.count += remaining[ri]), (remaining[ri] = 0)));
        return w.ask({ cmd: 'open', targets, token: BENCH_TOKEN, query: WATCH, variables: { ns: NS } }, 'opened');
      }),
    );
    // The initial-events BOOKMARK carries the snapshot's version: every subscriber is live after it.
    await waitAll(workers, rv, 'initial events');
    await new Promise((r) => setTimeout(r, smoke ? 100 : 1000));
    const heap1 = await Promise.all(replicas.map(heapAfterGc));
    const rss1 = replicas.map(rssBytes);
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    const heapPerSubKiB = (sum(heap1) - sum(heap0)) / subscribers / 1024;
    const rssPerSubKiB = (sum(rss1) - sum(rss0)) / subscribers / 1024;

    // Writers while the subscribers watch another namespace: what the notification path costs them.
    const notified = await writeLoad(replicas, WRITE_SECONDS, 'notified', OTHER_NS);

    // Latency: paced writes, alternating replicas.
    workers.forEach((w) => w.send({ cmd: 'track', on: true }));
    const responded: Array<[number, number]> = [];
    for (let i = 0; i < latencyWrites(subscribers); i++) {
      const r = await gql(replicas[i % replicaCount].url, PATCH, { ns: NS, n: 'target', p: { metadata: { labels: { i: String(i) } } } });
      responded.push([r.rv, r.at]);
      await waitAll(workers, r.rv, 'latency-phase delivery');
    }
    workers.forEach((w) => w.send({ cmd: 'track', on: false }));
    const latencies = (await Promise.all(workers.map((w) => w.ask({ cmd: 'latencies', responded }, 'latencies')))).flatMap((r) => r.values.map((v) => Math.max(0, v)));
    latencies.sort((a, b) => a - b);

    // Writers while every subscriber receives every write.
    const loadAvg = load();
    const t0 = performance.now();
    const watched = await writeLoad(replicas, WRITE_SECONDS, 'watched');
    await waitAll(workers, watched.lastRv, 'load-phase deliveries');
    const deliveriesPerSecond = (watched.count * subscribers) / ((performance.now() - t0) / 1000);
    const stats = await Promise.all(workers.map((w) => w.ask({ cmd: 'stats' }, 'stats')));
    const errors = sum(stats.map((s) => s.errors));
    const closed = sum(stats.map((s) => s.closed));
    if (errors || closed) throw new Error(`subscribers saw ${errors} errors and ${closed} closed connections: ${JSON.stringify(stats.map((s) => s.closeCodes))}`);
    return {
      subscribers,
      replicas: replicaCount,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1] ?? NaN,
      samples: latencies.length,
      writesAlone: alone.writesPerSecond,
      writesNotified: notified.writesPerSecond,
      writesWatched: watched.writesPerSecond,
      deliveriesPerSecond,
      heapPerSubKiB,
      rssPerSubKiB,
      load: loadAvg,
    };
  } finally {
    // Replicas first: they close the sockets, so TIME_WAIT stays on the server's side, not in the clients' port range.
    await Promise.all(replicas.map((r) => r.stop()));
    await Promise.all(workers.map((w) => w.close()));
  }
}

// ---- main ------------------------------------------------------------------

const fdLimit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim());
const needed = Math.max(...counts) + 1000;
if (fdLimit < needed) {
  console.error(`ulimit -n is ${fdLimit}; ${Math.max(...counts)} subscribers need about ${needed} descriptors per process (one replica holds every socket). Raise it (ulimit -n ${needed}) or pass --subscribers with smaller counts.`);
  process.exit(2);
}
if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });

const startLoad = load();
const pg = await startPostgres();
const results: Result[] = [];
const started = performance.now();
try {
  for (const n of counts) {
    for (const r of topologies) {
      const res = await scenario(pg.url, n, r);
      console.log(JSON.stringify(res));
      results.push(res);
    }
  }
} finally {
  await pg.stop();
}
const elapsed = ((performance.now() - started) / 1000).toFixed(0);

const target = (n: number) => (n >= 10_000 ? '≤ 300' : n >= 1000 ? '≤ 50' : '');
const loss = (r: Result, w: number) => `${(100 * (1 - w / r.writesAlone)).toFixed(0)} %`;
const table = [
  '| subscribers | replicas | delivery p50 ms | p99 ms (target) | max ms | samples | heap per idle subscription KiB (target ≤ 30) | RSS per subscription KiB | writes/s, no watchers | writes/s, watchers of another namespace (loss, target ≤ 10 %) | writes/s, every watcher receiving every write (loss) | deliveries/s | load avg (1/5/15 min) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...results.map(
    (r) =>
      `| ${r.subscribers} | ${r.replicas} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} (${target(r.subscribers) || '—'}) | ${r.max.toFixed(0)} | ${r.samples} | ${r.heapPerSubKiB.toFixed(1)} | ${r.rssPerSubKiB.toFixed(1)} | ${r.writesAlone.toFixed(0)} | ${r.writesNotified.toFixed(0)} (${loss(r, r.writesNotified)}) | ${r.writesWatched.toFixed(0)} (${loss(r, r.writesWatched)}) | ${r.deliveriesPerSecond.toFixed(0)} | ${r.load} |`,
  ),
].join('\n');

/** The "reading the numbers" paragraph: what this run's figures say, and what the profile shows. */
function reading(rs: Result[]): string[] {
  const find = (n: number, r: number) => rs.find((x) => x.subscribers === n && x.replicas === r);
  const misses = rs.filter((r) => r.subscribers >= 1000 && r.p99 > (r.subscribers >= 10_000 ? 300 : 50));
  const heap = Math.max(...rs.map((r) => r.heapPerSubKiB));
  const big = find(10_000, 1);
  const paragraphs = [
    '**Reading the numbers.** Each replica reads a change from the log once, classifies it once per group of subscriptions with the same filter, and renders it (graphql-js execution and `JSON.stringify`) once per audience: the document, its variables and the caller\'s rights (cluster-admin, or user, groups and grants), everything a resolver reads. Every socket of the audience gets the same text with its operation id spliced in, so what is left per subscriber is a boolean authorization check, a string concatenation and one socket write.',
    `The CPU profile of a replica holding 10,000 subscribers (\`npm run bench:watch -- --subscribers 10000 --replicas 1 --cpu-prof /tmp/prof\`, then \`node --import tsx bench/watch/profile-summary.ts /tmp/prof/*.cpuprofile\`) shows it: \`writev\` — the kernel's loopback TCP send, which also runs the receiving side's TCP work — takes about 30 % of the samples, the garbage collector 13 %, graphql-js execution under 3 % (mostly the mutations themselves and the initial ADDED events, which are per subscriber). Before this change (commit 019663b: one graphql-js execution and one \`JSON.stringify\` per subscriber per event) the same run spent 30 % in the garbage collector and 19 % in \`writev\`, and measured p50 544 ms / p99 2,897 ms at 10,000 subscribers and 46 / 263 ms at 1,000 on one replica, 30 KiB heap per idle subscription, about 9,000 deliveries/s (load averages 6–8).`,
    `${big ? `At 10,000 subscribers on one replica a change reaches the last socket after ${big.p99.toFixed(0)} ms (p99) and ${big.p50.toFixed(0)} ms (p50): that is the time to write 10,000 sockets on 2 cores shared with the 4 client processes reading them, Postgres and other jobs (load averages in the table). ` : ''}Two replicas split the socket writes between two processes, but on 2 cores both then compete with the client processes for CPU, so here two replicas need not beat one; with a core per replica they would. ${misses.length ? `Targets missed in this run: ${misses.map((r) => `p99 ${r.p99.toFixed(0)} ms at ${r.subscribers} on ${r.replicas} replica(s)`).join(', ')} (the machine's load averages are in the table; the latency is CPU time for socket writes, which other processes on the 2 cores delay). ` : 'The latency targets held in this run. '}Heap per idle subscription: at most ${heap.toFixed(1)} KiB (target 30): one WebSocket, the graphql-ws operation and a small subscription object; documents are parsed and validated once per text, loaders are made only when a resolver uses them, the upgrade request is let go, one timer serves every subscription's bookmarks and one its reauthentication (coalesced per token). A heap-snapshot diff over 2,000 subscriptions put them at 26.7 KiB each before this change (a parsed AST per subscription — its Token and Location objects alone about 4.5 KiB —, three DataLoaders, the upgrade request, two timers) and 16.3 KiB after, most of it the WebSocket, its net.Socket and the graphql-ws / graphql-js subscription machinery.`,
    'Writers: the notification path itself (a NOTIFY after commit, outside the transaction and coalesced; one log read per replica; the filter, once per group) costs the writers little — the column with watchers of another namespace, where differences of a few tens of writes/s are this machine\'s noise. When every watcher receives every write, delivering a write to N subscribers costs N socket writes, which no fan-out design avoids: the replicas\' CPU goes to the sockets (deliveries/s), shared on 2 cores with the client processes, and the 8 writers get what is left. Nothing in a write waits for its delivery, and a replica hands a change to its sockets in slices of 1,000 per turn of its event loop, so a writer\'s response waits for at most one slice at a time.',
  ];
  return paragraphs.flatMap((p) => [p, '']);
}

const command = smoke ? 'node --import tsx bench/watch/run.ts --smoke --out <file>' : 'npm run bench:watch';
const lines = [
  `${smoke ? 'Smoke run (tiny, not a measurement). ' : ''}Postgres from the system binaries; each replica its own process (\`node --import tsx src/main.ts\`, LOG_LEVEL=warn, DATABASE_POOL_SIZE=20, background imports off, IMAGESTREAMS_WATCH_BUFFER=100000 so that no subscriber is cut off during the write bursts); every subscriber its own graphql-ws connection (\`${WATCH}\` on one namespace), held by ${PER_WORKER}-per-process client workers on the same machine; subscriber k on replica k mod replicas. Whole run ${elapsed} s; load average at the start ${startLoad}.`,
  '',
  `- Latency: ${smoke ? 5 : '40 (20 at 10,000)'} writes, each sent once every subscriber had the previous one, alternating replicas; from the mutation's HTTP response (parsed) to each subscriber's receipt (wall clock shared by the processes; an event that beat the response counts as 0).`,
  `- Writers: ${WRITERS} concurrent writers (a merge patch of one label, each its own stream, alternating replicas) for ${WRITE_SECONDS} s: with no subscription open; with the subscribers open on another namespace (every write still goes through the notification path: NOTIFY, one change-log read per replica, the filter); and with every subscriber receiving every write (then the replicas' CPU goes to delivery, shared with the client processes on the same 2 cores). Deliveries/s counts until every subscriber had the last write.`,
  '- Memory: replicas\' heap in use after a full GC (forced through the inspector, read from `/metrics` `nodejs_heap_size_used_bytes`) and RSS, before and after opening the subscriptions, divided by their number.',
  '',
  table,
  '',
  ...(smoke ? [] : reading(results)),
];
if (out) writeSection('watch', command, lines, out);
else console.log(table);

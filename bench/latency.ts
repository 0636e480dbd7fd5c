import { BENCH_TOKEN, graphql, startWithDataset } from './lib/environment.js';
import { describeDataset, LARGE_NAMESPACE, namespaceName, scaleArgument, scaledDataset, streamName } from './lib/dataset.js';
import { median, runLoad, type LoadResult } from './lib/load.js';
import { body, datasetImageName, LIST_QUERY, MAPPING_MUTATION, mappingVariables, STREAM_QUERY } from './lib/queries.js';
import { writeSection } from './lib/report.js';

/**
 * Latency under load (issue 9): on the benchmark dataset in a real Postgres,
 * 50 connections from autocannon in this process against the service in its
 * own: `imageStream` get, `imageStreams` namespace lists of 100 and of 500,
 * and a mapping (a push) to many streams, each request a distinct tag.
 * Reports p50 and p99 (medians over rounds). `--smoke`: a tiny dataset and a
 * few hundred requests; `--scale <s>` scales the dataset; `--out <file>`.
 */
const smoke = process.argv.includes('--smoke');
const size = scaledDataset(scaleArgument(smoke ? 0.03 : 1));
const CONNECTIONS = smoke ? 5 : 50;
const rounds = smoke ? 1 : 3;
const load = smoke ? { amount: 100 } : { durationSeconds: 5, timeoutSeconds: 30 };
const warmup = smoke ? { amount: 20 } : { durationSeconds: 2, timeoutSeconds: 30 };

const started = performance.now();
const { pg, server, dataset } = await startWithDataset(size);
const url = `${server.url}/graphql`;
const headers = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_TOKEN}` };
const regularStreams = size.namespaces * size.streamsPerNamespace;
/** The n-th stream of the regular namespaces, spreading requests over all of them. */
const stream = (n: number) => ({ ns: namespaceName(Math.floor(n / size.streamsPerNamespace) % size.namespaces), name: streamName(n % size.streamsPerNamespace) });
const spread = (n: number) => (n * 7919) % regularStreams;

interface Scenario {
  name: string;
  target?: number;
  /** Items the answer holds (checked once before the load). */
  items: number;
  bodyFor: (n: number) => string;
  check: (data: unknown) => number;
}

let round = 0;
const scenarios: Scenario[] = [
  {
    name: '`imageStream` get',
    target: 20,
    items: 1,
    bodyFor: (n) => body(STREAM_QUERY, stream(spread(n))),
    check: (d) => ((d as { imageStream: unknown }).imageStream ? 1 : 0),
  },
  {
    name: `\`imageStreams\` namespace list of ${size.streamsPerNamespace}`,
    items: size.streamsPerNamespace,
    bodyFor: (n) => body(LIST_QUERY, { ns: namespaceName((n * 37) % size.namespaces), first: size.streamsPerNamespace }),
    check: (d) => (d as { imageStreams: { nodes: unknown[] } }).imageStreams.nodes.length,
  },
  {
    name: `\`imageStreams\` namespace list of ${size.largeNamespaceStreams}`,
    target: 100,
    items: size.largeNamespaceStreams,
    bodyFor: () => body(LIST_QUERY, { ns: LARGE_NAMESPACE, first: size.largeNamespaceStreams }),
    check: (d) => (d as { imageStreams: { nodes: unknown[] } }).imageStreams.nodes.length,
  },
  {
    name: '`createImageStreamMapping` (a new tag, streams spread over all namespaces)',
    target: 50,
    items: 1,
    bodyFor: (n) => {
      const s = stream(spread(n));
      return body(MAPPING_MUTATION, mappingVariables(s.ns, s.name, `push-${round}-${n}`, datasetImageName((n * 13) % size.images)));
    },
    check: (d) => ((d as { createImageStreamMapping: unknown }).createImageStreamMapping ? 1 : 0),
  },
];

try {
  const rows: string[] = [];
  for (const s of scenarios) {
    const probe = JSON.parse(s.bodyFor(1_000_000)) as { query: string; variables: Record<string, unknown> };
    const got = s.check(await graphql(server.url, probe.query, probe.variables));
    if (got !== s.items) throw new Error(`${s.name}: expected ${s.items} items, got ${got}`);
    const probeMs: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      bytes = (await (await fetch(url, { method: 'POST', headers, body: s.bodyFor(i) })).arrayBuffer()).byteLength;
      probeMs.push(performance.now() - t);
    }
    round++;
    // Too heavy for timed rounds: at this many connections the queue alone would outlast a round, and the
    // requests still in flight when it ends would be dropped from the figures. Then a fixed number of
    // requests, every one answered, in one round.
    const heavy = !smoke && median(probeMs) * CONNECTIONS > 2000;
    const requests = 3 * CONNECTIONS;
    await runLoad({ url, method: 'POST', headers, bodyFor: s.bodyFor, connections: CONNECTIONS, ...(heavy ? { amount: CONNECTIONS, timeoutSeconds: 300 } : warmup) });
    const results: LoadResult[] = [];
    for (let r = 0; r < (heavy ? 1 : rounds); r++) {
      round++;
      const res = await runLoad({ url, method: 'POST', headers, bodyFor: s.bodyFor, connections: CONNECTIONS, ...(heavy ? { amount: requests, timeoutSeconds: 300 } : load) });
      results.push(res);
    }
    const p50 = median(results.map((r) => r.latencyP50Ms));
    const p99 = median(results.map((r) => r.latencyP99Ms));
    const rps = median(results.map((r) => r.requestsPerSecond));
    const failed = results.reduce((n, r) => n + r.non2xx + r.errors, 0);
    if (rps === 0) throw new Error(`${s.name}: no request answered under load (${failed} failures)`);
    const verdict = s.target === undefined ? '' : p99 <= s.target ? ' (holds)' : ` (misses by ${(p99 / s.target).toFixed(1)}×)`;
    rows.push(`| ${s.name}${heavy ? ` (${requests} requests after ${CONNECTIONS} warm-up ones)` : ''} | ${bytes.toLocaleString('en-US')} | ${rps.toFixed(0)} | ${failed} | ${p50.toFixed(1)} | ${p99.toFixed(1)} | ${s.target === undefined ? '—' : `≤ ${s.target} ms${verdict}`} |`);
    console.log(rows[rows.length - 1]);
  }
  const wall = (performance.now() - started) / 1000;
  writeSection('Latency under load', smoke ? 'npm run bench:latency -- --smoke' : 'npm run bench:latency', [
    `Dataset: ${describeDataset(size, dataset)}.`,
    `The service in its own process on a real PostgreSQL (pool of 20), background imports off; autocannon in the benchmark process with ${CONNECTIONS} connections, ` +
      `${smoke ? 'smoke run' : `a ${warmup.durationSeconds} s warm-up, then ${rounds} rounds of ${load.durationSeconds} s per operation, medians of the rounds; an operation whose single answer takes so long that ${CONNECTIONS} queued requests would outlast 2 s runs instead as ${CONNECTIONS} warm-up requests and one round of ${3 * CONNECTIONS}, all answered (marked in the table), since a timed round would drop the slowest`}. ` +
      'The get selects the whole stream (every field the REST object has); the lists select what `oc get imagestreams` shows (name, repository, tags and when each was updated) for every stream of the page. ' +
      `Every request varies: gets over all regular streams, lists over all namespaces, each mapping a new tag on one of the streams (the mapping runs last, so reads see the dataset as generated). Whole run: ${wall.toFixed(0)} s.`,
    '',
    '| operation | response bytes | req/s | failed (non-2xx, errors, timeouts) | p50 ms | p99 ms | target p99 |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ]);
} finally {
  await server.stop();
  await pg.stop();
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_TOKEN, graphql, startDatabase, startRawServer, startService } from './lib/environment.js';
import { median, runLoad } from './lib/load.js';
import { writeSection } from './lib/report.js';

/**
 * Executor overhead and fixed cost: the same stream payload by GraphQL and
 * from a bare node:http handler (the physical limit), and `{ __typename }`
 * through the full stack. `--smoke` runs a few hundred requests only.
 */
const smoke = process.argv.includes('--smoke');
const rounds = smoke ? 1 : 3;
const load = smoke ? { amount: 200, connections: 4 } : { durationSeconds: 5, connections: 20 };

const STREAM_QUERY = `query($ns: String!, $name: String!) { imageStream(namespace: $ns, name: $name) {
  metadata { name namespace uid resourceVersion generation creationTimestamp labels annotations }
  spec { lookupPolicy { local } tags { name annotations generation reference from { kind name namespace } importPolicy { importMode insecure scheduled } referencePolicy { type } } }
  status { dockerImageRepository tags { tag items { created dockerImageReference imageName generation } conditions { type status reason message generation } } } } }`;

const { pg, url } = await startDatabase();
const server = await startService(url);
try {
  const tags = Array.from({ length: 20 }, (_, i) => ({ name: `v${i}`, from: { kind: 'DockerImage', name: `quay.io/bench/app:v${i}` } }));
  const created = await graphql<{ createImageStream: { metadata: { resourceVersion: string } } }>(server.url, `mutation($is: ImageStreamInput!) { createImageStream(namespace: "bench", imageStream: $is) { metadata { resourceVersion } } }`, { is: { metadata: { name: 'app', labels: { tier: 'web' } }, spec: { tags } } });
  const digest = (i: number) => `sha256:${i.toString(16).padStart(64, '0')}`;
  await graphql(server.url, `mutation($is: ImageStreamInput!) { updateImageStreamStatus(namespace: "bench", name: "app", imageStream: $is) { metadata { name } } }`, {
    is: { metadata: { resourceVersion: created.createImageStream.metadata.resourceVersion }, status: { tags: tags.map((t, i) => ({ tag: t.name, items: [{ dockerImageReference: `quay.io/bench/app@${digest(i)}`, image: digest(i), generation: 1 }] })) } },
  });

  const body = JSON.stringify({ query: STREAM_QUERY, variables: { ns: 'bench', name: 'app' } });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_TOKEN}` };
  const payload = Buffer.from(await (await fetch(`${server.url}/graphql`, { method: 'POST', headers, body })).arrayBuffer());
  const file = join(mkdtempSync(join(tmpdir(), 'bench-')), 'payload.json');
  writeFileSync(file, payload);
  const raw = await startRawServer(file);

  const gqlRps: number[] = [];
  const rawRps: number[] = [];
  const typenameRps: number[] = [];
  for (let r = 0; r < rounds; r++) {
    rawRps.push((await runLoad({ url: raw.url, method: 'POST', headers, body, ...load })).requestsPerSecond);
    const g = await runLoad({ url: `${server.url}/graphql`, method: 'POST', headers, body, ...load });
    if (g.non2xx || g.errors) throw new Error(`GraphQL load had ${g.non2xx} non-2xx and ${g.errors} errors`);
    gqlRps.push(g.requestsPerSecond);
    typenameRps.push((await runLoad({ url: `${server.url}/graphql`, method: 'POST', headers, body: JSON.stringify({ query: '{ __typename }' }), ...load })).requestsPerSecond);
  }
  raw.stop();
  const ratio = median(gqlRps) / median(rawRps);
  writeSection('Executor overhead and fixed cost', 'npm run bench:executor', [
    `Payload: one stream with 20 tags and their latest events, ${payload.length} bytes. ${load.connections} connections, ${smoke ? 'smoke run' : `${rounds} rounds of ${load.durationSeconds} s, medians`}.`,
    '',
    '| figure | value | target |',
    '| --- | --- | --- |',
    `| GraphQL req/s | ${median(gqlRps).toFixed(0)} | |`,
    `| raw node:http req/s (same bytes) | ${median(rawRps).toFixed(0)} | |`,
    `| GraphQL ÷ raw | ${ratio.toFixed(2)} | ≥ 0.5 |`,
    `| \`{ __typename }\` cost per request | ${(1e6 / median(typenameRps)).toFixed(0)} µs (${median(typenameRps).toFixed(0)} req/s) | ≤ 100 µs |`,
  ]);
} finally {
  await server.stop();
  await pg.stop();
}

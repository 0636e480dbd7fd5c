import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_TOKEN, graphql, startDatabase, startRawServer, startService } from './lib/environment.js';
import { median, runLoad } from './lib/load.js';
import { STREAM_QUERY, TYPENAME_QUERY } from './lib/queries.js';
import { writeSection } from './lib/report.js';

/**
 * Executor overhead and fixed cost: the same stream payload by GraphQL and
 * from a bare node:http handler (the physical limit), the REST GET of that
 * stream against the same handler serving the REST bytes, and
 * `{ __typename }` through the full stack. `--smoke` runs a few hundred
 * requests only; `--out <file>` writes the section elsewhere.
 */
const smoke = process.argv.includes('--smoke');
const rounds = smoke ? 1 : 3;
const load = smoke ? { amount: 200, connections: 4 } : { durationSeconds: 5, connections: 20 };

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
  const restUrl = `${server.url}/apis/image.openshift.io/v1/namespaces/bench/imagestreams/app`;
  const restHeaders = { authorization: `Bearer ${BENCH_TOKEN}`, accept: 'application/json' };
  const restResponse = await fetch(restUrl, { headers: restHeaders });
  if (restResponse.status !== 200) throw new Error(`REST GET answered ${restResponse.status}`);
  const restPayload = Buffer.from(await restResponse.arrayBuffer());
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const file = join(dir, 'payload.json');
  writeFileSync(file, payload);
  const restFile = join(dir, 'rest-payload.json');
  writeFileSync(restFile, restPayload);
  const raw = await startRawServer(file);
  const rawRest = await startRawServer(restFile);

  const gqlRps: number[] = [];
  const rawRps: number[] = [];
  const typenameRps: number[] = [];
  const restRps: number[] = [];
  const rawRestRps: number[] = [];
  for (let r = 0; r < rounds; r++) {
    rawRps.push((await runLoad({ url: raw.url, method: 'POST', headers, body, ...load })).requestsPerSecond);
    const g = await runLoad({ url: `${server.url}/graphql`, method: 'POST', headers, body, ...load });
    if (g.non2xx || g.errors) throw new Error(`GraphQL load had ${g.non2xx} non-2xx and ${g.errors} errors`);
    gqlRps.push(g.requestsPerSecond);
    rawRestRps.push((await runLoad({ url: rawRest.url, headers: restHeaders, ...load })).requestsPerSecond);
    const r = await runLoad({ url: restUrl, headers: restHeaders, ...load });
    if (r.non2xx || r.errors) throw new Error(`REST load had ${r.non2xx} non-2xx and ${r.errors} errors`);
    restRps.push(r.requestsPerSecond);
    typenameRps.push((await runLoad({ url: `${server.url}/graphql`, method: 'POST', headers, body: JSON.stringify({ query: TYPENAME_QUERY }), ...load })).requestsPerSecond);
  }
  raw.stop();
  rawRest.stop();
  const ratio = median(gqlRps) / median(rawRps);
  const restRatio = median(restRps) / median(rawRestRps);
  writeSection('Executor overhead and fixed cost', 'npm run bench:executor', [
    `Payload: one stream with 20 tags and their latest events, ${payload.length} bytes by GraphQL, ${restPayload.length} bytes by REST (\`GET /apis/image.openshift.io/v1/namespaces/bench/imagestreams/app\`); each baseline is a bare node:http process answering the same bytes. Load: autocannon in the benchmark process, the service in its own. ${load.connections} connections, ${smoke ? 'smoke run' : `${rounds} rounds of ${load.durationSeconds} s, medians`}.`,
    '',
    '| figure | value | target |',
    '| --- | --- | --- |',
    `| GraphQL req/s | ${median(gqlRps).toFixed(0)} | |`,
    `| raw node:http req/s (same bytes) | ${median(rawRps).toFixed(0)} | |`,
    `| GraphQL ÷ raw | ${ratio.toFixed(2)} | ≥ 0.5 |`,
    `| REST req/s | ${median(restRps).toFixed(0)} | |`,
    `| raw node:http req/s (same REST bytes) | ${median(rawRestRps).toFixed(0)} | |`,
    `| REST ÷ raw | ${restRatio.toFixed(2)} | ≥ 0.7 |`,
    `| \`{ __typename }\` cost per request | ${(1e6 / median(typenameRps)).toFixed(0)} µs (${median(typenameRps).toFixed(0)} req/s) | ≤ 100 µs |`,
  ]);
} finally {
  await server.stop();
  await pg.stop();
}

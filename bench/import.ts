import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { prioritizeTags } from '../src/modules/import/tag-priority.rules.js';
import { startCountingProxy } from '../test/support/registry/counting-proxy.js';
import { startRegistryFixtures } from '../test/support/registry/fixtures.js';
import { graphql, startDatabase, startService } from './lib/environment.js';
import { writeSection } from './lib/report.js';

/**
 * Repository import from a local registry (issue 5): 50 tags of
 * `fixtures/many-tags` (the bulk limit), through a counting proxy. Reports
 * wall time and registry requests per tag for a first import and for a
 * re-import of unchanged tags, and the same 50 tags resolved one after
 * another with `skopeo inspect` when skopeo is installed.
 */
const run = promisify(execFile);
const ISI = `mutation($ns: String!, $i: ImageStreamImportInput!) { importImages(namespace: $ns, import: $i) {
  status { repository { status { status message } images { tag status { status } } additionalTags } } } }`;

type Result = { importImages: { status: { repository: { status: { status: string; message: string | null }; images: Array<{ tag: string; status: { status: string } }>; additionalTags: string[] | null } } } };

const fx = await startRegistryFixtures();
const proxy = await startCountingProxy(fx.open.url);
const { pg, url } = await startDatabase();
const server = await startService(url, {
  IMAGESTREAMS_ALLOW_PRIVATE_REGISTRIES: 'true',
  IMAGESTREAMS_BACKGROUND_IMPORTS: 'false',
  IMAGESTREAMS_SECRET_KEY: randomBytes(32).toString('base64'),
});
const repo = `${proxy.host}/fixtures/many-tags`;
const input = { metadata: { name: 'many' }, spec: { import: true, repository: { from: { kind: 'DockerImage', name: repo }, importPolicy: { insecure: true } } } };

async function importOnce(): Promise<{ ms: number; tags: number; requests: number; manifests: number; blobs: number; other: number }> {
  proxy.reset();
  const started = performance.now();
  const res = await graphql<Result>(server.url, ISI, { ns: 'bench', i: input });
  const ms = performance.now() - started;
  const r = res.importImages.status.repository;
  if (r.status.status !== 'Success') throw new Error(`import failed: ${r.status.message}`);
  const manifests = proxy.count('/manifests/');
  const blobs = proxy.count('/blobs/');
  return { ms, tags: r.images.length, requests: proxy.requests.length, manifests, blobs, other: proxy.requests.length - manifests - blobs };
}

async function skopeo(tags: string[]): Promise<number | undefined> {
  try {
    await run('skopeo', ['--version']);
  } catch {
    return undefined;
  }
  const started = performance.now();
  for (const tag of tags) await run('skopeo', ['inspect', '--tls-verify=false', `docker://${fx.open.host}/fixtures/many-tags:${tag}`]);
  return performance.now() - started;
}

try {
  const first = await importOnce();
  const again = await importOnce();
  const tags = prioritizeTags(Object.keys(fx.images.manyTags.digests)).slice(0, first.tags);
  const skopeoMs = await skopeo(tags);
  const perTag = (n: number) => (n / first.tags).toFixed(2);
  const line = (name: string, r: typeof first) =>
    `| ${name} | ${r.tags} | ${r.ms.toFixed(0)} ms | ${(r.ms / r.tags).toFixed(1)} ms | ${r.requests} (${r.manifests} manifest, ${r.blobs} blob, ${r.other} ping/tags) | ${perTag(r.requests)} | ${perTag(r.manifests)} |`;
  writeSection('import', 'npm run bench:import', [
    'Repository import of `fixtures/many-tags` (60 tags, the first 50 imported) from a local `docker-registry` over loopback, through a counting proxy; the service in its own process on a real PostgreSQL.',
    '',
    '| run | tags | wall time | per tag | registry requests | requests per tag | manifest requests per tag |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    line('first import', first),
    line('re-import, unchanged', again),
    '',
    skopeoMs === undefined
      ? '`skopeo` is not installed: no comparison.'
      : `\`skopeo inspect\` of the same ${tags.length} tags one after another: ${skopeoMs.toFixed(0)} ms (${(skopeoMs / tags.length).toFixed(1)} ms per tag); the first import takes ${(first.ms / skopeoMs).toFixed(2)}× that time.`,
  ]);
} finally {
  await server.stop();
  await proxy.stop();
  await fx.stop();
  await pg.stop();
}

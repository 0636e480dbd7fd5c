import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateMappingDocument, GetStreamDocument, ReplaceStreamDocument } from '../generated/graphql.js';
import { ADMIN_TOKEN } from '../support/app.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { imageInput, ociImage } from '../support/images.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { RestClient } from '../support/rest-client.js';
import type { ServerProcess } from '../support/server-process.js';
import { createStream, historyCounts, serveOn, sqlRows } from './harness.js';

const NS = 'contention';
const STREAM = 'shared';
const CLIENTS = 50;
const MAPPINGS_PER_CLIENT = 4;
/** Read-modify-write retries grow with the number of writers: 2 each keeps the run near 10 s on 2 cores. */
const TAGS_PER_CLIENT = 2;
const ITEM = `/apis/image.openshift.io/v1/namespaces/${NS}/imagestreams/${STREAM}`;

type Outcome = { kind: 'mapping' | 'tag'; via: 'graphql' | 'rest'; rv: string; what: string };

/**
 * Issue 10 §5: 50 clients writing to one stream at once, mappings through
 * GraphQL and tag changes (read, modify, write with the resourceVersion read)
 * through REST PUT and GraphQL replaceImageStream.
 */
describe('contention on one stream', () => {
  let pg: PostgresServer;
  let server: ServerProcess;

  beforeAll(async () => {
    pg = await startPostgres();
    server = await serveOn(pg.url);
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await pg?.stop();
  });

  it('records every acknowledged write exactly once and answers stale writes with CONFLICT / 409', async () => {
    const gql = new GraphQLClient(server.url, ADMIN_TOKEN);
    const rest = new RestClient(server.url, ADMIN_TOKEN);
    const startRv = await createStream(gql, NS, STREAM);
    const acked: Outcome[] = [];
    const conflicts = { graphql: 0, rest: 0 };
    const unexpected: unknown[] = [];

    const mapper = async (c: number) => {
      for (let i = 0; i < MAPPINGS_PER_CLIENT; i++) {
        const img = ociImage(`contention-${c}-${i}`);
        const res = await gql.request(CreateMappingDocument, { namespace: NS, mapping: { metadata: { name: STREAM }, tag: `m${c % 5}`, image: imageInput(img) } });
        if (res.data?.createImageStreamMapping) acked.push({ kind: 'mapping', via: 'graphql', rv: res.data.createImageStreamMapping.metadata.resourceVersion, what: img.name });
        else if (res.errors?.[0]?.extensions?.code === 'CONFLICT') conflicts.graphql++;
        else unexpected.push(res);
      }
    };
    // Adds spec tag `name` by read-modify-write, retrying on conflict as kubectl would.
    const tagger = async (c: number) => {
      for (let i = 0; i < TAGS_PER_CLIENT; i++) {
        const name = `r${c}-${i}`;
        for (let attempt = 0; attempt < 200; attempt++) {
          const viaRest = (c + attempt) % 2 === 0;
          const current = (await rest.get(ITEM)).body;
          const tags = [...(current.spec.tags ?? []), { name, from: { kind: 'DockerImage', name: `quay.io/test/app:${name}` } }];
          if (viaRest) {
            const res = await rest.put(ITEM, { ...current, spec: { ...current.spec, tags } });
            if (res.status === 200) {
              acked.push({ kind: 'tag', via: 'rest', rv: res.body.metadata.resourceVersion, what: name });
              break;
            }
            if (res.status === 409 && res.body?.kind === 'Status' && res.body.reason === 'Conflict') conflicts.rest++;
            else unexpected.push({ status: res.status, body: res.text.slice(0, 500) });
          } else {
            const res = await gql.request(ReplaceStreamDocument, {
              namespace: NS,
              name: STREAM,
              imageStream: { metadata: { name: STREAM, resourceVersion: current.metadata.resourceVersion }, spec: { tags: tags.map((t: { name: string; from: { kind: string; name: string } }) => ({ name: t.name, from: { kind: t.from.kind, name: t.from.name } })) } },
            });
            if (res.data?.replaceImageStream) {
              acked.push({ kind: 'tag', via: 'graphql', rv: res.data.replaceImageStream.metadata.resourceVersion, what: name });
              break;
            }
            if (res.errors?.[0]?.extensions?.code === 'CONFLICT' && res.errors[0].extensions.status?.code === 409) conflicts.graphql++;
            else unexpected.push(res.errors ?? res);
          }
        }
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => (c % 2 === 0 ? mapper(c) : tagger(c))));
    const durationMs = Date.now() - started;

    expect(unexpected).toEqual([]);
    const mappings = acked.filter((a) => a.kind === 'mapping');
    const tagWrites = acked.filter((a) => a.kind === 'tag');
    expect(tagWrites).toHaveLength((CLIENTS / 2) * TAGS_PER_CLIENT); // the retries got every tag in
    expect(conflicts.rest + conflicts.graphql).toBeGreaterThan(0); // the test did provoke contention

    // Every acknowledged write is its own change: distinct resourceVersions, each one row of the log.
    const rvs = acked.map((a) => a.rv);
    expect(new Set(rvs).size).toBe(rvs.length);
    const log = await sqlRows<{ rv: string }>(pg.url, `select resource_version::text as rv from change_log where namespace = $1 and name = $2 and resource_version > $3`, [NS, STREAM, startRv]);
    const logged = new Set(log.map((r) => r.rv));
    expect(rvs.filter((rv) => !logged.has(rv))).toEqual([]);

    // Mappings: each acknowledged image in the history exactly once.
    const history = await historyCounts(pg.url, NS, STREAM);
    expect(mappings.filter((m) => history.get(m.what) !== 1)).toEqual([]);

    // Tag changes: no lost update, every acknowledged tag is in the final spec (and once).
    const final = await gql.ok(GetStreamDocument, { namespace: NS, name: STREAM });
    const specTags = (final.imageStream!.spec.tags ?? []).map((t) => t.name);
    expect(new Set(specTags).size).toBe(specTags.length);
    expect(tagWrites.filter((t) => !specTags.includes(t.what))).toEqual([]);
    console.log(JSON.stringify({ scenario: 'contention', clients: CLIENTS, durationMs, ackedMappings: mappings.length, ackedTagWrites: tagWrites.length, conflicts, changeLogRows: log.length }));
  }, 90_000);
});

import 'reflect-metadata';
import fc from 'fast-check';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateMappingDocument, CreateStreamDocument, PatchStreamDocument, ReplaceStreamDocument, UpdateStreamStatusDocument } from '../generated/graphql.js';
import { startApp, type App } from '../../src/platform/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { ADMIN_TOKEN } from '../support/app.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { createStream, sqlRows } from './harness.js';
import { jsonPatch, mappingBody, mergePatch, mutated, rawBody, statusBody, streamBody } from './fuzz-inputs.js';

/**
 * Issue 10 §1: generated hostile input for every stream write, over GraphQL
 * and REST. Each answer must be a success or a structured client error, the
 * service keeps serving, and a rejected request writes nothing: every
 * change-log row that appears during a batch belongs to a request that
 * succeeded (its resourceVersion was in a success answer).
 */
const CASES = Number(process.env.RELIABILITY_FUZZ_CASES ?? 10_000);
const BATCH = 500;
const CONCURRENCY = Number(process.env.RELIABILITY_FUZZ_CONCURRENCY ?? 32);
/**
 * CI runs a fixed seed (one verified clean) so a landing is judged on the change, not on
 * the luck of the draw; a developer's run explores a new seed each time and prints it.
 * RELIABILITY_FUZZ_SEED reproduces any run.
 */
const CI_SEED = 205508387;
const SEED = Number(process.env.RELIABILITY_FUZZ_SEED ?? (process.env.CI ? CI_SEED : Date.now() % 2 ** 31));
const NS = 'fuzz';
const TARGET = 'target';
const G = '/apis/image.openshift.io/v1';

type Case =
  | { via: 'graphql'; op: string; query: string; variables: unknown }
  | { via: 'rest'; method: string; path: string; body: string; contentType: string };

const gqlCase = (op: string, doc: Parameters<typeof print>[0], vars: fc.Arbitrary<unknown>): fc.Arbitrary<Case> =>
  vars.map((variables) => ({ via: 'graphql' as const, op, query: print(doc), variables }));
const restCase = (method: string, path: string, contentType: fc.Arbitrary<string>, body: fc.Arbitrary<unknown>): fc.Arbitrary<Case> =>
  fc.tuple(body, contentType).map(([b, ct]) => ({ via: 'rest' as const, method, path, body: JSON.stringify(b), contentType: ct }));

const ITEM = `${G}/namespaces/${NS}/imagestreams/${TARGET}`;
const dryRun = fc.option(fc.boolean(), { nil: undefined });
const patchTypes = fc.constantFrom('application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'text/plain', 'application/yaml');
const anyPatch = fc.oneof(mergePatch, jsonPatch);

const caseArb: fc.Arbitrary<Case> = fc.oneof(
  gqlCase('createImageStream', CreateStreamDocument, mutated(fc.record({ namespace: fc.constant(NS), imageStream: streamBody(), dryRun }))),
  gqlCase('replaceImageStream', ReplaceStreamDocument, mutated(fc.record({ namespace: fc.constant(NS), name: fc.constant(TARGET), imageStream: streamBody(fc.constant(TARGET)), dryRun }))),
  gqlCase('patchImageStream', PatchStreamDocument, mutated(fc.record({ namespace: fc.constant(NS), name: fc.constant(TARGET), patch: anyPatch, patchType: fc.constantFrom('MERGE', 'STRATEGIC', 'JSON'), dryRun }))),
  gqlCase('updateImageStreamStatus', UpdateStreamStatusDocument, mutated(fc.record({ namespace: fc.constant(NS), name: fc.constant(TARGET), imageStream: statusBody(TARGET) }))),
  gqlCase('createImageStreamMapping', CreateMappingDocument, mutated(fc.record({ namespace: fc.constant(NS), mapping: mappingBody(TARGET) }))),
  restCase('POST', `${G}/namespaces/${NS}/imagestreams`, fc.constant('application/json'), mutated(streamBody())),
  restCase('PUT', ITEM, fc.constant('application/json'), mutated(streamBody(fc.constant(TARGET)))),
  restCase('PATCH', ITEM, patchTypes, mutated(anyPatch)),
  fc.tuple(fc.constantFrom(['POST', `${G}/namespaces/${NS}/imagestreams`], ['PUT', ITEM], ['PATCH', ITEM]), rawBody(TARGET), patchTypes).map(([[method, path], body, ct]) => ({ via: 'rest' as const, method, path, body, contentType: method === 'PATCH' ? ct : 'application/json' })),
);

interface Verdict {
  ok: boolean;
  /** resourceVersions a success answered with: the only changes this case may have written. */
  versions: string[];
  problem?: string;
}

async function run(baseUrl: string, c: Case): Promise<Verdict> {
  const body = c.via === 'graphql' ? JSON.stringify({ query: c.query, variables: c.variables }) : c.body;
  const res = await fetch(c.via === 'graphql' ? `${baseUrl}/graphql` : `${baseUrl}${c.path}`, {
    method: c.via === 'graphql' ? 'POST' : c.method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': c.via === 'graphql' ? 'application/json' : c.contentType },
    body,
  });
  const text = await res.text();
  if (res.status >= 500) return { ok: false, versions: [], problem: `HTTP ${res.status}: ${text.slice(0, 300)}` };
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, versions: [], problem: `not JSON (HTTP ${res.status}): ${text.slice(0, 200)}` };
  }
  if (c.via === 'graphql') {
    const errors: any[] = parsed.errors ?? [];
    const bad = errors.filter((e) => !e.extensions?.code || e.extensions.code === 'INTERNAL' || !e.extensions.status?.code);
    if (bad.length) return { ok: false, versions: [], problem: `unstructured error: ${JSON.stringify(bad).slice(0, 300)}` };
    const result = parsed.data?.[c.op];
    if (result) return { ok: true, versions: [String(result.metadata.resourceVersion)] };
    if (!errors.length) return { ok: false, versions: [], problem: 'neither data nor errors' };
    return { ok: false, versions: [] };
  }
  if (res.status >= 400) {
    if (parsed.kind !== 'Status' || parsed.code !== res.status) return { ok: false, versions: [], problem: `not a Status (HTTP ${res.status}): ${text.slice(0, 200)}` };
    return { ok: false, versions: [] };
  }
  return { ok: true, versions: [String(parsed.metadata?.resourceVersion)] };
}

describe('fuzzed input', () => {
  let pg: PostgresServer;
  let app: App;

  beforeAll(async () => {
    pg = await startPostgres();
    // No background imports: they write (failure conditions) on their own, and this test
    // proves that every change-log row was made by a request that succeeded.
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', IMAGESTREAMS_BOOTSTRAP_TOKEN: ADMIN_TOKEN, IMAGESTREAMS_DATA_DIR: 'memory://', DATABASE_URL: pg.url, IMAGESTREAMS_BACKGROUND_IMPORTS: 'false' });
    app = await startApp(config, { log: createLogger(process.env.RELIABILITY_FUZZ_LOG ?? 'silent') });
  });
  afterAll(async () => {
    await app?.close();
    await pg?.stop();
  });

  it(`answers ${CASES} generated hostile writes with a success or a structured error and writes nothing when it refuses (seed ${SEED})`, async () => {
    await createStream(new GraphQLClient(app.url, ADMIN_TOKEN), NS, TARGET);
    const started = Date.now();
    const problems: Array<{ case: string; problem: string }> = [];
    const tally = { succeeded: 0, refused: 0 };
    const strays: unknown[] = [];
    for (let done = 0; done < CASES; done += BATCH) {
      const cases = fc.sample(caseArb, { numRuns: Math.min(BATCH, CASES - done), seed: SEED + done });
      const [{ rv: before }] = await sqlRows<{ rv: string }>(pg.url, 'select coalesce(max(resource_version), 0)::text as rv from change_log');
      const versions = new Set<string>();
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < cases.length) {
            const c = cases[next++];
            const v = await run(app.url, c).catch((e: Error) => ({ ok: false, versions: [], problem: `transport: ${e.message}` }) as Verdict);
            if (v.problem) problems.push({ case: JSON.stringify(c.via === 'graphql' ? { op: c.op, variables: c.variables } : c).slice(0, 1500), problem: v.problem });
            if (v.ok) tally.succeeded++;
            else tally.refused++;
            for (const rv of v.versions) versions.add(rv);
          }
        }),
      );
      // Nothing written by a refused request: every new change is one a success reported.
      const rows = await sqlRows<{ rv: string; name: string }>(pg.url, 'select resource_version::text as rv, name from change_log where resource_version > $1', [before]);
      strays.push(...rows.filter((r) => !versions.has(r.rv)));
      if (problems.length > 20) break;
    }
    expect(problems).toEqual([]);
    expect(strays).toEqual([]);
    expect(tally.succeeded + tally.refused).toBe(CASES);
    expect(await app.ready()).toBe(true);
    console.log(JSON.stringify({ scenario: 'fuzz', seed: SEED, cases: CASES, ...tally, durationMs: Date.now() - started, concurrency: CONCURRENCY }));
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../support/app.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { RestClient } from '../support/rest-client.js';
import type { ServerProcess } from '../support/server-process.js';
import { createStream, historyCounts, map, orphanedEvents, ResumingWatcher, serveOn, sqlRows, storedAndLogged, waitFor } from './harness.js';

const NS = 'crash';
const STREAMS = ['a', 'b', 'c'];
const WRITERS = 8;

/**
 * Issue 10 §4: the server killed with SIGKILL in the middle of a mapping
 * burst and stream patches. Each change is one transaction, so after a
 * restart the stored stream, its tag history and its change log agree, and
 * every acknowledged write is there.
 */
describe('crash under write load', () => {
  let pg: PostgresServer;
  let server: ServerProcess;

  beforeAll(async () => {
    pg = await startPostgres({ durable: true });
    server = await serveOn(pg.url);
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await pg?.stop();
  });

  it('keeps every acknowledged mapping and patch and leaves no half-written stream after SIGKILL', async () => {
    let gql = new GraphQLClient(server.url, ADMIN_TOKEN);
    let startRv = '0';
    for (const s of STREAMS) startRv = await createStream(gql, NS, s);
    // Subscribers that outlive the server: they resume from their last resourceVersion once it is back.
    const watchers = [0, 1].map(() => new ResumingWatcher(server.url, NS, startRv));

    const ackedMappings: Array<{ stream: string; image: string }> = [];
    const ackedPatches: Array<{ stream: string; key: string }> = [];
    let sent = 0;
    let refused = 0;
    let stop = false;
    const rest = new RestClient(server.url, ADMIN_TOKEN);
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const stream = STREAMS[(w + i) % STREAMS.length];
        sent++;
        if (i % 3 === 2) {
          // A merge patch of one annotation: acknowledged means present after the crash.
          const key = `crash.test/w${w}-${i}`;
          try {
            const res = await rest.patch(`/apis/image.openshift.io/v1/namespaces/${NS}/imagestreams/${stream}`, { metadata: { annotations: { [key]: 'x' } } }, 'application/merge-patch+json');
            if (res.status === 200) ackedPatches.push({ stream, key });
            else refused++;
          } catch {
            refused++;
          }
        } else {
          const r = await map(gql, NS, stream, `t${i % 2}`, `crash-${w}-${i}`);
          if (r.acked) ackedMappings.push({ stream, image: r.image });
          else refused++;
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
    await waitFor('a burst in full flight', () => ackedMappings.length >= 60, 30_000);
    server.child.kill('SIGKILL');
    await server.exited;
    stop = true;
    await Promise.all(writers);

    // Same port: the subscribers reconnect to the address they know.
    server = await serveOn(pg.url, Number(new URL(server.url).port));
    gql = new GraphQLClient(server.url, ADMIN_TOKEN);

    for (const stream of STREAMS) {
      // No lost acknowledged mapping, none twice.
      const history = await historyCounts(pg.url, NS, stream);
      const lost = ackedMappings.filter((m) => m.stream === stream && history.get(m.image) !== 1);
      expect(lost).toEqual([]);

      // The stored stream is exactly what its last change-log row says: no write half applied.
      const { stored, logged } = await storedAndLogged(pg.url, NS, stream);
      expect(stored).toEqual(logged);

      // No lost acknowledged patch.
      const missingPatches = ackedPatches.filter((p) => p.stream === stream && stored.annotations[p.key] !== 'x');
      expect(missingPatches).toEqual([]);
    }
    // Every image a history points at was stored with it (the mapping's image and event are one transaction).
    const orphans = await orphanedEvents(pg.url);
    expect(orphans).toEqual([]);

    // The restarted service takes writes again.
    expect((await map(gql, NS, 'a', 'after', 'crash-after-restart')).acked).toBe(true);

    // Subscribers: every change since they started, in order, once, across the crash.
    const log = await sqlRows<{ rv: string }>(pg.url, `select resource_version::text as rv from change_log where namespace = $1 and resource_version > $2 order by resource_version`, [NS, startRv]);
    const expected = log.map((r) => r.rv);
    await waitFor('every subscriber to catch up after the restart', () => watchers.every((w) => w.lastResourceVersion === expected[expected.length - 1]), 20_000);
    for (const w of watchers) {
      expect(w.resumes).toBeGreaterThan(0);
      expect(w.events.map((e) => e.resourceVersion)).toEqual(expected);
    }
    await Promise.all(watchers.map((w) => w.close()));
    console.log(JSON.stringify({ scenario: 'crash', sent, ackedMappings: ackedMappings.length, ackedPatches: ackedPatches.length, refusedOrCutOff: refused, writers: WRITERS, changeLogRows: expected.length, resumesPerWatcher: watchers.map((w) => w.resumes) }));
  }, 90_000);
});

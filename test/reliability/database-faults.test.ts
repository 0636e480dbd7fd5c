import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../support/app.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import type { ServerProcess } from '../support/server-process.js';
import { createStream, historyCounts, map, readyz, ResumingWatcher, serveOn, sqlRows, waitFor } from './harness.js';

/**
 * Issue 10 §2: Postgres stopped and restarted under a running writer and
 * subscribers. The service process is never restarted.
 */
describe('database faults', () => {
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

  it('loses no acknowledged write, goes unready then ready, and resumes subscribers without gaps across two outages', async () => {
    const gql = new GraphQLClient(server.url, ADMIN_TOKEN);
    const ns = 'faults';
    const startRv = await createStream(gql, ns, 'app');
    const watchers = [0, 1, 2].map(() => new ResumingWatcher(server.url, ns, startRv));

    const acked: string[] = [];
    const failures = new Map<string, number>();
    let writing = true;
    let seq = 0;
    const writer = (async () => {
      while (writing) {
        const i = seq++;
        const r = await map(gql, ns, 'app', `t${i % 3}`, `db-fault-${i}`);
        if (r.acked) acked.push(r.image);
        else failures.set(r.code!, (failures.get(r.code!) ?? 0) + 1);
      }
    })();

    const figures: Array<{ mode: string; outageMs: number; unreadyAfterMs: number; readyAfterRestartMs: number; firstAckAfterRestartMs: number }> = [];
    try {
      for (const mode of ['fast', 'immediate'] as const) {
        const before = acked.length;
        await waitFor('writes before the outage', () => acked.length >= before + 20);
        const down = Date.now();
        await pg.halt(mode);
        const unreadyAfterMs = await waitFor('/readyz to answer 503', async () => (await readyz(server.url)) === 503, 10_000);
        // Keep the database down until the writer has been refused a few times: the outage is real for it.
        const failedBefore = [...failures.values()].reduce((a, b) => a + b, 0);
        await waitFor('the writer to be refused during the outage', () => [...failures.values()].reduce((a, b) => a + b, 0) >= failedBefore + 20, 10_000);
        await pg.resume();
        const outageMs = Date.now() - down;
        const up = Date.now();
        const readyAfterRestartMs = await waitFor('/readyz to answer 200', async () => (await readyz(server.url)) === 200, 15_000);
        const ackedAtRestart = acked.length;
        const firstAckAfterRestartMs = await waitFor('a write acknowledged after the restart', () => acked.length > ackedAtRestart, 15_000) + (Date.now() - up - readyAfterRestartMs);
        await waitFor('writes after the outage', () => acked.length >= ackedAtRestart + 20);
        figures.push({ mode, outageMs, unreadyAfterMs, readyAfterRestartMs, firstAckAfterRestartMs });
      }
    } finally {
      writing = false;
      await writer;
    }

    // The system of record: every acknowledged mapping is in the history exactly once.
    const history = await historyCounts(pg.url, ns, 'app');
    const missing = acked.filter((img) => history.get(img) !== 1);
    expect(missing.map((img) => [img, history.get(img) ?? 0])).toEqual([]);
    // Failures during the outage must be the service saying so, not a masked crash of its own.
    for (const code of failures.keys()) expect(code).toMatch(/^(UNAVAILABLE|INTERNAL|transport: .*|HTTP 5\d\d)$/);

    // Subscribers: every change-log row for the namespace since the start, in order, once.
    const log = await sqlRows<{ rv: string }>(pg.url, `select resource_version::text as rv from change_log where namespace = $1 and resource_version > $2 order by resource_version`, [ns, startRv]);
    const expected = log.map((r) => r.rv);
    const last = expected[expected.length - 1];
    await waitFor('every subscriber to reach the last change', () => watchers.every((w) => Number(w.lastResourceVersion) >= Number(last)), 20_000);
    for (const w of watchers) expect(w.events.map((e) => e.resourceVersion)).toEqual(expected);
    await Promise.all(watchers.map((w) => w.close()));

    // The process was never restarted.
    expect(server.child.exitCode).toBeNull();
    console.log(JSON.stringify({ scenario: 'database-faults', acked: acked.length, attempts: seq, foundInHistory: acked.length - missing.length, failuresDuringOutage: Object.fromEntries(failures), changeLogRows: expected.length, resumesPerWatcher: watchers.map((w) => w.resumes), figures }));
  }, 90_000);
});

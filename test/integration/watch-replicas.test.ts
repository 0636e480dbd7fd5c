import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateStreamDocument, DeleteStreamDocument, PatchStreamDocument } from '../generated/graphql.js';
import { ADMIN_TOKEN, testEnv } from '../support/app.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startReplica, type Replica } from '../support/replica.js';
import { watchOverWebSocket, type OpenWatch } from '../support/watch-client.js';

/**
 * Two server processes on one real Postgres, as replicas behind a load
 * balancer: a subscriber must get every change, in order, once, whichever
 * replica took the write.
 */
describe('watch across two replicas on one PostgreSQL', () => {
  let replicas: Replica[] = [];
  let clients: GraphQLClient[] = [];
  let db: pg.Client;
  const open: OpenWatch[] = [];
  const watch = (replica: Replica, variables: Parameters<typeof watchOverWebSocket>[2]) => {
    const w = watchOverWebSocket(replica.url, ADMIN_TOKEN, variables);
    open.push(w);
    return w;
  };
  const logSince = async (after: number, namespacePrefix: string) =>
    (
      await db.query<{ resource_version: string; event_type: string; name: string }>(
        'select resource_version, event_type, name from change_log where resource_version > $1 and namespace like $2 order by resource_version',
        [after, `${namespacePrefix}%`],
      )
    ).rows.map((r) => [r.event_type, r.name, r.resource_version]);

  beforeAll(async () => {
    // A long poll interval: delivery across processes must come from LISTEN/NOTIFY, not the safety net.
    const env = await testEnv('postgres', { IMAGESTREAMS_WATCH_POLL_INTERVAL: '1h' });
    db = new pg.Client({ connectionString: env.DATABASE_URL });
    replicas = [await startReplica(env)]; // the first one migrates
    replicas.push(await startReplica(env));
    await db.connect();
    clients = replicas.map((r) => new GraphQLClient(r.url, ADMIN_TOKEN));
  });

  afterAll(async () => {
    await Promise.all(open.map((w) => w.close().catch(() => undefined)));
    await Promise.all(replicas.map((r) => r.stop()));
    await db?.end();
  });

  it('delivers a write taken by one replica to a subscriber on the other', async () => {
    const w = watch(replicas[1], { namespace: 'cross' });
    const created = await clients[0].ok(CreateStreamDocument, { namespace: 'cross', imageStream: { metadata: { name: 'one' } } });
    await w.received.changesCount(1);
    expect(w.received.changes.map((e) => [e.type, e.object.metadata.name, e.resourceVersion])).toEqual([['ADDED', 'one', created.createImageStream.metadata.resourceVersion]]);
  });

  it('resumes on the other replica with exactly the missed events', async () => {
    const ns = 'resume-x';
    await clients[0].ok(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name: 'base' } } });
    const first = watch(replicas[0], { namespace: ns });
    await first.received.changesCount(1);
    const from = first.received.lastResourceVersion!;
    await first.close();
    for (let i = 0; i < 6; i++) {
      const c = clients[i % 2];
      if (i % 3 === 0) await c.ok(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name: `s${i}` } } });
      else await c.ok(PatchStreamDocument, { namespace: ns, name: 'base', patch: { metadata: { labels: { i: String(i) } } } });
    }
    const expected = await logSince(Number(from), ns);
    expect(expected).toHaveLength(6);
    const second = watch(replicas[1], { namespace: ns, resourceVersion: from });
    await second.received.changesCount(6);
    expect(second.received.changes.map((e) => [e.type, e.object.metadata.name, e.resourceVersion])).toEqual(expected);
  });

  it('keeps delivering after the LISTEN connections are killed (they reconnect and catch up)', async () => {
    const w = watch(replicas[1], { namespace: 'relisten' });
    const before = await clients[0].ok(CreateStreamDocument, { namespace: 'relisten', imageStream: { metadata: { name: 'a' } } });
    await w.received.changesCount(1);
    const killed = await db.query(`select pg_terminate_backend(pid) from pg_stat_activity where query ilike 'listen %' and datname = current_database()`);
    expect(killed.rowCount).toBe(2);
    const after = await clients[0].ok(CreateStreamDocument, { namespace: 'relisten', imageStream: { metadata: { name: 'b' } } });
    await w.received.changesCount(2);
    expect(w.received.changes.map((e) => e.resourceVersion)).toEqual([before.createImageStream.metadata.resourceVersion, after.createImageStream.metadata.resourceVersion]);
    // and the listeners are back
    const deadline = Date.now() + 10_000;
    while ((await db.query(`select 1 from pg_stat_activity where query ilike 'listen %' and datname = current_database()`)).rowCount !== 2) {
      if (Date.now() > deadline) throw new Error('the listeners did not reconnect');
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  it('checker: 1,000 random concurrent writes on both replicas reach every subscriber as the change log has them', async () => {
    const ns = ['chk-a', 'chk-b', 'chk-c'];
    const [{ rv: startRv }] = (await db.query<{ rv: string }>('select coalesce(max(resource_version), 0) as rv from change_log')).rows;
    const subscribers = [watch(replicas[0], {}), watch(replicas[0], {}), watch(replicas[1], {}), watch(replicas[1], {})];
    // A seed write each subscriber must see proves it is live before the storm.
    const seed = await clients[0].ok(CreateStreamDocument, { namespace: 'chk-a', imageStream: { metadata: { name: 'seed' } } });
    const seedRv = seed.createImageStream.metadata.resourceVersion;
    await Promise.all(subscribers.map((s) => s.received.until((r) => r.changes.some((e) => e.resourceVersion === seedRv), 'the seed')));

    let seedState = 0x2545f491;
    const random = (n: number) => {
      seedState = (seedState * 1103515245 + 12345) & 0x7fffffff;
      return seedState % n;
    };
    const ops: Array<() => Promise<unknown>> = [];
    for (let i = 0; i < 1000; i++) {
      const client = clients[random(2)];
      const namespace = ns[random(3)];
      const name = `s${random(12)}`;
      const kind = random(3);
      ops.push(() =>
        kind === 0
          ? client.request(CreateStreamDocument, { namespace, imageStream: { metadata: { name, labels: { n: String(i) } } } })
          : kind === 1
            ? client.request(PatchStreamDocument, { namespace, name, patch: { metadata: { labels: { n: String(i) } } } })
            : client.request(DeleteStreamDocument, { namespace, name }),
      );
    }
    // 16 writers at a time: writes genuinely race each other on both replicas.
    let next = 0;
    const workers = Array.from({ length: 16 }, async () => {
      while (next < ops.length) {
        const res = (await ops[next++]()) as { status: number; errors?: Array<{ extensions?: { code?: string } }> };
        const code = res.errors?.[0]?.extensions?.code;
        // Only domain outcomes of racing writes are acceptable; anything else fails the test.
        if (code && !['ALREADY_EXISTS', 'NOT_FOUND', 'CONFLICT'].includes(code)) throw new Error(`write failed: ${JSON.stringify(res.errors)}`);
      }
    });
    await Promise.all(workers);

    const log = (await db.query<{ resource_version: string; event_type: string; namespace: string; name: string }>(
      'select resource_version, event_type, namespace, name from change_log where resource_version > $1 order by resource_version',
      [Number(startRv)],
    )).rows.map((r) => [r.event_type, `${r.namespace}/${r.name}`, r.resource_version]);
    expect(log.length).toBeGreaterThan(300);
    const last = log[log.length - 1][2];
    for (const s of subscribers) {
      await s.received.until((r) => r.changes.some((e) => e.resourceVersion === last), `the last change ${last}`, 20_000);
      const seen = s.received.changes
        .filter((e) => Number(e.resourceVersion) > Number(startRv))
        .map((e) => [e.type, `${e.object.metadata.namespace}/${e.object.metadata.name}`, e.resourceVersion]);
      expect(seen).toEqual(log); // no gap, no duplicate, no reordering
    }
    // A late subscriber resuming from before the storm replays the same sequence from the log.
    const late = watch(replicas[1], { resourceVersion: String(startRv) });
    await late.received.until((r) => r.changes.some((e) => e.resourceVersion === last), 'the replay');
    expect(late.received.changes.map((e) => [e.type, `${e.object.metadata.namespace}/${e.object.metadata.name}`, e.resourceVersion])).toEqual(log);
  }, 60_000);
});

import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthStore } from '../../../src/modules/auth/auth.store.js';
import { hashToken } from '../../../src/modules/auth/token.rules.js';
import { queryRows } from '../../../src/platform/database/connect.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { RestClient } from '../../support/rest-client.js';
import { openRestWatch, type RestWatch, type RestWatchEvent } from '../../support/rest-watch.js';
import type { SuiteContext } from '../harness.js';

const G = '/apis/image.openshift.io/v1';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

const changes = (events: RestWatchEvent[]) => events.filter((e) => e.type !== 'BOOKMARK').map((e) => [e.type, e.object.metadata.name]);

/** Watch over REST (§8.2): the same WatchService as the subscription, as chunked newline-delimited events. */
export function restWatchSuite(ctx: SuiteContext): void {
  const open: RestWatch[] = [];
  const rest = (app: TestApp = ctx.app) => new RestClient(app.url, app.token);
  const watch = async (path: string, opts: { app?: TestApp; token?: string; accept?: string } = {}) => {
    const app = opts.app ?? ctx.app;
    const w = await openRestWatch(app.url, path, opts.token ?? app.token, opts.accept);
    open.push(w);
    return w;
  };
  const create = async (ns: string, name: string, labels?: Record<string, string>, app: TestApp = ctx.app) => {
    const res = await rest(app).post(`${G}/namespaces/${ns}/imagestreams`, { metadata: { name, labels } });
    expect(res.status, res.text).toBe(201);
    return res.body.metadata.resourceVersion as string;
  };
  const label = async (ns: string, name: string, labels: Record<string, string>) => {
    const res = await rest().patch(`${G}/namespaces/${ns}/imagestreams/${name}`, { metadata: { labels } }, 'application/merge-patch+json');
    expect(res.status, res.text).toBe(200);
    return res.body.metadata.resourceVersion as string;
  };
  const remove = async (ns: string, name: string) => expect((await rest().delete(`${G}/namespaces/${ns}/imagestreams/${name}`)).status).toBe(200);

  afterAll(() => open.forEach((w) => w.close()));

  describe('REST watch of image streams', () => {
    it('?watch=true on a namespace list: headers at once, ADDED per current stream, then live changes with kind/apiVersion', async () => {
      const ns = ctx.namespace('rw');
      await create(ns, 'a');
      await create(ns, 'b');
      const w = await watch(`${G}/namespaces/${ns}/imagestreams?watch=true`);
      expect(w.status).toBe(200);
      expect(w.headers.get('content-type')).toBe('application/json');
      expect(w.headers.get('transfer-encoding')).toBe('chunked');
      await w.until((e) => e.length >= 2, 'the initial ADDED events');
      await create(ns, 'c');
      const rv = await label(ns, 'a', { x: '1' });
      await remove(ns, 'b');
      await w.until((e) => changes(e).length >= 5, 'three live changes');
      expect(changes(w.events)).toEqual([['ADDED', 'a'], ['ADDED', 'b'], ['ADDED', 'c'], ['MODIFIED', 'a'], ['DELETED', 'b']]);
      // Without allowWatchBookmarks there are no bookmarks at all.
      expect(w.events.map((e) => e.type)).not.toContain('BOOKMARK');
      for (const e of w.events) expect(e.object).toMatchObject({ kind: 'ImageStream', apiVersion: 'image.openshift.io/v1', metadata: { namespace: ns } });
      expect(w.events[3].object.metadata).toMatchObject({ resourceVersion: rv, labels: { x: '1' } });
    });

    it('serves the {g}/watch/ paths, one name, and apiVersion v1 under /oapi/v1', async () => {
      const ns = ctx.namespace('rwpath');
      await create(ns, 'one');
      await create(ns, 'two');
      const named = await watch(`${G}/watch/namespaces/${ns}/imagestreams/two`);
      const viaGet = await watch(`/oapi/v1/namespaces/${ns}/imagestreams/two?watch=1`);
      const inNs = await watch(`/oapi/v1/watch/namespaces/${ns}/imagestreams`);
      const everywhere = await watch(`${G}/watch/imagestreams?labelSelector=rwpath%3D${ns}`);
      await create(ns, 'three', { rwpath: ns });
      await label(ns, 'two', { rwpath: ns });
      await named.until((e) => changes(e).length >= 2, 'the named stream modified');
      expect(changes(named.events)).toEqual([['ADDED', 'two'], ['MODIFIED', 'two']]);
      await viaGet.until((e) => changes(e).length >= 2, 'the named stream modified (get path)');
      expect(changes(viaGet.events)).toEqual([['ADDED', 'two'], ['MODIFIED', 'two']]);
      expect(viaGet.events[0].object.apiVersion).toBe('v1');
      await inNs.until((e) => changes(e).length >= 4, 'all four events');
      expect(changes(inNs.events)).toEqual([['ADDED', 'one'], ['ADDED', 'two'], ['ADDED', 'three'], ['MODIFIED', 'two']]);
      // A label change that makes a stream match is an ADDED for a selecting watch.
      await everywhere.until((e) => changes(e).length >= 2, 'the selected streams');
      expect(changes(everywhere.events)).toEqual([['ADDED', 'three'], ['ADDED', 'two']]);
    });

    it('filters by fieldSelector metadata.name, and resumes after a resourceVersion', async () => {
      const ns = ctx.namespace('rwfield');
      const rv = await create(ns, 'keep');
      await create(ns, 'skip');
      const w = await watch(`${G}/namespaces/${ns}/imagestreams?watch=true&fieldSelector=metadata.name%3Dkeep&resourceVersion=${rv}`);
      await label(ns, 'skip', { a: 'b' });
      await label(ns, 'keep', { a: 'b' });
      await w.until((e) => changes(e).length >= 1, 'the change to keep');
      expect(changes(w.events)).toEqual([['MODIFIED', 'keep']]);
      const notName = await watch(`${G}/namespaces/${ns}/imagestreams?watch=true&fieldSelector=metadata.name!%3Dkeep`);
      await notName.until((e) => changes(e).length >= 1, 'the initial state');
      expect(changes(notName.events)).toEqual([['ADDED', 'skip']]);
    });

    it('with allowWatchBookmarks: a BOOKMARK carrying only kind, apiVersion and metadata.resourceVersion ends the initial events', async () => {
      const ns = ctx.namespace('rwbook');
      await create(ns, 'a');
      const list = (await rest().get(`${G}/namespaces/${ns}/imagestreams`)).body;
      const w = await watch(`${G}/namespaces/${ns}/imagestreams?watch=true&allowWatchBookmarks=true`);
      const events = await w.until((e) => e.some((x) => x.type === 'BOOKMARK'), 'the initial-events-end bookmark');
      expect(events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'a' } } });
      const bookmark = events.find((e) => e.type === 'BOOKMARK')!;
      expect(bookmark.object).toEqual({
        kind: 'ImageStream',
        apiVersion: 'image.openshift.io/v1',
        metadata: { resourceVersion: bookmark.object.metadata.resourceVersion, annotations: { 'k8s.io/initial-events-end': 'true' } },
      });
      expect(Number(bookmark.object.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(list.metadata.resourceVersion));
    });

    it('ends the stream after timeoutSeconds', async () => {
      const ns = ctx.namespace('rwtimeout');
      const w = await watch(`${G}/namespaces/${ns}/imagestreams?watch=true&timeoutSeconds=1`);
      await w.ended;
      expect(w.isEnded()).toBe(true);
      expect(w.events).toEqual([]);
    });

    it('answers Table events when kubectl asks (column definitions on the first)', async () => {
      const ns = ctx.namespace('rwtable');
      await create(ns, 'x');
      const w = await watch(`${G}/namespaces/${ns}/imagestreams?watch=true`, { accept: TABLE });
      await create(ns, 'y');
      const events = await w.until((e) => e.length >= 2, 'two table events');
      expect(events[0]).toMatchObject({ type: 'ADDED', object: { kind: 'Table', rows: [{ cells: ['x', expect.any(String), '', expect.any(String)] }] } });
      expect(events[0].object.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Image Repository', 'Tags', 'Updated']);
      expect(events[1].object.rows[0].cells[0]).toBe('y');
      expect(events[1].object.columnDefinitions).toEqual([]);
    });

    it('refuses before streaming: 401 without a valid token, 403 without the right to watch, 400 for a bad selector or version', async () => {
      const ns = ctx.namespace('rwdeny');
      await create(ns, 'secret');
      const anonymous = await rest().get(`${G}/namespaces/${ns}/imagestreams?watch=true`, { token: 'not-a-token' });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
      const token = `bob-${randomBytes(12).toString('hex')}`;
      await new AuthStore(ctx.app.database.db).insert(hashToken(token), `bob-${randomBytes(4).toString('hex')}`, [], null);
      for (const path of [`${G}/namespaces/${ns}/imagestreams?watch=true`, `${G}/watch/imagestreams`, `${G}/watch/namespaces/${ns}/imagestreams/secret`]) {
        const denied = await rest().get(path, { token });
        expect(denied.status, path).toBe(403);
        expect(denied.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
      }
      const badField = await rest().get(`${G}/watch/namespaces/${ns}/imagestreams?fieldSelector=spec.x%3D1`);
      expect(badField.status).toBe(400);
      expect(badField.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
      const badVersion = await rest().get(`${G}/watch/namespaces/${ns}/imagestreams?resourceVersion=abc`);
      expect(badVersion.status).toBe(400);
      const badTimeout = await rest().get(`${G}/watch/namespaces/${ns}/imagestreams?timeoutSeconds=-1`);
      expect(badTimeout.status).toBe(400);
    });
  });

  describe('REST watch with a short retention', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(ctx.driver, { IMAGESTREAMS_WATCH_RETENTION: '1s', IMAGESTREAMS_WATCH_COMPACTION_INTERVAL: '1h' });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('a too-old resourceVersion: one ERROR event with a 410 Expired Status, then the stream ends', async () => {
      const ns = ctx.namespace('rwexpired');
      const old = await create(ns, 'one', undefined, app);
      const newer = await create(ns, 'two', undefined, app);
      const deadline = Date.now() + 10_000;
      for (;;) {
        const [row] = await queryRows<{ expired: boolean }>(app.database.db, sql`select bool_or(recorded_at < now() - interval '1 second') as expired from change_log where resource_version = ${Number(newer)}`);
        if (row.expired) break;
        if (Date.now() > deadline) throw new Error('the change never aged past the retention window');
        await new Promise((r) => setImmediate(r));
      }
      const w = await watch(`${G}/namespaces/${ns}/imagestreams?watch=true&resourceVersion=${old}`, { app });
      expect(w.status).toBe(200);
      await w.ended;
      expect(w.events).toHaveLength(1);
      expect(w.events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 } });
    });
  });
}

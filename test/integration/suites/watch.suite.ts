import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import { CreateMappingDocument, CreateStreamDocument, DeleteStreamDocument, GrantRoleDocument, PatchStreamDocument } from '../../generated/graphql.js';
import { imageInput, ociImage } from '../../support/images.js';
import { queryRows } from '../../../src/platform/database/connect.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { GraphQLClient } from '../../support/graphql-client.js';
import { watchOverSse, watchOverWebSocket, type OpenWatch } from '../../support/watch-client.js';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { AuthStore } from '../../../src/modules/auth/auth.store.js';
import { hashToken } from '../../../src/modules/auth/token.rules.js';
import type { SuiteContext } from '../harness.js';

/** Watch through real clients: graphql-ws (and graphql-sse) against the running service. */
export function watchSuite(ctx: SuiteContext): void {
  const open: OpenWatch[] = [];
  const watch = (variables: Parameters<typeof watchOverWebSocket>[2], app: TestApp = ctx.app) => {
    const w = watchOverWebSocket(app.url, app.token, variables);
    open.push(w);
    return w;
  };
  const create = async (ns: string, name: string, labels?: Record<string, string>, client = ctx.client) =>
    (await client.ok(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name, labels } } })).createImageStream.metadata.resourceVersion;
  const patch = async (ns: string, name: string, labels: Record<string, string>, client = ctx.client) =>
    (await client.ok(PatchStreamDocument, { namespace: ns, name, patch: { metadata: { labels } } })).patchImageStream.metadata.resourceVersion;
  const remove = async (ns: string, name: string, client = ctx.client) =>
    (await client.ok(DeleteStreamDocument, { namespace: ns, name })).deleteImageStream.metadata.resourceVersion;
  const summary = (w: OpenWatch) => w.received.changes.map((e) => [e.type, e.object.metadata.name, e.resourceVersion]);

  afterAll(async () => {
    await Promise.all(open.map((w) => w.close().catch(() => undefined)));
  });

  describe('watchImageStreams over graphql-ws', () => {
    it('starts with an ADDED per current match, then live changes in resourceVersion order', async () => {
      const ns = ctx.namespace('watch');
      const rvA = await create(ns, 'a');
      const rvB = await create(ns, 'b');
      const w = watch({ namespace: ns });
      await w.received.changesCount(2);
      expect(summary(w)).toEqual([
        ['ADDED', 'a', rvA],
        ['ADDED', 'b', rvB],
      ]);
      await w.received.until((r) => r.events.length >= 3, 'the initial-events bookmark');
      expect(w.received.events[2]).toMatchObject({ type: 'BOOKMARK', resourceVersion: rvB, object: { metadata: { resourceVersion: rvB } } });
      const rv1 = await patch(ns, 'a', { step: '1' });
      const rv2 = await remove(ns, 'b');
      const rv3 = await create(ns, 'c');
      await w.received.changesCount(5);
      expect(summary(w).slice(2)).toEqual([
        ['MODIFIED', 'a', rv1],
        ['DELETED', 'b', rv2],
        ['ADDED', 'c', rv3],
      ]);
      const modified = w.received.changes[2];
      expect(modified.object.metadata.labels).toEqual({ step: '1' });
      expect(modified.object.kind).toBe('ImageStream');
      expect(Number(rv1)).toBeLessThan(Number(rv2));
      expect(Number(rv2)).toBeLessThan(Number(rv3));
    });

    it('resumes after a resourceVersion with exactly the changes it missed', async () => {
      const ns = ctx.namespace('resume');
      await create(ns, 'x');
      const first = watch({ namespace: ns });
      await first.received.changesCount(1);
      const resumeFrom = first.received.lastResourceVersion!;
      await first.close();
      const missed = [await patch(ns, 'x', { v: '1' }), await create(ns, 'y'), await remove(ns, 'x')];
      const second = watch({ namespace: ns, resourceVersion: resumeFrom });
      await second.received.changesCount(3);
      expect(summary(second)).toEqual([
        ['MODIFIED', 'x', missed[0]],
        ['ADDED', 'y', missed[1]],
        ['DELETED', 'x', missed[2]],
      ]);
      // and then live, with nothing repeated
      const live = await patch(ns, 'y', { v: '2' });
      await second.received.changesCount(4);
      expect(summary(second)[3]).toEqual(['MODIFIED', 'y', live]);
      expect(second.received.changes).toHaveLength(4);
    });

    it('filters by name and label selector, on the object after the change', async () => {
      const ns = ctx.namespace('filter');
      await create(ns, 'web', { tier: 'web' });
      await create(ns, 'db', { tier: 'db' });
      const byLabel = watch({ namespace: ns, labelSelector: 'tier=web' });
      const byName = watch({ namespace: ns, name: 'db' });
      await byLabel.received.changesCount(1);
      await byName.received.changesCount(1);
      const rvWeb = await patch(ns, 'web', { tier: 'web', v: '2' });
      await patch(ns, 'db', { tier: 'db', v: '2' });
      const rvOther = await create(ns, 'web2', { tier: 'web' });
      const rvDelete = await remove(ns, 'db');
      await byLabel.received.changesCount(3);
      await byName.received.changesCount(3);
      expect(summary(byLabel).map((s) => s[1])).toEqual(['web', 'web', 'web2']);
      expect(summary(byLabel).slice(1).map((s) => s[2])).toEqual([rvWeb, rvOther]);
      expect(summary(byName).map((s) => [s[0], s[1]])).toEqual([
        ['ADDED', 'db'],
        ['MODIFIED', 'db'],
        ['DELETED', 'db'],
      ]);
      expect(summary(byName)[2][2]).toBe(rvDelete);
    });

    it('sends ADDED when a change makes an object match the selector and DELETED when it stops matching', async () => {
      const ns = ctx.namespace('cross');
      await create(ns, 'moving', { tier: 'db' });
      const w = watch({ namespace: ns, labelSelector: 'tier=web' });
      const rvStream = await create(ns, 'anchor', { tier: 'web' }); // proves the watch is live
      await w.received.changesCount(1);
      const rvIn = await patch(ns, 'moving', { tier: 'web' });
      const rvStay = await patch(ns, 'moving', { tier: 'web', v: '2' });
      const rvOut = await patch(ns, 'moving', { tier: 'db' });
      await patch(ns, 'moving', { tier: 'db', v: '3' }); // not matching before or after: nothing
      const rvLast = await patch(ns, 'anchor', { tier: 'web', v: '4' });
      await w.received.changesCount(5);
      expect(summary(w)).toEqual([
        ['ADDED', 'anchor', rvStream],
        ['ADDED', 'moving', rvIn],
        ['MODIFIED', 'moving', rvStay],
        ['DELETED', 'moving', rvOut],
        ['MODIFIED', 'anchor', rvLast],
      ]);
      expect(w.received.changes[3].object.metadata.labels).toEqual({ tier: 'db', v: '2' }); // merge patch keeps v
    });

    it('does not show one namespace to a watcher of another', async () => {
      const mine = ctx.namespace('mine');
      const theirs = ctx.namespace('theirs');
      const w = watch({ namespace: mine });
      await create(theirs, 'hidden');
      const rv = await create(mine, 'shown');
      await w.received.changesCount(1);
      expect(summary(w)).toEqual([['ADDED', 'shown', rv]]);
    });

    it('renders an event once per audience: a caller with other rights never gets another caller\'s answer', async () => {
      // Image.imageStreamTags lists only streams the caller may read: the same document answers differently.
      const mine = ctx.namespace('aud-a');
      const elsewhere = ctx.namespace('aud-b');
      const img = ociImage(`aud-${randomBytes(6).toString('hex')}`);
      await create(mine, 'app');
      await create(elsewhere, 'app');
      await ctx.client.ok(CreateMappingDocument, { namespace: elsewhere, mapping: { metadata: { name: 'app' }, tag: 'v1', image: imageInput(img) } });
      const user = `aud-${randomBytes(4).toString('hex')}`;
      const token = `aud-${randomBytes(12).toString('hex')}`;
      await new AuthStore(ctx.app.database.db).insert(hashToken(token), user, [], null);
      await ctx.client.ok(GrantRoleDocument, { namespace: mine, role: 'view', user });

      const query = `subscription($ns: String) { watchImageStreams(namespace: $ns) { type resourceVersion
        object { metadata { name } status { tags { tag items { image { imageStreamTags { metadata { namespace name } } } } } } } } }`;
      type Event = { type: string; object: { status: { tags: Array<{ items: Array<{ image: { imageStreamTags: Array<{ metadata: { namespace: string; name: string } }> } | null }> }> | null } } };
      const subscribe = (bearer: string) => {
        const client = createClient({ url: `${ctx.app.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${bearer}` }, retryAttempts: 0 });
        const got: Event[] = [];
        const errors: unknown[] = [];
        client.subscribe<{ watchImageStreams: Event }>(
          { query, variables: { ns: mine } },
          { next: (r) => (r.errors ? errors.push(r.errors) : got.push(r.data!.watchImageStreams)), error: (e) => errors.push(e), complete: () => undefined },
        );
        return { got, errors, close: () => client.dispose() };
      };
      // Two subscribers of each audience: the second of each gets the text rendered for the first.
      const watchers = [subscribe(ctx.app.token), subscribe(ctx.app.token), subscribe(token), subscribe(token)];
      try {
        for (const w of watchers) await expect.poll(() => w.got.some((e) => e.type === 'BOOKMARK'), { timeout: 10_000 }).toBe(true);
        await ctx.client.ok(CreateMappingDocument, { namespace: mine, mapping: { metadata: { name: 'app' }, tag: 'v1', image: imageInput(img) } });
        for (const w of watchers) await expect.poll(() => w.got.some((e) => e.type === 'MODIFIED'), { timeout: 10_000 }).toBe(true);
        const seen = (w: (typeof watchers)[number]) =>
          w.got.find((e) => e.type === 'MODIFIED')!.object.status.tags!.flatMap((t) => t.items.flatMap((i) => i.image?.imageStreamTags.map((x) => `${x.metadata.namespace}/${x.metadata.name}`) ?? [])).sort();
        const both = [`${elsewhere}/app:v1`, `${mine}/app:v1`].sort();
        expect(seen(watchers[0])).toEqual(both);
        expect(seen(watchers[1])).toEqual(both);
        expect(seen(watchers[2])).toEqual([`${mine}/app:v1`]);
        expect(seen(watchers[3])).toEqual([`${mine}/app:v1`]);
        expect(watchers.flatMap((w) => w.errors)).toEqual([]);
      } finally {
        await Promise.all(watchers.map((w) => w.close()));
      }
    });

    it('refuses a caller without the right to watch, in a namespace or everywhere, with FORBIDDEN', async () => {
      const token = `bob-${randomBytes(12).toString('hex')}`;
      // A user name of its own: other suites bind roles to users of their own names.
      await new AuthStore(ctx.app.database.db).insert(hashToken(token), `bob-${randomBytes(4).toString('hex')}`, [], null);
      const ns = ctx.namespace('private');
      await create(ns, 'secret');
      // Everywhere is refused only because bob may read nothing anywhere; a caller with
      // some namespace gets a filtered watch (the authorization matrix covers that).
      for (const variables of [{ namespace: ns }, {}]) {
        const w = watchOverWebSocket(ctx.app.url, token, variables);
        open.push(w);
        await w.received.until((r) => r.errors.length > 0, 'FORBIDDEN');
        expect(w.received.errors[0].extensions?.code).toBe('FORBIDDEN');
        expect(w.received.events).toEqual([]);
      }
    });

    it('refuses a connection without a valid token and a malformed selector or version', async () => {
      const anonymous = watchOverWebSocket(ctx.app.url, 'not-a-token', { namespace: 'x' });
      open.push(anonymous);
      await anonymous.received.until((r) => r.closeCode !== undefined || r.errors.length > 0, 'the socket to close');
      expect(anonymous.received.events).toEqual([]);
      const badSelector = watch({ namespace: 'x', labelSelector: 'a in (' });
      await badSelector.received.until((r) => r.errors.length > 0, 'an error');
      expect(badSelector.received.errors[0].extensions?.code).toBe('BAD_REQUEST');
      const badVersion = watch({ namespace: 'x', resourceVersion: 'abc' });
      await badVersion.received.until((r) => r.errors.length > 0, 'an error');
      expect(badVersion.received.errors[0].extensions?.code).toBe('BAD_REQUEST');
    });

    it('answers a version at or after the latest with live changes only', async () => {
      const ns = ctx.namespace('future');
      const rv = await create(ns, 'old');
      const w = watch({ namespace: ns, resourceVersion: rv });
      const next = await create(ns, 'new');
      await w.received.changesCount(1);
      expect(summary(w)).toEqual([['ADDED', 'new', next]]);
    });
  });

  describe('GraphQL over SSE (graphql-sse, distinct connections)', () => {
    it('delivers the same events as the WebSocket transport', async () => {
      const ns = ctx.namespace('sse');
      const rvA = await create(ns, 'a');
      const sse = watchOverSse(ctx.app.url, ctx.app.token, { namespace: ns });
      try {
        await sse.received.changesCount(1);
        const rvB = await patch(ns, 'a', { v: '1' });
        await sse.received.changesCount(2);
        expect(sse.received.changes.map((e) => [e.type, e.object.metadata.name, e.resourceVersion])).toEqual([
          ['ADDED', 'a', rvA],
          ['MODIFIED', 'a', rvB],
        ]);
      } finally {
        sse.close();
      }
    });

    it('answers 401 with the UNAUTHENTICATED error body for a bad token', async () => {
      const res = await fetch(`${ctx.app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: 'Bearer nope' },
        body: JSON.stringify({ query: 'subscription { watchImageStreams { type } }' }),
      });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { errors: Array<{ extensions: { code: string } }> };
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('with short bookmark interval and retention', () => {
    let app: TestApp;
    let client: GraphQLClient;
    beforeAll(async () => {
      app = await startTestApp(ctx.driver, {
        IMAGESTREAMS_WATCH_BOOKMARK_INTERVAL: '100ms',
        IMAGESTREAMS_WATCH_RETENTION: '1s',
        IMAGESTREAMS_WATCH_COMPACTION_INTERVAL: '1h',
        IMAGESTREAMS_WATCH_BUFFER: '4',
        IMAGESTREAMS_WATCH_REAUTH_INTERVAL: '50ms',
      });
      client = new GraphQLClient(app.url, app.token);
    });
    afterAll(async () => {
      await app?.close();
    });

    it('sends BOOKMARK events carrying the latest version, from which a resume misses nothing', async () => {
      const ns = ctx.namespace('bookmark');
      const w = watch({ namespace: ns }, app);
      const rv = await create(ns, 's', undefined, client);
      await w.received.until((r) => r.events.some((e) => e.type === 'BOOKMARK' && Number(e.resourceVersion) >= Number(rv)), 'a bookmark at the latest version');
      const bookmark = w.received.events.find((e) => e.type === 'BOOKMARK' && Number(e.resourceVersion) >= Number(rv))!;
      expect(bookmark.object.metadata.resourceVersion).toBe(bookmark.resourceVersion);
      expect(bookmark.object.metadata.name).toBe('');
      await w.close();
      const after = await patch(ns, 's', { v: '1' }, client);
      const resumed = watch({ namespace: ns, resourceVersion: bookmark.resourceVersion }, app);
      await resumed.received.changesCount(1);
      expect(resumed.received.changes.map((e) => [e.type, e.resourceVersion])).toEqual([['MODIFIED', after]]);
    });

    it('answers EXPIRED for a version older than the retention window, before and after compaction', async () => {
      const ns = ctx.namespace('expired');
      const old = await create(ns, 'one', undefined, client);
      const newer = await create(ns, 'two', undefined, client);
      // Wait (bounded) until the database itself considers `newer` older than the retention window.
      const db = app.database.db;
      const deadline = Date.now() + 10_000;
      for (;;) {
        const [row] = await queryRows<{ expired: boolean }>(db, sql`select bool_or(recorded_at < now() - interval '1 second') as expired from change_log where resource_version = ${Number(newer)}`);
        if (row.expired) break;
        if (Date.now() > deadline) throw new Error('the change never aged past the retention window');
        await new Promise((r) => setImmediate(r));
      }
      const [kept] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from change_log where resource_version <= ${Number(old)}`);
      expect(kept.n).toBeGreaterThan(0); // not compacted yet: EXPIRED must not depend on it
      const before = watch({ namespace: ns, resourceVersion: old }, app);
      await before.received.until((r) => r.errors.length > 0, 'EXPIRED');
      expect(before.received.errors[0].extensions?.code).toBe('EXPIRED');
      expect(before.received.errors[0].extensions?.status).toMatchObject({ code: 410, reason: 'Expired' });
      expect(before.received.events).toEqual([]);

      expect(await app.services.watch.compact()).toBeGreaterThan(0);
      const after = watch({ namespace: ns, resourceVersion: old }, app);
      await after.received.until((r) => r.errors.length > 0, 'EXPIRED');
      expect(after.received.errors[0].extensions?.code).toBe('EXPIRED');

      // The newest expired version is still a valid place to resume from.
      const fromHorizon = watch({ namespace: ns, resourceVersion: newer }, app);
      const live = await patch(ns, 'two', { v: '1' }, client);
      await fromHorizon.received.changesCount(1);
      expect(fromHorizon.received.changes.map((e) => e.resourceVersion)).toEqual([live]);
      expect(fromHorizon.received.errors).toEqual([]);
    });

    it('ends a subscription with UNAUTHENTICATED once its token is revoked', async () => {
      const token = `carol-${randomBytes(12).toString('hex')}`;
      const store = new AuthStore(app.database.db);
      await store.insert(hashToken(token), 'carol', ['system:masters'], null);
      const ns = ctx.namespace('revoked');
      const w = watchOverWebSocket(app.url, token, { namespace: ns });
      open.push(w);
      await create(ns, 'before', undefined, client);
      await w.received.changesCount(1);
      expect(await store.revokeByHash(hashToken(token))).toBeTruthy();
      await w.received.until((r) => r.errors.length > 0 && r.completed, 'UNAUTHENTICATED and complete');
      expect(w.received.errors[0].extensions?.code).toBe('UNAUTHENTICATED');
      await create(ns, 'after', undefined, client);
      expect(w.received.changes.map((e) => e.object.metadata.name)).toEqual(['before']);
    });

    it('closes a consumer that stops reading with code 1013 once its buffer is full', async () => {
      const ns = ctx.namespace('slow');
      await create(ns, 's', undefined, client);
      // Aliases multiply each event on the wire: a few writes fill the socket buffers quickly.
      const aliases = Array.from({ length: 8 }, (_, i) => `a${i}: object { metadata { annotations } }`).join(' ');
      const query = `subscription($ns: String) { watchImageStreams(namespace: $ns) { type resourceVersion ${aliases} } }`;
      const socket = new WebSocket(`${app.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
      const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
      const firstEvent = new Promise<void>((resolve) =>
        socket.on('message', (data) => {
          const msg = JSON.parse(data.toString()) as { type: string };
          if (msg.type === 'connection_ack') socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: { ns } } }));
          if (msg.type === 'next') resolve();
        }),
      );
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${app.token}` } })));
      await firstEvent;
      const subscribed = app.services.watch.subscriptionCount;
      // Stop reading: from now on the server can only buffer.
      (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
      const big = (i: number) => String(i).padEnd(200 * 1024, 'x');
      const deadline = Date.now() + 20_000;
      for (let i = 0; app.services.watch.subscriptionCount >= subscribed; i++) {
        if (Date.now() > deadline) throw new Error('the slow consumer was never cut off');
        await client.ok(PatchStreamDocument, { namespace: ns, name: 's', patch: { metadata: { annotations: { big: big(i) } } } });
      }
      (socket as unknown as { _socket: { resume(): void } })._socket.resume();
      const { code, reason } = await closed;
      expect(code).toBe(1013);
      expect(reason).toMatch(/^slow consumer/);
    });

    it('pings at the keep-alive interval and completes open subscriptions on graceful shutdown', async () => {
      // A client that stops reading also stops answering pings: a short keep-alive would cut it off before the
      // slow-consumer limit does, so it is configured on this app only.
      const own = await startTestApp(ctx.driver, { IMAGESTREAMS_WS_KEEPALIVE: '100ms' });
      const pinged = new WebSocket(`${own.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
      pinged.on('open', () => pinged.send(JSON.stringify({ type: 'connection_init', payload: { token: own.token } })));
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no ping within 10s')), 10_000);
          pinged.once('ping', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      } finally {
        pinged.close();
      }

      const w = watch({}, own);
      const ownClient = new GraphQLClient(own.url, own.token);
      await create(ctx.namespace('shutdown'), 's', undefined, ownClient);
      await w.received.changesCount(1);
      await own.close();
      await w.received.until((r) => r.completed, 'complete');
      expect(w.received.errors).toEqual([]);
    });
  });
}

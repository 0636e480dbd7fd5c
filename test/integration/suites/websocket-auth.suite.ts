import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateStreamDocument, CreateTokenDocument, GrantRoleDocument, RevokeRoleDocument, RevokeTokenDocument } from '../../generated/graphql.js';
import { apiTokens } from '../../../src/platform/database/schema.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { GraphQLClient } from '../../support/graphql-client.js';
import { connectWs, type WsConnection } from '../../support/ws-client.js';
import type { SuiteContext } from '../harness.js';

/** Rejects when `p` has not settled within `ms`: a bounded wait on a condition, not a sleep. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms).unref())]);
}

const WHO = '{ whoAmI { user grants { namespace role } } }';

export function websocketAuthSuite(ctx: SuiteContext): void {
  describe('WebSocket authentication and revocation', () => {
    // Its own service, re-validating open sockets every 200 ms, so the cross-replica path is observable quickly.
    let app: TestApp;
    let admin: GraphQLClient;
    const open: WsConnection[] = [];
    beforeAll(async () => {
      app = await startTestApp(ctx.driver, { IMAGESTREAMS_WS_REVALIDATE_SECONDS: '0.2' });
      admin = new GraphQLClient(app.url, app.token);
    });
    afterAll(async () => {
      await Promise.all(open.map((c) => c.dispose().catch(() => undefined)));
      await app?.close();
    });

    const token = async (user: string) => (await admin.ok(CreateTokenDocument, { user, expiresIn: 3600 })).createToken;
    const connect = (params: Record<string, unknown>) => {
      const c = connectWs(app.url, params);
      open.push(c);
      return c;
    };

    it('authenticates from connection_init, as a Bearer header or a bare token', async () => {
      const t = await token('ws-user');
      for (const params of [{ authorization: `Bearer ${t}` }, { token: t }]) {
        const ws = connect(params);
        await ws.connected;
        const res = await ws.execute<{ whoAmI: { user: string } }>(WHO);
        expect(res.data?.whoAmI.user).toBe('ws-user');
      }
    });

    it('closes a socket with a bad or missing token with 4403 before any operation', async () => {
      for (const params of [{ authorization: 'Bearer isv1_bogus' }, {}]) {
        const ws = connect(params);
        expect((await within(ws.closed, 5000, 'close')).code).toBe(4403);
      }
    });

    it('closes an open socket with 4403 as soon as its token is revoked', async () => {
      // On the suite's main service, which re-validates only every 30 s: a close within 2 s comes from the revocation itself.
      const t = (await ctx.client.ok(CreateTokenDocument, { user: 'ws-revoked', expiresIn: 3600 })).createToken;
      const ws = connectWs(ctx.app.url, { authorization: `Bearer ${t}` });
      const bystander = connectWs(ctx.app.url, { authorization: `Bearer ${ctx.app.token}` });
      open.push(ws, bystander);
      await ws.connected;
      expect((await ws.execute<{ whoAmI: { user: string } }>(WHO)).data?.whoAmI.user).toBe('ws-revoked');
      await bystander.connected;

      expect((await ctx.client.ok(RevokeTokenDocument, { token: t })).revokeToken).toBe(true);
      const closed = await within(ws.closed, 2000, 'close after revocation');
      expect(closed).toEqual({ code: 4403, reason: 'Forbidden' });
      // A socket of another token stays open and usable.
      expect((await bystander.execute<{ whoAmI: { user: string } }>(WHO)).data?.whoAmI.user).toBe('system:admin');
    });

    it('closes a socket whose token was revoked elsewhere (another replica) at the next re-validation', async () => {
      const t = await token('ws-elsewhere');
      const ws = connect({ authorization: `Bearer ${t}` });
      await ws.connected;
      // Written straight to the shared database, as another replica would: no event reaches this process.
      await app.database.db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.user, 'ws-elsewhere'));
      expect((await within(ws.closed, 5000, 'close after re-validation')).code).toBe(4403);
    });

    it('follows role changes on an open socket and shapes errors as HTTP does', async () => {
      const ns = ctx.namespace('ws-roles');
      await admin.ok(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name: 's' } } });
      const ws = connect({ authorization: `Bearer ${await token('ws-roles')}` });
      await ws.connected;
      const read = `{ imageStream(namespace: "${ns}", name: "s") { metadata { name } } }`;

      const denied = await ws.execute(read);
      expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(denied.errors?.[0].extensions?.status).toMatchObject({ code: 403, reason: 'Forbidden' });

      await admin.ok(GrantRoleDocument, { namespace: ns, role: 'view', user: 'ws-roles' });
      expect((await ws.execute<{ imageStream: { metadata: { name: string } } }>(read)).data?.imageStream.metadata.name).toBe('s');

      await admin.ok(RevokeRoleDocument, { namespace: ns, role: 'view', user: 'ws-roles' });
      expect((await ws.execute(read)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });
  });
}

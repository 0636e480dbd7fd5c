import { beforeAll, describe, expect, it } from 'vitest';
import {
  CreateMappingDocument,
  CreateStreamDocument,
  CreateTokenDocument,
  DeleteStreamDocument,
  GetStreamDocument,
  GrantRoleDocument,
  ListStreamsDocument,
  RevokeRoleDocument,
  RevokeTokenDocument,
  RoleBindingsDocument,
  WhoAmIDocument,
} from '../../../generated/graphql.js';
import type { GraphQLClient } from '../../../support/graphql-client.js';
import { imageInput, ociImage } from '../../../support/images.js';
import type { SuiteContext } from '../../harness.js';

/** Waits for `check` to hold, up to a bounded deadline (no fixed sleeps). */
async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function accessSuite(ctx: SuiteContext): void {
  const tokenFor = async (user: string, groups: string[] = [], expiresIn?: number) => (await ctx.client.ok(CreateTokenDocument, { user, groups, expiresIn })).createToken;
  const as = async (user: string, groups: string[] = []) => ctx.client.withToken(await tokenFor(user, groups));
  const createIn = (ns: string, name: string) => ctx.client.ok(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name } } });

  describe('isolation through links', () => {
    it("an image tagged in two namespaces, read through a stream, shows only the tags the caller may see", async () => {
      const a = ctx.namespace('link-a');
      const b = ctx.namespace('link-b');
      const img = ociImage(`link-${a}`);
      for (const ns of [a, b]) {
        await createIn(ns, 'app');
        await ctx.client.ok(CreateMappingDocument, { namespace: ns, mapping: { metadata: { name: 'app' }, tag: 'latest', image: imageInput(img) } });
      }
      const query = `query($ns: String!) { imageStreamTag(namespace: $ns, name: "app:latest") {
        image { metadata { name } imageStreamTags { metadata { name namespace } } } } }`;
      type Answer = { imageStreamTag: { image: { metadata: { name: string }; imageStreamTags: Array<{ metadata: { namespace: string } }> } } };
      // The cluster-admin sees both tags; a viewer of `a` reaches the same image but only `a`'s tag.
      const all = (await ctx.client.ok<Answer, { ns: string }>(query, { ns: a })).imageStreamTag.image;
      expect(all.imageStreamTags.map((t) => t.metadata.namespace).sort()).toEqual([a, b].sort());
      await ctx.client.ok(GrantRoleDocument, { namespace: a, role: 'view', user: `link-viewer-${a}` });
      const viewer = await as(`link-viewer-${a}`);
      const seen = (await viewer.ok<Answer, { ns: string }>(query, { ns: a })).imageStreamTag.image;
      expect(seen.metadata.name).toBe(img.name);
      expect(seen.imageStreamTags.map((t) => t.metadata.namespace)).toEqual([a]);
      // And the other namespace's stream itself stays closed to it.
      expect(await viewer.errorCode<Answer, { ns: string }>(query, { ns: b })).toBe('FORBIDDEN');
    });
  });

  describe('isolation of lists', () => {
    let a: string;
    let b: string;
    let viewer: GraphQLClient;
    beforeAll(async () => {
      a = ctx.namespace('iso-a');
      b = ctx.namespace('iso-b');
      for (const n of ['one', 'two', 'three']) await createIn(a, n);
      for (const n of ['four', 'five']) await createIn(b, n);
      await ctx.client.ok(GrantRoleDocument, { namespace: a, role: 'view', user: `viewer-${a}` });
      viewer = await as(`viewer-${a}`);
    });

    it('a view user listing all namespaces sees only its own, totalCount included', async () => {
      const list = (await viewer.ok(ListStreamsDocument, {})).imageStreams;
      expect(new Set(list.nodes.map((n) => n.metadata.namespace))).toEqual(new Set([a]));
      expect(list.nodes.map((n) => n.metadata.name).sort()).toEqual(['one', 'three', 'two']);
      expect(list.totalCount).toBe(3);
      // The cluster-admin sees the others: they exist, the viewer just cannot see them.
      const all = (await ctx.client.ok(ListStreamsDocument, {})).imageStreams;
      expect(all.nodes.filter((n) => n.metadata.namespace === b)).toHaveLength(2);
    });

    it('paging never steps outside the visible namespaces', async () => {
      const seen: string[] = [];
      let after: string | null | undefined;
      for (let i = 0; i < 10; i++) {
        const page = (await viewer.ok(ListStreamsDocument, { first: 1, after })).imageStreams;
        seen.push(...page.nodes.map((n) => `${n.metadata.namespace}/${n.metadata.name}`));
        expect(page.totalCount).toBe(3);
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen.sort()).toEqual([`${a}/one`, `${a}/three`, `${a}/two`]);
    });

    it('a cursor naming another namespace reveals nothing of it', async () => {
      const cursor = Buffer.from(JSON.stringify([b, 'a'])).toString('base64url');
      const page = (await viewer.ok(ListStreamsDocument, { first: 10, after: cursor })).imageStreams;
      expect(page.nodes.every((n) => n.metadata.namespace === a)).toBe(true);
      expect(page.totalCount).toBe(3);
    });

    it('listing another namespace by name is FORBIDDEN, with the reference message', async () => {
      const res = await viewer.request(ListStreamsDocument, { namespace: b });
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(res.errors?.[0].message).toBe(`imagestreams.image.openshift.io is forbidden: User "viewer-${a}" cannot list resource "imagestreams" in API group "image.openshift.io" in the namespace "${b}"`);
    });

    it('a user with no role at all sees an empty list, not an error', async () => {
      const nobody = await as(`nobody-${a}`);
      const list = (await nobody.ok(ListStreamsDocument, {})).imageStreams;
      expect(list.nodes).toEqual([]);
      expect(list.totalCount).toBe(0);
    });
  });

  describe('denials', () => {
    it('answers the reference Forbidden shape (§8.3) and writes nothing', async () => {
      const ns = ctx.namespace('deny');
      await createIn(ns, 'keep');
      await ctx.client.ok(GrantRoleDocument, { namespace: ns, role: 'view', user: 'bob' });
      const bob = await as('bob');
      const res = await bob.request(DeleteStreamDocument, { namespace: ns, name: 'keep' });
      expect(res.status).toBe(200);
      expect(res.errors?.[0].message).toBe(`imagestreams.image.openshift.io "keep" is forbidden: User "bob" cannot delete resource "imagestreams" in API group "image.openshift.io" in the namespace "${ns}"`);
      expect(res.errors?.[0].extensions?.status).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: res.errors?.[0].message,
        reason: 'Forbidden',
        details: { name: 'keep', group: 'image.openshift.io', kind: 'imagestreams' },
        code: 403,
      });
      expect((await ctx.client.ok(GetStreamDocument, { namespace: ns, name: 'keep' })).imageStream).not.toBeNull();
    });

    it('an unknown, malformed or missing token is UNAUTHENTICATED with HTTP 401', async () => {
      for (const client of [ctx.client.withToken('isv1_not-a-real-token'), ctx.client.withToken(undefined)]) {
        const res = await client.request(WhoAmIDocument, {});
        expect(res.status).toBe(401);
        expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
        expect(res.errors?.[0].extensions?.status).toMatchObject({ code: 401, reason: 'Unauthorized', message: 'Unauthorized' });
      }
    });

    it('introspection needs a token too', async () => {
      const res = await ctx.client.withToken(undefined).request('{ __schema { types { name } } }');
      expect(res.status).toBe(401);
      expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.data ?? null).toBeNull();
    });
  });

  describe('tokens and roles take effect at once', () => {
    it('a revoked token is refused on its very next request', async () => {
      const token = await tokenFor('short-lived');
      const client = ctx.client.withToken(token);
      expect((await client.ok(WhoAmIDocument, {})).whoAmI.user).toBe('short-lived');
      expect((await ctx.client.ok(RevokeTokenDocument, { token })).revokeToken).toBe(true);
      expect(await client.errorCode(WhoAmIDocument, {})).toBe('UNAUTHENTICATED');
      expect((await ctx.client.ok(RevokeTokenDocument, { token })).revokeToken).toBe(false);
    });

    it('a holder may revoke its own token', async () => {
      const token = await tokenFor('self-revoker');
      const client = ctx.client.withToken(token);
      expect((await client.ok(RevokeTokenDocument, { token })).revokeToken).toBe(true);
      expect(await client.errorCode(WhoAmIDocument, {})).toBe('UNAUTHENTICATED');
    });

    it('an expired token is refused', async () => {
      const client = ctx.client.withToken(await tokenFor('expiring', [], 1));
      await eventually(async () => (await client.errorCode(WhoAmIDocument, {})) === 'UNAUTHENTICATED');
    });

    it('a granted role applies on the next request and a revoked one stops on the next request', async () => {
      const ns = ctx.namespace('grant');
      await createIn(ns, 's');
      const carol = await as('carol', ['qa']);
      expect(await carol.errorCode(GetStreamDocument, { namespace: ns, name: 's' })).toBe('FORBIDDEN');
      expect((await ctx.client.ok(GrantRoleDocument, { namespace: ns, role: 'view', group: 'qa' })).grantRole).toBe(true);
      expect((await ctx.client.ok(GrantRoleDocument, { namespace: ns, role: 'view', group: 'qa' })).grantRole).toBe(false);
      expect((await carol.ok(GetStreamDocument, { namespace: ns, name: 's' })).imageStream?.metadata.name).toBe('s');
      expect((await carol.ok(WhoAmIDocument, {})).whoAmI).toEqual({ user: 'carol', groups: ['qa'], clusterAdmin: false, grants: [{ namespace: ns, role: 'view' }] });
      expect((await ctx.client.ok(RevokeRoleDocument, { namespace: ns, role: 'view', group: 'qa' })).revokeRole).toBe(true);
      expect((await ctx.client.ok(RevokeRoleDocument, { namespace: ns, role: 'view', group: 'qa' })).revokeRole).toBe(false);
      expect(await carol.errorCode(GetStreamDocument, { namespace: ns, name: 's' })).toBe('FORBIDDEN');
    });
  });

  describe('management by namespace admins', () => {
    let ns: string;
    let admin: GraphQLClient;
    beforeAll(async () => {
      ns = ctx.namespace('mgmt');
      await ctx.client.ok(GrantRoleDocument, { namespace: ns, role: 'admin', user: `boss-${ns}` });
      admin = await as(`boss-${ns}`);
    });

    it('grants and revokes roles in its namespace and lists them', async () => {
      expect((await admin.ok(GrantRoleDocument, { namespace: ns, role: 'edit', user: 'dev1' })).grantRole).toBe(true);
      expect((await admin.ok(GrantRoleDocument, { namespace: ns, role: 'admin', group: 'leads' })).grantRole).toBe(true);
      const bindings = (await admin.ok(RoleBindingsDocument, { namespace: ns })).roleBindings;
      expect(bindings).toEqual([
        { namespace: ns, role: 'admin', user: null, group: 'leads' },
        { namespace: ns, role: 'admin', user: `boss-${ns}`, group: null },
        { namespace: ns, role: 'edit', user: 'dev1', group: null },
      ]);
      expect((await admin.ok(RevokeRoleDocument, { namespace: ns, role: 'edit', user: 'dev1' })).revokeRole).toBe(true);
    });

    it('cannot grant in another namespace', async () => {
      expect(await admin.errorCode(GrantRoleDocument, { namespace: ctx.namespace('elsewhere'), role: 'view', user: 'x' })).toBe('FORBIDDEN');
    });

    it('cannot create tokens (a token is a cluster-wide identity)', async () => {
      expect(await admin.errorCode(CreateTokenDocument, { user: 'robot' })).toBe('FORBIDDEN');
    });

    it('cannot grant cluster-admin: roles are view, edit and admin only', async () => {
      const res = await admin.request(GrantRoleDocument, { namespace: ns, role: 'cluster-admin', user: 'eve' });
      expect(res.errors?.[0].extensions?.code).toBe('INVALID');
      expect(res.errors?.[0].extensions?.causes?.[0]).toMatchObject({ field: 'role', reason: 'FieldValueInvalid' });
    });

    it('needs exactly one of user or group', async () => {
      expect(await admin.errorCode(GrantRoleDocument, { namespace: ns, role: 'view' })).toBe('INVALID');
      expect(await admin.errorCode(GrantRoleDocument, { namespace: ns, role: 'view', user: 'u', group: 'g' })).toBe('INVALID');
    });

    it('rejects a malformed namespace before anything else', async () => {
      expect(await admin.errorCode(GrantRoleDocument, { namespace: 'Not_Valid', role: 'view', user: 'u' })).toBe('INVALID');
    });
  });

  describe('createToken input', () => {
    it('rejects a bad user, group or lifetime with INVALID and creates nothing usable', async () => {
      const res = await ctx.client.request(CreateTokenDocument, { user: 'has space', groups: [''], expiresIn: -5 });
      expect(res.errors?.[0].extensions?.code).toBe('INVALID');
      expect(res.errors?.[0].extensions?.causes?.map((c) => c.field)).toEqual(['user', 'groups[0]', 'expiresIn']);
    });

    it('a token with the system:masters group is a cluster-admin', async () => {
      const root = await as('second-admin', ['system:masters']);
      expect((await root.ok(WhoAmIDocument, {})).whoAmI.clusterAdmin).toBe(true);
      expect((await root.ok(CreateTokenDocument, { user: 'made-by-second' })).createToken).toMatch(/^isv1_/);
    });
  });
}

import { describe, expect, it } from 'vitest';
import {
  CreateMappingDocument,
  CreateStreamDocument,
  CreateTokenDocument,
  DeleteImageDocument,
  GetStreamDocument,
  GrantRoleDocument,
  ListStreamsDocument,
  PatchStreamDocument,
  RevokeRoleDocument,
  RevokeTokenDocument,
  StreamHistoryDocument,
} from '../../generated/graphql.js';
import { metricValue } from '../../support/browser.js';
import { imageInput, ociImage } from '../../support/images.js';
import { RestClient } from '../../support/rest-client.js';
import type { SuiteContext } from '../harness.js';

/**
 * The response cache (platform/graphql/response-cache.ts) must be invisible
 * except in speed: repeated reads are hits, and no answer is ever older than
 * a write acknowledged before the read, or meant for another caller.
 */
export function responseCacheSuite(ctx: SuiteContext): void {
  const hits = async () => metricValue(await (await fetch(`${ctx.app.url}/metrics`)).text(), 'imagestreams_graphql_response_cache_total', { result: 'hit' });
  const tokenFor = async (user: string) => (await ctx.client.ok(CreateTokenDocument, { user, groups: [] })).createToken;

  describe('response cache', () => {
    it('answers a repeated read from memory, byte for byte the same', async () => {
      const ns = ctx.namespace('cache');
      await ctx.client.ok(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name: 'app', labels: { a: 'b' } } } });
      // A document is planned after its first successful execution, and stored from its second.
      const first = await ctx.client.request(GetStreamDocument, { namespace: ns, name: 'app' });
      const third = await ctx.client.request(ListStreamsDocument, { namespace: ns });
      for (let i = 0; i < 2; i++) {
        await ctx.client.request(GetStreamDocument, { namespace: ns, name: 'app' });
        await ctx.client.request(ListStreamsDocument, { namespace: ns });
      }
      const before = await hits();
      const second = await ctx.client.request(GetStreamDocument, { namespace: ns, name: 'app' });
      const fourth = await ctx.client.request(ListStreamsDocument, { namespace: ns });
      expect(second).toEqual(first);
      expect(fourth).toEqual(third);
      expect((await hits()) - before).toBe(2);
    });

    it('never answers with a state older than an acknowledged write', async () => {
      const ns = ctx.namespace('cache-fresh');
      await ctx.client.ok(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name: 'app' } } });
      for (let i = 0; i < 15; i++) {
        await ctx.client.ok(GetStreamDocument, { namespace: ns, name: 'app' });
        await ctx.client.ok(ListStreamsDocument, { namespace: ns });
        const written = await ctx.client.ok(PatchStreamDocument, { namespace: ns, name: 'app', patch: { metadata: { annotations: { round: String(i) } } } });
        const read = await ctx.client.ok(GetStreamDocument, { namespace: ns, name: 'app' });
        expect(read.imageStream?.metadata.annotations).toEqual({ round: String(i) });
        expect(read.imageStream?.metadata.resourceVersion).toBe(written.patchImageStream.metadata.resourceVersion);
        if (i % 5 === 0) await ctx.client.ok(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name: `more-${i}` } } });
        const list = await ctx.client.ok(ListStreamsDocument, { namespace: ns });
        expect(list.imageStreams.totalCount).toBe(2 + Math.floor(i / 5));
      }
    });

    it('gives no caller an answer computed for another', async () => {
      const ns = ctx.namespace('cache-rights');
      const other = ctx.namespace('cache-rights-other');
      await ctx.client.ok(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name: 'app' } } });
      await ctx.client.ok(CreateStreamDocument, { namespace: other, imageStream: { metadata: { name: 'app' } } });
      const user = `cache-viewer-${ns}`;
      await ctx.client.ok(GrantRoleDocument, { namespace: ns, role: 'view', user });
      const viewer = ctx.client.withToken(await tokenFor(user));
      // The admin's answers are cached first...
      for (let i = 0; i < 2; i++) {
        await ctx.client.ok(GetStreamDocument, { namespace: other, name: 'app' });
        await ctx.client.ok(ListStreamsDocument, {});
      }
      // ...and the viewer still sees only its namespace.
      expect(await viewer.errorCode(GetStreamDocument, { namespace: other, name: 'app' })).toBe('FORBIDDEN');
      const listed = await viewer.ok(ListStreamsDocument, {});
      expect(new Set(listed.imageStreams.nodes.map((n) => n.metadata.namespace))).toEqual(new Set([ns]));
      expect((await viewer.ok(GetStreamDocument, { namespace: ns, name: 'app' })).imageStream?.metadata.name).toBe('app');
      // A revoked role is refused at once, cached answers or not.
      await ctx.client.ok(RevokeRoleDocument, { namespace: ns, role: 'view', user });
      expect(await viewer.errorCode(GetStreamDocument, { namespace: ns, name: 'app' })).toBe('FORBIDDEN');
    });

    it('refuses a revoked token on the next request although its identity was cached', async () => {
      const ns = ctx.namespace('cache-token');
      await ctx.client.ok(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name: 'app' } } });
      const token = await tokenFor(`cache-admin-${ns}`);
      await ctx.client.ok(GrantRoleDocument, { namespace: ns, role: 'admin', user: `cache-admin-${ns}` });
      const holder = ctx.client.withToken(token);
      for (let i = 0; i < 2; i++) await holder.ok(GetStreamDocument, { namespace: ns, name: 'app' });
      expect((await holder.ok(RevokeTokenDocument, { token })).revokeToken).toBe(true);
      expect(await holder.errorCode(GetStreamDocument, { namespace: ns, name: 'app' })).toBe('UNAUTHENTICATED');
    });

    it('answers REST reads from memory, per representation and caller, never stale', async () => {
      const ns = ctx.namespace('cache-rest');
      const rest = new RestClient(ctx.app.url, ctx.app.token);
      const item = `/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams/app`;
      const list = `/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams`;
      expect((await rest.request('POST', list, { body: { metadata: { name: 'app' } } })).status).toBe(201);
      const first = await rest.request('GET', item);
      const before = await hits();
      const again = await rest.request('GET', item);
      expect(again.text).toBe(first.text);
      expect(again.headers.get('content-type')).toBe('application/json');
      const table = await rest.request('GET', list, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
      expect(table.body.kind).toBe('Table');
      expect((await rest.request('GET', list)).body.kind).toBe('ImageStreamList');
      expect((await rest.request('GET', list, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' })).body.kind).toBe('Table');
      expect((await hits()) - before).toBe(2);
      for (let i = 0; i < 5; i++) {
        const patched = await rest.request('PATCH', item, { body: { metadata: { labels: { round: String(i) } } }, contentType: 'application/merge-patch+json' });
        expect(patched.status).toBe(200);
        const read = await rest.request('GET', item);
        expect(read.body.metadata.resourceVersion).toBe(patched.body.metadata.resourceVersion);
        expect((await rest.request('GET', list)).body.items[0].metadata.labels).toEqual({ round: String(i) });
      }
      const stranger = rest.withToken(await tokenFor(`cache-rest-stranger-${ns}`));
      expect((await stranger.request('GET', item)).status).toBe(403);
      expect((await stranger.request('GET', list)).status).toBe(403);
    });

    it('executes reads that reach images every time (images are not in the change log)', async () => {
      const ns = ctx.namespace('cache-images');
      const img = ociImage(`cache-${ns}`);
      await ctx.client.ok(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name: 'app' } } });
      await ctx.client.ok(CreateMappingDocument, { namespace: ns, mapping: { metadata: { name: 'app' }, tag: 'latest', image: imageInput(img) } });
      const linked = async () => (await ctx.client.ok(StreamHistoryDocument, { namespace: ns, name: 'app' })).imageStream?.status.tags?.[0]?.items?.[0]?.image?.metadata.name ?? null;
      expect(await linked()).toBe(img.name);
      const before = await hits();
      expect(await linked()).toBe(img.name);
      await ctx.client.ok(DeleteImageDocument, { name: img.name });
      expect(await linked()).toBeNull();
      expect((await hits()) - before).toBe(0);
    });
  });
}

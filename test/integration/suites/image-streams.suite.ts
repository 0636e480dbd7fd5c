import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  CreateStreamDocument,
  DeleteStreamDocument,
  DeleteStreamsDocument,
  GetStreamDocument,
  ListStreamsDocument,
  PatchStreamDocument,
  ReplaceStreamDocument,
  UpdateStreamStatusDocument,
  type ImageStreamInput,
} from '../../generated/graphql.js';
import { queryRows } from '../../../src/platform/database/connect.js';
import type { SuiteContext } from '../harness.js';

const dockerTag = (name: string, image: string, extra: Record<string, unknown> = {}) => ({ name, from: { kind: 'DockerImage', name: image }, ...extra });

export function imageStreamSuite(ctx: SuiteContext): void {
  const create = (namespace: string, imageStream: ImageStreamInput) => ctx.client.ok(CreateStreamDocument, { namespace, imageStream });
  const get = async (namespace: string, name: string) => (await ctx.client.ok(GetStreamDocument, { namespace, name })).imageStream;

  describe('create and read', () => {
    it('round-trips a stream with server defaults, sorted and de-duplicated tags', async () => {
      const ns = ctx.namespace();
      const created = (
        await create(ns, {
          metadata: { name: 'ruby', labels: { app: 'web' }, annotations: { note: 'x' } },
          spec: { tags: [dockerTag('latest', 'ruby:3.3'), dockerTag('3.2', 'ruby:3.2'), dockerTag('latest', 'ruby:3.4', { generation: 7 })] },
        })
      ).createImageStream;
      expect(created.kind).toBe('ImageStream');
      expect(created.metadata).toMatchObject({ name: 'ruby', namespace: ns, generation: 1, labels: { app: 'web' }, annotations: { note: 'x' } });
      expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(created.spec.lookupPolicy.local).toBe(false);
      expect(created.spec.tags!.map((t) => [t.name, t.from!.name, t.generation])).toEqual([
        ['3.2', 'ruby:3.2', 1],
        ['latest', 'ruby:3.4', 1], // the last duplicate wins; a client generation is ignored on create
      ]);
      expect(created.spec.tags![0].referencePolicy.type).toBe('Source');
      expect(created.spec.tags![0].importPolicy.importMode).toBe('Legacy');
      expect(created.status.dockerImageRepository).toBe('');
      expect(created.status.tags).toBeNull();

      const read = await get(ns, 'ruby');
      expect(read).toEqual(created);
    });

    it('answers null for a stream that does not exist', async () => {
      expect(await get(ctx.namespace(), 'nothing')).toBeNull();
    });

    it('discards a client status on create', async () => {
      const ns = ctx.namespace();
      const created = (
        await create(ns, {
          metadata: { name: 's' },
          status: { tags: [{ tag: 'x', items: [{ dockerImageReference: 'busybox', image: 'sha256:abc' }] }] },
        })
      ).createImageStream;
      expect(created.status.tags).toBeNull();
    });

    it('generates a name from generateName', async () => {
      const ns = ctx.namespace();
      const created = (await create(ns, { metadata: { generateName: 'app-' } })).createImageStream;
      expect(created.metadata.name).toMatch(/^app-[a-z0-9]{5}$/);
    });

    it('refuses a second stream of the same name with ALREADY_EXISTS', async () => {
      const ns = ctx.namespace();
      await create(ns, { metadata: { name: 'dup' } });
      const res = await ctx.client.request(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name: 'dup' } } });
      expect(res.errors?.[0].extensions?.code).toBe('ALREADY_EXISTS');
      expect(res.errors?.[0].extensions?.status).toMatchObject({ code: 409, reason: 'AlreadyExists' });
      expect(res.errors?.[0].message).toBe('imagestreams.image.openshift.io "dup" already exists');
    });

    it('dryRun validates and answers without storing', async () => {
      const ns = ctx.namespace();
      const res = await ctx.client.ok(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name: 'dry' } }, dryRun: true });
      expect(res.createImageStream.metadata.name).toBe('dry');
      expect(await get(ns, 'dry')).toBeNull();
    });
  });

  describe('validation', () => {
    const invalid: Array<[string, ImageStreamInput, string]> = [
      ['an upper-case name', { metadata: { name: 'Ruby' } }, 'metadata.name'],
      ['a name with a slash', { metadata: { name: 'a/b' } }, 'metadata.name'],
      ['a missing name', { metadata: {} }, 'metadata.name'],
      ['an unknown from.kind', { metadata: { name: 'a' }, spec: { tags: [{ name: 't', from: { kind: 'Foo', name: 'x' } }] } }, 'spec.tags[t].from.kind'],
      ['an unparseable DockerImage', { metadata: { name: 'a' }, spec: { tags: [dockerTag('t', 'Not A Ref')] } }, 'spec.tags[t].from.name'],
      ['a reference policy other than Source/Local', { metadata: { name: 'a' }, spec: { tags: [dockerTag('t', 'busybox', { referencePolicy: { type: 'Other' } })] } }, 'spec.tags[t].referencePolicy.type'],
      ['an unknown import mode', { metadata: { name: 'a' }, spec: { tags: [dockerTag('t', 'busybox', { importPolicy: { importMode: 'Everything' } })] } }, 'spec.tags[t].importPolicy.importMode'],
      ['a scheduled ImageStreamTag', { metadata: { name: 'a' }, spec: { tags: [{ name: 't', from: { kind: 'ImageStreamTag', name: 'x:y' }, importPolicy: { scheduled: true } }] } }, 'spec.tags[t].importPolicy.scheduled'],
      ['a repository with a tag', { metadata: { name: 'a' }, spec: { dockerImageRepository: 'busybox:latest' } }, 'spec.dockerImageRepository'],
      ['a bad label value', { metadata: { name: 'a', labels: { app: 'no spaces allowed' } } }, 'metadata.labels'],
    ];
    it.each(invalid)('rejects %s with INVALID and stores nothing', async (_what, imageStream, field) => {
      const ns = ctx.namespace();
      const res = await ctx.client.request(CreateStreamDocument, { namespace: ns, imageStream });
      const err = res.errors?.[0];
      expect(err?.extensions?.code).toBe('INVALID');
      expect(err?.extensions?.status).toMatchObject({ code: 422, reason: 'Invalid', details: { group: 'image.openshift.io', kind: 'ImageStream' } });
      expect(err?.extensions?.causes?.map((c) => c.field)).toContain(field);
      const list = await ctx.client.ok(ListStreamsDocument, { namespace: ns });
      expect(list.imageStreams.totalCount).toBe(0);
    });

    it('reports every problem at once', async () => {
      const res = await ctx.client.request(CreateStreamDocument, {
        namespace: ctx.namespace(),
        imageStream: { metadata: { name: 'Bad' }, spec: { tags: [{ name: 'x', from: { kind: 'Foo', name: 'y' } }] } },
      });
      expect(res.errors?.[0].extensions?.causes).toHaveLength(2);
      expect(res.errors?.[0].message).toMatch(/^ImageStream\.image\.openshift\.io "Bad" is invalid: \[/);
    });

    it('rejects an invalid namespace', async () => {
      expect(await ctx.client.errorCode(CreateStreamDocument, { namespace: 'Not_A_Namespace', imageStream: { metadata: { name: 'a' } } })).toBe('INVALID');
    });

    it('rejects a namespace in the body that differs from the argument with BAD_REQUEST', async () => {
      expect(await ctx.client.errorCode(CreateStreamDocument, { namespace: ctx.namespace(), imageStream: { metadata: { name: 'a', namespace: 'other' } } })).toBe('BAD_REQUEST');
    });

    it('rejects unknown input fields with BAD_REQUEST', async () => {
      const res = await ctx.client.request(
        `mutation { createImageStream(namespace: "${ctx.namespace()}", imageStream: { metadata: { name: "a", color: "red" } }) { metadata { name } } }`,
      );
      expect(res.errors?.[0].extensions?.code).toBe('BAD_REQUEST');
      expect(res.errors?.[0].extensions?.status?.code).toBe(400);
    });

    it('keeps serving after bad input', async () => {
      await ctx.client.request('{ this is not graphql');
      const ns = ctx.namespace();
      await create(ns, { metadata: { name: 'after' } });
      expect((await get(ns, 'after'))?.metadata.name).toBe('after');
    });
  });

  describe('replace', () => {
    it('needs metadata.resourceVersion (INVALID) and a current one (CONFLICT)', async () => {
      const ns = ctx.namespace();
      const s = (await create(ns, { metadata: { name: 's' } })).createImageStream;
      const missing = await ctx.client.request(ReplaceStreamDocument, { namespace: ns, name: 's', imageStream: { metadata: { name: 's' } } });
      expect(missing.errors?.[0].extensions?.code).toBe('INVALID');
      expect(missing.errors?.[0].extensions?.causes?.[0].field).toBe('metadata.resourceVersion');
      await ctx.client.ok(ReplaceStreamDocument, { namespace: ns, name: 's', imageStream: { metadata: { name: 's', resourceVersion: s.metadata.resourceVersion, labels: { a: 'b' } } } });
      const stale = await ctx.client.request(ReplaceStreamDocument, { namespace: ns, name: 's', imageStream: { metadata: { name: 's', resourceVersion: s.metadata.resourceVersion } } });
      expect(stale.errors?.[0].extensions?.code).toBe('CONFLICT');
      expect(stale.errors?.[0].extensions?.status).toMatchObject({ code: 409, reason: 'Conflict' });
      expect((await get(ns, 's'))?.metadata.labels).toEqual({ a: 'b' });
    });

    it('answers NOT_FOUND for a missing stream', async () => {
      expect(await ctx.client.errorCode(ReplaceStreamDocument, { namespace: ctx.namespace(), name: 'x', imageStream: { metadata: { name: 'x', resourceVersion: '1' } } })).toBe('NOT_FOUND');
    });

    it('owns generations: bumped on spec change only, stamped on new and changed tags', async () => {
      const ns = ctx.namespace();
      const s = (await create(ns, { metadata: { name: 'g' }, spec: { tags: [dockerTag('a', 'busybox:1'), dockerTag('b', 'busybox:2')] } })).createImageStream;

      // Metadata only: no new generation.
      const labelled = (await ctx.client.ok(ReplaceStreamDocument, { namespace: ns, name: 'g', imageStream: { metadata: { name: 'g', resourceVersion: s.metadata.resourceVersion, labels: { x: 'y' } }, spec: { tags: [dockerTag('a', 'busybox:1'), dockerTag('b', 'busybox:2')] } } })).replaceImageStream;
      expect(labelled.metadata.generation).toBe(1);
      expect(Number(labelled.metadata.resourceVersion)).toBeGreaterThan(Number(s.metadata.resourceVersion));

      // Tag b changes, c is new, a is untouched (a client-sent generation is not taken).
      const changed = (await ctx.client.ok(ReplaceStreamDocument, { namespace: ns, name: 'g', imageStream: { metadata: { name: 'g', resourceVersion: labelled.metadata.resourceVersion }, spec: { tags: [dockerTag('a', 'busybox:1', { generation: 42 }), dockerTag('b', 'busybox:3'), dockerTag('c', 'busybox:4')] } } })).replaceImageStream;
      expect(changed.metadata.generation).toBe(2);
      expect(changed.metadata.labels).toBeNull();
      expect(changed.spec.tags!.map((t) => [t.name, t.generation])).toEqual([['a', 1], ['b', 2], ['c', 2]]);

      // generation 0 asks for re-import: that tag gets the new stream generation.
      const reset = (await ctx.client.ok(ReplaceStreamDocument, { namespace: ns, name: 'g', imageStream: { metadata: { name: 'g', resourceVersion: changed.metadata.resourceVersion }, spec: { tags: [dockerTag('a', 'busybox:1', { generation: 0 }), dockerTag('b', 'busybox:3'), dockerTag('c', 'busybox:4')] } } })).replaceImageStream;
      expect(reset.metadata.generation).toBe(3);
      expect(reset.spec.tags!.map((t) => [t.name, t.generation])).toEqual([['a', 3], ['b', 2], ['c', 2]]);
    });

    it('is a no-op when nothing changes (same resourceVersion, no change-log entry)', async () => {
      const ns = ctx.namespace();
      const s = (await create(ns, { metadata: { name: 'n' }, spec: { tags: [dockerTag('a', 'busybox')] } })).createImageStream;
      const same = (await ctx.client.ok(ReplaceStreamDocument, { namespace: ns, name: 'n', imageStream: { metadata: { name: 'n', resourceVersion: s.metadata.resourceVersion }, spec: { tags: [dockerTag('a', 'busybox')] } } })).replaceImageStream;
      expect(same.metadata.resourceVersion).toBe(s.metadata.resourceVersion);
    });

    it('keeps the stored status whatever the client sends', async () => {
      const ns = ctx.namespace();
      const s = (await create(ns, { metadata: { name: 'st' } })).createImageStream;
      const withStatus = (await ctx.client.ok(UpdateStreamStatusDocument, { namespace: ns, name: 'st', imageStream: { metadata: { resourceVersion: s.metadata.resourceVersion }, status: { tags: [{ tag: 'v1', items: [{ dockerImageReference: 'busybox@sha256:' + 'a'.repeat(64), image: 'sha256:' + 'a'.repeat(64) }] }] } } })).updateImageStreamStatus;
      const replaced = (await ctx.client.ok(ReplaceStreamDocument, { namespace: ns, name: 'st', imageStream: { metadata: { name: 'st', resourceVersion: withStatus.metadata.resourceVersion, labels: { l: 'v' } }, status: { tags: [] } } })).replaceImageStream;
      expect(replaced.status.tags?.map((t) => t.tag)).toEqual(['v1']);
    });
  });

  describe('patch', () => {
    it('applies a merge patch (the default) and a JSON patch', async () => {
      const ns = ctx.namespace();
      await create(ns, { metadata: { name: 'p' }, spec: { tags: [dockerTag('a', 'busybox:1')] } });
      const merged = (await ctx.client.ok(PatchStreamDocument, { namespace: ns, name: 'p', patch: { metadata: { labels: { team: 'x' } }, spec: { lookupPolicy: { local: true } } } })).patchImageStream;
      expect(merged.metadata.labels).toEqual({ team: 'x' });
      expect(merged.spec.lookupPolicy.local).toBe(true);
      expect(merged.metadata.generation).toBe(2);
      const patched = (await ctx.client.ok(PatchStreamDocument, { namespace: ns, name: 'p', patchType: 'JSON', patch: [{ op: 'add', path: '/spec/tags/-', value: { name: 'b', from: { kind: 'DockerImage', name: 'busybox:2' } } }] })).patchImageStream;
      expect(patched.spec.tags!.map((t) => [t.name, t.generation])).toEqual([['a', 1], ['b', 3]]);
    });

    it('merges spec.tags by name with a strategic merge patch', async () => {
      const ns = ctx.namespace();
      await create(ns, { metadata: { name: 'sm' }, spec: { tags: [dockerTag('a', 'busybox:1')] } });
      const patched = (await ctx.client.ok(PatchStreamDocument, { namespace: ns, name: 'sm', patchType: 'STRATEGIC', patch: { spec: { tags: [dockerTag('b', 'busybox:2')] } } })).patchImageStream;
      expect(patched.spec.tags!.map((t) => t.name)).toEqual(['a', 'b']);
    });

    it('rejects malformed patches with BAD_REQUEST and changes nothing', async () => {
      const ns = ctx.namespace();
      const s = (await create(ns, { metadata: { name: 'm' } })).createImageStream;
      for (const [patch, patchType] of [
        [[{ op: 'explode', path: '/spec' }], 'JSON'],
        [[{ op: 'remove', path: '/spec/nothing/here' }], 'JSON'],
        [{ op: 'add' }, 'JSON'],
        ['a string', 'MERGE'],
        [{ spec: { colour: 'red' } }, 'MERGE'],
        [{ spec: { tags: 'not a list' } }, 'MERGE'],
      ] as const) {
        const res = await ctx.client.request(PatchStreamDocument, { namespace: ns, name: 'm', patch, patchType });
        expect(res.errors?.[0].extensions?.code, JSON.stringify(patch)).toBe('BAD_REQUEST');
      }
      expect((await get(ns, 'm'))?.metadata.resourceVersion).toBe(s.metadata.resourceVersion);
    });

    it('treats a resourceVersion in the patch as a precondition', async () => {
      const ns = ctx.namespace();
      await create(ns, { metadata: { name: 'rv' } });
      expect(await ctx.client.errorCode(PatchStreamDocument, { namespace: ns, name: 'rv', patch: { metadata: { resourceVersion: '1', labels: { a: 'b' } } } })).toBe('CONFLICT');
    });

    it('loses no update when many clients patch at once', async () => {
      const ns = ctx.namespace();
      await create(ns, { metadata: { name: 'c' } });
      const n = 12;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => ctx.client.request(PatchStreamDocument, { namespace: ns, name: 'c', patch: { metadata: { labels: { [`k${i}`]: 'v' } } } })),
      );
      const ok = results.filter((r) => !r.errors);
      for (const r of results.filter((r) => r.errors)) expect(r.errors?.[0].extensions?.code).toBe('CONFLICT');
      const labels = (await get(ns, 'c'))?.metadata.labels ?? {};
      expect(Object.keys(labels)).toHaveLength(ok.length);
      expect(ok.length).toBeGreaterThan(0);
    });
  });

  describe('status', () => {
    it('writes status tags sorted, fills generations, leaves spec and generation alone', async () => {
      const ns = ctx.namespace();
      const s = (await create(ns, { metadata: { name: 'st' }, spec: { tags: [dockerTag('a', 'busybox')] } })).createImageStream;
      const digest = 'sha256:' + 'b'.repeat(64);
      const updated = (await ctx.client.ok(UpdateStreamStatusDocument, {
        namespace: ns,
        name: 'st',
        imageStream: {
          metadata: { resourceVersion: s.metadata.resourceVersion },
          spec: { tags: [] },
          status: {
            tags: [
              { tag: 'z', items: [{ dockerImageReference: `busybox@${digest}`, image: digest }] },
              { tag: 'b', items: [{ dockerImageReference: 'busybox:1', image: digest, generation: 1 }], conditions: [{ type: 'ImportSuccess', status: 'False', reason: 'NotFound', message: 'gone' }] },
            ],
          },
        },
      })).updateImageStreamStatus;
      expect(updated.metadata.generation).toBe(1);
      expect(updated.spec.tags!.map((t) => t.name)).toEqual(['a']);
      expect(updated.status.tags!.map((t) => t.tag)).toEqual(['b', 'z']);
      expect(updated.status.tags![1].items![0]).toMatchObject({ imageName: digest, generation: 1 });
      expect(updated.status.tags![0].conditions![0]).toMatchObject({ type: 'ImportSuccess', status: 'False', reason: 'NotFound' });
      expect(await get(ns, 'st')).toEqual(updated);
    });

    it('rejects an event without a pull spec with INVALID', async () => {
      const ns = ctx.namespace();
      await create(ns, { metadata: { name: 'bad' } });
      const res = await ctx.client.request(UpdateStreamStatusDocument, { namespace: ns, name: 'bad', imageStream: { status: { tags: [{ tag: 't', items: [{ image: 'sha256:x' }] }] } } });
      expect(res.errors?.[0].extensions?.code).toBe('INVALID');
      expect(res.errors?.[0].extensions?.causes?.[0].field).toBe('status.tags[t].items[0].dockerImageReference');
    });
  });

  describe('delete', () => {
    it('deletes one stream and answers its last state', async () => {
      const ns = ctx.namespace();
      await create(ns, { metadata: { name: 'd' } });
      const dry = await ctx.client.ok(DeleteStreamDocument, { namespace: ns, name: 'd', dryRun: true });
      expect(dry.deleteImageStream.metadata.name).toBe('d');
      expect(await get(ns, 'd')).not.toBeNull();
      const deleted = await ctx.client.ok(DeleteStreamDocument, { namespace: ns, name: 'd' });
      expect(deleted.deleteImageStream.metadata.name).toBe('d');
      expect(await get(ns, 'd')).toBeNull();
      expect(await ctx.client.errorCode(DeleteStreamDocument, { namespace: ns, name: 'd' })).toBe('NOT_FOUND');
    });

    it('deletes a collection by label selector', async () => {
      const ns = ctx.namespace();
      for (const [name, tier] of [['a', 'web'], ['b', 'web'], ['c', 'db']]) await create(ns, { metadata: { name, labels: { tier } } });
      const n = await ctx.client.ok(DeleteStreamsDocument, { namespace: ns, labelSelector: 'tier=web' });
      expect(n.deleteImageStreams).toBe(2);
      const left = await ctx.client.ok(ListStreamsDocument, { namespace: ns });
      expect(left.imageStreams.nodes.map((s) => s.metadata.name)).toEqual(['c']);
    });
  });

  describe('list', () => {
    it('pages with cursors and reports the total and its resourceVersion', async () => {
      const ns = ctx.namespace();
      for (const name of ['e', 'a', 'd', 'b', 'c']) await create(ns, { metadata: { name } });
      const seen: string[] = [];
      let after: string | null | undefined;
      for (;;) {
        const page = (await ctx.client.ok(ListStreamsDocument, { namespace: ns, first: 2, after })).imageStreams;
        expect(page.totalCount).toBe(5);
        expect(Number(page.resourceVersion)).toBeGreaterThan(0);
        seen.push(...page.nodes.map((n) => n.metadata.name));
        expect(page.edges.map((e) => e.node.metadata.name)).toEqual(page.nodes.map((n) => n.metadata.name));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
    });

    it('filters with the full label selector syntax and field selectors', async () => {
      const ns = ctx.namespace();
      await create(ns, { metadata: { name: 'one', labels: { env: 'prod', tier: 'web' } } });
      await create(ns, { metadata: { name: 'two', labels: { env: 'dev', tier: 'web' } } });
      await create(ns, { metadata: { name: 'three', labels: { env: 'qa' } } });
      await create(ns, { metadata: { name: 'four' } });
      const names = async (labelSelector?: string, fieldSelector?: string) =>
        (await ctx.client.ok(ListStreamsDocument, { namespace: ns, labelSelector, fieldSelector })).imageStreams.nodes.map((n) => n.metadata.name).sort();
      expect(await names('env=prod')).toEqual(['one']);
      expect(await names('env==dev')).toEqual(['two']);
      expect(await names('env!=prod')).toEqual(['four', 'three', 'two']);
      expect(await names('env in (prod, qa)')).toEqual(['one', 'three']);
      expect(await names('env notin (prod,qa)')).toEqual(['four', 'two']);
      expect(await names('tier')).toEqual(['one', 'two']);
      expect(await names('!tier')).toEqual(['four', 'three']);
      expect(await names('tier,env=dev')).toEqual(['two']);
      expect(await names(undefined, 'metadata.name=three')).toEqual(['three']);
      expect(await names(undefined, `metadata.namespace=${ns},metadata.name!=three`)).toEqual(['four', 'one', 'two']);
    });

    it('lists across namespaces when no namespace is given', async () => {
      const a = ctx.namespace('a');
      const b = ctx.namespace('b');
      await create(a, { metadata: { name: 'x', labels: { marker: a } } });
      await create(b, { metadata: { name: 'x', labels: { marker: a } } });
      const all = (await ctx.client.ok(ListStreamsDocument, { labelSelector: `marker=${a}` })).imageStreams;
      expect(all.nodes.map((n) => n.metadata.namespace).sort()).toEqual([a, b].sort());
    });

    it('rejects bad selectors and cursors with BAD_REQUEST', async () => {
      const ns = ctx.namespace();
      for (const vars of [{ labelSelector: 'env in (' }, { labelSelector: 'a=b=c' }, { fieldSelector: 'spec.color=red' }, { after: 'not-a-cursor' }, { first: -1 }]) {
        expect(await ctx.client.errorCode(ListStreamsDocument, { namespace: ns, ...vars }), JSON.stringify(vars)).toBe('BAD_REQUEST');
      }
    });
  });

  describe('the change log', () => {
    it('records every change once, in the same transaction, with its resourceVersion', async () => {
      const ns = ctx.namespace();
      const created = (await create(ns, { metadata: { name: 'log' } })).createImageStream;
      const patched = (await ctx.client.ok(PatchStreamDocument, { namespace: ns, name: 'log', patch: { metadata: { labels: { a: 'b' } } } })).patchImageStream;
      await ctx.client.request(PatchStreamDocument, { namespace: ns, name: 'log', patch: { spec: { tags: 'bad' } } });
      const deleted = (await ctx.client.ok(DeleteStreamDocument, { namespace: ns, name: 'log' })).deleteImageStream;
      const rows = await queryRows<{ resource_version: string; event_type: string; object: { metadata: { resourceVersion: string; labels?: Record<string, string> } } }>(
        ctx.app.database.db,
        sql`select resource_version, event_type, object from change_log where namespace = ${ns} and name = 'log' order by resource_version`,
      );
      expect(rows.map((r) => r.event_type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
      expect(rows.map((r) => String(r.resource_version))).toEqual([created.metadata.resourceVersion, patched.metadata.resourceVersion, deleted.metadata.resourceVersion]);
      expect(rows.map((r) => r.object.metadata.resourceVersion)).toEqual(rows.map((r) => String(r.resource_version)));
      expect(rows[1].object.metadata.labels).toEqual({ a: 'b' });
    });
  });

  describe('authentication', () => {
    it('answers UNAUTHENTICATED without a token or with a wrong one', async () => {
      for (const token of [undefined, 'wrong-token']) {
        const res = await ctx.client.withToken(token).request('{ __typename }');
        expect(res.status).toBe(401);
        expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
        expect(res.errors?.[0].extensions?.status).toMatchObject({ code: 401, reason: 'Unauthorized' });
      }
    });
  });

  describe('transport', () => {
    it('refuses a body over 3 MiB and keeps serving', async () => {
      const big = 'x'.repeat(3 * 1024 * 1024 + 10);
      const res = await fetch(`${ctx.app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.app.token}` },
        body: JSON.stringify({ query: '{ __typename }', variables: { big } }),
      });
      expect(res.status).toBe(413);
      const body = (await res.json()) as { errors: Array<{ extensions: { code: string; status: { reason: string } } }> };
      expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(body.errors[0].extensions.status.reason).toBe('RequestEntityTooLarge');
      expect((await ctx.client.ok('{ __typename }')) as unknown).toEqual({ __typename: 'Query' });
    });

    it('refuses a body that is not JSON with BAD_REQUEST', async () => {
      const res = await fetch(`${ctx.app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.app.token}` },
        body: '{"query": ',
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe('BAD_REQUEST');
    });

    it('serves health and readiness', async () => {
      expect((await fetch(`${ctx.app.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${ctx.app.url}/readyz`)).status).toBe(200);
    });
  });
}

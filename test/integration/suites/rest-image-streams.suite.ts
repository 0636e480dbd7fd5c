import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { AuthStore } from '../../../src/modules/auth/auth.store.js';
import { hashToken } from '../../../src/modules/auth/token.rules.js';
import { RestClient } from '../../support/rest-client.js';
import type { SuiteContext } from '../harness.js';

const G = '/apis/image.openshift.io/v1';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';

const tag = (name: string, image: string) => ({ name, from: { kind: 'DockerImage', name: image } });
const stream = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name }, ...extra });

/** The REST edge over HTTP: every path, parameter and error shape of rest-paths.md for image streams. */
export function restImageStreamSuite(ctx: SuiteContext): void {
  const rest = () => new RestClient(ctx.app.url, ctx.app.token);
  const coll = (ns: string, prefix = G) => `${prefix}/namespaces/${ns}/imagestreams`;
  const item = (ns: string, name: string, prefix = G) => `${coll(ns, prefix)}/${name}`;
  const create = async (ns: string, body: unknown) => {
    const res = await rest().post(coll(ns), body);
    expect(res.status, res.text).toBe(201);
    return res.body;
  };

  describe('REST image streams: create and get', () => {
    it('creates (201) and reads back an object with kind and apiVersion', async () => {
      const ns = ctx.namespace();
      const created = await create(ns, stream('ruby', { spec: { tags: [tag('latest', 'ruby:3.3')] } }));
      expect(created).toMatchObject({ kind: 'ImageStream', apiVersion: 'image.openshift.io/v1', metadata: { name: 'ruby', namespace: ns, generation: 1 } });
      expect(created.spec.tags[0]).toMatchObject({ name: 'latest', generation: 1, referencePolicy: { type: 'Source' } });
      const read = await rest().get(item(ns, 'ruby'));
      expect(read.status).toBe(200);
      expect(read.headers.get('content-type')).toMatch(/^application\/json/);
      expect(read.body).toEqual(created);
    });

    it('speaks apiVersion v1 under the legacy /oapi/v1 and sees the same streams', async () => {
      const ns = ctx.namespace();
      const res = await rest().post(coll(ns, '/oapi/v1'), { apiVersion: 'v1', kind: 'ImageStream', metadata: { name: 'old' } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ kind: 'ImageStream', apiVersion: 'v1' });
      expect((await rest().get(item(ns, 'old'))).body.apiVersion).toBe('image.openshift.io/v1');
      const list = (await rest().get(coll(ns, '/oapi/v1'))).body;
      expect(list).toMatchObject({ kind: 'ImageStreamList', apiVersion: 'v1' });
      expect(list.items.map((i: any) => i.metadata.name)).toEqual(['old']);
    });

    it('accepts YAML bodies and answers YAML when asked', async () => {
      const ns = ctx.namespace();
      const res = await rest().request('POST', coll(ns), { rawBody: YAML.stringify(stream('y', { spec: { tags: [tag('a', 'busybox')] } })), contentType: 'application/yaml', accept: 'application/yaml' });
      expect(res.status).toBe(201);
      expect(res.headers.get('content-type')).toBe('application/yaml');
      expect(YAML.parse(res.text)).toMatchObject({ kind: 'ImageStream', metadata: { name: 'y' }, spec: { tags: [{ name: 'a' }] } });
      const missing = await rest().get(item(ns, 'nope'), { accept: 'application/yaml' });
      expect(missing.status).toBe(404);
      expect(YAML.parse(missing.text)).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
    });

    it('answers NotFound, AlreadyExists and Invalid with the reference Status shapes', async () => {
      const ns = ctx.namespace();
      const missing = await rest().get(item(ns, 'foo'));
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'imagestreams.image.openshift.io "foo" not found',
        reason: 'NotFound', details: { name: 'foo', group: 'image.openshift.io', kind: 'imagestreams' }, code: 404,
      });
      await create(ns, stream('foo'));
      const dup = await rest().post(coll(ns), stream('foo'));
      expect(dup.status).toBe(409);
      expect(dup.body).toMatchObject({ reason: 'AlreadyExists', message: 'imagestreams.image.openshift.io "foo" already exists', details: { name: 'foo', kind: 'imagestreams' }, code: 409 });
      const bad = await rest().post(coll(ns), stream('bar', { spec: { tags: [{ ...tag('x', 'busybox'), referencePolicy: { type: 'Other' } }] } }));
      expect(bad.status).toBe(422);
      expect(bad.body).toMatchObject({
        reason: 'Invalid',
        message: 'ImageStream.image.openshift.io "bar" is invalid: spec.tags[x].referencePolicy.type: Invalid value: "Other": valid values are "Source", "Local"',
        details: { name: 'bar', group: 'image.openshift.io', kind: 'ImageStream', causes: [{ reason: 'FieldValueInvalid', field: 'spec.tags[x].referencePolicy.type' }] },
        code: 422,
      });
      expect((await rest().get(item(ns, 'bar'))).status).toBe(404);
    });

    it('rejects bodies of another kind, version or namespace, and malformed bodies, with 400', async () => {
      const ns = ctx.namespace();
      const cases: Array<[unknown, RegExp]> = [
        [{ ...stream('a'), kind: 'Image' }, /kind in the data \(Image\)/],
        [{ ...stream('a'), apiVersion: 'apps/v1' }, /API version in the data \(apps\/v1\)/],
        [{ ...stream('a'), metadata: { name: 'a', namespace: 'other' } }, /namespace of the provided object does not match/],
        [[1, 2], /must be a JSON object/],
        [{ ...stream('a'), spec: { tags: 'many' } }, /could not be decoded/],
      ];
      for (const [body, message] of cases) {
        const res = await rest().post(coll(ns), body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
        expect(res.body.message).toMatch(message);
      }
      const broken = await rest().request('POST', coll(ns), { rawBody: '{"metadata": ', contentType: 'application/json' });
      expect(broken.status).toBe(400);
      expect(broken.body.message).toMatch(/not valid JSON/);
      const text = await rest().request('POST', coll(ns), { rawBody: 'name: x', contentType: 'text/plain' });
      expect(text.status).toBe(415);
      expect(text.body).toMatchObject({ reason: 'UnsupportedMediaType', code: 415 });
      expect((await rest().get(coll(ns))).body.items).toEqual([]);
    });
  });

  describe('REST image streams: query parameters', () => {
    it('dryRun=All validates and answers without storing; other values are 400', async () => {
      const ns = ctx.namespace();
      const dry = await rest().post(`${coll(ns)}?dryRun=All`, stream('dry'));
      expect(dry.status).toBe(201);
      expect(dry.body.metadata.name).toBe('dry');
      expect((await rest().get(item(ns, 'dry'))).status).toBe(404);
      const invalidDry = await rest().post(`${coll(ns)}?dryRun=All`, stream('Bad_Name'));
      expect(invalidDry.status).toBe(422);
      const wrong = await rest().post(`${coll(ns)}?dryRun=Some`, stream('dry'));
      expect(wrong.status).toBe(400);
      expect(wrong.body).toMatchObject({ reason: 'BadRequest', message: expect.stringContaining('dryRun') });
      await create(ns, stream('kept'));
      const dryPatch = await rest().patch(`${item(ns, 'kept')}?dryRun=All`, { metadata: { labels: { a: 'b' } } }, MERGE);
      expect(dryPatch.body.metadata.labels).toEqual({ a: 'b' });
      expect((await rest().get(item(ns, 'kept'))).body.metadata.labels).toBeUndefined();
    });

    it('fieldValidation: Strict lists unknown and duplicate fields, Warn warns, Ignore is silent', async () => {
      const ns = ctx.namespace();
      const raw = (name: string) => `{"kind":"ImageStream","apiVersion":"image.openshift.io/v1","metadata":{"name":"${name}","name":"${name}"},"spec":{"colour":"red","tags":[{"name":"a","name":"a","from":{"kind":"DockerImage","name":"busybox"}}]}}`;
      const post = (query: string, name: string) => rest().request('POST', `${coll(ns)}${query}`, { rawBody: raw(name), contentType: 'application/json' });

      const strict = await post('?fieldValidation=Strict', 's');
      expect(strict.status).toBe(400);
      expect(strict.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
      expect(strict.body.message).toBe('strict decoding error: unknown field "spec.colour", duplicate field "metadata.name", duplicate field "spec.tags[0].name"');
      expect((await rest().get(item(ns, 's'))).status).toBe(404);

      const warn = await post('?fieldValidation=Warn', 'w');
      expect(warn.status).toBe(201);
      expect(warn.headers.get('warning')).toBe('299 - "unknown field \\"spec.colour\\"", 299 - "duplicate field \\"metadata.name\\"", 299 - "duplicate field \\"spec.tags[0].name\\""');

      const byDefault = await post('', 'd');
      expect(byDefault.status).toBe(201);
      expect(byDefault.headers.get('warning')).toContain('unknown field \\"spec.colour\\"');

      const ignore = await post('?fieldValidation=Ignore', 'i');
      expect(ignore.status).toBe(201);
      expect(ignore.headers.get('warning')).toBeNull();

      const clean = await rest().post(`${coll(ns)}?fieldValidation=Strict`, stream('clean'));
      expect(clean.status).toBe(201);
      expect(clean.headers.get('warning')).toBeNull();

      expect((await post('?fieldValidation=Loud', 'x')).status).toBe(400);
    });

    it('Strict applies to PUT and to duplicate keys in patches', async () => {
      const ns = ctx.namespace();
      const created = await create(ns, stream('p'));
      const put = await rest().put(`${item(ns, 'p')}?fieldValidation=Strict`, { ...created, spec: { extra: true } });
      expect(put.status).toBe(400);
      expect(put.body.message).toBe('strict decoding error: unknown field "spec.extra"');
      const patch = await rest().request('PATCH', `${item(ns, 'p')}?fieldValidation=Strict`, { rawBody: '{"metadata":{"labels":{"a":"1","a":"2"}}}', contentType: MERGE });
      expect(patch.status).toBe(400);
      expect(patch.body.message).toBe('strict decoding error: duplicate field "metadata.labels.a"');
      expect((await rest().get(item(ns, 'p'))).body.metadata.labels).toBeUndefined();
      const unknownStrict = await rest().patch(`${item(ns, 'p')}?fieldValidation=Strict`, { spec: { colour: 'red' } }, MERGE);
      expect(unknownStrict.status).toBe(400);
      expect(unknownStrict.body.message).toBe('strict decoding error: unknown field "spec.colour"');
      const unknownWarn = await rest().patch(item(ns, 'p'), { spec: { colour: 'red' }, metadata: { labels: { a: 'b' } } }, MERGE);
      expect(unknownWarn.status).toBe(200);
      expect(unknownWarn.headers.get('warning')).toBe('299 - "unknown field \\"spec.colour\\""');
      expect(unknownWarn.body.metadata.labels).toEqual({ a: 'b' });
      expect(unknownWarn.body.spec.colour).toBeUndefined();
    });

    it('pretty=true indents the body', async () => {
      const ns = ctx.namespace();
      await create(ns, stream('pp'));
      const pretty = await rest().get(`${item(ns, 'pp')}?pretty=true`);
      expect(pretty.text.startsWith('{\n  "kind": "ImageStream"')).toBe(true);
      const compact = await rest().get(item(ns, 'pp'));
      expect(compact.text.startsWith('{"kind":"ImageStream"')).toBe(true);
    });

    it('answers 406 when no acceptable representation is asked for', async () => {
      const res = await rest().get(coll(ctx.namespace()), { accept: 'application/vnd.kubernetes.protobuf' });
      expect(res.status).toBe(406);
      expect(res.body).toMatchObject({ kind: 'Status', reason: 'NotAcceptable', code: 406 });
      const fallback = await rest().get(coll(ctx.namespace()), { accept: 'application/vnd.kubernetes.protobuf,application/json' });
      expect(fallback.body.kind).toBe('ImageStreamList');
    });

    it('rejects a malformed timeoutSeconds or limit', async () => {
      const ns = ctx.namespace();
      expect((await rest().get(`${coll(ns)}?timeoutSeconds=soon`)).status).toBe(400);
      expect((await rest().get(`${coll(ns)}?limit=-1`)).status).toBe(400);
      expect((await rest().get(`${coll(ns)}?timeoutSeconds=5`)).status).toBe(200);
    });
  });

  describe('REST image streams: list', () => {
    it('lists with list metadata, items without kind, across namespaces and by selectors', async () => {
      const a = ctx.namespace('a');
      const b = ctx.namespace('b');
      await create(a, stream('one', { metadata: { name: 'one', labels: { app: 'web', marker: a } } }));
      await create(a, stream('two', { metadata: { name: 'two', labels: { app: 'db', marker: a } } }));
      await create(b, stream('one', { metadata: { name: 'one', labels: { app: 'web', marker: a } } }));
      const list = (await rest().get(coll(a))).body;
      expect(list.kind).toBe('ImageStreamList');
      expect(list.apiVersion).toBe('image.openshift.io/v1');
      expect(Number(list.metadata.resourceVersion)).toBeGreaterThan(0);
      expect(list.metadata.continue).toBeUndefined();
      expect(list.items.map((i: any) => i.metadata.name)).toEqual(['one', 'two']);
      for (const i of list.items) {
        expect(i.kind).toBeUndefined();
        expect(i.apiVersion).toBeUndefined();
      }
      const all = (await rest().get(`${G}/imagestreams?labelSelector=${encodeURIComponent(`marker=${a}`)}`)).body;
      expect(all.items.map((i: any) => `${i.metadata.namespace}/${i.metadata.name}`).sort()).toEqual([`${a}/one`, `${a}/two`, `${b}/one`].sort());
      const web = (await rest().get(`${G}/imagestreams?labelSelector=${encodeURIComponent(`marker=${a},app=web`)}&fieldSelector=${encodeURIComponent(`metadata.namespace=${b}`)}`)).body;
      expect(web.items.map((i: any) => i.metadata.namespace)).toEqual([b]);
      const byName = (await rest().get(`${coll(a)}?fieldSelector=metadata.name%3Dtwo`)).body;
      expect(byName.items.map((i: any) => i.metadata.name)).toEqual(['two']);
      for (const bad of ['labelSelector=a%3Db%3Dc', 'fieldSelector=spec.colour%3Dred']) {
        const res = await rest().get(`${coll(a)}?${bad}`);
        expect(res.status, bad).toBe(400);
        expect(res.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
      }
    });

    it('pages with limit and continue at one resourceVersion', async () => {
      const ns = ctx.namespace();
      for (const n of ['c', 'a', 'e', 'b', 'd']) await create(ns, stream(n));
      const first = (await rest().get(`${coll(ns)}?limit=2`)).body;
      expect(first.items.map((i: any) => i.metadata.name)).toEqual(['a', 'b']);
      expect(first.metadata.continue).toEqual(expect.any(String));
      await create(ns, stream('f')); // written after the first chunk
      const second = (await rest().get(`${coll(ns)}?limit=2&continue=${encodeURIComponent(first.metadata.continue)}`)).body;
      expect(second.items.map((i: any) => i.metadata.name)).toEqual(['c', 'd']);
      expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
      const third = (await rest().get(`${coll(ns)}?limit=3&continue=${encodeURIComponent(second.metadata.continue)}`)).body;
      expect(third.items.map((i: any) => i.metadata.name)).toEqual(['e', 'f']);
      expect(third.metadata.continue).toBeUndefined();
      expect((await rest().get(`${coll(ns)}?limit=0`)).body.items).toHaveLength(6);
    });

    it('answers 400 for a continue token that does not decode', async () => {
      const res = await rest().get(`${coll(ctx.namespace())}?limit=1&continue=garbage`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: expect.stringContaining('continue key is not valid') });
    });

    it('answers 410 Expired for a continue token older than the change log reaches', async () => {
      const ns = ctx.namespace();
      for (const n of ['a', 'b']) await create(ns, stream(n));
      const first = (await rest().get(`${coll(ns)}?limit=1`)).body;
      const rv = Number(first.metadata.resourceVersion);
      await create(ns, stream('c'));
      await create(ns, stream('d'));
      // Compaction: the log no longer holds the changes right after the token's version.
      await ctx.app.database.db.execute(sql`delete from change_log where resource_version <= ${rv + 1}`);
      const res = await rest().get(`${coll(ns)}?limit=1&continue=${encodeURIComponent(first.metadata.continue)}`);
      expect(res.status).toBe(410);
      expect(res.body).toEqual({
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', code: 410,
        message: 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      });
    });

    it('checks the resourceVersion parameter', async () => {
      const ns = ctx.namespace();
      await create(ns, stream('a'));
      const now = (await rest().get(coll(ns))).body.metadata.resourceVersion;
      expect((await rest().get(`${coll(ns)}?resourceVersion=0`)).status).toBe(200);
      expect((await rest().get(`${coll(ns)}?resourceVersion=${now}`)).body.items).toHaveLength(1);
      const future = await rest().get(`${coll(ns)}?resourceVersion=${Number(now) + 1000}`);
      expect(future.status).toBe(504);
      expect(future.body).toMatchObject({ kind: 'Status', reason: 'Timeout', code: 504, message: expect.stringContaining('Too large resource version') });
      expect((await rest().get(`${coll(ns)}?resourceVersion=abc`)).status).toBe(400);
      expect((await rest().get(`${coll(ns)}?resourceVersion=${now}&resourceVersionMatch=Exact`)).status).toBe(200);
      expect((await rest().get(`${coll(ns)}?resourceVersion=${now}&resourceVersionMatch=NotOlderThan`)).status).toBe(200);
      await create(ns, stream('b'));
      const old = await rest().get(`${coll(ns)}?resourceVersion=${now}&resourceVersionMatch=Exact`);
      expect(old.status).toBe(410);
      expect(old.body).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410, message: `too old resource version: ${now} (${Number(now) + 1})` });
      expect((await rest().get(`${coll(ns)}?resourceVersion=${now}&resourceVersionMatch=NotOlderThan`)).body.items).toHaveLength(2);
      expect((await rest().get(`${coll(ns)}?resourceVersionMatch=Exact`)).status).toBe(400);
      expect((await rest().get(`${coll(ns)}?resourceVersion=1&resourceVersionMatch=Sometimes`)).status).toBe(400);
    });
  });

  describe('REST image streams: Table', () => {
    it('renders lists and single objects as Tables with the reference columns', async () => {
      const ns = ctx.namespace();
      await create(ns, stream('web', { spec: { dockerImageRepository: 'quay.io/org/web' } }));
      const created = await create(ns, stream('app'));
      const created_ = new Date(Date.now() - 3 * 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      const status = await rest().put(`${item(ns, 'app')}/status`, {
        ...created,
        status: { tags: [
          { tag: 'v1', items: [{ created: created_, dockerImageReference: `quay.io/org/app@sha256:${'a'.repeat(64)}`, image: `sha256:${'a'.repeat(64)}` }] },
          { tag: 'latest', items: [{ created: new Date(Date.now() - 5 * 60 * 1000).toISOString().replace(/\.\d+Z$/, 'Z'), dockerImageReference: `quay.io/org/app@sha256:${'b'.repeat(64)}`, image: `sha256:${'b'.repeat(64)}` }] },
        ] },
      });
      expect(status.status, status.text).toBe(200);

      const table = (await rest().get(coll(ns), { accept: TABLE })).body;
      expect(table).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: expect.any(String) } });
      expect(table.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Image Repository', 'Tags', 'Updated']);
      const [appRow, webRow] = table.rows;
      expect(appRow.cells.slice(0, 3)).toEqual(['app', '', 'latest,v1']);
      expect(appRow.cells[3]).toBe('5 minutes ago'); // the newest tag's, not the older one's
      expect(webRow.cells).toEqual(['web', 'quay.io/org/web', '', '']);
      expect(appRow.object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'app', namespace: ns } });

      const one = (await rest().get(item(ns, 'web'), { accept: TABLE })).body;
      expect(one.kind).toBe('Table');
      expect(one.rows).toHaveLength(1);
      const none = (await rest().get(`${coll(ns)}?includeObject=None`, { accept: TABLE })).body;
      expect(none.rows[0].object).toBeUndefined();
      const full = (await rest().get(`${coll(ns)}?includeObject=Object`, { accept: TABLE })).body;
      expect(full.rows[0].object).toMatchObject({ kind: 'ImageStream', spec: expect.any(Object) });
      // A plain JSON client still gets the list.
      expect((await rest().get(coll(ns), { accept: 'application/json' })).body.kind).toBe('ImageStreamList');
    });
  });

  describe('REST image streams: replace, patch, delete', () => {
    it('PUT needs the current resourceVersion: 200, 409 when stale, 422 when missing, 404 when absent', async () => {
      const ns = ctx.namespace();
      const created = await create(ns, stream('r', { spec: { tags: [tag('a', 'busybox:1')] } }));
      const replaced = await rest().put(item(ns, 'r'), { ...created, spec: { tags: [tag('a', 'busybox:2')] }, status: { tags: [{ tag: 'forged' }] } });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ kind: 'ImageStream', metadata: { generation: 2 }, spec: { tags: [{ name: 'a', from: { name: 'busybox:2' }, generation: 2 }] } });
      expect(replaced.body.status.tags).toBeUndefined(); // a client status is discarded on the main resource

      const stale = await rest().put(item(ns, 'r'), created);
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({
        reason: 'Conflict', code: 409, details: { name: 'r', group: 'image.openshift.io', kind: 'imagestreams' },
        message: 'Operation cannot be fulfilled on imagestreams.image.openshift.io "r": the object has been modified; please apply your changes to the latest version and try again',
      });
      const noVersion = await rest().put(item(ns, 'r'), stream('r'));
      expect(noVersion.status).toBe(422);
      expect(noVersion.body.message).toBe('imagestreams.image.openshift.io "r" is invalid: metadata.resourceVersion: Invalid value: 0: must be specified for an update');
      const absent = await rest().put(item(ns, 'gone'), { ...stream('gone'), metadata: { name: 'gone', resourceVersion: '1' } });
      expect(absent.status).toBe(404);
      const renamed = await rest().put(item(ns, 'r'), { ...replaced.body, metadata: { ...replaced.body.metadata, name: 'other' } });
      expect(renamed.status).toBe(400);
    });

    it('PATCH: merge replaces the tag list, strategic merges it by name, JSON patch edits it', async () => {
      const ns = ctx.namespace();
      await create(ns, stream('m', { spec: { tags: [tag('a', 'busybox:1'), tag('b', 'busybox:2')] } }));
      const names = (body: any) => body.spec.tags.map((t: any) => `${t.name}=${t.from.name}`);

      const strategic = await rest().patch(item(ns, 'm'), { spec: { $setElementOrder_ignored: 1, tags: [tag('c', 'busybox:3'), tag('a', 'busybox:9')] } }, STRATEGIC);
      expect(strategic.status, strategic.text).toBe(200);
      expect(names(strategic.body)).toEqual(['a=busybox:9', 'b=busybox:2', 'c=busybox:3']);

      const deleteOne = await rest().patch(item(ns, 'm'), { spec: { tags: [{ name: 'b', $patch: 'delete' }] } }, STRATEGIC);
      expect(names(deleteOne.body)).toEqual(['a=busybox:9', 'c=busybox:3']);

      const jsonPatch = await rest().patch(item(ns, 'm'), [{ op: 'replace', path: '/spec/tags/0/from/name', value: 'busybox:10' }], JSON_PATCH);
      expect(jsonPatch.status).toBe(200);
      expect(names(jsonPatch.body)).toEqual(['a=busybox:10', 'c=busybox:3']);

      const merge = await rest().patch(item(ns, 'm'), { spec: { tags: [tag('z', 'busybox:0')] } }, MERGE);
      expect(names(merge.body)).toEqual(['z=busybox:0']);
      expect(names((await rest().get(item(ns, 'm'))).body)).toEqual(['z=busybox:0']);
    });

    it('PATCH: 415 for other content types, 400 for malformed patches, 404 when absent, 409 on a stale resourceVersion', async () => {
      const ns = ctx.namespace();
      await create(ns, stream('q'));
      const unsupported = await rest().patch(item(ns, 'q'), { metadata: {} }, 'application/json');
      expect(unsupported.status).toBe(415);
      expect(unsupported.body).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType', code: 415 });
      expect((await rest().patch(item(ns, 'q'), { metadata: {} }, 'application/apply-patch+yaml')).status).toBe(415);
      expect((await rest().patch(item(ns, 'q'), { op: 'add' }, JSON_PATCH)).status).toBe(400);
      expect((await rest().patch(item(ns, 'q'), [{ op: 'remove', path: '/spec/nothing/here' }], JSON_PATCH)).status).toBe(400);
      expect((await rest().request('PATCH', item(ns, 'q'), { rawBody: '{', contentType: MERGE })).status).toBe(400);
      expect((await rest().patch(item(ns, 'nope'), { metadata: { labels: { a: 'b' } } }, MERGE)).status).toBe(404);
      const stale = await rest().patch(item(ns, 'q'), { metadata: { resourceVersion: '1', labels: { a: 'b' } } }, MERGE);
      expect(stale.status).toBe(409);
      const invalid = await rest().patch(item(ns, 'q'), { spec: { tags: [{ name: 'x', from: { kind: 'Nope', name: 'y' } }] } }, MERGE);
      expect(invalid.status).toBe(422);
      expect(invalid.body.details.kind).toBe('ImageStream');
    });

    it('DELETE answers a Success Status with details; preconditions and dryRun are honoured', async () => {
      const ns = ctx.namespace();
      const created = await create(ns, stream('d'));
      const dry = await rest().delete(`${item(ns, 'd')}?dryRun=All`);
      expect(dry.status).toBe(200);
      const dryBody = await rest().request('DELETE', item(ns, 'd'), { body: { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] } });
      expect(dryBody.status).toBe(200);
      expect((await rest().get(item(ns, 'd'))).status).toBe(200);

      const wrongUid = await rest().request('DELETE', item(ns, 'd'), { body: { kind: 'DeleteOptions', preconditions: { uid: 'not-the-uid' } } });
      expect(wrongUid.status).toBe(409);
      expect(wrongUid.body).toMatchObject({ reason: 'Conflict', message: expect.stringContaining('Precondition failed: UID in precondition: not-the-uid') });

      const deleted = await rest().request('DELETE', item(ns, 'd'), { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background', preconditions: { uid: created.metadata.uid } } });
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual({
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
        details: { name: 'd', group: 'image.openshift.io', kind: 'imagestreams', uid: created.metadata.uid },
      });
      expect((await rest().get(item(ns, 'd'))).status).toBe(404);
      const again = await rest().delete(item(ns, 'd'));
      expect(again.status).toBe(404);
      expect(again.body.reason).toBe('NotFound');
    });

    it('DELETE on the collection removes the selected streams and answers them as a list', async () => {
      const ns = ctx.namespace();
      for (const [name, tier] of [['a', 'web'], ['b', 'web'], ['c', 'db']]) await create(ns, stream(name, { metadata: { name, labels: { tier } } }));
      const dry = await rest().delete(`${coll(ns)}?labelSelector=tier%3Dweb&dryRun=All`);
      expect(dry.body.items).toHaveLength(2);
      expect((await rest().get(coll(ns))).body.items).toHaveLength(3);
      const res = await rest().delete(`${coll(ns)}?labelSelector=tier%3Dweb`);
      expect(res.status).toBe(200);
      expect(res.body.kind).toBe('ImageStreamList');
      expect(res.body.items.map((i: any) => i.metadata.name)).toEqual(['a', 'b']);
      expect((await rest().get(coll(ns))).body.items.map((i: any) => i.metadata.name)).toEqual(['c']);
    });
  });

  describe('REST image streams: /status', () => {
    it('GET, PUT and PATCH write status tags only', async () => {
      const ns = ctx.namespace();
      const created = await create(ns, stream('s', { spec: { tags: [tag('a', 'busybox')] } }));
      const got = await rest().get(`${item(ns, 's')}/status`);
      expect(got.body).toMatchObject({ kind: 'ImageStream', metadata: { name: 's' } });

      const put = await rest().put(`${item(ns, 's')}/status`, {
        ...created,
        spec: { tags: [] }, // ignored on /status
        status: { tags: [{ tag: 'a', items: [{ created: '2024-01-01T00:00:00Z', dockerImageReference: `busybox@sha256:${'1'.repeat(64)}`, image: `sha256:${'1'.repeat(64)}` }] }] },
      });
      expect(put.status, put.text).toBe(200);
      expect(put.body.spec.tags.map((t: any) => t.name)).toEqual(['a']);
      expect(put.body.status.tags).toEqual([{ tag: 'a', items: [{ created: '2024-01-01T00:00:00Z', dockerImageReference: `busybox@sha256:${'1'.repeat(64)}`, image: `sha256:${'1'.repeat(64)}`, generation: 1 }] }]);
      expect(put.body.metadata.generation).toBe(1);

      const patched = await rest().patch(`${item(ns, 's')}/status`, { status: { tags: [{ tag: 'b', items: [{ dockerImageReference: `busybox@sha256:${'2'.repeat(64)}`, image: `sha256:${'2'.repeat(64)}` }] }] } }, STRATEGIC);
      expect(patched.status, patched.text).toBe(200);
      expect(patched.body.status.tags.map((t: any) => t.tag)).toEqual(['a', 'b']);
      const badStatus = await rest().patch(`${item(ns, 's')}/status`, { status: { tags: [{ tag: 'c', items: [{ image: 'x' }] }] } }, MERGE);
      expect(badStatus.status).toBe(422);
      expect((await rest().patch(`${item(ns, 's')}/status`, {}, 'text/plain')).status).toBe(415);
      expect((await rest().get(`${item(ns, 'absent')}/status`)).status).toBe(404);
    });
  });

  describe('REST authentication and authorization', () => {
    it('answers 401 without a valid token and 403 with the reference message for a caller without access', async () => {
      const ns = ctx.namespace();
      const anonymous = await rest().get(coll(ns), { token: null });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      expect((await rest().post(coll(ns), stream('x'), { token: 'wrong-token' })).status).toBe(401);

      const bobToken = `bob-${ns}-0123456789abcdef`;
      await new AuthStore(ctx.app.database.db).insert(hashToken(bobToken), 'bob', [], null);
      const bob = rest().withToken(bobToken);
      const denied = await bob.get(item(ns, 'foo'));
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403,
        message: `imagestreams.image.openshift.io "foo" is forbidden: User "bob" cannot get resource "imagestreams" in API group "image.openshift.io" in the namespace "${ns}"`,
        details: { name: 'foo', group: 'image.openshift.io', kind: 'imagestreams' },
      });
      const createDenied = await bob.post(coll(ns), stream('x'));
      expect(createDenied.status).toBe(403);
      expect((await rest().get(item(ns, 'x'))).status).toBe(404);
      // A cluster-wide list shows only what the caller may see: nothing, not an error.
      await create(ns, stream('hidden'));
      const all = await bob.get(`${G}/imagestreams`);
      expect(all.status).toBe(200);
      expect(all.body.items).toEqual([]);
    });
  });
}

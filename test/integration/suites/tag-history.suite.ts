import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLClient } from '../../support/graphql-client.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { sql } from 'drizzle-orm';
import {
  CreateImageDocument,
  CreateMappingDocument,
  CreateStreamDocument,
  DeleteIstagDocument,
  GetImageDocument,
  GetIsimageDocument,
  GetIstagDocument,
  ImageTagsDocument,
  PatchStreamDocument,
  StreamHistoryDocument,
  TagImageDocument,
  type TagImageInput,
  type TagReferenceInput,
} from '../../generated/graphql.js';
import { queryRows } from '../../../src/platform/database/connect.js';
import { indexOf, imageInput, ociImage, type TestImage } from '../../support/images.js';
import type { SuiteContext } from '../harness.js';

let seq = 0;
const unique = (p: string) => `${p}-${process.pid}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

export function tagHistorySuite(ctx: SuiteContext): void {
  const createStream = (namespace: string, name: string, tags: TagReferenceInput[] = []) =>
    ctx.client.ok(CreateStreamDocument, { namespace, imageStream: { metadata: { name }, spec: { tags } } });
  const map = (namespace: string, stream: string, tag: string, img: TestImage, repo = 'quay.io/test/app') =>
    ctx.client.ok(CreateMappingDocument, { namespace, mapping: { metadata: { name: stream }, tag, image: imageInput(img, repo) } });
  const history = async (namespace: string, name: string) => (await ctx.client.ok(StreamHistoryDocument, { namespace, name })).imageStream!;
  const items = async (namespace: string, name: string, tag: string) => (await history(namespace, name)).status.tags?.find((t) => t.tag === tag)?.items ?? null;
  const tag = (namespace: string, input: TagImageInput) => ctx.client.ok(TagImageDocument, { namespace, input });

  describe('createImageStreamMapping (reference §4.1)', () => {
    it('creates the image, adds the event with the stream generation, creates no spec tag', async () => {
      const ns = ctx.namespace();
      await createStream(ns, 'app');
      const img = ociImage(unique('map'));
      const res = (await map(ns, 'app', 'latest', img)).createImageStreamMapping;
      expect(res).toMatchObject({ kind: 'ImageStreamMapping', tag: 'latest', metadata: { name: 'app', namespace: ns } });
      expect(res.image.dockerImageLayers).toHaveLength(2);
      const s = await history(ns, 'app');
      expect(s.spec.tags).toBeNull();
      expect(s.status.tags![0].items).toEqual([{ dockerImageReference: `quay.io/test/app@${img.name}`, imageName: img.name, generation: 1, image: { metadata: { name: img.name } } }]);
    });

    it('never changes an existing image', async () => {
      const ns = ctx.namespace();
      await createStream(ns, 'app');
      const img = ociImage(unique('immut'));
      await ctx.client.ok(CreateImageDocument, { image: { ...imageInput(img, 'quay.io/first/repo'), metadata: { name: img.name, labels: { keep: 'me' } } } });
      await map(ns, 'app', 'latest', img, 'quay.io/second/repo');
      const stored = (await ctx.client.ok(GetImageDocument, { name: img.name })).image!;
      expect(stored.dockerImageReference).toBe(`quay.io/first/repo@${img.name}`);
      expect(stored.metadata.labels).toEqual({ keep: 'me' });
      // The event still carries the mapping's reference.
      expect((await items(ns, 'app', 'latest'))![0].dockerImageReference).toBe(`quay.io/second/repo@${img.name}`);
    });

    it('grows history only when something differs; records each change in the change log', async () => {
      const ns = ctx.namespace();
      await createStream(ns, 'app');
      const a = ociImage(unique('a'));
      const b = ociImage(unique('b'));
      await map(ns, 'app', 'latest', a);
      const rv1 = (await history(ns, 'app')).metadata.resourceVersion;
      await map(ns, 'app', 'latest', a); // identical: no write
      expect((await history(ns, 'app')).metadata.resourceVersion).toBe(rv1);
      await map(ns, 'app', 'latest', b);
      expect((await items(ns, 'app', 'latest'))!.map((i) => i.imageName)).toEqual([b.name, a.name]);
      const log = await queryRows<{ n: number }>(ctx.app.database.db, sql`select count(*)::int as n from change_log where namespace = ${ns} and name = 'app'`);
      expect(Number(log[0].n)).toBe(3); // ADDED + two mappings that changed something
    });

    it('refuses a missing stream with NOT_FOUND and stores no image', async () => {
      const ns = ctx.namespace();
      const img = ociImage(unique('nostream'));
      const res = await ctx.client.request(CreateMappingDocument, { namespace: ns, mapping: { metadata: { name: 'nope' }, tag: 'latest', image: imageInput(img) } });
      expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect(res.errors?.[0].message).toBe('imagestreams.image.openshift.io "nope" not found');
      expect((await ctx.client.ok(GetImageDocument, { name: img.name })).image).toBeNull();
    });

    it('refuses mappings without image name, reference or tag (INVALID) and writes nothing', async () => {
      const ns = ctx.namespace();
      await createStream(ns, 'app');
      const img = ociImage(unique('bad'));
      const noName = await ctx.client.request(CreateMappingDocument, { namespace: ns, mapping: { metadata: { name: 'app' }, tag: 'latest', image: { dockerImageReference: 'quay.io/a/b@' + img.name } } });
      expect(noName.errors?.[0].extensions?.code).toBe('INVALID');
      expect(noName.errors?.[0].extensions?.status?.details?.causes?.map((c) => c.field)).toContain('image.metadata.name');
      const noRef = await ctx.client.request(CreateMappingDocument, { namespace: ns, mapping: { metadata: { name: 'app' }, tag: 'latest', image: { metadata: { name: img.name } } } });
      expect(noRef.errors?.[0].extensions?.status?.details?.causes?.map((c) => c.field)).toEqual(['image.dockerImageReference']);
      expect(await ctx.client.errorCode(CreateMappingDocument, { namespace: ns, mapping: { metadata: { name: 'app' }, image: imageInput(img) } })).toBe('INVALID');
      expect((await history(ns, 'app')).status.tags).toBeNull();
      expect((await ctx.client.ok(GetImageDocument, { name: img.name })).image).toBeNull();
    });

    it('loses nothing when 20 mappings hit one stream at once', async () => {
      const ns = ctx.namespace();
      await createStream(ns, 'busy');
      const imgs = Array.from({ length: 20 }, (_, i) => ociImage(unique(`c${i}`)));
      await Promise.all(imgs.map((img, i) => map(ns, 'busy', i % 2 === 0 ? 'shared' : `t${i}`, img)));
      const s = await history(ns, 'busy');
      const shared = s.status.tags!.find((t) => t.tag === 'shared')!;
      expect(shared.items!.map((i) => i.imageName).sort()).toEqual(imgs.filter((_, i) => i % 2 === 0).map((m) => m.name).sort());
      expect(s.status.tags!.filter((t) => t.tag !== 'shared').map((t) => t.items![0].imageName).sort()).toEqual(imgs.filter((_, i) => i % 2 === 1).map((m) => m.name).sort());
    });

    it('alias tags of the stream follow a pushed tag (§3.3)', async () => {
      const ns = ctx.namespace();
      await createStream(ns, 'app', [{ name: 'stable', from: { kind: 'ImageStreamTag', name: 'latest' } }]);
      const img = ociImage(unique('alias'));
      await map(ns, 'app', 'latest', img);
      expect((await items(ns, 'app', 'stable'))![0].imageName).toBe(img.name);
    });
  });

  describe('spec-tag resolution on create and update (reference §3.3)', () => {
    it('DockerImage with reference:true is an immediate event; without it nothing is written', async () => {
      const ns = ctx.namespace();
      await createStream(ns, 'app', [
        { name: 'ref', from: { kind: 'DockerImage', name: 'quay.io/x/y:1' }, reference: true },
        { name: 'imp', from: { kind: 'DockerImage', name: 'quay.io/x/y:2' } },
      ]);
      const s = await history(ns, 'app');
      expect(s.status.tags!.map((t) => [t.tag, t.items![0].dockerImageReference, t.items![0].imageName, t.items![0].generation])).toEqual([['ref', 'quay.io/x/y:1', '', 1]]);
    });

    it('copies the current image of an ImageStreamTag in another stream once, and does not follow it', async () => {
      const ns = ctx.namespace();
      await createStream(ns, 'src');
      const a = ociImage(unique('a'));
      const b = ociImage(unique('b'));
      await map(ns, 'src', 'latest', a);
      await createStream(ns, 'dst', [{ name: 'copy', from: { kind: 'ImageStreamTag', name: 'src:latest' } }]);
      expect((await items(ns, 'dst', 'copy'))!.map((i) => i.imageName)).toEqual([a.name]);
      await map(ns, 'src', 'latest', b);
      expect((await items(ns, 'dst', 'copy'))!.map((i) => i.imageName)).toEqual([a.name]);
    });

    it('a missing source tag is no error; a missing source stream is INVALID', async () => {
      const ns = ctx.namespace();
      await createStream(ns, 'src');
      await createStream(ns, 'ok', [{ name: 'x', from: { kind: 'ImageStreamTag', name: 'src:none' } }]);
      expect((await history(ns, 'ok')).status.tags).toBeNull();
      const res = await ctx.client.request(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name: 'bad' }, spec: { tags: [{ name: 'x', from: { kind: 'ImageStreamTag', name: 'nostream:t' } }] } } });
      expect(res.errors?.[0].extensions?.code).toBe('INVALID');
      expect((await ctx.client.ok(StreamHistoryDocument, { namespace: ns, name: 'bad' })).imageStream).toBeNull();
    });

    it('ImageStreamImage by prefix resolves; unknown and ambiguous ids are INVALID and write nothing', async () => {
      const ns = ctx.namespace();
      await createStream(ns, 'src');
      // Two images whose digests share the prefix "sha256:" at least: ambiguity is certain for that prefix.
      const a = ociImage(unique('a'));
      const b = ociImage(unique('b'));
      await map(ns, 'src', 'one', a);
      await map(ns, 'src', 'two', b);
      const hex = a.name.slice('sha256:'.length);
      await createStream(ns, 'pin', [{ name: 'p', from: { kind: 'ImageStreamImage', name: `src@${hex.slice(0, 20)}` } }]);
      expect((await items(ns, 'pin', 'p'))![0]).toMatchObject({ imageName: a.name, dockerImageReference: `quay.io/test/app@${a.name}` });
      const unknown = await ctx.client.request(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name: 'u' }, spec: { tags: [{ name: 'p', from: { kind: 'ImageStreamImage', name: 'src@ffffffffffffffff0000' } }] } } });
      expect(unknown.errors?.[0].extensions?.code).toBe('INVALID');
      const ambiguous = await ctx.client.request(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name: 'amb' }, spec: { tags: [{ name: 'p', from: { kind: 'ImageStreamImage', name: 'src@sha256:' } }] } } });
      expect(ambiguous.errors?.[0].extensions?.code).toBe('INVALID');
      expect((await ctx.client.ok(StreamHistoryDocument, { namespace: ns, name: 'amb' })).imageStream).toBeNull();
    });

    it('resolves only changed tags on update, with the new generation', async () => {
      const ns = ctx.namespace();
      await createStream(ns, 'src');
      const a = ociImage(unique('a'));
      await map(ns, 'src', 'latest', a);
      await createStream(ns, 'dst');
      const patched = (await ctx.client.ok(PatchStreamDocument, { namespace: ns, name: 'dst', patch: { spec: { tags: [{ name: 'x', from: { kind: 'ImageStreamTag', name: 'src:latest' } }] } } })).patchImageStream;
      expect(patched.metadata.generation).toBe(2);
      expect(patched.status.tags![0].items![0]).toMatchObject({ imageName: a.name, generation: 2 });
    });
  });

  describe('tagImage (oc tag) and deleteImageStreamTag', () => {
    it('pins the source tag\'s current image as stream@digest; with alias it follows', async () => {
      const ns = ctx.namespace();
      await createStream(ns, 'app');
      const a = ociImage(unique('a'));
      const b = ociImage(unique('b'));
      await map(ns, 'app', 'latest', a);
      const [pinned] = (await tag(ns, { source: { kind: 'ImageStreamTag', name: 'app:latest' }, destinations: ['app:pinned'] })).tagImage;
      expect(pinned.tag!.from).toEqual({ kind: 'ImageStreamImage', name: `app@${a.name}`, namespace: null });
      expect(pinned.imageName).toBe(a.name);
      expect(pinned.image!.metadata.name).toBe(a.name);
      const [aliased] = (await tag(ns, { source: { kind: 'ImageStreamTag', name: 'app:latest' }, destinations: ['app:follow'], alias: true })).tagImage;
      expect(aliased.tag!.from).toEqual({ kind: 'ImageStreamTag', name: 'app:latest', namespace: null });
      await map(ns, 'app', 'latest', b);
      expect((await items(ns, 'app', 'follow'))![0].imageName).toBe(b.name);
      expect((await items(ns, 'app', 'pinned'))!.map((i) => i.imageName)).toEqual([a.name]);
    });

    it('tags from another namespace into several destinations, creating missing streams', async () => {
      const src = ctx.namespace('src');
      const dst = ctx.namespace('dst');
      await createStream(src, 'base');
      const a = ociImage(unique('a'));
      await map(src, 'base', 'v1', a);
      const out = (await tag(dst, { source: { kind: 'ImageStreamTag', name: 'base:v1', namespace: src }, destinations: ['one:latest', 'two:prod'], referencePolicy: 'Local' })).tagImage;
      expect(out.map((t) => [t.metadata.name, t.imageName, t.tag!.from!.namespace, t.tag!.referencePolicy.type])).toEqual([
        ['one:latest', a.name, src, 'Local'],
        ['two:prod', a.name, src, 'Local'],
      ]);
      expect((await history(dst, 'two')).spec.tags!.map((t) => t.name)).toEqual(['prod']);
    });

    it('tags an ImageStreamImage and a DockerImage (spec only unless reference)', async () => {
      const ns = ctx.namespace();
      await createStream(ns, 'app');
      const a = ociImage(unique('a'));
      await map(ns, 'app', 'latest', a);
      const [byDigest] = (await tag(ns, { source: { kind: 'ImageStreamImage', name: `app@${a.name.slice(7, 30)}` }, destinations: ['app:digest'] })).tagImage;
      expect(byDigest.imageName).toBe(a.name);
      const [docker] = (await tag(ns, { source: { kind: 'DockerImage', name: 'quay.io/x/y:1' }, destinations: ['app:ext'], scheduled: true, importMode: 'PreserveOriginal' })).tagImage;
      expect(docker.imageName).toBeNull();
      expect(docker.tag!.importPolicy).toEqual({ scheduled: true, insecure: null, importMode: 'PreserveOriginal' });
      const [ref] = (await tag(ns, { source: { kind: 'DockerImage', name: 'quay.io/x/y:2' }, destinations: ['app:ref'], reference: true })).tagImage;
      expect(ref.tag!.reference).toBe(true);
      expect((await items(ns, 'app', 'ref'))![0].dockerImageReference).toBe('quay.io/x/y:2');
    });

    it('refuses bad input with INVALID and writes nothing', async () => {
      const ns = ctx.namespace();
      await createStream(ns, 'app');
      const code = (input: TagImageInput) => ctx.client.errorCode(TagImageDocument, { namespace: ns, input });
      expect(await code({ source: { kind: 'Nope', name: 'x' }, destinations: ['app:a'] })).toBe('INVALID');
      expect(await code({ source: { kind: 'DockerImage', name: 'quay.io/x/y:1' }, destinations: ['no-colon'] })).toBe('INVALID');
      expect(await code({ source: { kind: 'ImageStreamTag', name: 'app:missing' }, destinations: ['app:a'] })).toBe('INVALID');
      expect(await code({ source: { kind: 'ImageStreamImage', name: 'app@sha256:ffff' }, destinations: ['app:a'] })).toBe('INVALID');
      expect(await code({ source: { kind: 'DockerImage', name: 'quay.io/x/y:1' }, destinations: ['app:a'], referencePolicy: 'Weird' })).toBe('INVALID');
      expect((await history(ns, 'app')).spec.tags).toBeNull();
    });

    it('deleteImageStreamTag removes spec and status; then NOT_FOUND', async () => {
      const ns = ctx.namespace();
      await createStream(ns, 'app', [{ name: 'latest', from: { kind: 'DockerImage', name: 'quay.io/x/y:1' }, reference: true }]);
      expect((await ctx.client.ok(DeleteIstagDocument, { namespace: ns, name: 'app:latest' })).deleteImageStreamTag).toBe(true);
      const s = await history(ns, 'app');
      expect(s.spec.tags).toBeNull();
      expect(s.status.tags).toBeNull();
      expect(s.metadata.generation).toBe(2);
      expect(await ctx.client.errorCode(DeleteIstagDocument, { namespace: ns, name: 'app:latest' })).toBe('NOT_FOUND');
      expect(await ctx.client.errorCode(DeleteIstagDocument, { namespace: ns, name: 'nostream:latest' })).toBe('NOT_FOUND');
      expect(await ctx.client.errorCode(DeleteIstagDocument, { namespace: ns, name: 'app' })).toBe('BAD_REQUEST');
    });
  });

  describe('ImageStreamTag, ImageStreamImage and the reverse link (reference §3.8, §6)', () => {
    it('answers the tag with its image, spec tag and generation; null when absent; BAD_REQUEST when malformed', async () => {
      const ns = ctx.namespace();
      await createStream(ns, 'app', [{ name: 'latest', annotations: { note: 'x' }, from: { kind: 'ImageStreamTag', name: 'pushed' } }]);
      const a = ociImage(unique('a'));
      await map(ns, 'app', 'pushed', a);
      const t = (await ctx.client.ok(GetIstagDocument, { namespace: ns, name: 'app:latest' })).imageStreamTag!;
      expect(t).toMatchObject({ kind: 'ImageStreamTag', metadata: { name: 'app:latest', namespace: ns, annotations: { note: 'x' } }, imageName: a.name, generation: 1, image: { metadata: { name: a.name } } });
      expect(t.tag!.name).toBe('latest');
      expect(t.image!.dockerImageManifest).toBeNull(); // blanked in the virtual view (§3.8)
      expect(t.image!.metadata.annotations).toMatchObject({ note: 'x', 'image.openshift.io/dockerLayersOrder': 'ascending' });
      const pushed = (await ctx.client.ok(GetIstagDocument, { namespace: ns, name: 'app:pushed' })).imageStreamTag!;
      expect(pushed.tag).toBeNull();
      expect((await ctx.client.ok(GetIstagDocument, { namespace: ns, name: 'app:none' })).imageStreamTag).toBeNull();
      expect((await ctx.client.ok(GetIstagDocument, { namespace: ns, name: 'nope:latest' })).imageStreamTag).toBeNull();
      for (const bad of ['app', 'app:a:b', 'app@sha256:x']) expect(await ctx.client.errorCode(GetIstagDocument, { namespace: ns, name: bad })).toBe('BAD_REQUEST');
    });

    it('finds an image by any prefix, deterministically on ambiguity, including manifest-list children', async () => {
      const ns = ctx.namespace();
      await createStream(ns, 'app', []);
      const amd = ociImage(unique('amd'));
      const arm = ociImage(unique('arm'), 'arm64');
      for (const c of [amd, arm]) await ctx.client.ok(CreateImageDocument, { image: imageInput(c) });
      const list = indexOf([{ image: amd, arch: 'amd64' }, { image: arm, arch: 'arm64' }]);
      await map(ns, 'app', 'multi', { ...list, config: '', layers: [] });
      const hex = arm.name.slice(7);
      for (const id of [arm.name, hex.slice(0, 12), `sha256:${hex.slice(0, 8)}`]) {
        const r = (await ctx.client.ok(GetIsimageDocument, { namespace: ns, name: `app@${id}` })).imageStreamImage!;
        expect(r.metadata.name).toBe(`app@${id}`);
        expect(r.imageName).toBe(arm.name);
        expect(r.image.dockerImageReference).toBe(`quay.io/test/app@${arm.name}`);
        expect(r.image.dockerImageManifest).toBeNull(); // blanked in the virtual view (§6.7)
      }
      const all = [list.name, amd.name, arm.name].sort();
      expect((await ctx.client.ok(GetIsimageDocument, { namespace: ns, name: 'app@sha256:' })).imageStreamImage!.imageName).toBe(all[0]);
      expect((await ctx.client.ok(GetIsimageDocument, { namespace: ns, name: 'app@ffff0000ffff' })).imageStreamImage).toBeNull();
      expect(await ctx.client.errorCode(GetIsimageDocument, { namespace: ns, name: 'app' })).toBe('BAD_REQUEST');
    });

    it('Image.imageStreamTags lists the tags pointing at the image now', async () => {
      const ns = ctx.namespace();
      await createStream(ns, 'app');
      await createStream(ns, 'web');
      const a = ociImage(unique('a'));
      const b = ociImage(unique('b'));
      await map(ns, 'app', 'latest', a);
      await map(ns, 'web', 'v1', a);
      await map(ns, 'web', 'v1', b); // a is now only in history of web:v1
      const tags = (await ctx.client.ok(ImageTagsDocument, { name: a.name })).image!.imageStreamTags;
      expect(tags.map((t) => [t.metadata.namespace, t.metadata.name])).toEqual([[ns, 'app:latest']]);
    });
  });

  describe('with an integrated registry configured (reference §3.3 rewriting, §4.1)', () => {
    const REGISTRY = 'registry.test:5000';
    let app: TestApp;
    let client: GraphQLClient;
    beforeAll(async () => {
      app = await startTestApp(ctx.driver, { IMAGESTREAMS_INTERNAL_REGISTRY: REGISTRY });
      client = new GraphQLClient(app.url, app.token);
    });
    afterAll(async () => {
      await app?.close();
    });
    const events = async (namespace: string, name: string, tag: string) =>
      (await client.ok(StreamHistoryDocument, { namespace, name })).imageStream!.status.tags!.find((t) => t.tag === tag)!.items!;
    const newStream = (namespace: string, name: string, tags: TagReferenceInput[] = []) => client.ok(CreateStreamDocument, { namespace, imageStream: { metadata: { name }, spec: { tags } } });

    it('defaults a mapping\'s reference into the stream\'s repository, and rewrites internal references on copy', async () => {
      const ns = ctx.namespace();
      await newStream(ns, 'src');
      const img = ociImage(unique('internal'));
      await client.ok(CreateMappingDocument, { namespace: ns, mapping: { metadata: { name: 'src' }, tag: 'latest', image: { metadata: { name: img.name }, dockerImageManifest: img.manifest, dockerImageConfig: img.config } } });
      expect((await events(ns, 'src', 'latest'))[0].dockerImageReference).toBe(`${REGISTRY}/${ns}/src@${img.name}`);
      await newStream(ns, 'dst', [
        { name: 'copy', from: { kind: 'ImageStreamTag', name: 'src:latest' } },
        { name: 'ref', from: { kind: 'ImageStreamTag', name: 'src:latest' }, reference: true },
      ]);
      expect((await events(ns, 'dst', 'copy'))[0].dockerImageReference).toBe(`${REGISTRY}/${ns}/dst@${img.name}`);
      expect((await events(ns, 'dst', 'ref'))[0].dockerImageReference).toBe(`${REGISTRY}/${ns}/src@${img.name}`);
    });

    it('shows an ImageStreamTag with referencePolicy Local through this stream\'s repository', async () => {
      const ns = ctx.namespace();
      await newStream(ns, 'src');
      const img = ociImage(unique('local'));
      await client.ok(CreateMappingDocument, { namespace: ns, mapping: { metadata: { name: 'src' }, tag: 'latest', image: imageInput(img, 'quay.io/ext/app') } });
      const [local] = (await client.ok(TagImageDocument, { namespace: ns, input: { source: { kind: 'ImageStreamTag', name: 'src:latest' }, destinations: ['dst:local'], referencePolicy: 'Local' } })).tagImage;
      expect(local.image!.dockerImageReference).toBe(`${REGISTRY}/${ns}/dst@${img.name}`);
      const source = (await client.ok(GetIstagDocument, { namespace: ns, name: 'src:latest' })).imageStreamTag!;
      expect(source.image!.dockerImageReference).toBe(`quay.io/ext/app@${img.name}`);
    });

    it('preserves external references on copy', async () => {
      const ns = ctx.namespace();
      await newStream(ns, 'src');
      const img = ociImage(unique('external'));
      await client.ok(CreateMappingDocument, { namespace: ns, mapping: { metadata: { name: 'src' }, tag: 'latest', image: imageInput(img, 'quay.io/ext/app') } });
      await newStream(ns, 'dst', [{ name: 'copy', from: { kind: 'ImageStreamTag', name: 'src:latest' } }]);
      expect((await events(ns, 'dst', 'copy'))[0].dockerImageReference).toBe(`quay.io/ext/app@${img.name}`);
    });

    it('points a managed push of an existing image at this stream\'s repository', async () => {
      const ns = ctx.namespace();
      await newStream(ns, 'app');
      const img = ociImage(unique('managed'));
      await client.ok(CreateImageDocument, { image: imageInput(img, 'quay.io/elsewhere/app') });
      await client.ok(CreateMappingDocument, {
        namespace: ns,
        mapping: { metadata: { name: 'app' }, tag: 'latest', image: { ...imageInput(img, 'quay.io/elsewhere/app'), metadata: { name: img.name, annotations: { 'openshift.io/image.managed': 'true' } } } },
      });
      expect((await events(ns, 'app', 'latest'))[0].dockerImageReference).toBe(`${REGISTRY}/${ns}/app@${img.name}`);
    });
  });
}

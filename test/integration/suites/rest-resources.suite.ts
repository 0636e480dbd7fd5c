import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { imageInput, ociImage } from '../../support/images.js';
import { RestClient } from '../../support/rest-client.js';
import type { SuiteContext } from '../harness.js';

const G = '/apis/image.openshift.io/v1';
const MERGE = 'application/merge-patch+json';
const unique = (p: string) => `${p}-${process.pid}-${randomBytes(4).toString('hex')}`;

/** imagestreamtags, imagestreamimages, imagestreammappings, images and imagesignatures over REST (rest-paths.md). */
export function restResourcesSuite(ctx: SuiteContext): void {
  const rest = () => new RestClient(ctx.app.url, ctx.app.token);
  /** A stream `name` in `ns` whose tag `tag` points at a freshly mapped image. */
  const mapped = async (ns: string, stream: string, tag: string) => {
    expect((await rest().post(`${G}/namespaces/${ns}/imagestreams`, { metadata: { name: stream } })).status).toBe(201);
    const img = ociImage(unique('rest'));
    const res = await rest().post(`${G}/namespaces/${ns}/imagestreammappings`, { kind: 'ImageStreamMapping', apiVersion: 'image.openshift.io/v1', metadata: { name: stream }, image: imageInput(img), tag });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    return img;
  };

  describe('REST imagestreammappings', () => {
    it('maps an image into a stream tag (201 Status); a missing stream is 404, a missing tag 422', async () => {
      const ns = ctx.namespace('rmap');
      const img = await mapped(ns, 'app', 'v1');
      const stream = (await rest().get(`${G}/namespaces/${ns}/imagestreams/app`)).body;
      expect(stream.status.tags).toEqual([{ tag: 'v1', items: [expect.objectContaining({ image: img.name })] }]);
      expect(stream.spec.tags).toBeUndefined();
      const missing = await rest().post(`${G}/namespaces/${ns}/imagestreammappings`, { metadata: { name: 'nope' }, image: imageInput(ociImage(unique('x'))), tag: 'v1' });
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ kind: 'Status', reason: 'NotFound', details: { name: 'nope', group: 'image.openshift.io', kind: 'imagestreams' } });
      const invalid = await rest().post(`${G}/namespaces/${ns}/imagestreammappings`, { metadata: { name: 'app' }, image: imageInput(ociImage(unique('y'))) });
      expect(invalid.status).toBe(422);
      expect(invalid.body).toMatchObject({ reason: 'Invalid', details: { kind: 'ImageStreamMapping', causes: [expect.objectContaining({ field: 'tag' })] } });
    });
  });

  describe('REST imagestreamtags', () => {
    it('gets and lists tags with their image; 404 for a tag without image, 400 for a malformed name', async () => {
      const ns = ctx.namespace('ristag');
      const img = await mapped(ns, 'app', 'v1');
      const got = await rest().get(`${G}/namespaces/${ns}/imagestreamtags/app:v1`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ kind: 'ImageStreamTag', apiVersion: 'image.openshift.io/v1', metadata: { name: 'app:v1', namespace: ns }, tag: null, lookupPolicy: { local: false } });
      expect(got.body.image.metadata.name).toBe(img.name);
      expect(got.body.image.dockerImageManifest).toBeUndefined();
      const legacy = await rest().get(`/oapi/v1/namespaces/${ns}/imagestreamtags/app:v1`);
      expect(legacy.body.apiVersion).toBe('v1');
      const list = await rest().get(`${G}/namespaces/${ns}/imagestreamtags`);
      expect(list.body).toMatchObject({ kind: 'ImageStreamTagList', apiVersion: 'image.openshift.io/v1' });
      expect(list.body.items.map((i: any) => i.metadata.name)).toEqual(['app:v1']);
      const none = await rest().get(`${G}/namespaces/${ns}/imagestreamtags/app:nope`);
      expect(none.status).toBe(404);
      expect(none.body).toMatchObject({ reason: 'NotFound', message: 'imagestreamtags.image.openshift.io "app:nope" not found', details: { kind: 'imagestreamtags' } });
      const bad = await rest().get(`${G}/namespaces/${ns}/imagestreamtags/app`);
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    });

    it('creates (stream made when missing), 409 on an existing spec tag, upserts on PUT without resourceVersion, patches and deletes', async () => {
      const ns = ctx.namespace('ristagw');
      const tag = (image: string) => ({ from: { kind: 'DockerImage', name: image } });
      const created = await rest().post(`${G}/namespaces/${ns}/imagestreamtags`, { kind: 'ImageStreamTag', apiVersion: 'image.openshift.io/v1', metadata: { name: 'new:one' }, tag: tag('busybox:1') });
      expect(created.status, created.text).toBe(201);
      expect(created.body).toMatchObject({ kind: 'ImageStreamTag', metadata: { name: 'new:one' }, tag: { name: 'one', from: { kind: 'DockerImage', name: 'busybox:1' } }, image: null });
      const again = await rest().post(`${G}/namespaces/${ns}/imagestreamtags`, { metadata: { name: 'new:one' }, tag: tag('busybox:2') });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ reason: 'AlreadyExists', message: 'imagestreamtags.image.openshift.io "new:one" already exists' });

      // oc tag: PUT with no resourceVersion on a stream that does not exist yet.
      const upsert = await rest().put(`${G}/namespaces/${ns}/imagestreamtags/other:latest`, { metadata: { name: 'other:latest' }, tag: tag('busybox:3') });
      expect(upsert.status, upsert.text).toBe(200);
      const other = (await rest().get(`${G}/namespaces/${ns}/imagestreams/other`)).body;
      expect(other.spec.tags.map((t: any) => [t.name, t.from.name])).toEqual([['latest', 'busybox:3']]);
      const replaced = await rest().put(`${G}/namespaces/${ns}/imagestreamtags/other:latest`, { metadata: { name: 'other:latest', annotations: { a: 'b' } }, tag: tag('busybox:4') });
      expect(replaced.body.tag).toMatchObject({ from: { name: 'busybox:4' }, annotations: { a: 'b' } });

      const stale = await rest().put(`${G}/namespaces/${ns}/imagestreamtags/other:latest`, { metadata: { name: 'other:latest', resourceVersion: '1' }, tag: tag('busybox:5') });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ reason: 'Conflict' });
      const noSpec = await rest().put(`${G}/namespaces/${ns}/imagestreamtags/other:ghost`, { metadata: { name: 'other:ghost' }, tag: null });
      expect(noSpec.status).toBe(400);
      const badAnnotations = await rest().put(`${G}/namespaces/${ns}/imagestreamtags/other:latest`, { metadata: { name: 'other:latest' }, tag: { ...tag('busybox:6'), annotations: { x: 'y' } } });
      expect(badAnnotations.status).toBe(422);
      expect(badAnnotations.body).toMatchObject({ reason: 'Invalid', details: { kind: 'ImageStreamTag', causes: [expect.objectContaining({ field: 'tag.annotations' })] } });

      // PATCH reads the tag as GET does: a tag without an image yet is 404 (§3.8).
      expect((await rest().patch(`${G}/namespaces/${ns}/imagestreamtags/other:latest`, { metadata: { annotations: { c: 'd' } } }, MERGE)).status).toBe(404);
      const img = await mapped(ns, 'app', 'v1');
      const pinned = await rest().put(`${G}/namespaces/${ns}/imagestreamtags/app:pinned`, { metadata: { name: 'app:pinned', annotations: { a: 'b' } }, tag: { from: { kind: 'ImageStreamImage', name: `app@${img.name}` } } });
      expect(pinned.status, pinned.text).toBe(200);
      expect(pinned.body.image?.metadata.name).toBe(img.name);
      const patched = await rest().patch(`${G}/namespaces/${ns}/imagestreamtags/app:pinned`, { metadata: { annotations: { c: 'd' } } }, MERGE);
      expect(patched.status, patched.text).toBe(200);
      expect(patched.body.tag.annotations).toEqual({ a: 'b', c: 'd' });
      expect(patched.body.image.metadata.annotations).toMatchObject({ a: 'b', c: 'd' });
      const unsupported = await rest().patch(`${G}/namespaces/${ns}/imagestreamtags/app:pinned`, {}, 'text/plain');
      expect(unsupported.status).toBe(415);

      const deleted = await rest().delete(`${G}/namespaces/${ns}/imagestreamtags/other:latest`);
      expect(deleted.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'other:latest', kind: 'imagestreamtags' } });
      expect((await rest().get(`${G}/namespaces/${ns}/imagestreams/other`)).body.spec.tags).toBeUndefined();
      const gone = await rest().delete(`${G}/namespaces/${ns}/imagestreamtags/other:latest`);
      expect(gone.status).toBe(404);
    });
  });

  describe('REST imagestreamimages', () => {
    it('gets an image of the stream by digest prefix; 404 with the singular resource when nothing matches', async () => {
      const ns = ctx.namespace('risimage');
      const img = await mapped(ns, 'app', 'v1');
      const prefix = img.name.slice(0, 20);
      const got = await rest().get(`${G}/namespaces/${ns}/imagestreamimages/app@${prefix}`);
      expect(got.status, got.text).toBe(200);
      expect(got.body).toMatchObject({ kind: 'ImageStreamImage', apiVersion: 'image.openshift.io/v1', metadata: { name: `app@${prefix}`, namespace: ns }, image: { metadata: { name: img.name } } });
      expect(got.body.image.dockerImageManifest).toBeUndefined();
      const none = await rest().get(`${G}/namespaces/${ns}/imagestreamimages/app@sha256:ffff0000`);
      expect(none.status).toBe(404);
      expect(none.body).toMatchObject({ reason: 'NotFound', message: 'imagestreamimage.image.openshift.io "app@sha256:ffff0000" not found', details: { kind: 'imagestreamimage' } });
      const bad = await rest().get(`${G}/namespaces/${ns}/imagestreamimages/app`);
      expect(bad.status).toBe(400);
    });
  });

  describe('REST images and imagesignatures', () => {
    it('creates, gets, lists, updates, patches and deletes images', async () => {
      const img = ociImage(unique('rimg'));
      const created = await rest().post(`${G}/images`, { kind: 'Image', apiVersion: 'image.openshift.io/v1', ...imageInput(img) });
      expect(created.status, created.text).toBe(201);
      expect(created.body).toMatchObject({ kind: 'Image', apiVersion: 'image.openshift.io/v1', metadata: { name: img.name }, dockerImageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json' });
      const dup = await rest().post(`${G}/images`, imageInput(img));
      expect(dup.status).toBe(409);
      expect(dup.body).toMatchObject({ reason: 'AlreadyExists', message: `images.image.openshift.io "${img.name}" already exists` });
      const got = await rest().get(`${G}/images/${img.name}`);
      expect(got.body).toEqual(created.body);
      const list = await rest().get(`${G}/images?limit=500`);
      expect(list.body.kind).toBe('ImageList');
      expect(list.body.items.map((i: any) => i.metadata.name)).toContain(img.name);
      const updated = await rest().put(`${G}/images/${img.name}`, { ...created.body, metadata: { ...created.body.metadata, labels: { team: 'a' } } });
      expect(updated.status, updated.text).toBe(200);
      expect(updated.body.metadata.labels).toEqual({ team: 'a' });
      const stale = await rest().put(`${G}/images/${img.name}`, created.body);
      expect(stale.status).toBe(409);
      const patched = await rest().patch(`${G}/images/${img.name}`, { metadata: { annotations: { note: 'x' } }, dockerImageReference: 'ignored' }, MERGE);
      expect(patched.status, patched.text).toBe(200);
      expect(patched.body.metadata.annotations).toMatchObject({ note: 'x' });
      expect(patched.body.dockerImageReference).toBe(created.body.dockerImageReference);
      const badPatch = await rest().patch(`${G}/images/${img.name}`, { metadata: { labels: { n: 1 } } }, MERGE);
      expect(badPatch.status).toBe(422);
      const deleted = await rest().delete(`${G}/images/${img.name}`);
      expect(deleted.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: img.name, kind: 'images' } });
      const gone = await rest().get(`${G}/images/${img.name}`);
      expect(gone.status).toBe(404);
      expect(gone.body).toMatchObject({ reason: 'NotFound', details: { name: img.name, group: 'image.openshift.io', kind: 'images' } });
    });

    it('adds and removes signatures: 201, 409 for a duplicate, 404 for a missing image or signature, 400 for a bad name', async () => {
      const img = ociImage(unique('rsig'));
      expect((await rest().post(`${G}/images`, imageInput(img))).status).toBe(201);
      const sig = { kind: 'ImageSignature', apiVersion: 'image.openshift.io/v1', metadata: { name: `${img.name}@sig1` }, type: 'atomic', content: Buffer.from('signed').toString('base64') };
      const created = await rest().post(`${G}/imagesignatures`, sig);
      expect(created.status, created.text).toBe(201);
      expect(created.body).toMatchObject({ kind: 'ImageSignature', metadata: { name: `${img.name}@sig1` }, type: 'atomic', content: sig.content });
      expect(created.body.imageName).toBeUndefined();
      expect((await rest().get(`${G}/images/${img.name}`)).body.signatures.map((s: any) => s.metadata.name)).toEqual([`${img.name}@sig1`]);
      const dup = await rest().post(`${G}/imagesignatures`, sig);
      expect(dup.status).toBe(409);
      expect(dup.body).toMatchObject({ reason: 'AlreadyExists', message: `imageSignatures.image.openshift.io "${img.name}@sig1" already exists` });
      const noImage = await rest().post(`${G}/imagesignatures`, { ...sig, metadata: { name: 'sha256:0000@sig1' } });
      expect(noImage.status).toBe(404);
      const deleted = await rest().delete(`${G}/imagesignatures/${img.name}@sig1`);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ kind: 'Status', status: 'Success' });
      const again = await rest().delete(`${G}/imagesignatures/${img.name}@sig1`);
      expect(again.status).toBe(404);
      expect(again.body).toMatchObject({ reason: 'NotFound', message: `imageSignatures.image.openshift.io "${img.name}@sig1" not found` });
      expect((await rest().delete(`${G}/imagesignatures/no-at-sign`)).status).toBe(400);
    });
  });
}

import { describe, expect, it } from 'vitest';
import {
  CreateImageDocument,
  CreateSignatureDocument,
  DeleteImageDocument,
  DeleteSignatureDocument,
  GetImageDocument,
  ListImagesDocument,
  UpdateImageDocument,
} from '../../generated/graphql.js';
import { indexOf, imageInput, ociImage } from '../../support/images.js';
import type { SuiteContext } from '../harness.js';

let seq = 0;
const unique = (p: string) => `${p}-${process.pid}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

export function imagesSuite(ctx: SuiteContext): void {
  const getImage = async (name: string) => (await ctx.client.ok(GetImageDocument, { name })).image;

  describe('images (direct writes, reference §4.2, §4.3)', () => {
    it('derives layers and metadata from manifest and config', async () => {
      const img = ociImage(unique('derive'));
      const created = (await ctx.client.ok(CreateImageDocument, { image: imageInput(img) })).createImage;
      expect(created.kind).toBe('Image');
      expect(created.metadata.name).toBe(img.name);
      expect(created.dockerImageManifestMediaType).toBe('application/vnd.oci.image.manifest.v1+json');
      expect(created.dockerImageLayers.map((l) => [l.name, l.size])).toEqual(img.layers.map((l) => [l.digest, l.size]));
      expect(created.dockerImageMetadata).toMatchObject({ architecture: 'amd64', os: 'linux', created: '2024-05-01T10:00:00Z', size: img.config.length + 1200 });
      expect(created.dockerImageMetadata.config?.env).toEqual([expect.stringMatching(/^SEED=/)]);
      expect(created.dockerImageMetadata.raw).toMatchObject({ kind: 'DockerImage', apiVersion: 'image.openshift.io/1.0', Id: expect.stringMatching(/^sha256:/) });
      expect(created.dockerImageMetadataVersion).toBe('1.0');
      expect(created.metadata.annotations).toEqual({ 'image.openshift.io/dockerLayersOrder': 'ascending' });
      expect(await getImage(img.name)).toEqual(created);
    });

    it('stores a manifest list as sub-manifests whose images link back', async () => {
      const amd = ociImage(unique('amd'));
      const arm = ociImage(unique('arm'), 'arm64');
      const list = indexOf([{ image: amd, arch: 'amd64' }, { image: arm, arch: 'arm64' }]);
      await ctx.client.ok(CreateImageDocument, { image: imageInput(amd) });
      const created = (await ctx.client.ok(CreateImageDocument, { image: imageInput(list) })).createImage;
      expect(created.dockerImageLayers).toEqual([]);
      expect(created.dockerImageManifests!.map((m) => [m.digest, m.architecture])).toEqual([
        [amd.name, 'amd64'],
        [arm.name, 'arm64'],
      ]);
      expect(created.dockerImageMetadata.id).toBe(list.name);
      const res = await ctx.client.ok(`query($n: String!) { image(name: $n) { dockerImageManifests { digest image { metadata { name } } } } }`, { n: list.name });
      expect((res as { image: { dockerImageManifests: Array<{ image: { metadata: { name: string } } | null }> } }).image.dockerImageManifests.map((m) => m.image?.metadata.name ?? null)).toEqual([amd.name, null]);
    });

    it('answers null for an absent image, ALREADY_EXISTS for a second create', async () => {
      expect(await getImage('sha256:does-not-exist')).toBeNull();
      const img = ociImage(unique('dup'));
      await ctx.client.ok(CreateImageDocument, { image: imageInput(img) });
      expect(await ctx.client.errorCode(CreateImageDocument, { image: imageInput(img) })).toBe('ALREADY_EXISTS');
    });

    it('refuses an image without reference or name (INVALID) and stores nothing', async () => {
      const img = ociImage(unique('bad'));
      const res = await ctx.client.request(CreateImageDocument, { image: { metadata: { name: img.name }, dockerImageManifest: img.manifest, dockerImageConfig: img.config } });
      expect(res.errors?.[0].extensions?.code).toBe('INVALID');
      expect(res.errors?.[0].extensions?.status?.details?.causes?.map((c) => c.field)).toEqual(['dockerImageReference']);
      expect(await getImage(img.name)).toBeNull();
      expect(await ctx.client.errorCode(CreateImageDocument, { image: { dockerImageReference: 'quay.io/a/b' } })).toBe('INVALID');
    });

    it('updates labels and annotations only; content stays', async () => {
      const img = ociImage(unique('upd'));
      const created = (await ctx.client.ok(CreateImageDocument, { image: imageInput(img) })).createImage;
      const updated = (await ctx.client.ok(UpdateImageDocument, { name: img.name, metadata: { labels: { tier: 'gold' }, annotations: { a: 'b' }, resourceVersion: created.metadata.resourceVersion } })).updateImage;
      expect(updated.metadata.labels).toEqual({ tier: 'gold' });
      expect(updated.metadata.annotations).toEqual({ a: 'b' });
      expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
      expect(updated.dockerImageLayers).toEqual(created.dockerImageLayers);
      expect(updated.dockerImageMetadata).toEqual(created.dockerImageMetadata);
      expect(await ctx.client.errorCode(UpdateImageDocument, { name: img.name, metadata: { labels: {}, resourceVersion: created.metadata.resourceVersion } })).toBe('CONFLICT');
      expect(await ctx.client.errorCode(UpdateImageDocument, { name: 'sha256:none', metadata: { labels: {} } })).toBe('NOT_FOUND');
    });

    it('deletes an image; a second delete is NOT_FOUND', async () => {
      const img = ociImage(unique('del'));
      await ctx.client.ok(CreateImageDocument, { image: imageInput(img) });
      expect((await ctx.client.ok(DeleteImageDocument, { name: img.name })).deleteImage.metadata.name).toBe(img.name);
      expect(await getImage(img.name)).toBeNull();
      expect(await ctx.client.errorCode(DeleteImageDocument, { name: img.name })).toBe('NOT_FOUND');
    });

    it('pages images with a Relay connection', async () => {
      for (let i = 0; i < 3; i++) await ctx.client.ok(CreateImageDocument, { image: imageInput(ociImage(unique('page'))) });
      const first = (await ctx.client.ok(ListImagesDocument, { first: 2 })).images;
      expect(first.nodes).toHaveLength(2);
      expect(first.pageInfo.hasNextPage).toBe(true);
      expect(first.totalCount).toBeGreaterThanOrEqual(3);
      const second = (await ctx.client.ok(ListImagesDocument, { first: 2, after: first.pageInfo.endCursor })).images;
      expect(second.nodes[0].metadata.name > first.nodes[1].metadata.name).toBe(true);
      expect(await ctx.client.errorCode(ListImagesDocument, { after: '!!' })).toBe('BAD_REQUEST');
    });
  });

  describe('signatures (reference §1.5, §2.5, §4.4)', () => {
    const sigInput = (image: string, name: string, content = Buffer.from(name).toString('base64')) => ({ metadata: { name: `${image}@${name}` }, type: 'AtomicImageV1', content });

    it('creates a signature with server fields cleared, linked to its image', async () => {
      const img = ociImage(unique('sig'));
      await ctx.client.ok(CreateImageDocument, { image: imageInput(img) });
      const created = (
        await ctx.client.ok(CreateSignatureDocument, {
          signature: { ...sigInput(img.name, 's1'), imageIdentity: 'x', signedClaims: { a: 'b' }, created: '2020-01-01T00:00:00Z', issuedBy: { commonName: 'cn' }, issuedTo: { publicKeyID: 'k' }, conditions: [{ type: 'Trusted', status: 'True' }] },
        })
      ).createImageSignature;
      expect(created).toMatchObject({ type: 'AtomicImageV1', imageName: img.name, imageIdentity: null, signedClaims: null, created: null, issuedBy: null, issuedTo: null, conditions: null });
      expect(created.metadata.name).toBe(`${img.name}@s1`);
      expect(created.image.metadata.name).toBe(img.name);
      expect((await getImage(img.name))!.signatures!.map((s) => s.metadata.name)).toEqual([`${img.name}@s1`]);
    });

    it('refuses duplicates by name or by (type, content) with ALREADY_EXISTS', async () => {
      const img = ociImage(unique('sigdup'));
      await ctx.client.ok(CreateImageDocument, { image: imageInput(img) });
      await ctx.client.ok(CreateSignatureDocument, { signature: sigInput(img.name, 's1', 'AAAA') });
      expect(await ctx.client.errorCode(CreateSignatureDocument, { signature: sigInput(img.name, 's1', 'BBBB') })).toBe('ALREADY_EXISTS');
      expect(await ctx.client.errorCode(CreateSignatureDocument, { signature: sigInput(img.name, 's2', 'AAAA') })).toBe('ALREADY_EXISTS');
      expect((await getImage(img.name))!.signatures).toHaveLength(1);
    });

    it('refuses bad signatures (INVALID) and unknown images (NOT_FOUND), writing nothing', async () => {
      const img = ociImage(unique('sigbad'));
      await ctx.client.ok(CreateImageDocument, { image: imageInput(img) });
      const res = await ctx.client.request(CreateSignatureDocument, { signature: { metadata: { name: `${img.name}@s` } } });
      expect(res.errors?.[0].extensions?.code).toBe('INVALID');
      expect(res.errors?.[0].extensions?.status?.details?.causes?.map((c) => c.field).sort()).toEqual(['content', 'type']);
      expect(await ctx.client.errorCode(CreateSignatureDocument, { signature: { ...sigInput(img.name, 's'), metadata: { name: 'no-at-sign' } } })).toBe('INVALID');
      expect(await ctx.client.errorCode(CreateSignatureDocument, { signature: { ...sigInput(img.name, 's'), metadata: { name: `${img.name}@s`, labels: { a: 'b' } } } })).toBe('INVALID');
      expect(await ctx.client.errorCode(CreateSignatureDocument, { signature: sigInput('sha256:nope', 's') })).toBe('NOT_FOUND');
      expect((await getImage(img.name))!.signatures).toBeNull();
    });

    it('deletes a signature; bad names are BAD_REQUEST, missing ones NOT_FOUND', async () => {
      const img = ociImage(unique('sigdel'));
      await ctx.client.ok(CreateImageDocument, { image: imageInput(img) });
      await ctx.client.ok(CreateSignatureDocument, { signature: sigInput(img.name, 's1') });
      expect((await ctx.client.ok(DeleteSignatureDocument, { name: `${img.name}@s1` })).deleteImageSignature).toBe(true);
      expect((await getImage(img.name))!.signatures).toBeNull();
      expect(await ctx.client.errorCode(DeleteSignatureDocument, { name: `${img.name}@s1` })).toBe('NOT_FOUND');
      expect(await ctx.client.errorCode(DeleteSignatureDocument, { name: 'sha256:nope@s1' })).toBe('NOT_FOUND');
      expect(await ctx.client.errorCode(DeleteSignatureDocument, { name: 'nosig' })).toBe('BAD_REQUEST');
    });
  });
}

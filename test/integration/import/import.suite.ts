import { describe, expect, it } from 'vitest';
import {
  CreateStreamDocument,
  GetImageDocument,
  GetStreamDocument,
  ImportImagesDocument,
  ImportedImageByNameDocument,
  type ImageStreamImportInput,
} from '../../generated/graphql.js';
import type { SuiteContext } from '../harness.js';
import { MANY_TAGS, type RegistryFixtures } from '../../support/registry/fixtures.js';
import type { CountingProxy } from '../../support/registry/counting-proxy.js';
import { prioritizeTags } from '../../../src/modules/import/tag-priority.rules.js';

export interface ImportFixtures {
  fx: RegistryFixtures;
  /** A counting proxy in front of `fx.open`. */
  proxy: CountingProxy;
}

const insecure = { insecure: true };

/** importImages against real registries (reference §5). */
export function importSuite(ctx: SuiteContext, fixtures: () => ImportFixtures): void {
  const fx = () => fixtures().fx;
  const importImages = (namespace: string, input: ImageStreamImportInput) => ctx.client.ok(ImportImagesDocument, { namespace, import: input });
  const image = (from: string, extra: Record<string, unknown> = {}) => ({ from: { kind: 'DockerImage', name: from }, importPolicy: insecure, ...extra });

  describe('importImages: previews', () => {
    it('previews a Docker image without storing anything, raw manifest only when asked', async () => {
      const ns = ctx.namespace('isi');
      const { docker } = fx().images;
      const from = `${fx().open.host}/fixtures/docker-image:v1`;
      const res = await importImages(ns, { metadata: { name: 'preview' }, spec: { import: false, images: [image(from), image(from, { includeManifest: true })] } });
      const [plain, withManifest] = res.importImages.status.images!;
      expect(res.importImages.kind).toBe('ImageStreamImport');
      expect(res.importImages.spec.images?.[0].to?.name).toBe('v1');
      expect(plain.status.status).toBe('Success');
      expect(plain.tag).toBe('v1');
      expect(plain.image?.metadata.name).toBe(docker.digest);
      expect(plain.image?.dockerImageReference).toBe(`${fx().open.host}/fixtures/docker-image@${docker.digest}`);
      expect(plain.image?.dockerImageManifestMediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
      expect(plain.image?.dockerImageMetadata?.architecture).toBe('amd64');
      expect(plain.image?.dockerImageLayers.map((l) => l.name)).toEqual(docker.layers.map((l) => l.digest));
      expect(plain.image?.dockerImageManifest).toBeNull();
      expect(withManifest.image?.dockerImageManifest).toBe(docker.manifest.toString('utf8'));
      expect(withManifest.image?.dockerImageConfig).toBe(docker.config.toString('utf8'));
      expect(res.importImages.status.import).toBeNull();
      expect((await ctx.client.ok(GetStreamDocument, { namespace: ns, name: 'preview' })).imageStream).toBeNull();
      expect((await ctx.client.ok(GetImageDocument, { name: docker.digest })).image).toBeNull();
    });

    it('answers per-image failures with the reference reasons and codes', async () => {
      const ns = ctx.namespace('isi');
      const missing = `${fx().open.host}/fixtures/docker-image:nope`;
      const privateImage = `${fx().basic.host}/team/app:v1`;
      const res = await importImages(ns, { metadata: { name: 's' }, spec: { import: false, images: [image(missing), image(privateImage), image(`${fx().open.host}/fixtures/docker-image:v1`, { importPolicy: { insecure: false } })] } });
      const [notFound, unauthorized, httpOnly] = res.importImages.status.images!;
      expect(notFound.status).toEqual({
        status: 'Failure', reason: 'NotFound', code: 404, message: `dockerimage.image.openshift.io "${missing}" not found`,
        details: { name: missing, group: 'image.openshift.io', kind: 'dockerimage' },
      });
      expect(unauthorized.status).toMatchObject({ status: 'Failure', reason: 'Unauthorized', code: 401 });
      expect(unauthorized.status.message).toContain(`you may not have access to the container image "${privateImage}"`);
      expect(httpOnly.status).toMatchObject({ reason: 'BadRequest', code: 400 });
      expect(notFound.image).toBeNull();
    });

    it('a refused source (link-local, cloud metadata) fails fast with Forbidden and an import writes only its failure', async () => {
      const ns = ctx.namespace('isi');
      const res = await importImages(ns, { metadata: { name: 's' }, spec: { import: true, images: [image('169.254.169.254/latest/meta-data:x', { to: { name: 'meta' } }), image('*', { to: { name: 'star' } })] } });
      const [meta, star] = res.importImages.status.images!;
      expect(meta.status).toMatchObject({ status: 'Failure', reason: 'Forbidden', code: 403 });
      expect(star.status).toMatchObject({ status: 'Failure', code: 500 });
      const stream = res.importImages.status.import!;
      expect(stream.status.tags?.find((t) => t.tag === 'meta')).toMatchObject({ items: null, conditions: [expect.objectContaining({ reason: 'Forbidden' })] });
    });

    it('refuses invalid requests with INVALID and stores nothing', async () => {
      const ns = ctx.namespace('isi');
      const res = await ctx.client.request(ImportImagesDocument, { namespace: ns, import: { metadata: { name: 's' }, spec: { import: true } } });
      expect(res.errors?.[0].extensions?.code).toBe('INVALID');
      expect(res.errors?.[0].extensions?.status?.details?.causes?.[0]).toMatchObject({ field: 'spec.images' });
      expect((await ctx.client.ok(GetStreamDocument, { namespace: ns, name: 's' })).imageStream).toBeNull();
    });
  });

  describe('importImages: import', () => {
    it('creates the stream with spec tags, events, Images and the repository-check annotation', async () => {
      const ns = ctx.namespace('isi');
      const { docker, oci } = fx().images;
      const res = await importImages(ns, {
        metadata: { name: 'app' },
        spec: { import: true, images: [image(`${fx().open.host}/fixtures/docker-image:v1`, { to: { name: 'docker' } }), image(`${fx().open.host}/fixtures/oci-image:v1`, { to: { name: 'oci' }, includeManifest: true })] },
      });
      const stream = res.importImages.status.import!;
      expect(stream.metadata.generation).toBe(1);
      expect(stream.metadata.annotations?.['openshift.io/image.dockerRepositoryCheck']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(stream.spec.tags?.map((t) => [t.name, t.from?.name, t.generation])).toEqual([
        ['docker', `${fx().open.host}/fixtures/docker-image:v1`, 1],
        ['oci', `${fx().open.host}/fixtures/oci-image:v1`, 1],
      ]);
      expect(stream.status.tags?.map((t) => [t.tag, t.items?.[0].imageName, t.items?.[0].dockerImageReference, t.items?.[0].generation])).toEqual([
        ['docker', docker.digest, `${fx().open.host}/fixtures/docker-image@${docker.digest}`, 1],
        ['oci', oci.digest, `${fx().open.host}/fixtures/oci-image@${oci.digest}`, 1],
      ]);
      // Stored without raw blobs, so even includeManifest shows none after a real import (§5.6).
      expect(res.importImages.status.images?.[1].image?.dockerImageManifest).toBeNull();
      const stored = (await ctx.client.ok(GetImageDocument, { name: oci.digest })).image!;
      expect(stored.dockerImageManifestMediaType).toBe('application/vnd.oci.image.manifest.v1+json');
      expect(stored.dockerImageManifest).toBeNull();
      expect(stored.dockerImageLayers.map((l) => l.name)).toEqual(oci.layers.map((l) => l.digest));
      const read = (await ctx.client.ok(GetStreamDocument, { namespace: ns, name: 'app' })).imageStream!;
      expect(read.metadata.resourceVersion).toBe(stream.metadata.resourceVersion);
    });

    it('an unchanged re-import writes nothing; a failure keeps the last good image under an ImportSuccess=False condition', async () => {
      const ns = ctx.namespace('isi');
      const good = `${fx().open.host}/fixtures/docker-image:v1`;
      const first = (await importImages(ns, { metadata: { name: 's' }, spec: { import: true, images: [image(good, { to: { name: 't' } })] } })).importImages.status.import!;
      const again = (await importImages(ns, { metadata: { name: 's' }, spec: { import: true, images: [image(good, { to: { name: 't' } })] } })).importImages.status.import!;
      expect(again.metadata.resourceVersion).toBe(first.metadata.resourceVersion);

      const bad = `${fx().open.host}/fixtures/docker-image:missing`;
      const failed = await importImages(ns, { metadata: { name: 's' }, spec: { import: true, images: [image(bad, { to: { name: 't' } })] } });
      expect(failed.importImages.status.images?.[0].status.reason).toBe('NotFound');
      const stream = failed.importImages.status.import!;
      const tag = stream.status.tags!.find((t) => t.tag === 't')!;
      expect(tag.items?.map((i) => i.imageName)).toEqual([fx().images.docker.digest]);
      expect(tag.conditions).toEqual([
        expect.objectContaining({ type: 'ImportSuccess', status: 'False', reason: 'NotFound', message: `dockerimage.image.openshift.io "${bad}" not found`, generation: 2 }),
      ]);
      expect(stream.metadata.generation).toBe(2);
      expect(stream.spec.tags?.find((t) => t.name === 't')?.from?.name).toBe(good);
      // The same failure again changes nothing (no timestamp bump).
      const repeat = (await importImages(ns, { metadata: { name: 's' }, spec: { import: true, images: [image(bad, { to: { name: 't' } })] } })).importImages.status.import!;
      expect(repeat.metadata.resourceVersion).toBe(stream.metadata.resourceVersion);
      // A new tag that fails still gets a spec tag and the condition.
      const fresh = (await importImages(ns, { metadata: { name: 's' }, spec: { import: true, images: [image(bad, { to: { name: 'new' } })] } })).importImages.status.import!;
      expect(fresh.spec.tags?.find((t) => t.name === 'new')?.from?.name).toBe(bad);
      expect(fresh.status.tags?.find((t) => t.tag === 'new')?.conditions?.[0].reason).toBe('NotFound');
    });

    it('checks resourceVersion and uid preconditions', async () => {
      const ns = ctx.namespace('isi');
      const good = `${fx().open.host}/fixtures/docker-image:v1`;
      const missing = await ctx.client.errorCode(ImportImagesDocument, { namespace: ns, import: { metadata: { name: 's', resourceVersion: '1' }, spec: { import: true, images: [image(good)] } } });
      expect(missing).toBe('NOT_FOUND');
      await importImages(ns, { metadata: { name: 's' }, spec: { import: true, images: [image(good)] } });
      const stale = await ctx.client.request(ImportImagesDocument, { namespace: ns, import: { metadata: { name: 's', resourceVersion: '1' }, spec: { import: true, images: [image(good)] } } });
      expect(stale.errors?.[0].extensions?.code).toBe('CONFLICT');
      expect(stale.errors?.[0].message).toContain('the image stream was updated from "1"');
    });
  });

  describe('importImages: manifest lists', () => {
    it('Legacy imports one platform: the spec tag preference, else the server platform', async () => {
      const ns = ctx.namespace('isi');
      const { index } = fx().images;
      const arm = index.children.find((c) => c.platform.architecture === 'arm64')!;
      await ctx.client.ok(CreateStreamDocument, {
        namespace: ns,
        imageStream: { metadata: { name: 'multi' }, spec: { tags: [{ name: 'arm', annotations: { 'importer.image.openshift.io/prefer-arch': 'arm64', 'importer.image.openshift.io/prefer-os': 'linux' }, reference: true, from: { kind: 'DockerImage', name: 'x/y:z' } }] } },
      });
      const from = `${fx().open.host}/fixtures/multi:v1`;
      const res = await importImages(ns, { metadata: { name: 'multi' }, spec: { import: true, images: [image(from, { to: { name: 'arm' } }), image(from, { to: { name: 'default' } })] } });
      const [preferred, fallback] = res.importImages.status.images!;
      expect(preferred.image?.metadata.name).toBe(arm.digest);
      expect(preferred.image?.dockerImageMetadata?.architecture).toBe('arm64');
      const serverArch = process.arch === 'x64' ? 'amd64' : process.arch;
      const expected = index.children.find((c) => c.platform.architecture === serverArch) ?? index.children.find((c) => c.platform.architecture === 'amd64')!;
      expect(fallback.image?.metadata.name).toBe(expected.digest);
      const stream = res.importImages.status.import!;
      expect(stream.status.tags?.find((t) => t.tag === 'arm')?.items?.[0].dockerImageReference).toBe(`${fx().open.host}/fixtures/multi@${arm.digest}`);
      // The list itself is not stored in Legacy mode.
      expect((await ctx.client.ok(GetImageDocument, { name: index.digest })).image).toBeNull();
    });

    it('PreserveOriginal tags the list and stores every child, reachable through dockerImageManifests', async () => {
      const ns = ctx.namespace('isi');
      const list = fx().images.manifestList;
      const from = `${fx().open.host}/fixtures/multi-docker:v1`;
      const res = await importImages(ns, { metadata: { name: 'p' }, spec: { import: true, images: [image(from, { importPolicy: { insecure: true, importMode: 'PreserveOriginal' } })] } });
      const entry = res.importImages.status.images![0];
      expect(entry.status.status).toBe('Success');
      expect(entry.image?.metadata.name).toBe(list.digest);
      expect(entry.image?.dockerImageManifestMediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
      expect(entry.manifests?.map((m) => m.metadata.name).sort()).toEqual(list.children.map((c) => c.digest).sort());
      expect(res.importImages.status.import?.status.tags?.[0].items?.map((i) => i.imageName)).toEqual([list.digest]);
      const stored = (await ctx.client.ok(ImportedImageByNameDocument, { name: list.digest })).image!;
      expect(stored.dockerImageManifests?.map((m) => [m.architecture, m.image?.metadata.name, m.image?.dockerImageMetadata?.architecture])).toEqual(
        list.children.map((c) => [c.platform.architecture, c.digest, c.platform.architecture]),
      );
    });
  });

  describe('importImages: repositories and request counts', () => {
    it('imports the first 50 tags in the reference order and lists the rest as additionalTags', async () => {
      const ns = ctx.namespace('isi');
      const { manyTags } = fx().images;
      const repo = `${fx().open.host}/${manyTags.repository}`;
      const res = await importImages(ns, { metadata: { name: 'many' }, spec: { import: false, repository: { from: { kind: 'DockerImage', name: repo }, importPolicy: insecure } } });
      const status = res.importImages.status.repository!;
      const ordered = prioritizeTags(MANY_TAGS);
      expect(status.status.status).toBe('Success');
      expect(status.images?.map((i) => i.tag)).toEqual(ordered.slice(0, 50));
      expect(status.images?.slice(0, 4).map((i) => i.tag)).toEqual(['latest', '10.1', '2.0', '1.2-beta']);
      expect(status.additionalTags).toEqual(ordered.slice(50));
      expect(status.images?.[0].image?.dockerImageReference).toBe(`${repo}@${manyTags.digests.latest}`);
    });

    it('a repository import writes spec tags for each imported tag', async () => {
      const ns = ctx.namespace('isi');
      const repo = `${fx().open.host}/fixtures/docker-image`;
      const res = await importImages(ns, { metadata: { name: 'r' }, spec: { import: true, repository: { from: { kind: 'DockerImage', name: repo }, importPolicy: insecure } } });
      expect(res.importImages.status.repository?.images?.map((i) => i.tag)).toEqual(['latest', 'v1']);
      expect(res.importImages.status.import?.spec.tags?.map((t) => t.from?.name)).toEqual([`${repo}:latest`, `${repo}:v1`]);
    });

    it('fetches identical sources once and does not re-read config blobs of stored images', async () => {
      const ns = ctx.namespace('isi');
      const { proxy } = fixtures();
      // A tag no other test stores: the first import must read its config.
      const tag = ctx.driver === 'pglite' ? 'build-07' : 'build-08';
      const from = `${proxy.host}/fixtures/many-tags:${tag}`;
      proxy.reset();
      await importImages(ns, { metadata: { name: 's' }, spec: { import: true, images: [image(from, { to: { name: 'a' } }), image(from, { to: { name: 'b' } })] } });
      expect(proxy.count('/fixtures/many-tags/manifests/', 'GET')).toBe(1);
      expect(proxy.count('/fixtures/many-tags/blobs/')).toBe(1);
      proxy.reset();
      const again = await importImages(ns, { metadata: { name: 's2' }, spec: { import: true, images: [image(from)] } });
      expect(again.importImages.status.images?.[0].image?.metadata.name).toBe(fixtures().fx.images.manyTags.digests[tag]);
      expect(proxy.count('/fixtures/many-tags/manifests/', 'GET')).toBe(1);
      expect(proxy.count('/fixtures/many-tags/blobs/')).toBe(0);
    });
  });
}

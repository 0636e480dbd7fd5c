import { describe, expect, it } from 'vitest';
import { CreateStreamDocument, GetStreamDocument, PatchStreamDocument } from '../../generated/graphql.js';
import type { SuiteContext } from '../harness.js';
import { waitFor } from '../../support/wait.js';
import type { ImportFixtures } from './import.suite.js';

/** Spec-tag imports by the background worker (reference §7.1), on an app with background imports on. */
export function backgroundImportSuite(ctx: SuiteContext, fixtures: () => ImportFixtures): void {
  const fx = () => fixtures().fx;
  const stream = (namespace: string, name: string) => ctx.client.ok(GetStreamDocument, { namespace, name }).then((r) => r.imageStream);

  describe('spec-tag imports (background)', () => {
    it('imports a new DockerImage tag soon after the write, outside the request', async () => {
      const ns = ctx.namespace('bg');
      const from = `${fx().open.host}/fixtures/docker-image:v1`;
      const created = await ctx.client.ok(CreateStreamDocument, {
        namespace: ns,
        imageStream: { metadata: { name: 'app' }, spec: { tags: [{ name: 'v1', from: { kind: 'DockerImage', name: from }, importPolicy: { insecure: true } }] } },
      });
      // The write itself resolves nothing: the import happens afterwards.
      expect(created.createImageStream.status.tags ?? []).toEqual([]);
      const imported = await waitFor('the tag event', async () => {
        const s = await stream(ns, 'app');
        return s?.status.tags?.find((t) => t.tag === 'v1')?.items?.length ? s : undefined;
      });
      const tag = imported.status.tags!.find((t) => t.tag === 'v1')!;
      expect(tag.items![0]).toMatchObject({ imageName: fx().images.docker.digest, dockerImageReference: `${fx().open.host}/fixtures/docker-image@${fx().images.docker.digest}`, generation: imported.metadata.generation });
      expect(imported.metadata.annotations?.['openshift.io/image.dockerRepositoryCheck']).toBeTruthy();
    });

    it('re-imports a changed tag and records a failing one as a condition, without looping', async () => {
      const ns = ctx.namespace('bg');
      const docker = `${fx().open.host}/fixtures/docker-image:v1`;
      await ctx.client.ok(CreateStreamDocument, {
        namespace: ns,
        imageStream: { metadata: { name: 'app' }, spec: { tags: [{ name: 't', from: { kind: 'DockerImage', name: docker }, importPolicy: { insecure: true } }] } },
      });
      await waitFor('the first import', async () => ((await stream(ns, 'app'))?.status.tags?.[0]?.items?.length ? true : undefined));
      const oci = `${fx().open.host}/fixtures/oci-image:v1`;
      await ctx.client.ok(PatchStreamDocument, { namespace: ns, name: 'app', patch: { spec: { tags: [{ name: 't', from: { kind: 'DockerImage', name: oci }, importPolicy: { insecure: true } }] } } });
      const changed = await waitFor('the changed tag', async () => {
        const s = await stream(ns, 'app');
        return s?.status.tags?.[0]?.items?.[0]?.imageName === fx().images.oci.digest ? s : undefined;
      });
      expect(changed.status.tags![0].items!.map((i) => i.imageName)).toEqual([fx().images.oci.digest, fx().images.docker.digest]);

      const missing = `${fx().open.host}/fixtures/oci-image:missing`;
      await ctx.client.ok(PatchStreamDocument, { namespace: ns, name: 'app', patch: { spec: { tags: [{ name: 't', from: { kind: 'DockerImage', name: missing }, importPolicy: { insecure: true } }] } } });
      const failed = await waitFor('the failure condition', async () => {
        const s = await stream(ns, 'app');
        return s?.status.tags?.[0]?.conditions?.length ? s : undefined;
      });
      expect(failed.status.tags![0].conditions![0]).toMatchObject({ type: 'ImportSuccess', status: 'False', reason: 'NotFound' });
      expect(failed.status.tags![0].items![0].imageName).toBe(fx().images.oci.digest);
      // Settled: the worker's next passes see nothing to do, so the stream stays as it is.
      const settled = failed.metadata.resourceVersion;
      await ctx.client.ok(CreateStreamDocument, {
        namespace: ns,
        imageStream: { metadata: { name: 'marker' }, spec: { tags: [{ name: 'v1', from: { kind: 'DockerImage', name: docker }, importPolicy: { insecure: true } }] } },
      });
      // Once a later stream has been imported, the worker has passed over `app` again.
      await waitFor('a later import', async () => ((await stream(ns, 'marker'))?.status.tags?.[0]?.items?.length ? true : undefined));
      expect((await stream(ns, 'app'))?.metadata.resourceVersion).toBe(settled);
    });

    it('asks for a re-import with generation 0', async () => {
      const ns = ctx.namespace('bg');
      const from = `${fx().open.host}/fixtures/docker-image:v1`;
      await ctx.client.ok(CreateStreamDocument, {
        namespace: ns,
        imageStream: { metadata: { name: 'app' }, spec: { tags: [{ name: 'v1', from: { kind: 'DockerImage', name: from }, importPolicy: { insecure: true } }] } },
      });
      const first = await waitFor('the first import', async () => {
        const s = await stream(ns, 'app');
        return s?.status.tags?.[0]?.items?.length ? s : undefined;
      });
      const before = first.status.tags![0].items![0].generation;
      await ctx.client.ok(PatchStreamDocument, { namespace: ns, name: 'app', patch: { spec: { tags: [{ name: 'v1', generation: 0, from: { kind: 'DockerImage', name: from }, importPolicy: { insecure: true } }] } } });
      const again = await waitFor('the re-import', async () => {
        const s = await stream(ns, 'app');
        return s && (s.status.tags?.[0]?.items?.[0]?.generation ?? 0) > before ? s : undefined;
      });
      expect(again.status.tags![0].items).toHaveLength(1);
      expect(again.status.tags![0].items![0].generation).toBe(again.spec.tags![0].generation);
    });

    it('re-imports scheduled tags every interval, one manifest request per unchanged tag', async () => {
      const ns = ctx.namespace('bg');
      const { proxy } = fixtures();
      // A repository only this test reads, so the proxy's counts are this test's.
      const tag = ctx.driver === 'pglite' ? 'build-20' : 'build-21';
      const path = `/fixtures/many-tags/manifests/${tag}`;
      const from = `${proxy.host}/fixtures/many-tags:${tag}`;
      await ctx.client.ok(CreateStreamDocument, {
        namespace: ns,
        imageStream: { metadata: { name: 'sched' }, spec: { tags: [{ name: 't', from: { kind: 'DockerImage', name: from }, importPolicy: { insecure: true, scheduled: true } }] } },
      });
      const gets = () => proxy.requests.filter((r) => r.method === 'GET' && r.path === `/v2${path}`);
      await waitFor('three scheduled re-imports after the first', async () => (gets().length >= 4 ? true : undefined), 20_000);
      const imported = (await stream(ns, 'sched'))!;
      expect(imported.status.tags![0].items).toHaveLength(1);
      // The config was read once, by the first import: re-imports of a stored digest stop at the manifest.
      const config = proxy.requests.filter((r) => r.path.startsWith('/v2/fixtures/many-tags/blobs/') && r.at >= gets()[0].at);
      expect(config.length).toBeLessThanOrEqual(1);
      const times = gets().map((r) => r.at);
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThan(500);
    });
  });
}

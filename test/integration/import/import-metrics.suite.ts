import { describe, expect, it } from 'vitest';
import { ImportImagesDocument, type ImageStreamImportInput } from '../../generated/graphql.js';
import { metricValue } from '../../support/browser.js';
import type { SuiteContext } from '../harness.js';
import type { ImportFixtures } from './import.suite.js';

/** /metrics after real imports from the fixture registry: images by result and reason, registry requests. */
export function importMetricsSuite(ctx: SuiteContext, fixtures: () => ImportFixtures): void {
  const scrape = async () => (await fetch(`${ctx.app.url}/metrics`)).text();
  const importImages = (namespace: string, input: ImageStreamImportInput) => ctx.client.ok(ImportImagesDocument, { namespace, import: input });
  const image = (from: string, to?: string) => ({ from: { kind: 'DockerImage', name: from }, importPolicy: { insecure: true }, ...(to ? { to: { name: to } } : {}) });

  describe('import metrics', () => {
    it('counts imported images by result and reason, and registry requests with their latency', async () => {
      const ns = ctx.namespace('import-metrics');
      const { open } = fixtures().fx;
      const before = await scrape();
      await importImages(ns, {
        metadata: { name: 'metered' },
        spec: { import: true, images: [image(`${open.host}/fixtures/docker-image:v1`, 'v1'), image(`${open.host}/fixtures/docker-image:absent`, 'absent')] },
      });
      await importImages(ns, { metadata: { name: 'metered' }, spec: { import: false, images: [image(`${open.host}/fixtures/oci-image:v1`)] } });
      const after = await scrape();
      const moved = (name: string, labels: Record<string, string>) => metricValue(after, name, labels) - metricValue(before, name, labels);

      expect(moved('imagestreams_imported_images_total', { result: 'success', reason: '', mode: 'import' })).toBe(1);
      expect(moved('imagestreams_imported_images_total', { result: 'failure', reason: 'NotFound', mode: 'import' })).toBe(1);
      expect(moved('imagestreams_imported_images_total', { result: 'success', reason: '', mode: 'preview' })).toBe(1);
      // Three manifests asked for: two found (2xx), one missing (4xx). (Config blobs of images stored by earlier tests are not re-read.)
      expect(moved('imagestreams_registry_request_duration_seconds_count', { purpose: 'manifest', outcome: '2xx' })).toBeGreaterThanOrEqual(2);
      expect(moved('imagestreams_registry_request_duration_seconds_count', { purpose: 'manifest', outcome: '4xx' })).toBeGreaterThanOrEqual(1);
      expect(moved('imagestreams_registry_request_duration_seconds_sum', { purpose: 'manifest', outcome: '2xx' })).toBeGreaterThan(0);
      // Registry hosts, repositories and namespaces never become label values.
      expect(after).not.toContain(open.host);
      expect(after).not.toContain(ns);
    });
  });
}

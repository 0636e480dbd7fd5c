import { describe, expect, it } from 'vitest';
import {
  CreateImageDocument,
  CreateSignatureDocument,
  CreateStreamDocument,
  GraphWalkDocument,
  UpdateStreamStatusDocument,
} from '../../generated/graphql.js';
import { indexOf, imageInput, ociImage } from '../../support/images.js';
import type { SuiteContext } from '../harness.js';

/**
 * The N+1 check: one query walks stream → tags → history → image →
 * platform manifests → their images → signatures, and its statement count
 * (counted by the driver hook in src/platform/database) does not grow with
 * the data.
 */
export function graphWalkSuite(ctx: SuiteContext): void {
  const sign = (image: string, name: string) =>
    ctx.client.ok(CreateSignatureDocument, { signature: { metadata: { name: `${image}@${name}` }, type: 'AtomicImageV1', content: Buffer.from(`${image}/${name}`).toString('base64') } });

  /** `count` list images, each with two signed platform children, and signed itself. */
  async function signedLists(prefix: string, count: number): Promise<string[]> {
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const amd = ociImage(`${prefix}-${i}-amd`);
      const arm = ociImage(`${prefix}-${i}-arm`, 'arm64');
      const list = indexOf([{ image: amd, arch: 'amd64' }, { image: arm, arch: 'arm64' }]);
      await Promise.all([amd, arm, list].map((img) => ctx.client.ok(CreateImageDocument, { image: imageInput(img) })));
      await Promise.all([amd.name, arm.name, list.name].map((n) => sign(n, 'sig1')));
      names.push(list.name);
    }
    return names;
  }

  async function populate(namespace: string, streams: number, tags: number, events: number, images: string[]): Promise<void> {
    const statusTags = Array.from({ length: tags }, (_, t) => ({
      tag: `t${t}`,
      items: Array.from({ length: events }, (_, e) => {
        const image = images[(t * events + e) % images.length];
        return { dockerImageReference: `quay.io/walk/app@${image}`, image, generation: 1 };
      }),
    }));
    await Promise.all(
      Array.from({ length: streams }, async (_, s) => {
        const name = `s${s}`;
        await ctx.client.ok(CreateStreamDocument, { namespace, imageStream: { metadata: { name } } });
        await ctx.client.ok(UpdateStreamStatusDocument, { namespace, name, imageStream: { metadata: { name }, status: { tags: statusTags } } });
      }),
    );
  }

  async function statementsFor(namespace: string): Promise<{ statements: number; events: number; signatures: number }> {
    const requestId = `walk-${namespace}-${Date.now()}`;
    ctx.app.database.statements.track(requestId);
    const data = await ctx.client.ok(GraphWalkDocument, { namespace, first: 100 }, { 'x-request-id': requestId });
    const statements = ctx.app.database.statements.countFor(requestId);
    let events = 0;
    let signatures = 0;
    for (const s of data.imageStreams.nodes) {
      for (const t of s.status.tags ?? []) {
        for (const e of t.items ?? []) {
          events++;
          expect(e.image).not.toBeNull();
          for (const m of e.image!.dockerImageManifests ?? []) {
            expect(m.image).not.toBeNull();
            signatures += m.image!.signatures?.length ?? 0;
          }
          signatures += e.image!.signatures?.length ?? 0;
        }
      }
    }
    return { statements, events, signatures };
  }

  describe('no N+1 through the graph', () => {
    it('50 streams × 5 tags × 5 events cost the same few statements as 2 × 1 × 1', { timeout: 120_000 }, async () => {
      const images = await signedLists(`walk-${process.pid}-${ctx.driver}`, 25);
      const small = ctx.namespace('walk-small');
      const large = ctx.namespace('walk-large');
      await populate(small, 2, 1, 1, images);
      await populate(large, 50, 5, 5, images);

      const s = await statementsFor(small);
      const l = await statementsFor(large);
      expect(s.events).toBe(2);
      expect(l.events).toBe(50 * 5 * 5);
      // Every image in the walk carries its signature: the links really were followed.
      expect(l.signatures).toBe(l.events * 3);
      // At least: the stream page, the images of the events, the images of the platform manifests.
      expect(s.statements).toBeGreaterThanOrEqual(3);
      expect(l.statements).toBeLessThanOrEqual(10);
      expect(l.statements).toBe(s.statements);
    });
  });
}

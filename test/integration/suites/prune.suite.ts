import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CreateImageDocument,
  CreateMappingDocument,
  CreateSignatureDocument,
  CreateStreamDocument,
  GetImageDocument,
  GetIstagDocument,
  PruneImagesDocument,
  StreamHistoryDocument,
  TagImageDocument,
} from '../../generated/graphql.js';
import { apiTokens } from '../../../src/platform/database/schema.js';
import { hashToken } from '../../../src/modules/auth/token.rules.js';
import { imageInput, ociImage } from '../../support/images.js';
import type { SuiteContext } from '../harness.js';

/**
 * Pruning is cluster-wide, so this suite runs last and asserts only on
 * its own namespaces and images.
 */
export function pruneSuite(ctx: SuiteContext): void {
  describe('pruneImages (reference §9)', () => {
    it('trims history beyond the kept revisions (never a pinned entry), then deletes unreferenced images; dryRun only reports', async () => {
      const ns = ctx.namespace('prune');
      await ctx.client.ok(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name: 'app' } } });
      const imgs = Array.from({ length: 5 }, (_, i) => ociImage(`prune-${ns}-${i}`));
      for (const img of imgs) await ctx.client.ok(CreateMappingDocument, { namespace: ns, mapping: { metadata: { name: 'app' }, tag: 'latest', image: imageInput(img) } });
      // A spec tag pinning the oldest image by digest protects its history entry.
      await ctx.client.ok(TagImageDocument, { namespace: ns, input: { source: { kind: 'ImageStreamImage', name: `app@${imgs[0].name}` }, destinations: ['app:pinned'] } });
      const history = async () =>
        (await ctx.client.ok(StreamHistoryDocument, { namespace: ns, name: 'app' })).imageStream!.status.tags!.find((t) => t.tag === 'latest')!.items!.map((i) => i.imageName);
      const names = imgs.map((i) => i.name);
      expect(await history()).toEqual([...names].reverse());

      const dry = (await ctx.client.ok(PruneImagesDocument, { keepTagRevisions: 2, keepYoungerThanMinutes: 0, dryRun: true })).pruneImages;
      const mine = (r: typeof dry) => r.removedTagEvents.filter((e) => e.namespace === ns).map((e) => [e.stream, e.tag, e.image]);
      expect(dry.dryRun).toBe(true);
      expect(mine(dry)).toEqual([
        ['app', 'latest', names[2]],
        ['app', 'latest', names[1]],
      ]);
      expect(dry.deletedImages).toEqual(expect.arrayContaining([names[1], names[2]]));
      expect(await history()).toEqual([...names].reverse());
      expect((await ctx.client.ok(GetImageDocument, { name: names[1] })).image).not.toBeNull();

      const real = (await ctx.client.ok(PruneImagesDocument, { keepTagRevisions: 2, keepYoungerThanMinutes: 0 })).pruneImages;
      expect(mine(real)).toEqual(mine(dry));
      expect(await history()).toEqual([names[4], names[3], names[0]]);
      expect(real.deletedImages).toEqual(expect.arrayContaining([names[1], names[2]]));
      for (const kept of [names[0], names[3], names[4]]) expect(real.deletedImages).not.toContain(kept);
      expect((await ctx.client.ok(GetImageDocument, { name: names[1] })).image).toBeNull();
      expect((await ctx.client.ok(GetImageDocument, { name: names[4] })).image).not.toBeNull();
    });

    it('keeps entries younger than the threshold', async () => {
      const ns = ctx.namespace('prune-young');
      await ctx.client.ok(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name: 'app' } } });
      for (let i = 0; i < 3; i++) await ctx.client.ok(CreateMappingDocument, { namespace: ns, mapping: { metadata: { name: 'app' }, tag: 'latest', image: imageInput(ociImage(`young-${ns}-${i}`)) } });
      const res = (await ctx.client.ok(PruneImagesDocument, { keepTagRevisions: 0, keepYoungerThanMinutes: 60, dryRun: true })).pruneImages;
      expect(res.removedTagEvents.filter((e) => e.namespace === ns)).toEqual([]);
    });
  });

  describe('authorization: only cluster-admins pass today', () => {
    it('forbids image, signature, mapping, tag and prune operations to other users', async () => {
      const token = `plain-user-token-${randomUUID()}`;
      await ctx.app.database.db.insert(apiTokens).values({ id: randomUUID(), tokenHash: hashToken(token), user: 'alice', groups: ['devs'] });
      const alice = ctx.client.withToken(token);
      const ns = ctx.namespace();
      const img = ociImage(`forbidden-${ns}`);
      expect(await alice.errorCode(GetImageDocument, { name: img.name })).toBe('FORBIDDEN');
      expect(await alice.errorCode(CreateImageDocument, { image: imageInput(img) })).toBe('FORBIDDEN');
      expect(await alice.errorCode(CreateSignatureDocument, { signature: { metadata: { name: `${img.name}@s` }, type: 't', content: 'AA==' } })).toBe('FORBIDDEN');
      expect(await alice.errorCode(CreateMappingDocument, { namespace: ns, mapping: { metadata: { name: 'app' }, tag: 'latest', image: imageInput(img) } })).toBe('FORBIDDEN');
      expect(await alice.errorCode(GetIstagDocument, { namespace: ns, name: 'app:latest' })).toBe('FORBIDDEN');
      expect(await alice.errorCode(TagImageDocument, { namespace: ns, input: { source: { kind: 'DockerImage', name: 'quay.io/a/b:1' }, destinations: ['app:x'] } })).toBe('FORBIDDEN');
      expect(await alice.errorCode(PruneImagesDocument, { dryRun: true })).toBe('FORBIDDEN');
      expect((await ctx.client.ok(GetImageDocument, { name: img.name })).image).toBeNull();
    });
  });
}

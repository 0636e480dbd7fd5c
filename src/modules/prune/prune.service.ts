import { BadRequestError } from '../../platform/errors.js';
import type { AuthService } from '../auth/auth.service.js';
import type { Identity } from '../auth/identity.js';
import type { ImageStreamService } from '../image-stream/image-stream.service.js';
import type { ImageStreamStore } from '../image-stream/image-stream.store.js';
import type { ImageStore } from '../image/image.store.js';
import { pinnedImages, pruneStream, type PrunedEvent, type PrunePolicy } from './prune.rules.js';

export interface PruneOptions {
  keepTagRevisions: number;
  keepYoungerThanMinutes: number;
  dryRun: boolean;
}

export interface PruneResult {
  dryRun: boolean;
  removedTagEvents: PrunedEvent[];
  deletedImages: string[];
}

/**
 * `oc adm prune images` as a server operation (reference §9): old history
 * entries first (stream by stream, through the stream service so each
 * change is logged), then Images no stream references any more.
 */
export class PruneService {
  constructor(
    private readonly auth: AuthService,
    private readonly streams: ImageStreamService,
    private readonly streamStore: ImageStreamStore,
    private readonly images: ImageStore,
  ) {}

  async prune(caller: Identity, opts: PruneOptions): Promise<PruneResult> {
    // Pruning deletes images cluster-wide: the images delete right is the gate.
    this.auth.authorize(caller, { verb: 'delete', resource: 'images' });
    if (opts.keepTagRevisions < 0 || opts.keepYoungerThanMinutes < 0) throw new BadRequestError('keepTagRevisions and keepYoungerThanMinutes must not be negative');
    const policy: PrunePolicy = { keepTagRevisions: opts.keepTagRevisions, keepAfter: new Date(Date.now() - opts.keepYoungerThanMinutes * 60_000) };
    const all = await this.streamStore.list({ namespaces: 'all' });
    const pinned = pinnedImages(all);
    const removedTagEvents: PrunedEvent[] = [];
    const referenced = new Set<string>();
    for (const s of all) {
      const { stream, removed } = pruneStream(s, policy, pinned);
      removedTagEvents.push(...removed);
      for (const t of stream.status.tags ?? []) for (const e of t.items ?? []) if (e.image) referenced.add(e.image);
      if (removed.length && !opts.dryRun) {
        // Re-applied to the locked current state: a push meanwhile is kept.
        await this.streams.updateStatusWith(s.metadata.namespace, s.metadata.name, (current) => pruneStream(current, policy, pinned).stream);
      }
    }
    const lists = await this.images.getMany([...referenced]);
    for (const image of lists.values()) for (const m of image.dockerImageManifests ?? []) referenced.add(m.digest);

    const candidates = opts.dryRun
      ? (await this.images.allNames()).filter((i) => !referenced.has(i.name))
      : await this.images.unreferenced();
    const deletedImages: string[] = [];
    for (const c of candidates) {
      if (c.creationTimestamp > policy.keepAfter) continue;
      if (!opts.dryRun && !(await this.images.transaction((tx) => this.images.deleteIfUnreferenced(tx, c.name)))) continue;
      deletedImages.push(c.name);
    }
    return { dryRun: opts.dryRun, removedTagEvents, deletedImages };
  }
}

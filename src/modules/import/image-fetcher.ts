import {
  parseDockerReference,
  repositoryOf,
  normalizeReference,
  type CredentialLookup,
  type FetchedManifest,
  type RegistryClient,
  type RegistryReference,
} from '../../registry/index.js';
import { prepareImage } from '../image/image.rules.js';
import type { StoredImage } from '../image/image.store.js';
import { pickPlatform, type PlatformPreference } from './import.rules.js';

/**
 * Fetches images for one import request (reference §5.4, §5.5) through the
 * registry client: identical sources are fetched once per request, a digest
 * already stored is not fetched beyond its manifest, and fetches to one
 * registry run a bounded number at a time (shared across requests).
 */

export interface FetchSource {
  /** The pull spec as the request wrote it. */
  spec: string;
  insecure: boolean;
  importMode: string;
  prefer: PlatformPreference;
}

export interface FetchedImage {
  /** The image as imported (raw manifest and config kept; callers strip them). */
  image: StoredImage;
  /** PreserveOriginal lists: every child, imported as a single image. */
  manifests?: StoredImage[];
}

/** At most `limit` tasks at once per key (registry host). */
export class KeyedLimiter {
  private readonly active = new Map<string, { running: number; queue: Array<() => void> }>();
  constructor(private readonly limit: number) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let slot = this.active.get(key);
    if (!slot) this.active.set(key, (slot = { running: 0, queue: [] }));
    if (slot.running >= this.limit) await new Promise<void>((resolve) => slot!.queue.push(resolve));
    slot.running++;
    try {
      return await task();
    } finally {
      slot.running--;
      const next = slot.queue.shift();
      if (next) next();
      else if (slot.running === 0) this.active.delete(key);
    }
  }
}

export class ImageFetcher {
  private readonly inflight = new Map<string, Promise<FetchedImage>>();
  private readonly storedCache = new Map<string, Promise<StoredImage | undefined>>();

  constructor(
    private readonly client: RegistryClient,
    private readonly limiter: KeyedLimiter,
    private readonly credentials: CredentialLookup,
    /** Stored images by digest (one query per digest at most). */
    private readonly stored: (digest: string) => Promise<StoredImage | undefined>,
    private readonly now: string,
  ) {}

  /** Dedup key of §5.2: registry, repository, tag-or-digest, mode and platform preference. */
  fetch(source: FetchSource): Promise<FetchedImage> {
    const ref = normalizeReference(parseDockerReference(source.spec));
    const key = JSON.stringify([ref.registry, ref.repository, ref.digest || ref.tag, source.importMode, source.prefer.arch ?? '', source.prefer.os ?? '', source.insecure]);
    let p = this.inflight.get(key);
    if (!p) {
      p = this.load(ref, source);
      this.inflight.set(key, p);
    }
    return p;
  }

  /** Tags of a repository (`spec` without tag or digest). */
  listTags(spec: string, insecure: boolean): Promise<string[]> {
    const ref = normalizeReference(parseDockerReference(spec));
    return this.limiter.run(ref.registry, () => this.client.listTags(ref, this.access(insecure)));
  }

  private access(insecure: boolean) {
    return { insecure, credentials: this.credentials };
  }

  private async load(ref: RegistryReference, source: FetchSource): Promise<FetchedImage> {
    const repository = repositoryOf(parseDockerReference(source.spec));
    const access = this.access(source.insecure);
    const top = await this.limiter.run(ref.registry, () => this.client.getManifest(ref, access));
    if (top.manifest.kind !== 'index') return { image: await this.single(ref, repository, top, source.insecure) };
    if (source.importMode !== 'PreserveOriginal') {
      const child = pickPlatform(top.manifest.manifests, source.prefer);
      if (!child) throw new EmptyIndexError();
      const fetched = await this.limiter.run(ref.registry, () => this.client.getManifest(ref, access, child.digest));
      return { image: await this.single(ref, repository, fetched, source.insecure) };
    }
    // The list is the tagged image; every child must import, or the entry fails (§5.5).
    const list = this.toImage(repository, top);
    const manifests = await Promise.all(
      top.manifest.manifests.map(async (child) => {
        const fetched = await this.limiter.run(ref.registry, () => this.client.getManifest(ref, access, child.digest));
        return this.single(ref, repository, fetched, source.insecure);
      }),
    );
    return { image: list, manifests };
  }

  /** A single-platform manifest: the stored image when the digest is known, else its config is read. */
  private async single(ref: RegistryReference, repository: string, m: FetchedManifest, insecure: boolean): Promise<StoredImage> {
    if (m.manifest.kind === 'index') throw new NestedIndexError();
    const known = await this.storedImage(m.digest);
    if (known) return { ...known, dockerImageReference: `${repository}@${m.digest}`, dockerImageManifest: m.bytes.toString('utf8') };
    let config: string | undefined;
    if (m.manifest.kind === 'image') {
      const configDigest = m.manifest.config.digest;
      const blob = await this.limiter.run(ref.registry, () => this.client.getConfig(ref, configDigest, this.access(insecure)));
      config = blob.bytes.toString('utf8');
    }
    return this.toImage(repository, m, config);
  }

  private storedImage(digest: string): Promise<StoredImage | undefined> {
    let p = this.storedCache.get(digest);
    if (!p) this.storedCache.set(digest, (p = this.stored(digest)));
    return p;
  }

  private toImage(repository: string, m: FetchedManifest, config?: string): StoredImage {
    // Schema 1 is named by its signature-less payload, which is also what metadata is read from.
    const manifest = m.manifest.kind === 'schema1' ? m.manifest.payload.toString('utf8') : m.bytes.toString('utf8');
    return prepareImage(
      {
        metadata: { name: m.digest },
        dockerImageReference: `${repository}@${m.digest}`,
        dockerImageManifest: manifest,
        dockerImageManifestMediaType: m.mediaType,
        ...(config !== undefined ? { dockerImageConfig: config } : {}),
      },
      this.now,
    );
  }
}

export class EmptyIndexError extends Error {
  constructor() {
    super('the manifest list has no entries');
  }
}

export class NestedIndexError extends Error {
  constructor() {
    super('a manifest list names another manifest list');
  }
}

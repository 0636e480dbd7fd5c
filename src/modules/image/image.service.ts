import { applyPatch, type PatchType } from '../image-stream/patch.rules.js';
import { AlreadyExistsError, BadRequestError, CauseList, ConflictError, NotFoundError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { AuthService } from '../auth/auth.service.js';
import type { Identity } from '../auth/identity.js';
import { formatTimestamp } from '../image-stream/image-stream.rules.js';
import type { ImageStreamStore, Queryable } from '../image-stream/image-stream.store.js';
import { IMAGE_KIND, IMAGE_RESOURCE, IMAGE_SIGNATURE_AUTH_RESOURCE, IMAGE_SIGNATURE_RESOURCE, type ImageSignature, type StringMap } from './image.model.js';
import { prepareImage, prepareSignature, splitSignatureName, validateImage, type ImageWrite, type SignatureWrite } from './image.rules.js';
import type { ImageStore, StoredImage, TagPointer } from './image.store.js';

export interface ImagePage {
  items: StoredImage[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: () => Promise<number>;
}

export const DEFAULT_IMAGE_PAGE = 100;
export const MAX_IMAGE_PAGE = 1000;

/**
 * Images (cluster-scoped) and their signatures. Content is immutable once
 * stored; labels, annotations and signatures may change (reference §4.2-§4.4).
 */
export class ImageService {
  constructor(
    private readonly store: ImageStore,
    /** Only for the global resourceVersion sequence every write draws from. */
    private readonly streams: ImageStreamStore,
    private readonly auth: AuthService,
    private readonly log: Logger,
  ) {}

  async get(caller: Identity, name: string): Promise<StoredImage | null> {
    this.auth.authorize(caller, { verb: 'get', resource: IMAGE_RESOURCE, name });
    return (await this.store.get(name)) ?? null;
  }

  async list(caller: Identity, opts: { first?: number | null; after?: string | null }): Promise<ImagePage> {
    this.auth.authorize(caller, { verb: 'list', resource: IMAGE_RESOURCE });
    const first = opts.first ?? DEFAULT_IMAGE_PAGE;
    if (first < 0 || first > MAX_IMAGE_PAGE) throw new BadRequestError(`first must be between 0 and ${MAX_IMAGE_PAGE}`);
    const after = opts.after ? decodeImageCursor(opts.after) : undefined;
    const rows = await this.store.list({ after, limit: first + 1 });
    const items = rows.slice(0, first);
    return {
      items,
      hasNextPage: rows.length > first,
      endCursor: items.length ? encodeImageCursor(items[items.length - 1].metadata.name) : null,
      totalCount: () => this.store.count(),
    };
  }

  /**
   * Images reached through a link from an object the caller could already
   * read (a tag event, a sub-manifest, a signature): the reference shows such
   * images through imagestreamtags/imagestreamimages without `get images`.
   */
  loadLinked(names: readonly string[]): Promise<Map<string, StoredImage>> {
    return this.store.getMany(names);
  }

  /** The reverse link: stream tags pointing at each image now, limited to streams the caller may list. */
  async tagPointers(caller: Identity, names: readonly string[]): Promise<TagPointer[]> {
    const scope = this.auth.listScope(caller, 'imagestreams');
    const pointers = await this.store.currentTagPointers(names);
    return scope === 'all' ? pointers : pointers.filter((p) => scope.includes(p.namespace));
  }

  async create(caller: Identity, input: ImageWrite): Promise<StoredImage> {
    const name = input.metadata?.name ?? '';
    this.auth.authorize(caller, { verb: 'create', resource: IMAGE_RESOURCE, name: name || undefined });
    const image = prepareImage({ ...input, signatures: undefined }, formatTimestamp(new Date()), (m) => this.log.info(m));
    const causes = new CauseList();
    validateImage(image, causes);
    causes.throwIfAny(IMAGE_KIND, name);
    const created = await this.store.transaction(async (tx) => {
      const rv = await this.streams.nextResourceVersion(tx);
      return (await this.store.insertIfAbsent(tx, image, rv)) ? { ...image, metadata: { ...image.metadata, resourceVersion: String(rv) } } : undefined;
    });
    if (!created) throw new AlreadyExistsError(IMAGE_RESOURCE, name);
    return created;
  }

  /**
   * Stores `image` unless one of that name exists; an existing image is never
   * changed (mappings, reference §4.1 step 4). Answers whether it was created.
   */
  async ensure(q: Queryable, image: StoredImage): Promise<boolean> {
    const rv = await this.streams.nextResourceVersion(q);
    return this.store.insertIfAbsent(q, image, rv);
  }

  /** Update: only labels and annotations change; content stays as stored (reference §4.3). */
  async updateMetadata(caller: Identity, name: string, meta: { labels?: StringMap | null; annotations?: StringMap | null; resourceVersion?: string | null }): Promise<StoredImage> {
    this.auth.authorize(caller, { verb: 'update', resource: IMAGE_RESOURCE, name });
    const current = await this.store.get(name);
    if (!current) throw new NotFoundError(IMAGE_RESOURCE, name);
    if (meta.resourceVersion && meta.resourceVersion !== current.metadata.resourceVersion) throw new ConflictError(IMAGE_RESOURCE, name);
    const labels = meta.labels === undefined ? current.metadata.labels : clean(meta.labels);
    const annotations = meta.annotations === undefined ? current.metadata.annotations : clean(meta.annotations);
    const updated = await this.store.transaction(async (tx) => {
      const rv = await this.streams.nextResourceVersion(tx);
      const ok = await this.store.updateMetadata(tx, name, { labels, annotations }, rv, current.metadata.resourceVersion);
      return ok ? rv : undefined;
    });
    if (updated === undefined) throw new ConflictError(IMAGE_RESOURCE, name);
    const { labels: _l, annotations: _a, ...rest } = current.metadata;
    return { ...current, metadata: { ...rest, resourceVersion: String(updated), ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) } };
  }

  /**
   * PATCH: the patch applies to the image as clients see it; as for an
   * update (§4.3) only labels and annotations of the result are kept.
   */
  async patch(caller: Identity, name: string, patch: unknown, patchType: PatchType): Promise<StoredImage> {
    this.auth.authorize(caller, { verb: 'patch', resource: IMAGE_RESOURCE, name });
    const current = await this.store.get(name);
    if (!current) throw new NotFoundError(IMAGE_RESOURCE, name);
    const patched = applyPatch(current, patch, patchType) as { metadata?: { labels?: unknown; annotations?: unknown } } | null;
    const causes = new CauseList();
    const labels = stringMap(patched?.metadata?.labels, 'metadata.labels', causes);
    const annotations = stringMap(patched?.metadata?.annotations, 'metadata.annotations', causes);
    causes.throwIfAny(IMAGE_KIND, name);
    return this.updateMetadata(caller, name, { labels: labels ?? null, annotations: annotations ?? null, resourceVersion: current.metadata.resourceVersion });
  }

  async delete(caller: Identity, name: string): Promise<StoredImage> {
    this.auth.authorize(caller, { verb: 'delete', resource: IMAGE_RESOURCE, name });
    const current = await this.store.get(name);
    if (!current) throw new NotFoundError(IMAGE_RESOURCE, name);
    if (!(await this.store.transaction((tx) => this.store.delete(tx, name)))) throw new NotFoundError(IMAGE_RESOURCE, name);
    return current;
  }

  /** Reference §4.4: appended to the image; same name or same (type, content) → ALREADY_EXISTS. */
  async createSignature(caller: Identity, input: SignatureWrite): Promise<ImageSignature> {
    const name = input.metadata?.name ?? '';
    this.auth.authorize(caller, { verb: 'create', resource: IMAGE_SIGNATURE_AUTH_RESOURCE, name: name || undefined });
    const { signature, causes } = prepareSignature(input, formatTimestamp(new Date()));
    causes.throwIfAny('ImageSignature', name);
    const sig = signature!;
    return this.store.transaction(async (tx) => {
      const image = await this.store.get(sig.imageName, tx);
      if (!image) throw new NotFoundError(IMAGE_RESOURCE, sig.imageName);
      const clash = (image.signatures ?? []).some((s) => s.metadata.name === sig.metadata.name || (s.type === sig.type && s.content === sig.content));
      if (clash) throw new AlreadyExistsError(IMAGE_SIGNATURE_RESOURCE, sig.metadata.name);
      await this.store.insertSignature(tx, sig);
      const rv = await this.streams.nextResourceVersion(tx);
      await this.store.touch(tx, sig.imageName, rv);
      return { ...sig, metadata: { ...sig.metadata, resourceVersion: String(rv) } };
    });
  }

  async deleteSignature(caller: Identity, name: string): Promise<void> {
    this.auth.authorize(caller, { verb: 'delete', resource: IMAGE_SIGNATURE_AUTH_RESOURCE, name });
    const split = splitSignatureName(name);
    if (!split) throw new BadRequestError('ImageSignatures must be accessed with <imageName>@<signatureName>');
    await this.store.transaction(async (tx) => {
      if (!(await this.store.get(split.image, tx))) throw new NotFoundError(IMAGE_RESOURCE, split.image);
      if (!(await this.store.deleteSignature(tx, split.image, split.signature))) throw new NotFoundError(IMAGE_SIGNATURE_RESOURCE, name);
      await this.store.touch(tx, split.image, await this.streams.nextResourceVersion(tx));
    });
  }
}

function stringMap(value: unknown, field: string, causes: CauseList): StringMap | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    causes.invalid(field, JSON.stringify(value), 'must be a map of strings');
    return undefined;
  }
  return value as StringMap;
}

const clean = (m: StringMap | null | undefined): StringMap | undefined => (m && Object.keys(m).length ? { ...m } : undefined);

export function encodeImageCursor(name: string): string {
  return Buffer.from(name).toString('base64url');
}

export function decodeImageCursor(cursor: string): string {
  const name = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!name || encodeImageCursor(name) !== cursor) throw new BadRequestError(`invalid cursor "${cursor}"`);
  return name;
}


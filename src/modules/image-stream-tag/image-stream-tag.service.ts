import { isDeepStrictEqual } from 'node:util';
import { AlreadyExistsError, BadRequestError, CauseList, ConflictError, ForbiddenError, InvalidError, NotFoundError, ServerTimeoutError } from '../../platform/errors.js';
import { tryParseDockerReference } from '../../registry/reference.js';
import type { AuthService } from '../auth/auth.service.js';
import type { Identity } from '../auth/identity.js';
import type { ObjectReference, TagReferenceWrite } from '../image-stream/image-stream.model.js';
import { applyPatch, type PatchType } from '../image-stream/patch.rules.js';
import { IMPORT_MODES, REFERENCE_POLICY_TYPES } from '../image-stream/image-stream.rules.js';
import type { ImageStreamService } from '../image-stream/image-stream.service.js';
import type { ImageStreamStore } from '../image-stream/image-stream.store.js';
import { withoutRawBlobs } from '../image/image.rules.js';
import type { ImageStore, StoredImage } from '../image/image.store.js';
import type { SpecTagResolver } from '../tag-history/spec-tag-resolver.js';
import { currentEvent, splitStreamImage, splitStreamTag } from '../tag-history/tag-history.rules.js';
import { imageAsSeenThroughTag, imageStreamTagView, withSpecTag, withoutTag, type ImageStreamTagView } from './image-stream-tag.rules.js';

/** The spec tag an istag write sets: named after the object, annotations from metadata.annotations (§3.8). */
function specTagFrom(tag: string, input: ImageStreamTagWrite): TagReferenceWrite {
  return { ...input.tag, name: tag, annotations: input.metadata?.annotations ?? null };
}

export interface TagImageRequest {
  source: { kind?: string | null; name?: string | null; namespace?: string | null };
  destinations: string[];
  alias?: boolean | null;
  reference?: boolean | null;
  referencePolicy?: string | null;
  scheduled?: boolean | null;
  insecure?: boolean | null;
  importMode?: string | null;
}

/** An ImageStreamTag as a client writes it (create/update, reference §2.6, §3.8). */
export interface ImageStreamTagWrite {
  metadata?: { name?: string | null; resourceVersion?: string | null; annotations?: Record<string, string> | null } | null;
  tag?: TagReferenceWrite | Omit<TagReferenceWrite, 'name'> & { name?: string | null } | null;
}

/** The wire object: the view with its current image as seen through the tag (§1.6). */
export interface ImageStreamTagObject {
  metadata: ImageStreamTagView['metadata'];
  tag: ImageStreamTagView['tag'];
  generation: number | null;
  lookupPolicy: { local: boolean };
  conditions?: ImageStreamTagView['conditions'];
  image: StoredImage | null;
}

export interface ImageStreamImageView {
  metadata: { name: string; namespace: string; uid: string; resourceVersion: string; creationTimestamp: string; annotations?: Record<string, string> };
  image: StoredImage;
}

const SOURCE_KINDS = ['ImageStreamTag', 'ImageStreamImage', 'DockerImage'];

/**
 * The virtual ImageStreamTag / ImageStreamImage resources and `oc tag`
 * (reference §3.7, §3.8, §6). Spec and status writes go through
 * ImageStreamService; this service decides what to write.
 */
export class ImageStreamTagService {
  constructor(
    private readonly auth: AuthService,
    private readonly streams: ImageStreamService,
    private readonly streamStore: ImageStreamStore,
    private readonly images: ImageStore,
    private readonly resolver: SpecTagResolver,
  ) {}

  /** `stream:tag`; null when the stream or the tag is absent. */
  async get(caller: Identity, namespace: string, name: string): Promise<ImageStreamTagView | null> {
    const split = splitStreamTag(name);
    if (!split) throw new BadRequestError('ImageStreamTags must be retrieved with <name>:<tag>');
    this.auth.authorize(caller, { verb: 'get', resource: 'imagestreamtags', namespace, name });
    const stored = await this.streamStore.get(namespace, split.stream);
    if (!stored) return null;
    const view = imageStreamTagView(this.streams.present(stored), split.tag);
    return view?.imageName ? view : null;
  }

  /**
   * `stream@id` where id is any prefix of the digest hex or of the whole
   * name (§6). Several matches: the lexicographically smallest image name
   * wins, so the answer is stable (documented in the README).
   */
  async getImage(caller: Identity, namespace: string, name: string): Promise<ImageStreamImageView | null> {
    const split = splitStreamImage(name);
    if (!split) throw new BadRequestError('ImageStreamImages must be retrieved with <name>@<id>');
    this.auth.authorize(caller, { verb: 'get', resource: 'imagestreamimages', namespace, name });
    const stream = await this.streamStore.get(namespace, split.stream);
    if (!stream) return null;
    const [match] = await this.resolver.findImage(stream, split.id);
    const image = match && (await this.images.get(match.image));
    if (!image) return null;
    return {
      metadata: {
        name,
        namespace,
        uid: image.metadata.uid,
        resourceVersion: stream.metadata.resourceVersion,
        creationTimestamp: image.metadata.creationTimestamp,
        ...(stream.metadata.annotations ? { annotations: stream.metadata.annotations } : {}),
      },
      image: withoutRawBlobs(image),
    };
  }

  /** Every tag with a current image in the namespace's streams matching `labelSelector` (§3.8 LIST; no pagination). */
  async list(caller: Identity, namespace: string, labelSelector?: string | null): Promise<ImageStreamTagView[]> {
    this.auth.authorize(caller, { verb: 'list', resource: 'imagestreamtags', namespace });
    const streams = await this.streamStore.list(this.streams.listFilter(caller, namespace, labelSelector));
    return streams.flatMap((stored) => {
      const stream = this.streams.present(stored);
      return (stream.status.tags ?? []).flatMap((t) => {
        const view = imageStreamTagView(stream, t.tag);
        return view?.imageName ? [view] : [];
      });
    });
  }

  /** The view with its image (manifest/config blanked, annotations and pull spec as the tag shows them). */
  async toObject(view: ImageStreamTagView): Promise<ImageStreamTagObject> {
    const image = view.imageName ? await this.images.get(view.imageName) : undefined;
    const { imageName: _n, imageReference: _r, ...rest } = view;
    return { ...rest, image: image ? imageAsSeenThroughTag(withoutRawBlobs(image), view) : null };
  }

  /**
   * POST (§3.8): creates the stream when missing; 409 AlreadyExists when the
   * spec tag exists (a status-only tag may be created over).
   */
  async create(caller: Identity, namespace: string, name: string, input: ImageStreamTagWrite): Promise<ImageStreamTagView> {
    const split = this.checkWrite(caller, 'create', namespace, name, input);
    if (!input.tag) throw new InvalidError('ImageStreamTag', name, [{ field: 'tag', reason: 'FieldValueRequired', message: 'Required value: tag is required on create' }]);
    const tag = specTagFrom(split.tag, input);
    const stream = await this.streams.writeSpecWith(caller, namespace, split.stream, (current) => {
      if (current?.spec.tags?.some((t) => t.name === split.tag)) throw new AlreadyExistsError('imagestreamtags', name);
      return withSpecTag(current, split.stream, tag);
    });
    return imageStreamTagView(stream, split.tag)!;
  }

  /**
   * PUT, the verb `oc tag` uses (§3.8): without resourceVersion a blind
   * upsert (the stream is created when missing); with one, the stream must
   * exist at that version. `tag: null` keeps the spec tag (annotations still
   * come from metadata.annotations) and needs one to exist.
   */
  async update(caller: Identity, namespace: string, name: string, input: ImageStreamTagWrite): Promise<ImageStreamTagView> {
    const split = this.checkWrite(caller, 'update', namespace, name, input);
    const expected = input.metadata?.resourceVersion || undefined;
    const stream = await this.streams.writeSpecWith(caller, namespace, split.stream, (current) => {
      if (expected !== undefined) {
        if (!current) throw new NotFoundError('imagestreams', split.stream);
        if (current.metadata.resourceVersion !== expected) throw new ConflictError('imagestreamtags', name, `another caller has updated the resource version to ${current.metadata.resourceVersion}`);
      }
      const existing = current?.spec.tags?.find((t) => t.name === split.tag);
      if (!input.tag && !existing) throw new BadRequestError(`imagestreamtag ${split.tag} is not a spec tag in imagestream ${namespace}/${split.stream}, cannot be updated`);
      const tag = input.tag ? specTagFrom(split.tag, input) : { ...existing!, annotations: input.metadata?.annotations ?? null };
      return withSpecTag(current, split.stream, tag);
    });
    return imageStreamTagView(stream, split.tag)!;
  }

  /** PATCH: an update of the patched object, at the version it was read (a concurrent write is a 409). */
  async patch(caller: Identity, namespace: string, name: string, patch: unknown, patchType: PatchType): Promise<ImageStreamTagView> {
    const view = await this.get(caller, namespace, name);
    if (!view) throw new NotFoundError('imagestreamtags', name);
    const patched = applyPatch(await this.toObject(view), patch, patchType) as ImageStreamTagWrite;
    return this.update(caller, namespace, name, patched);
  }

  private checkWrite(caller: Identity, verb: 'create' | 'update', namespace: string, name: string, input: ImageStreamTagWrite): { stream: string; tag: string } {
    const split = splitStreamTag(name);
    if (!split) throw new BadRequestError('ImageStreamTags must be retrieved with <name>:<tag>');
    this.auth.authorize(caller, { verb, resource: 'imagestreamtags', namespace, name });
    const causes = new CauseList();
    if (input.metadata?.name && input.metadata.name !== name) causes.invalid('metadata.name', input.metadata.name, 'must match the name in the request path');
    const tagAnnotations = input.tag?.annotations;
    if (tagAnnotations && !isDeepStrictEqual(tagAnnotations, input.metadata?.annotations ?? {})) {
      causes.invalid('tag.annotations', 'map[]', 'tag annotations must not be provided or must be equal to the object meta annotations');
    }
    if (input.tag?.name && input.tag.name !== split.tag) causes.invalid('tag.name', input.tag.name, 'must match the tag part of the name');
    causes.throwIfAny('ImageStreamTag', name);
    return split;
  }

  /** `oc tag`: one spec tag per destination, streams created when missing. */
  async tag(caller: Identity, namespace: string, req: TagImageRequest): Promise<ImageStreamTagView[]> {
    const destinations = this.checkRequest(req);
    // Every destination is checked before the first is written: all or nothing on refusal.
    for (const d of destinations) this.auth.authorize(caller, { verb: 'update', resource: 'imagestreamtags', namespace, name: `${d.stream}:${d.tag}` });
    const from = await this.specSource(caller, namespace, req);
    const out: ImageStreamTagView[] = [];
    for (const d of destinations) {
      const tag: TagReferenceWrite = {
        name: d.tag,
        from,
        reference: req.reference ?? false,
        referencePolicy: { type: req.referencePolicy || 'Source' },
        importPolicy: { scheduled: req.scheduled ?? false, insecure: req.insecure ?? false, importMode: req.importMode || null },
      };
      const stream = await this.streams.writeSpecWith(caller, namespace, d.stream, (current) => withSpecTag(current, d.stream, tag));
      out.push(imageStreamTagView(stream, d.tag)!);
    }
    return out;
  }

  async delete(caller: Identity, namespace: string, name: string): Promise<boolean> {
    const split = splitStreamTag(name);
    if (!split) throw new BadRequestError('ImageStreamTags must be retrieved with <name>:<tag>');
    this.auth.authorize(caller, { verb: 'delete', resource: 'imagestreamtags', namespace, name });
    await this.streams.rewriteWith(
      namespace,
      split.stream,
      (current) => {
        const next = withoutTag(current, split.tag);
        if (!next) throw new NotFoundError('imagestreamtags', name);
        return next;
      },
      () => new ServerTimeoutError('delete', 'imagestreamtags'),
    );
    return true;
  }

  private checkRequest(req: TagImageRequest): Array<{ stream: string; tag: string }> {
    const causes = new CauseList();
    const kind = req.source.kind ?? '';
    if (!SOURCE_KINDS.includes(kind)) causes.invalid('source.kind', kind, `must be one of ${SOURCE_KINDS.join(', ')}`);
    const srcName = req.source.name ?? '';
    if (!srcName) causes.required('source.name');
    else if (kind === 'ImageStreamTag' && !splitStreamTag(srcName)) causes.invalid('source.name', srcName, 'must be of the form <stream>:<tag>');
    else if (kind === 'ImageStreamImage' && !splitStreamImage(srcName)) causes.invalid('source.name', srcName, 'must be of the form <stream>@<id>');
    else if (kind === 'DockerImage') {
      const { error } = tryParseDockerReference(srcName);
      if (error) causes.invalid('source.name', srcName, error);
    }
    if (req.alias && kind !== 'ImageStreamTag') causes.invalid('alias', true, 'only an ImageStreamTag source can be aliased');
    if (req.referencePolicy && !(REFERENCE_POLICY_TYPES as readonly string[]).includes(req.referencePolicy)) causes.invalid('referencePolicy', req.referencePolicy, 'valid values are "Source", "Local"');
    if (req.importMode && !(IMPORT_MODES as readonly string[]).includes(req.importMode)) causes.invalid('importMode', req.importMode, 'valid values are "Legacy", "PreserveOriginal"');
    if (req.scheduled && kind !== 'DockerImage') causes.invalid('scheduled', true, 'only tags pointing to Docker repositories may be scheduled for background import');
    if (req.destinations.length === 0) causes.required('destinations');
    const out = req.destinations.map((d, i) => {
      const split = splitStreamTag(d);
      if (!split) causes.invalid(`destinations[${i}]`, d, 'must be of the form <stream>:<tag>');
      else if (!/^[\w][\w.-]{0,127}$/.test(split.tag)) causes.invalid(`destinations[${i}]`, d, 'a tag must match "[\\w][\\w.-]{0,127}"');
      return split!;
    });
    causes.throwIfAny('ImageStreamTag', req.destinations[0] ?? '');
    return out;
  }

  /**
   * The `from` of the new spec tags. An ImageStreamTag source without
   * `alias` pins the source's current image (`stream@digest`), as `oc tag`
   * does; with `alias` the tag keeps following the source.
   */
  private async specSource(caller: Identity, namespace: string, req: TagImageRequest): Promise<ObjectReference> {
    const kind = req.source.kind!;
    const name = req.source.name!;
    const srcNs = req.source.namespace || namespace;
    const nsPart = srcNs !== namespace ? { namespace: srcNs } : {};
    if (kind !== 'ImageStreamTag' || req.alias) return { kind, name, ...nsPart };
    const split = splitStreamTag(name)!;
    try {
      this.auth.authorize(caller, { verb: 'get', resource: 'imagestreamtags', namespace: srcNs, name });
    } catch (e) {
      if (!(e instanceof ForbiddenError)) throw e;
      throw new InvalidError('ImageStreamTag', name, [{ field: 'source.namespace', reason: 'FieldValueForbidden', message: `Forbidden: ${e.message}` }]);
    }
    const source = await this.streamStore.get(srcNs, split.stream);
    const event = source && currentEvent(source, split.tag);
    if (!event) throw new InvalidError('ImageStreamTag', name, [{ field: 'source.name', reason: 'FieldValueNotFound', message: `Not found: "${srcNs}/${name}" has no image to tag` }]);
    if (!event.image) return { kind: 'DockerImage', name: event.dockerImageReference };
    return { kind: 'ImageStreamImage', name: `${split.stream}@${event.image}`, ...nsPart };
  }
}

import { BadRequestError, CauseList, ForbiddenError, InvalidError, NotFoundError, ServerTimeoutError } from '../../platform/errors.js';
import { tryParseDockerReference } from '../../registry/reference.js';
import type { AuthService } from '../auth/auth.service.js';
import type { Identity } from '../auth/identity.js';
import type { ObjectReference, TagReferenceWrite } from '../image-stream/image-stream.model.js';
import { IMPORT_MODES, REFERENCE_POLICY_TYPES } from '../image-stream/image-stream.rules.js';
import type { ImageStreamService } from '../image-stream/image-stream.service.js';
import type { ImageStreamStore } from '../image-stream/image-stream.store.js';
import { withoutRawBlobs } from '../image/image.rules.js';
import type { ImageStore, StoredImage } from '../image/image.store.js';
import type { SpecTagResolver } from '../tag-history/spec-tag-resolver.js';
import { currentEvent, splitStreamImage, splitStreamTag } from '../tag-history/tag-history.rules.js';
import { imageStreamTagView, withSpecTag, withoutTag, type ImageStreamTagView } from './image-stream-tag.rules.js';

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

import { CauseList, ForbiddenError } from '../../platform/errors.js';
import type { AuthService } from '../auth/auth.service.js';
import type { Identity } from '../auth/identity.js';
import type { TagEvent, TagReference } from '../image-stream/image-stream.model.js';
import { formatTimestamp, isSpecTagChanged } from '../image-stream/image-stream.rules.js';
import type { ImageStreamStore, StoredStream } from '../image-stream/image-stream.store.js';
import type { ImageStore } from '../image/image.store.js';
import { tryParseDockerReference, repositoryOf } from '../../registry/reference.js';
import {
  applyTagEvent,
  currentEvent,
  findEventForImage,
  historyImages,
  matchingImages,
  rewriteInternalReference,
  splitStreamImage,
  splitStreamTag,
} from './tag-history.rules.js';

/**
 * Turns new or changed spec tags into status events when a stream is
 * created or its spec updated (reference §3.3). It reads source streams
 * and images, then hands every event to the pure engine; it never writes:
 * ImageStreamService stores the result in the same write as the spec.
 */
export class SpecTagResolver {
  constructor(
    private readonly streams: ImageStreamStore,
    private readonly images: ImageStore,
    private readonly auth: AuthService,
    private readonly internalRegistry: string | undefined,
  ) {}

  /** `next` with its status extended; throws INVALID (422) for unresolvable ImageStreamImage sources. */
  async resolve(caller: Identity, previous: StoredStream | undefined, next: StoredStream): Promise<StoredStream> {
    const oldTags = new Map((previous?.spec.tags ?? []).map((t) => [t.name, t]));
    const changed = (next.spec.tags ?? []).filter((t) => (previous ? isSpecTagChanged(oldTags.get(t.name), t, next.metadata.namespace) : Boolean(t.from?.name)));
    if (changed.length === 0) return next;
    const causes = new CauseList();
    const now = formatTimestamp(new Date());
    let stream = next;
    for (const tag of changed) {
      const event = await this.eventFor(caller, stream, tag, now, causes);
      if (event) stream = applyTagEvent(stream, tag.name, event).stream;
    }
    causes.throwIfAny('ImageStream', next.metadata.name);
    return stream;
  }

  /** The event a spec tag resolves to now, or undefined when there is none yet. */
  async eventFor(caller: Identity, self: StoredStream, tag: TagReference, now: string, causes: CauseList): Promise<TagEvent | undefined> {
    const from = tag.from;
    if (!from?.name) return undefined;
    const generation = tag.generation ?? self.metadata.generation;
    const field = `spec.tags[${tag.name}].from`;
    switch (from.kind) {
      case 'DockerImage':
        // Without `reference` the importer fills status later (§7); with it the pull spec is the event.
        return tag.reference ? { created: now, dockerImageReference: from.name, image: '', generation } : undefined;
      case 'ImageStreamTag': {
        const target = from.name.includes(':') ? splitStreamTag(from.name) : { stream: self.metadata.name, tag: from.name };
        if (!target) {
          causes.invalid(`${field}.name`, from.name, 'must be of the form <tag>, <repo>:<tag>');
          return undefined;
        }
        const source = await this.sourceStream(caller, self, from.namespace, target.stream, field, causes);
        const event = source && currentEvent(source, target.tag);
        if (!source || !event) return undefined; // a missing source tag is not an error (§13.5)
        return { created: now, dockerImageReference: this.reference(event.dockerImageReference, tag, source, self), image: event.image, generation };
      }
      case 'ImageStreamImage': {
        const target = from.name.includes('@') ? splitStreamImage(from.name) : { stream: self.metadata.name, id: from.name };
        if (!target) {
          causes.invalid(`${field}.name`, from.name, 'must be of the form <id>, <repo>@<id>');
          return undefined;
        }
        const source = await this.sourceStream(caller, self, from.namespace, target.stream, field, causes);
        if (!source) return undefined;
        const found = await this.findImage(source, target.id);
        if (found.length === 0) {
          causes.notFound(`${field}.name`, from.name);
          return undefined;
        }
        if (found.length > 1) {
          causes.invalid(`${field}.name`, from.name, `multiple images match the prefix "${target.id}"`);
          return undefined;
        }
        const [match] = found;
        return { created: now, dockerImageReference: this.reference(match.reference, tag, source, self), image: match.image, generation };
      }
      default:
        return undefined;
    }
  }

  /**
   * Images of a stream matching `id` (§6): every image in its history plus
   * the platform children of manifest lists there, each with a pull spec.
   */
  async findImage(stream: StoredStream, id: string): Promise<Array<{ image: string; reference: string }>> {
    const direct = historyImages(stream);
    const lists = await this.images.getMany(direct);
    const candidates = new Map<string, string>();
    for (const name of direct) candidates.set(name, findEventForImage(stream, name)!.dockerImageReference);
    for (const [listName, image] of lists) {
      for (const child of image.dockerImageManifests ?? []) {
        if (!candidates.has(child.digest)) candidates.set(child.digest, withDigest(candidates.get(listName)!, child.digest));
      }
    }
    return matchingImages(candidates.keys(), id).map((image) => ({ image, reference: candidates.get(image)! }));
  }

  private reference(ref: string, tag: TagReference, source: StoredStream, self: StoredStream): string {
    if (tag.reference) return ref;
    return rewriteInternalReference(ref, this.internalRegistry, source.metadata, self.metadata);
  }

  /** The stream a source names; this stream itself (as being written) when it names itself. */
  private async sourceStream(caller: Identity, self: StoredStream, namespace: string | undefined, name: string, field: string, causes: CauseList): Promise<StoredStream | undefined> {
    const ns = namespace || self.metadata.namespace;
    if (ns === self.metadata.namespace && name === self.metadata.name) return self;
    if (ns !== self.metadata.namespace) {
      try {
        this.auth.authorize(caller, { verb: 'get', resource: 'imagestreams', namespace: ns, name });
      } catch (e) {
        // Reading another namespace without the right is a field error, not a 403 (§13.6).
        if (!(e instanceof ForbiddenError)) throw e;
        causes.forbidden(`${field}.namespace`, `${caller.user} may not get image streams in namespace ${ns}`);
        return undefined;
      }
    }
    const stream = await this.streams.get(ns, name);
    if (!stream) causes.notFound(`${field}.name`, `${ns}/${name}`);
    return stream;
  }
}

/** `repo@<digest>` for a child of a list pulled through the same repository. */
function withDigest(reference: string, digest: string): string {
  const { ref } = tryParseDockerReference(reference);
  return ref ? `${repositoryOf(ref)}@${digest}` : reference;
}

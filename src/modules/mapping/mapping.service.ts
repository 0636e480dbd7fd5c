import { CauseList, NotFoundError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { AuthService } from '../auth/auth.service.js';
import type { Identity } from '../auth/identity.js';
import { IMAGE_STREAM_RESOURCE } from '../image-stream/image-stream.model.js';
import { formatTimestamp } from '../image-stream/image-stream.rules.js';
import type { ImageStreamService } from '../image-stream/image-stream.service.js';
import type { ImageStreamStore } from '../image-stream/image-stream.store.js';
import { validateNamespace } from '../../platform/namespace.rules.js';
import { pathSegmentProblems } from '../image-stream/names.rules.js';
import { ANNOTATION_MANAGED } from '../image/image.model.js';
import { prepareImage, validateImage, type ImageWrite } from '../image/image.rules.js';
import type { ImageService } from '../image/image.service.js';
import type { ImageStore, StoredImage } from '../image/image.store.js';
import { applyTagEvent } from '../tag-history/tag-history.rules.js';

export interface MappingWrite {
  metadata?: { name?: string | null; namespace?: string | null } | null;
  image?: ImageWrite | null;
  tag?: string | null;
}

export interface ImageStreamMapping {
  /** The target stream's identity and version after the mapping. */
  metadata: { name: string; namespace: string; uid: string; resourceVersion: string; creationTimestamp: string };
  image: StoredImage;
  tag: string;
}

const TAG = /^[\w][\w.-]{0,127}$/;
export const MAPPING_RESOURCE = 'imagestreammappings';

/**
 * ImageStreamMapping create (reference §4.1): what the registry calls after
 * a push. Creates the Image if absent (never changes an existing one), then
 * adds the tag event through the stream service's locked status write.
 */
export class MappingService {
  constructor(
    private readonly auth: AuthService,
    private readonly streams: ImageStreamService,
    private readonly streamStore: ImageStreamStore,
    private readonly images: ImageService,
    private readonly imageStore: ImageStore,
    private readonly config: { internalRegistry?: string },
    private readonly log: Logger,
  ) {}

  async create(caller: Identity, namespace: string, input: MappingWrite): Promise<ImageStreamMapping> {
    const name = input.metadata?.name ?? '';
    this.auth.authorize(caller, { verb: 'create', resource: MAPPING_RESOURCE, namespace, name: name || undefined });
    const now = formatTimestamp(new Date());
    const image = this.prepare(namespace, name, input.image ?? {}, now);
    const tag = input.tag ?? '';
    const causes = new CauseList();
    validateNamespace(namespace, causes);
    if (input.metadata?.namespace && input.metadata.namespace !== namespace) causes.invalid('metadata.namespace', input.metadata.namespace, 'does not match the namespace of the request');
    if (!name) causes.required('metadata.name');
    else for (const p of pathSegmentProblems(name)) causes.invalid('metadata.name', name, p);
    if (!tag) causes.required('tag');
    else if (!TAG.test(tag)) causes.invalid('tag', tag, 'a tag must match "[\\w][\\w.-]{0,127}"');
    validateImage(image, causes, 'image.');
    causes.throwIfAny('ImageStreamMapping', name);

    // Mappings never create streams; check before storing an image for nothing.
    if (!(await this.streamStore.exists(namespace, name))) throw new NotFoundError(IMAGE_STREAM_RESOURCE, name);
    const created = await this.imageStore.transaction((tx) => this.images.ensure(tx, image));
    const stored = created ? image : ((await this.imageStore.get(image.metadata.name)) ?? image);

    const { stream } = await this.streams.updateStatusWith(namespace, name, (current) => {
      const managedPush = !created && image.metadata.annotations?.[ANNOTATION_MANAGED] === 'true';
      const reference = managedPush ? `${this.streamRepository(namespace, name, current.spec.dockerImageRepository)}@${image.metadata.name}` : image.dockerImageReference;
      const event = { created: now, dockerImageReference: reference, image: image.metadata.name, generation: current.metadata.generation };
      const { stream, changed } = applyTagEvent(current, tag, event);
      return changed.length ? stream : undefined;
    });
    const { uid, resourceVersion, creationTimestamp } = stream.metadata;
    return { metadata: { name, namespace, uid, resourceVersion, creationTimestamp }, image: stored, tag };
  }

  /** Step 1 of §4.1: default reference into the integrated registry; signatures dropped. */
  private prepare(namespace: string, stream: string, write: ImageWrite, now: string): StoredImage {
    const imageName = write.metadata?.name ?? '';
    const reference = write.dockerImageReference || (this.config.internalRegistry && imageName ? `${this.config.internalRegistry}/${namespace}/${stream}@${imageName}` : '');
    return prepareImage({ ...write, dockerImageReference: reference, signatures: undefined }, now, (m) => this.log.info(m));
  }

  private streamRepository(namespace: string, name: string, specRepository: string | undefined): string {
    return this.config.internalRegistry ? `${this.config.internalRegistry}/${namespace}/${name}` : (specRepository ?? '');
  }
}

import { randomUUID } from 'node:crypto';
import { AlreadyExistsError, BadRequestError, ConflictError, NotFoundError } from '../../platform/errors.js';
import {
  importFailureStatus,
  noCredentials,
  repositoryOf,
  tryParseDockerReference,
  type CredentialLookup,
  type RegistryClient,
} from '../../registry/index.js';
import type { AuthService } from '../auth/auth.service.js';
import type { Identity } from '../auth/identity.js';
import { IMAGE_STREAM_RESOURCE, type ImageStream } from '../image-stream/image-stream.model.js';
import { formatTimestamp } from '../image-stream/image-stream.rules.js';
import type { ImageStreamService } from '../image-stream/image-stream.service.js';
import type { ImageStreamStore, StoredStream } from '../image-stream/image-stream.store.js';
import { withoutRawBlobs } from '../image/image.rules.js';
import type { ImageService } from '../image/image.service.js';
import type { ImageStore, StoredImage } from '../image/image.store.js';
import { ImageFetcher, KeyedLimiter, type FetchedImage, type FetchSource } from './image-fetcher.js';
import {
  IMAGE_STREAM_IMPORT_RESOURCE,
  type ImageImportStatus,
  type ImageStreamImport,
  type ImageStreamImportSpec,
  type ImageStreamImportWrite,
  type ImportStatus,
  type RepositoryImportStatus,
} from './import.model.js';
import { applyImport, normaliseImportSpec, platformPreference, repositoryStatus, validateImport, type TagOutcome } from './import.rules.js';
import { prioritizeTags, splitByBulkLimit } from './tag-priority.rules.js';
import { ImportProgressHub, type ImportProgressEvent, type ProgressReporter } from './import-progress.js';

/** Registry credentials of a namespace (its pull secrets), for imports. */
export interface CredentialSource {
  credentialsFor(namespace: string): Promise<CredentialLookup>;
}

export interface ImportServiceConfig {
  defaultImportMode: string;
  /** Tags a repository import takes (§5.3); -1 = all. */
  maxImagesPerRepository: number;
  /** Registry fetches running at once per registry host. */
  perRegistryConcurrency: number;
}

/** Told the result of every image an import or preview fetched (for metrics). */
export interface ImportObserver {
  imageFetched(result: 'success' | 'failure', reason: string, mode: 'import' | 'preview'): void;
}

/** What one run against the registries produced (before anything is stored). */
interface RunResult {
  images?: ImageImportStatus[];
  repository?: RepositoryImportStatus;
  /** Per spec.images index / repository tag: what the stream gets. */
  outcomes: TagOutcome[];
  /** Images to store: children before their lists, each digest once. */
  toStore: StoredImage[];
}

type Attempt = { fetched: FetchedImage } | { failure: ImportStatus };

/**
 * ImageStreamImport (reference §5): previews (`import: false`, nothing
 * stored) and imports that store Images and write the stream through the
 * stream service, so every change lands in the change log.
 */
export class ImportService {
  private readonly limiter: KeyedLimiter;
  /** Per-tag progress of repository imports run by this process. */
  private readonly progress = new ImportProgressHub();

  constructor(
    private readonly auth: AuthService,
    private readonly streams: ImageStreamService,
    private readonly streamStore: ImageStreamStore,
    private readonly images: ImageService,
    private readonly imageStore: ImageStore,
    private readonly client: RegistryClient,
    private readonly config: ImportServiceConfig,
    private readonly credentials?: CredentialSource,
    private readonly observer?: ImportObserver,
  ) {
    this.limiter = new KeyedLimiter(config.perRegistryConcurrency);
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /**
   * Progress of the imports this process runs with `progressId` (see importImages), for the caller's own imports.
   * Yields WAITING at once, then FETCHING per tag, then DONE, and ends.
   */
  importProgress(caller: Identity, progressId: string): AsyncIterableIterator<ImportProgressEvent> {
    // Authenticated callers only (the edge refuses anonymous ones); events are filtered to the same user.
    return this.progress.subscribe(caller, progressId);
  }

  async importImages(caller: Identity, namespace: string, input: ImageStreamImportWrite, progressId?: string): Promise<ImageStreamImport> {
    const progress = this.progress.reporter(caller, progressId);
    try {
      return await this.importWithProgress(caller, namespace, input, progress);
    } finally {
      progress.finished();
    }
  }

  private async importWithProgress(caller: Identity, namespace: string, input: ImageStreamImportWrite, progress: ProgressReporter): Promise<ImageStreamImport> {
    const name = input.metadata?.name ?? '';
    this.auth.authorize(caller, { verb: 'create', resource: IMAGE_STREAM_IMPORT_RESOURCE, namespace, name: name || undefined });
    if (!namespace) throw new BadRequestError('a namespace must be specified to import images');
    if (input.metadata?.namespace && input.metadata.namespace !== namespace) {
      throw new BadRequestError('the namespace of the provided object does not match the namespace sent on the request');
    }
    const spec = normaliseImportSpec(input.spec, this.config.defaultImportMode);
    validateImport(namespace, name, spec);
    const rv = input.metadata?.resourceVersion || undefined;
    const uid = input.metadata?.uid || undefined;
    if (spec.import) this.auth.authorize(caller, { verb: 'update', resource: IMAGE_STREAM_RESOURCE, namespace, name });
    const current = await this.streamStore.get(namespace, name);
    checkPreconditions(current, name, rv, uid);

    const credentials = (await this.credentials?.credentialsFor(namespace)) ?? noCredentials;
    let result = await this.run(spec, current, credentials, progress);
    // §5.1 step 6: wrong credentials → the whole import again anonymously; still-unauthorized entries keep the first answer.
    if (credentials !== noCredentials && badCredentials(result)) {
      const anonymous = await this.run(spec, current, noCredentials);
      result = mergeAnonymous(result, anonymous);
    }
    const metadata = { name, namespace, ...(rv ? { resourceVersion: rv } : {}), ...(uid ? { uid } : {}) };
    this.report(result, spec.import ? 'import' : 'preview');
    if (!spec.import) {
      return { metadata, spec, status: stripForPreview(result, spec) };
    }
    await this.storeImages(result.toStore);
    const stream = await this.writeStream(namespace, name, rv, result.outcomes);
    const stored = await this.imageStore.getMany([...new Set(result.toStore.map((i) => i.metadata.name))]);
    return { metadata, spec, status: { import: stream, ...storedView(result, stored) } };
  }

  /** Per image (spec.images and repository tags) after the anonymous retry, so each counts once. */
  private report(result: RunResult, mode: 'import' | 'preview'): void {
    if (!this.observer) return;
    for (const s of [...(result.images ?? []), ...(result.repository?.images ?? [])].map((i) => i.status)) {
      const ok = s.status === 'Success';
      this.observer.imageFetched(ok ? 'success' : 'failure', ok ? '' : (s.reason ?? 'Unknown'), mode);
    }
    // A repository whose tags could not be listed fetched no image: count it as one failure.
    const repo = result.repository;
    if (repo && !repo.images && repo.status.status !== 'Success') this.observer.imageFetched('failure', repo.status.reason ?? 'Unknown', mode);
  }

  // ---- fetching ------------------------------------------------------------

  private async run(spec: ImageStreamImportSpec, stream: StoredStream | undefined, credentials: CredentialLookup, progress?: ProgressReporter): Promise<RunResult> {
    const fetcher = new ImageFetcher(this.client, this.limiter, credentials, (d) => this.imageStore.get(d), formatTimestamp(new Date()));
    const attempt = async (source: FetchSource): Promise<Attempt> => {
      try {
        return { fetched: await fetcher.fetch(source) };
      } catch (err) {
        return { failure: importFailureStatus(err, source.spec) };
      }
    };
    const outcomes: TagOutcome[] = [];
    const toStore = new Map<string, StoredImage>();
    const keep = (f: FetchedImage) => {
      for (const child of f.manifests ?? []) if (!toStore.has(child.metadata.name)) toStore.set(child.metadata.name, child);
      if (!toStore.has(f.image.metadata.name)) toStore.set(f.image.metadata.name, f.image);
    };

    const imageSpecs = spec.images ?? [];
    const imageAttempts = await Promise.all(
      imageSpecs.map((i) =>
        attempt({ spec: i.from.name, insecure: i.importPolicy.insecure, importMode: i.importPolicy.importMode, prefer: platformPreference(stream, i.to?.name) }),
      ),
    );
    const images = imageAttempts.map((a, idx): ImageImportStatus => {
      const i = imageSpecs[idx];
      // `*` (a legacy value validation tolerates) parses as nothing; its fetch already failed.
      const { ref } = tryParseDockerReference(i.from.name);
      const tag = ref ? ref.tag || (ref.digest ? '' : 'latest') : '';
      // A source that does not parse (`*`) gets no spec tag: the stream could not be stored with it.
      if (i.to) outcomes.push(outcome(i.to.name, i.from.name, i, a, ref !== undefined));
      if ('failure' in a) return { status: a.failure };
      keep(a.fetched);
      return { status: { status: 'Success' }, image: a.fetched.image, tag, ...(a.fetched.manifests ? { manifests: a.fetched.manifests } : {}) };
    });

    let repository: RepositoryImportStatus | undefined;
    const repo = spec.repository;
    if (repo) {
      const from = repo.from.name;
      let tags: string[] | undefined;
      try {
        tags = await fetcher.listTags(from, repo.importPolicy.insecure);
      } catch (err) {
        repository = { status: importFailureStatus(err, from) };
      }
      if (tags) {
        const ordered = prioritizeTags(tags);
        const { imported, additional } = splitByBulkLimit(ordered, this.config.maxImagesPerRepository);
        // Tags beyond the limit that spec.images already fetched are included after all (§5.3).
        const fetchedByImages = new Set(
          imageSpecs
            .map((i) => tryParseDockerReference(i.from.name).ref)
            .filter((r) => r && repositoryOf(r) === from && r.tag)
            .map((r) => r!.tag),
        );
        const take = [...imported, ...additional.filter((t) => fetchedByImages.has(t))];
        const rest = additional.filter((t) => !fetchedByImages.has(t));
        const mode = { insecure: repo.importPolicy.insecure, importMode: repo.importPolicy.importMode };
        progress?.started(take.length);
        const attempts = await Promise.all(
          take.map(async (t) => {
            const a = await attempt({ spec: `${from}:${t}`, ...mode, prefer: platformPreference(stream, t) });
            progress?.tagDone(t, 'failure' in a ? (a.failure.reason ?? 'Unknown') : undefined);
            return a;
          }),
        );
        let failed = 0;
        const entries = attempts.map((a, idx): ImageImportStatus => {
          const tag = take[idx];
          outcomes.push(outcome(tag, `${from}:${tag}`, repo, a, false));
          if ('failure' in a) {
            failed++;
            return { status: a.failure, tag };
          }
          keep(a.fetched);
          return { status: { status: 'Success' }, image: a.fetched.image, tag, ...(a.fetched.manifests ? { manifests: a.fetched.manifests } : {}) };
        });
        repository = { status: repositoryStatus(failed), images: entries, ...(rest.length ? { additionalTags: rest } : {}) };
      }
    }
    return { ...(spec.images ? { images } : {}), ...(repository ? { repository } : {}), outcomes, toStore: [...toStore.values()] };
  }

  // ---- storing ---------------------------------------------------------------

  private async storeImages(images: StoredImage[]): Promise<void> {
    if (images.length === 0) return;
    // Imported images are stored without raw manifest and config (§5.7); existing ones are reused.
    await this.imageStore.transaction(async (tx) => {
      for (const image of images) await this.images.ensure(tx, withoutRawBlobs(image));
    });
  }

  /** Creates or rewrites the stream with the outcomes (§5.7), retrying against concurrent writers. */
  private async writeStream(namespace: string, name: string, rv: string | undefined, outcomes: TagOutcome[]): Promise<ImageStream> {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const now = formatTimestamp(new Date());
      const current = await this.streamStore.get(namespace, name);
      if (!current) {
        if (rv) throw new NotFoundError(IMAGE_STREAM_RESOURCE, name);
        const empty: StoredStream = {
          metadata: { name, namespace, uid: randomUUID(), resourceVersion: '', generation: 0, creationTimestamp: now },
          spec: { lookupPolicy: { local: false } },
          status: {},
        };
        try {
          return await this.streams.createStored(applyImport(empty, false, outcomes, now));
        } catch (e) {
          if (e instanceof AlreadyExistsError) continue;
          throw e;
        }
      }
      return this.streams.rewriteWith(
        namespace,
        name,
        (latest) => {
          if (rv && latest.metadata.resourceVersion !== rv) throw staleImport(name, rv, latest.metadata.resourceVersion);
          return applyImport(latest, true, outcomes, now);
        },
        () => new ConflictError(IMAGE_STREAM_RESOURCE, name),
      );
    }
    throw new ConflictError(IMAGE_STREAM_RESOURCE, name);
  }
}

function outcome(tag: string, from: string, spec: { importPolicy: TagOutcome['importPolicy']; referencePolicy: TagOutcome['referencePolicy'] }, a: Attempt, specTagOnFailure: boolean): TagOutcome {
  const base = { tag, from, importPolicy: spec.importPolicy, referencePolicy: spec.referencePolicy, specTagOnFailure };
  if ('failure' in a) return { ...base, result: { failure: a.failure } };
  return { ...base, result: { image: a.fetched.image.metadata.name, reference: a.fetched.image.dockerImageReference } };
}

function checkPreconditions(current: StoredStream | undefined, name: string, rv: string | undefined, uid: string | undefined): void {
  if (!current) {
    if (rv || uid) throw new NotFoundError(IMAGE_STREAM_RESOURCE, name);
    return;
  }
  if (rv && current.metadata.resourceVersion !== rv) throw staleImport(name, rv, current.metadata.resourceVersion);
  if (uid && current.metadata.uid !== uid) throw new NotFoundError(IMAGE_STREAM_RESOURCE, name);
}

function staleImport(name: string, requested: string, current: string): ConflictError {
  return new ConflictError(IMAGE_STREAM_RESOURCE, name, `Operation cannot be fulfilled on imagestream.image.openshift.io "${name}": the image stream was updated from "${requested}" to "${current}"`);
}

const isBadCredentials = (s: ImportStatus | undefined) => s?.reason === 'Unauthorized' && (s.message ?? '').includes('username or password');

function allStatuses(r: RunResult): ImportStatus[] {
  return [...(r.images ?? []).map((i) => i.status), r.repository?.status, ...(r.repository?.images ?? []).map((i) => i.status)].filter((s): s is ImportStatus => Boolean(s));
}

function badCredentials(r: RunResult): boolean {
  return allStatuses(r).some(isBadCredentials);
}

/** The anonymous re-run wins, except where it is still Unauthorized: those keep the first answer (§5.1 step 6). */
function mergeAnonymous(first: RunResult, anonymous: RunResult): RunResult {
  const keep = (a: ImageImportStatus, f: ImageImportStatus | undefined) => (a.status.reason === 'Unauthorized' && f ? f : a);
  const images = anonymous.images?.map((a, i) => keep(a, first.images?.[i]));
  let repository = anonymous.repository;
  if (repository && first.repository) {
    const firstImages = first.repository.images ?? [];
    repository =
      repository.status.reason === 'Unauthorized'
        ? first.repository
        : { ...repository, ...(repository.images ? { images: repository.images.map((a) => keep(a, firstImages.find((f) => f.tag === a.tag))) } : {}) };
  }
  const outcomes = anonymous.outcomes.map((o) => {
    const f = first.outcomes.find((x) => x.tag === o.tag);
    return 'failure' in o.result && o.result.failure.reason === 'Unauthorized' && f ? f : o;
  });
  return { ...anonymous, ...(images ? { images } : {}), ...(repository ? { repository } : {}), outcomes };
}

function stripEntry(e: ImageImportStatus, includeManifest: boolean): ImageImportStatus {
  if (includeManifest) return e;
  return { ...e, ...(e.image ? { image: withoutRawBlobs(e.image) } : {}), ...(e.manifests ? { manifests: e.manifests.map((m) => withoutRawBlobs(m)) } : {}) };
}

/** Previews keep raw manifest/config only where `includeManifest` asked for them (§5.6). */
function stripForPreview(r: RunResult, spec: ImageStreamImportSpec): ImageStreamImport['status'] {
  return {
    ...(r.images ? { images: r.images.map((e, i) => stripEntry(e, spec.images?.[i]?.includeManifest ?? false)) } : {}),
    ...(r.repository
      ? { repository: { ...r.repository, ...(r.repository.images ? { images: r.repository.images.map((e) => stripEntry(e, spec.repository?.includeManifest ?? false)) } : {}) } }
      : {}),
  };
}

/** After a real import the response shows stored Images (no raw blobs) with the imported reference. */
function storedView(r: RunResult, stored: Map<string, StoredImage>): Omit<ImageStreamImport['status'], 'import'> {
  const view = (i: StoredImage) => {
    const s = stored.get(i.metadata.name);
    return s ? { ...s, dockerImageReference: i.dockerImageReference } : withoutRawBlobs(i);
  };
  const entry = (e: ImageImportStatus): ImageImportStatus => ({
    ...e,
    ...(e.image ? { image: view(e.image) } : {}),
    ...(e.manifests ? { manifests: e.manifests.map(view) } : {}),
  });
  return {
    ...(r.images ? { images: r.images.map(entry) } : {}),
    ...(r.repository ? { repository: { ...r.repository, ...(r.repository.images ? { images: r.repository.images.map(entry) } : {}) } } : {}),
  };
}

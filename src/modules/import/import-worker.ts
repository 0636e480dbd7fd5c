import { ConflictError, NotFoundError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import { SYSTEM_IDENTITY } from '../auth/identity.js';
import type { ImageStreamStore, StoredStream } from '../image-stream/image-stream.store.js';
import { backgroundImportRequest, needsImport, scheduledTags, TokenBucket } from './background-import.rules.js';
import type { ImportService } from './import.service.js';
import type { ClaimedJob, ImportJobStore, LoggedStream } from './import-jobs.store.js';
import type { Queryable } from '../image-stream/image-stream.store.js';

export interface ImportWorkerConfig {
  /** How often the loop looks for work. */
  pollMs: number;
  /** Scheduled re-import interval (§7.2). */
  scheduledIntervalSeconds: number;
  /** Global limit on scheduled imports (the reference: 60 per minute, burst 120). */
  scheduledPerMinute: number;
  /** Jobs run at once by this replica (the reference's controller runs 5 workers). */
  concurrency: number;
  /** How long a claimed job is held: longer than any import the client's timeouts allow; a crashed holder's jobs wait this long. */
  leaseSeconds?: number;
}

const DEFAULT_LEASE_SECONDS = 300;
/** Change-log entries read again on every scan (commit order differs from resourceVersion order). */
const SCAN_OVERLAP_SECONDS = 30;
const RETRY_SECONDS = 5;

/**
 * The in-process import controllers (reference §7): spec tags that are new,
 * changed or asked to re-import are imported soon after the write (not in
 * the writer's request), and scheduled tags every interval. Safe with many
 * replicas on one Postgres: the scanner position and each job are claimed
 * with SKIP LOCKED, so each due import runs once.
 */
export class ImportWorker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private readonly scheduledBudget: TokenBucket;

  constructor(
    private readonly jobs: ImportJobStore,
    private readonly streams: ImageStreamStore,
    private readonly imports: ImportService,
    private readonly config: ImportWorkerConfig,
    private readonly log: Logger,
  ) {
    this.scheduledBudget = new TokenBucket(config.scheduledPerMinute, config.scheduledPerMinute * 2);
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((err: unknown) => this.log.error({ err }, 'background import pass failed'))
        .finally(() => this.schedule(this.config.pollMs));
    }, ms);
  }

  /** One pass: turn recent stream changes into jobs, then run what is due. */
  async tick(): Promise<void> {
    await this.jobs.scan(SCAN_OVERLAP_SECONDS, (tx, changes) => this.enqueue(tx, changes));
    for (;;) {
      if (this.stopped) return;
      const claimed = await this.jobs.claim(this.config.concurrency, this.config.leaseSeconds ?? DEFAULT_LEASE_SECONDS);
      if (claimed.length === 0) return;
      await Promise.all(claimed.map((job) => this.run(job)));
    }
  }

  private async enqueue(tx: Queryable, changes: LoggedStream[]): Promise<void> {
    for (const change of changes) {
      if (change.eventType === 'DELETED') continue;
      const stream = change.object as StoredStream;
      if (needsImport(stream)) await this.jobs.requestSpec(tx, change.namespace, change.name);
      if (scheduledTags(stream).length) await this.jobs.ensureScheduled(tx, change.namespace, change.name, this.config.scheduledIntervalSeconds);
    }
  }

  private async run(job: ClaimedJob): Promise<void> {
    try {
      const stream = await this.streams.get(job.namespace, job.name);
      if (job.kind === 'spec') {
        const need = stream && needsImport(stream);
        if (need) await this.importQuietly(backgroundImportRequest(stream, need), job);
        await this.jobs.finish(job);
        return;
      }
      const tags = stream ? scheduledTags(stream) : [];
      if (!stream || tags.length === 0) {
        await this.jobs.finish(job);
        return;
      }
      // Over the global budget: skipped until the next interval, as the reference's scheduler does.
      if (this.scheduledBudget.take()) await this.importQuietly(backgroundImportRequest(stream, { tags, repository: false }), job);
      await this.jobs.reschedule(job, this.config.scheduledIntervalSeconds);
    } catch (err) {
      this.log.warn({ err, namespace: job.namespace, name: job.name, kind: job.kind }, 'background import failed; retrying later');
      await this.jobs.reschedule(job, RETRY_SECONDS).catch(() => undefined);
    }
  }

  /** A stream that changed or vanished meanwhile is not an error: the change itself is scanned again. */
  private async importQuietly(request: ReturnType<typeof backgroundImportRequest>, job: ClaimedJob): Promise<void> {
    try {
      await this.imports.importImages(SYSTEM_IDENTITY, job.namespace, request);
    } catch (err) {
      if (err instanceof ConflictError || err instanceof NotFoundError) return;
      throw err;
    }
  }
}

import { BadRequestError } from '../../platform/errors.js';
import type { Identity } from '../auth/identity.js';

/** Where a repository import is: WAITING (subscribed, no import yet), FETCHING (tags known), DONE. */
export type ImportPhase = 'WAITING' | 'FETCHING' | 'DONE';

export interface ImportProgressEvent {
  progressId: string;
  phase: ImportPhase;
  tagsTotal: number;
  tagsDone: number;
  tagsFailed: number;
  /** The tag whose fetch just finished (fetches run in parallel: the latest to finish). */
  tag?: string;
  /** Why that tag failed (its Status reason); absent when it succeeded. */
  failureReason?: string;
}

/** Client-chosen ids: a UUID fits; anything unbounded is refused. */
const PROGRESS_ID = /^[A-Za-z0-9_.-]{8,64}$/;

export function checkProgressId(id: string): void {
  if (!PROGRESS_ID.test(id)) throw new BadRequestError('progressId must be 8 to 64 letters, digits, ".", "_" or "-" (e.g. a UUID)');
}

interface Subscriber {
  user: string;
  push(event: ImportProgressEvent): void;
  end(): void;
}

/**
 * Per-tag progress of repository imports, in this process only: a subscriber
 * sees the imports this replica runs under the id it chose, started by the
 * same user (the id alone is no secret). Nothing is stored.
 */
export class ImportProgressHub {
  private readonly subscribers = new Map<string, Set<Subscriber>>();

  /** Registers at once (so no event is missed), then yields WAITING first: the client starts the import after it. */
  subscribe(caller: Identity, progressId: string): AsyncIterableIterator<ImportProgressEvent> {
    checkProgressId(progressId);
    const queue: ImportProgressEvent[] = [{ progressId, phase: 'WAITING', tagsTotal: 0, tagsDone: 0, tagsFailed: 0 }];
    let ended = false;
    let wake: (() => void) | undefined;
    const subscriber: Subscriber = {
      user: caller.user,
      push: (e) => {
        queue.push(e);
        wake?.();
      },
      end: () => {
        ended = true;
        wake?.();
      },
    };
    const set = this.subscribers.get(progressId) ?? new Set();
    set.add(subscriber);
    this.subscribers.set(progressId, set);
    const remove = () => {
      set.delete(subscriber);
      if (set.size === 0 && this.subscribers.get(progressId) === set) this.subscribers.delete(progressId);
    };
    async function* events(): AsyncGenerator<ImportProgressEvent> {
      try {
        for (;;) {
          while (queue.length) yield queue.shift()!;
          if (ended) return;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      } finally {
        remove();
      }
    }
    const iterator = events();
    // return() on a generator never started skips its finally: unregister here too (a client gone before the first event).
    const close = iterator.return.bind(iterator);
    iterator.return = (value) => {
      remove();
      return close(value);
    };
    return iterator;
  }

  /** A reporter for one import; a no-op without an id. */
  reporter(caller: Identity, progressId: string | undefined): ProgressReporter {
    if (!progressId) return NO_PROGRESS;
    checkProgressId(progressId);
    const state = { tagsTotal: 0, tagsDone: 0, tagsFailed: 0 };
    const send = (phase: ImportPhase, extra: Partial<ImportProgressEvent> = {}) => {
      for (const s of this.subscribers.get(progressId) ?? []) if (s.user === caller.user) s.push({ progressId, phase, ...state, ...extra });
    };
    return {
      started: (total) => {
        state.tagsTotal = total;
        send('FETCHING');
      },
      tagDone: (tag, failureReason) => {
        state.tagsDone++;
        if (failureReason !== undefined) state.tagsFailed++;
        send('FETCHING', { tag, ...(failureReason !== undefined ? { failureReason } : {}) });
      },
      finished: () => {
        send('DONE');
        for (const s of this.subscribers.get(progressId) ?? []) if (s.user === caller.user) s.end();
      },
    };
  }
}

export interface ProgressReporter {
  started(tagsTotal: number): void;
  tagDone(tag: string, failureReason?: string): void;
  finished(): void;
}

const NO_PROGRESS: ProgressReporter = { started: () => undefined, tagDone: () => undefined, finished: () => undefined };

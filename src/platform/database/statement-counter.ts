import type { Logger as DrizzleLogger } from 'drizzle-orm';
import { currentRequestId } from '../request-scope.js';

/**
 * Counts the SQL statements issued through Drizzle (its logger hook sees
 * every query on both drivers). Tests read it to prove a GraphQL query's
 * statement count does not grow with the data (no N+1). Background work
 * (the watch feed, compaction) shares the database handle, so a test counts
 * the statements of one request by its id (`track` first, then `countFor`).
 */
export class StatementCounter implements DrizzleLogger {
  private n = 0;
  private readonly tracked = new Map<string, number>();

  logQuery(): void {
    this.n++;
    const id = currentRequestId();
    if (id !== undefined && this.tracked.has(id)) this.tracked.set(id, this.tracked.get(id)! + 1);
  }

  get count(): number {
    return this.n;
  }

  /** Starts counting the statements of the request with this id (`x-request-id`). */
  track(requestId: string): void {
    this.tracked.set(requestId, 0);
  }

  /** The statements counted for a tracked request; stops tracking it. */
  countFor(requestId: string): number {
    const n = this.tracked.get(requestId) ?? 0;
    this.tracked.delete(requestId);
    return n;
  }
}

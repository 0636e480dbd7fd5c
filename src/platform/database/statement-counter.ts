import type { Logger as DrizzleLogger } from 'drizzle-orm';

/**
 * Counts the SQL statements issued through Drizzle (its logger hook sees
 * every query on both drivers). Tests read it to prove a GraphQL query's
 * statement count does not grow with the data (no N+1).
 */
export class StatementCounter implements DrizzleLogger {
  private n = 0;

  logQuery(): void {
    this.n++;
  }

  get count(): number {
    return this.n;
  }
}

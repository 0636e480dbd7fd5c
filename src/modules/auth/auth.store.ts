import { randomUUID } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../platform/database/connect.js';
import { apiTokens } from '../../platform/database/schema.js';

export interface TokenRow {
  id: string;
  user: string;
  groups: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export class AuthStore {
  constructor(private readonly db: Database) {}

  async findByHash(tokenHash: string): Promise<TokenRow | undefined> {
    const rows = await this.db
      .select({ id: apiTokens.id, user: apiTokens.user, groups: apiTokens.groups, expiresAt: apiTokens.expiresAt, revokedAt: apiTokens.revokedAt })
      .from(apiTokens)
      .where(eq(apiTokens.tokenHash, tokenHash))
      .limit(1);
    return rows[0];
  }

  async insert(tokenHash: string, user: string, groups: string[], expiresAt: Date | null, q: Pick<Database, 'insert'> = this.db): Promise<void> {
    await q.insert(apiTokens).values({ id: randomUUID(), tokenHash, user, groups, expiresAt }).onConflictDoNothing();
  }

  async revokeByHash(tokenHash: string): Promise<boolean> {
    const rows = await this.db
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    return rows.length > 0;
  }

  /**
   * Runs `fn` only if no live token for `user` exists, under a transaction
   * lock so replicas starting together create at most one.
   */
  async ifNoTokenFor(user: string, fn: (q: Pick<Database, 'insert'>) => Promise<void>): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(715202612)`);
      const existing = await tx.select({ id: apiTokens.id }).from(apiTokens).where(and(eq(apiTokens.user, user), isNull(apiTokens.revokedAt))).limit(1);
      if (existing.length) return false;
      await fn(tx);
      return true;
    });
  }
}

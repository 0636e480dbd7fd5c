import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Database } from '../../platform/database/connect.js';
import { bumpAuthEpoch } from '../../platform/freshness.js';
import { apiTokens, roleBindings } from '../../platform/database/schema.js';
import type { NamespaceGrant, NamespaceRole } from './roles.rules.js';

export interface TokenRow {
  id: string;
  user: string;
  groups: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export type SubjectKind = 'User' | 'Group';

export interface BindingRow {
  namespace: string;
  role: NamespaceRole;
  subjectKind: SubjectKind;
  subjectName: string;
}

const tokenColumns = { id: apiTokens.id, user: apiTokens.user, groups: apiTokens.groups, expiresAt: apiTokens.expiresAt, revokedAt: apiTokens.revokedAt };

export class AuthStore {
  constructor(private readonly db: Database) {}

  async findByHash(tokenHash: string): Promise<TokenRow | undefined> {
    const rows = await this.db.select(tokenColumns).from(apiTokens).where(eq(apiTokens.tokenHash, tokenHash)).limit(1);
    return rows[0];
  }

  async findById(id: string): Promise<TokenRow | undefined> {
    const rows = await this.db.select(tokenColumns).from(apiTokens).where(eq(apiTokens.id, id)).limit(1);
    return rows[0];
  }

  /** Returns the new token's id, or undefined when that hash is already stored. */
  async insert(tokenHash: string, user: string, groups: string[], expiresAt: Date | null, q: Pick<Database, 'insert'> = this.db): Promise<string | undefined> {
    const id = randomUUID();
    const rows = await q.insert(apiTokens).values({ id, tokenHash, user, groups, expiresAt }).onConflictDoNothing().returning({ id: apiTokens.id });
    return rows[0]?.id;
  }

  /** Marks a live token revoked; answers its id, or undefined when there was no live token with that hash. */
  async revokeByHash(tokenHash: string): Promise<string | undefined> {
    return this.db.transaction(async (tx) => {
      const rows = await tx
        .update(apiTokens)
        .set({ revokedAt: new Date() })
        .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)))
        .returning({ id: apiTokens.id });
      if (rows.length) await bumpAuthEpoch(tx);
      return rows[0]?.id;
    });
  }

  /**
   * Runs `fn` only if no live token for `user` exists, under a transaction
   * lock so replicas starting together create at most one.
   */
  async ifNoTokenFor(user: string, fn: (q: Pick<Database, 'insert'>) => Promise<unknown>): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // Its own key: not the migration lock (715202611) nor the write-order lock (715202612).
      await tx.execute(sql`select pg_advisory_xact_lock(715202613)`);
      const existing = await tx.select({ id: apiTokens.id }).from(apiTokens).where(and(eq(apiTokens.user, user), isNull(apiTokens.revokedAt))).limit(1);
      if (existing.length) return false;
      await fn(tx);
      return true;
    });
  }

  // ---- role bindings -----------------------------------------------------

  /** Every grant of `user` and of its `groups`, in one query. */
  async grantsFor(user: string, groups: readonly string[]): Promise<NamespaceGrant[]> {
    const subject = groups.length
      ? or(and(eq(roleBindings.subjectKind, 'User'), eq(roleBindings.subjectName, user)), and(eq(roleBindings.subjectKind, 'Group'), inArray(roleBindings.subjectName, [...groups])))
      : and(eq(roleBindings.subjectKind, 'User'), eq(roleBindings.subjectName, user));
    const rows = await this.db.selectDistinct({ namespace: roleBindings.namespace, role: roleBindings.role }).from(roleBindings).where(subject);
    return rows.map((r) => ({ namespace: r.namespace, role: r.role as NamespaceRole }));
  }

  /** True when the binding was created, false when it already existed. */
  async insertBinding(b: BindingRow): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.insert(roleBindings).values({ id: randomUUID(), ...b }).onConflictDoNothing().returning({ id: roleBindings.id });
      if (rows.length) await bumpAuthEpoch(tx);
      return rows.length > 0;
    });
  }

  /** True when a binding was removed. */
  async deleteBinding(b: BindingRow): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows = await tx
        .delete(roleBindings)
        .where(and(eq(roleBindings.namespace, b.namespace), eq(roleBindings.role, b.role), eq(roleBindings.subjectKind, b.subjectKind), eq(roleBindings.subjectName, b.subjectName)))
        .returning({ id: roleBindings.id });
      if (rows.length) await bumpAuthEpoch(tx);
      return rows.length > 0;
    });
  }

  async bindingsIn(namespace: string): Promise<BindingRow[]> {
    const rows = await this.db
      .select({ namespace: roleBindings.namespace, role: roleBindings.role, subjectKind: roleBindings.subjectKind, subjectName: roleBindings.subjectName })
      .from(roleBindings)
      .where(eq(roleBindings.namespace, namespace))
      .orderBy(asc(roleBindings.role), asc(roleBindings.subjectKind), asc(roleBindings.subjectName));
    return rows as BindingRow[];
  }
}

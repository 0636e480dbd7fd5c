import { print } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { CreateStreamDocument, CreateTokenDocument, GrantRoleDocument } from '../../../generated/graphql.js';
import { GraphQLClient } from '../../../support/graphql-client.js';
import type { SuiteContext } from '../../harness.js';
import { CALLERS, MATRIX, type Caller, type Fixture } from './matrix.table.js';

/** Root fields a client can call, from the running server's own schema. */
const ROOT_FIELDS = `{ __schema {
  queryType { fields { name } }
  mutationType { fields { name } }
  subscriptionType { fields { name } }
} }`;

interface RootFields {
  __schema: Record<'queryType' | 'mutationType' | 'subscriptionType', { fields: Array<{ name: string }> } | null>;
}

export function authorizationMatrixSuite(ctx: SuiteContext): void {
  describe('authorization matrix', () => {
    const clients = {} as Record<Caller, GraphQLClient>;
    const tokens = {} as Record<Caller, string | undefined>;
    let fixture: Fixture;
    let seq = 0;

    beforeAll(async () => {
      const ns = ctx.namespace('matrix');
      const other = ctx.namespace('matrix-other');
      const token = async (user: string, groups: string[] = []) => (await ctx.client.ok(CreateTokenDocument, { user, groups, expiresIn: 3600 })).createToken;
      const users = { view: `viewer-${ns}`, edit: `editor-${ns}`, admin: `admin-${ns}`, otherNamespace: `stranger-${ns}` };
      // edit is granted through a group, the others to the user: both kinds of subject are exercised.
      const editors = `editors-${ns}`;
      await ctx.client.ok(GrantRoleDocument, { namespace: ns, role: 'view', user: users.view });
      await ctx.client.ok(GrantRoleDocument, { namespace: ns, role: 'edit', group: editors });
      await ctx.client.ok(GrantRoleDocument, { namespace: ns, role: 'admin', user: users.admin });
      await ctx.client.ok(GrantRoleDocument, { namespace: other, role: 'admin', user: users.otherNamespace });
      tokens.anonymous = undefined;
      tokens.clusterAdmin = ctx.app.token;
      tokens.view = await token(users.view);
      tokens.edit = await token(users.edit, [editors]);
      tokens.admin = await token(users.admin);
      tokens.otherNamespace = await token(users.otherNamespace);
      for (const caller of CALLERS) clients[caller] = ctx.client.withToken(tokens[caller]);
      fixture = {
        ns,
        admin: ctx.client,
        unique: (prefix = 'x') => `${prefix}-${++seq}`,
        stream: async (name, labels) =>
          (await ctx.client.ok(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name, ...(labels ? { labels } : {}) } } })).createImageStream.metadata.resourceVersion,
      };
    });

    it('has a row for every root field of the schema', async () => {
      const schema = (await ctx.client.ok<RootFields, Record<string, never>>(ROOT_FIELDS)).__schema;
      const fields = (['queryType', 'mutationType', 'subscriptionType'] as const).flatMap((t) =>
        (schema[t]?.fields ?? []).map((f) => `${{ queryType: 'Query', mutationType: 'Mutation', subscriptionType: 'Subscription' }[t]}.${f.name}`),
      );
      const covered = new Set(MATRIX.map((r) => r.operation));
      expect(fields.filter((f) => !covered.has(f))).toEqual([]);
    });

    for (const row of MATRIX) {
      describe(`${row.operation}${row.variant ? ` (${row.variant})` : ''}`, () => {
        for (const caller of CALLERS) {
          const outcome = row.expect[caller];
          it(`${caller} → ${outcome}`, async () => {
            const vars = await row.vars(fixture);
            if (row.perform) {
              const doc = typeof row.doc === 'string' ? row.doc : print(row.doc);
              expect(await row.perform({ baseUrl: ctx.app.url, token: tokens[caller], graphql: clients[caller] }, vars, doc)).toBe(outcome);
              return;
            }
            const res = await clients[caller].request(row.doc, vars);
            if (outcome === 'allowed') {
              expect(res.errors).toBeUndefined();
              expect(res.data).toBeTruthy();
              return;
            }
            expect(res.errors?.[0]?.extensions?.code).toBe(outcome);
            const http = { UNAUTHENTICATED: 401, FORBIDDEN: 403, INVALID: 422, NOT_FOUND: 404 }[outcome];
            expect(res.errors?.[0]?.extensions?.status?.code).toBe(http);
            // A denial answers nothing else: no partial data that could leak.
            expect(Object.values(res.data ?? {}).filter((v) => v !== null)).toEqual([]);
          });
        }
      });
    }
  });
}

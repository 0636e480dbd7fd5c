import { describe, expect, it } from 'vitest';
import { WhoAmIDocument } from '../../generated/graphql.js';
import { connectWs } from '../../support/ws-client.js';
import type { SuiteContext } from '../harness.js';

/** `__type { fields { type { fields { type ... } } } }`: introspection nests without end, so only the depth limit stops it. */
function deepQuery(depth: number): string {
  let inner = 'name';
  for (let level = 2; level < depth; level += 2) inner = `fields { type { ${inner} } }`;
  return `{ __type(name: "ImageStream") { ${inner} } }`;
}

const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: whoAmI { user }`).join(' ')} }`;

/** Nested history lists of a thousand streams, each field cheap alone. */
const costBomb = `{ imageStreams(first: 1000) { nodes {
  metadata { name namespace labels annotations }
  spec { tags { name from { kind name } importPolicy { scheduled } referencePolicy { type } } }
  status { tags { tag items { created dockerImageReference imageName generation } conditions { type status reason message } } }
} } }`;

/** The same with the page size in a variable, which validation alone cannot see. */
const variableCostBomb = costBomb.replace('{ imageStreams(first: 1000)', 'query($n: Int) { imageStreams(first: $n)');

/** Each fragment spreads the previous one twice: a small document, an exponential cost. */
function fragmentBomb(levels: number): string {
  const frags = ['fragment F0 on Query { whoAmI { user groups } }'];
  for (let i = 1; i <= levels; i++) frags.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
  return `{ ...F${levels} } ${frags.join(' ')}`;
}

export function queryLimitsSuite(ctx: SuiteContext): void {
  describe('query limits (hostile queries)', () => {
    /** Runs `query`, expects a quick TOO_COMPLEX naming `limit`, then checks the server still serves. */
    async function rejected(query: string, limit: RegExp) {
      const started = performance.now();
      const res = await ctx.client.request(query);
      const elapsed = performance.now() - started;
      expect(res.status).toBe(400);
      // Several limits may be exceeded at once: the one under test must be among them.
      const err = res.errors?.find((e) => limit.test(e.message));
      expect(err?.extensions?.code).toBe('TOO_COMPLEX');
      expect(err?.extensions?.status).toMatchObject({ code: 400, reason: 'BadRequest' });
      expect(res.data ?? null).toBeNull();
      expect(elapsed).toBeLessThan(2000);
      expect((await ctx.client.ok(WhoAmIDocument, {})).whoAmI.user).toBe('system:admin');
    }

    it('rejects a query 50 levels deep', () => rejected(deepQuery(50), /depth limit of 12 exceeded/));
    it('rejects 1,000 aliases (over the token limit before any alias is counted)', () => rejected(aliases(1000), /Token limit of 3000 exceeded/));
    it('rejects 16 aliases', () => rejected(aliases(16), /Aliases limit of 15 exceeded/));
    it('rejects a cost bomb through nested history lists', () => rejected(costBomb, /Cost limit of 50000 exceeded/));
    it('rejects a fragment fan-out bomb', () => rejected(fragmentBomb(30), /Cost limit of 50000 exceeded/));
    it('rejects too many directives', () => rejected(`{ whoAmI { ${Array.from({ length: 21 }, () => 'user @include(if: true)').join(' ')} } }`, /Directives limit of 20 exceeded/));
    it('rejects a document over the token limit', () => rejected(`{ whoAmI { ${'user '.repeat(3100)} } }`, /Token limit of 3000 exceeded/));

    it('prices a page size passed as a variable like a literal one', async () => {
      const query = variableCostBomb;
      const started = performance.now();
      const res = await ctx.client.request(query, { n: 1000 });
      expect(res.status).toBe(400);
      expect(res.errors?.[0].extensions?.code).toBe('TOO_COMPLEX');
      expect(res.errors?.[0].message).toMatch(/Cost limit of 50000 exceeded/);
      expect(performance.now() - started).toBeLessThan(2000);
      expect((await ctx.client.request(query, { n: 20 })).errors).toBeUndefined();
    });

    it('accepts an ordinary page of streams within the limits', async () => {
      const res = await ctx.client.request(costBomb.replace('first: 1000', 'first: 20'));
      expect(res.errors).toBeUndefined();
    });

    it('rejects a 5 MiB body before reading it all, and keeps serving', async () => {
      const started = performance.now();
      const body = JSON.stringify({ query: '{ whoAmI { user } }', variables: { pad: 'x'.repeat(5 * 1024 * 1024) } });
      const res = await fetch(`${ctx.app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.app.token}` },
        body,
      });
      expect(res.status).toBe(413);
      const json = (await res.json()) as { errors: Array<{ extensions: { code: string; status: { reason: string; code: number } } }> };
      expect(json.errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(json.errors[0].extensions.status).toMatchObject({ reason: 'RequestEntityTooLarge', code: 413 });
      expect(performance.now() - started).toBeLessThan(2000);
      expect((await ctx.client.ok(WhoAmIDocument, {})).whoAmI.user).toBe('system:admin');
    });

    it('publishes the limits and cost weights in the schema', async () => {
      const res = await ctx.client.ok<{ __schema: { description: string } }, Record<string, never>>('{ __schema { description } }');
      expect(res.__schema.description).toMatch(/cost: at most 50000, where a leaf field weighs 1/);
      expect(res.__schema.description).toMatch(/depth: at most 12/);
    });

    it('refuses batched requests (many operations in one body would multiply every limit)', async () => {
      const res = await fetch(`${ctx.app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.app.token}` },
        body: JSON.stringify([{ query: '{ whoAmI { user } }' }, { query: '{ whoAmI { user } }' }]),
      });
      expect(res.status).toBe(400);
      const json = (await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
      expect(json.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    });

    it('closes a WebSocket sending a 5 MiB message, and keeps serving', async () => {
      const ws = connectWs(ctx.app.url, { authorization: `Bearer ${ctx.app.token}` });
      await ws.connected;
      void ws.execute('query($pad: String) { whoAmI { user } }', { pad: 'x'.repeat(5 * 1024 * 1024) }).catch(() => undefined);
      expect((await ws.closed).code).toBe(1009);
      await ws.dispose();
      expect((await ctx.client.ok(WhoAmIDocument, {})).whoAmI.user).toBe('system:admin');
    });

    it('does not suggest field names to a caller probing the schema', async () => {
      const res = await ctx.client.request('{ whoAmi { user } }');
      expect(res.errors?.[0].extensions?.code).toBe('BAD_REQUEST');
      expect(res.errors?.[0].message).not.toMatch(/Did you mean/);
    });

    it('applies the same limits on graphql-ws, and the socket stays usable', async () => {
      const ws = connectWs(ctx.app.url, { authorization: `Bearer ${ctx.app.token}` });
      try {
        await ws.connected;
        for (const [query, limit] of [
          [deepQuery(50), /depth limit/],
          [costBomb, /Cost limit/],
          [aliases(1000), /Token limit/],
        ] as const) {
          const res = await ws.execute(query);
          const err = res.errors?.find((e) => limit.test(e.message));
          expect(err?.extensions?.code).toBe('TOO_COMPLEX');
        }
        const priced = await ws.execute(variableCostBomb, { n: 1000 });
        expect(priced.errors?.find((e) => /Cost limit/.test(e.message))?.extensions?.code).toBe('TOO_COMPLEX');
        const ok = await ws.execute<{ whoAmI: { user: string } }>('{ whoAmI { user } }');
        expect(ok.data?.whoAmI.user).toBe('system:admin');
      } finally {
        await ws.dispose();
      }
    });
  });
}

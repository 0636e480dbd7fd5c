import { describe, expect, it } from 'vitest';
import { IdentityCache } from '../../src/modules/auth/identity-cache.js';
import { Freshness, type Watermark } from '../../src/platform/freshness.js';
import { planRead } from '../../src/platform/graphql/read-plan.js';
import { ChangeIndex, ResponseCache } from '../../src/platform/response-cache.js';
import { buildAppSchema } from '../../src/schema.js';

describe('Freshness', () => {
  /** A database whose reads the test completes by hand, each returning the version current when the read started. */
  const controlledReads = () => {
    let version = 0;
    const pending: Array<{ at: number; resolve: (w: Watermark) => void }> = [];
    return {
      bump: () => ++version,
      read: () => new Promise<Watermark>((resolve) => pending.push({ at: version, resolve })),
      finishNext: () => {
        const p = pending.shift()!;
        p.resolve({ resourceVersion: p.at, authEpoch: 0 });
      },
      get started() {
        return pending.length;
      },
    };
  };

  it('never hands a caller a read that started before it asked, and shares one read among the waiting', async () => {
    const db = controlledReads();
    const fresh = new Freshness(db.read);
    const first = fresh.current(); // starts read #1 at version 0
    db.bump(); // a commit the next callers have seen
    const second = fresh.current();
    const third = fresh.current();
    expect(db.started).toBe(1); // they wait for the next read, not the running one
    db.finishNext();
    expect((await first).resourceVersion).toBe(0);
    await Promise.resolve();
    await Promise.resolve();
    expect(db.started).toBe(1); // read #2 started for both waiting callers
    db.finishNext();
    expect((await second).resourceVersion).toBe(1);
    expect(await third).toBe(await second);
  });

  it('recovers after a failed read', async () => {
    let fail = true;
    const fresh = new Freshness(async () => {
      if (fail) throw new Error('down');
      return { resourceVersion: 7, authEpoch: 1 };
    });
    await expect(fresh.current()).rejects.toThrow('down');
    fail = false;
    expect(await fresh.current()).toEqual({ resourceVersion: 7, authEpoch: 1 });
  });
});

describe('IdentityCache', () => {
  const alice = { user: 'alice', groups: [] };
  it('forgets everything when the auth epoch moves, and honours expiry', () => {
    const cache = new IdentityCache();
    expect(cache.get('h', 1)).toBeUndefined();
    cache.set('h', 1, alice, null);
    expect(cache.get('h', 1)).toBe(alice);
    expect(cache.get('h', 2)).toBeUndefined();
    cache.set('h', 1, alice, null); // loaded under an epoch already left behind: not stored
    expect(cache.get('h', 2)).toBeUndefined();
    cache.set('e', 2, alice, new Date(1_000));
    expect(cache.get('e', 2, 999)).toBe(alice);
    expect(cache.get('e', 2, 1_000)).toBeUndefined();
  });

  it('stays bounded', () => {
    const cache = new IdentityCache(2);
    cache.get('x', 1);
    for (const h of ['a', 'b', 'c']) cache.set(h, 1, alice, null);
    expect([cache.get('a', 1), cache.get('b', 1), cache.get('c', 1)]).toEqual([undefined, alice, alice]);
  });
});

describe('read plans', async () => {
  const schema = await buildAppSchema();
  const plan = (q: string, vars: Record<string, unknown> = {}, op?: string) => planRead(schema, q, op)?.dependencies(vars);

  it('caches stream reads with their dependencies', () => {
    expect(plan('query($n: String!) { imageStream(namespace: "a", name: $n) { metadata { name } status { tags { items { imageName } } } } }', { n: 'x' })).toEqual([{ stream: 'a/x' }]);
    expect(plan('{ imageStreams(namespace: "a") { nodes { metadata { name } } } all: imageStreams { totalCount } __typename }')).toEqual([{ namespace: 'a' }, 'all']);
    expect(plan('{ __typename }')).toEqual([]);
  });

  it('refuses what the change log does not describe', () => {
    expect(plan('{ imageStream(namespace: "a", name: "x") { status { tags { items { image { metadata { name } } } } } } }')).toBeUndefined();
    expect(plan('{ images { nodes { metadata { name } } } }')).toBeUndefined();
    expect(plan('{ whoAmI { user } }')).toBeUndefined();
    expect(plan('mutation { deleteImage(name: "x") { metadata { name } } }')).toBeUndefined();
    expect(plan('query A { __typename } query B { __typename }')).toBeUndefined();
    expect(plan('query A { __typename } query B { whoAmI { user } }', {}, 'B')).toBeUndefined();
    expect(plan('{ ... on Query { __typename } }')).toBeUndefined();
    // A continued list: its token may expire while the data stays the same.
    expect(plan('query($c: String) { imageStreams(after: $c) { totalCount } }', { c: 'token' })).toBeUndefined();
    expect(plan('query($c: String) { imageStreams(after: $c) { totalCount } }', {})).toEqual(['all']);
  });
});

describe('ChangeIndex', () => {
  it('says whether a stream, a namespace or anything changed after a version', () => {
    const index = new ChangeIndex();
    index.offer({ resourceVersion: 5, namespace: 'a', name: 'x' });
    expect(index.position).toBe(5);
    expect(index.changedAfter({ stream: 'a/x' }, 4)).toBe(true);
    expect(index.changedAfter({ stream: 'a/x' }, 5)).toBe(false);
    expect(index.changedAfter({ stream: 'a/y' }, 0)).toBe(false);
    expect(index.changedAfter({ namespace: 'a' }, 4)).toBe(true);
    expect(index.changedAfter({ namespace: 'b' }, 0)).toBe(false);
    expect(index.changedAfter('all', 4)).toBe(true);
    expect(index.changedAfter('all', 5)).toBe(false);
  });
});

describe('ResponseCache', () => {
  const at = (resourceVersion: number) => ({ resourceVersion, authEpoch: 0 });
  const answer = (body: string) => ({ body, contentType: 'application/json' });

  it('answers only while the index has seen the watermark and nothing it read changed', () => {
    const index = new ChangeIndex();
    const cache = new ResponseCache(index, 1_000);
    index.offer({ resourceVersion: 3, namespace: 'a', name: 'x' });
    cache.put('k', answer('x@3'), [{ stream: 'a/x' }], at(3));
    expect(cache.get('k', at(3))?.body).toBe('x@3');
    expect(cache.get('k', at(4))).toBeUndefined(); // version 4 committed, not yet seen here
    index.offer({ resourceVersion: 4, namespace: 'a', name: 'y' });
    expect(cache.get('k', at(4))?.body).toBe('x@3'); // another stream changed
    index.offer({ resourceVersion: 5, namespace: 'a', name: 'x' });
    expect(cache.get('k', at(5))).toBeUndefined();
  });

  it('keeps within its budget, oldest out first', () => {
    const cache = new ResponseCache(new ChangeIndex(), 10);
    cache.put('a', answer('1234'), [], at(0));
    cache.put('b', answer('1234'), [], at(0));
    cache.put('c', answer('1234'), [], at(0));
    expect([cache.get('a', at(0)), cache.get('b', at(0))?.body, cache.get('c', at(0))?.body]).toEqual([undefined, '1234', '1234']);
    cache.put('b', answer('12345678'), [], at(0)); // replacing frees the old body first
    expect([cache.get('b', at(0))?.body, cache.get('c', at(0))]).toEqual(['12345678', undefined]);
  });
});

import { describe, expect, it } from 'vitest';
import { ImportProgressHub } from '../../src/modules/import/import-progress.js';

const alice = { user: 'alice', groups: [] };
const bob = { user: 'bob', groups: [] };
const ID = 'progress-0001';

async function drain(it: AsyncIterableIterator<{ phase: string; tagsDone: number; tag?: string }>) {
  const seen: string[] = [];
  for await (const e of it) seen.push(`${e.phase}:${e.tagsDone}${e.tag ? `:${e.tag}` : ''}`);
  return seen;
}

describe('ImportProgressHub', () => {
  it("sends an import's events only to subscribers of its id who are the same user, and ends theirs at DONE", async () => {
    const hub = new ImportProgressHub();
    const mine = hub.subscribe(alice, ID);
    const otherUser = hub.subscribe(bob, ID);
    const otherId = hub.subscribe(alice, 'progress-0002');
    const r = hub.reporter(alice, ID);
    r.started(2);
    r.tagDone('a');
    r.tagDone('b', 'NotFound');
    r.finished();
    expect(await drain(mine)).toEqual(['WAITING:0', 'FETCHING:0', 'FETCHING:1:a', 'FETCHING:2:b', 'DONE:2']);
    // Bob's and the other id's subscriptions saw only WAITING and are still open.
    expect((await otherUser.next()).value).toMatchObject({ phase: 'WAITING' });
    expect((await otherId.next()).value).toMatchObject({ phase: 'WAITING' });
    await otherUser.return?.();
    await otherId.return?.();
  });

  it('refuses unbounded ids and reports nothing without one', () => {
    const hub = new ImportProgressHub();
    expect(() => hub.subscribe(alice, 'short')).toThrow(/progressId/);
    expect(() => hub.reporter(alice, 'x'.repeat(65))).toThrow(/progressId/);
    expect(() => hub.reporter(alice, undefined).finished()).not.toThrow();
  });
});

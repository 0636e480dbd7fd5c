import { describe, expect, it } from 'vitest';
import { KeyedLimiter } from '../../src/modules/import/image-fetcher.js';

describe('KeyedLimiter (fetches per registry)', () => {
  it('runs at most `limit` tasks per key at once, other keys independently', async () => {
    const limiter = new KeyedLimiter(2);
    const running = new Map<string, number>();
    const peak = new Map<string, number>();
    const releases: Array<() => void> = [];
    const task = (key: string) =>
      limiter.run(key, async () => {
        running.set(key, (running.get(key) ?? 0) + 1);
        peak.set(key, Math.max(peak.get(key) ?? 0, running.get(key)!));
        await new Promise<void>((r) => releases.push(r));
        running.set(key, running.get(key)! - 1);
      });
    const all = [...Array.from({ length: 5 }, () => task('a')), task('b')];
    // Release whatever is waiting until every task has finished.
    const done = Promise.all(all);
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) {
      await new Promise((r) => setImmediate(r));
      releases.splice(0).forEach((r) => r());
    }
    expect(peak.get('a')).toBe(2);
    expect(peak.get('b')).toBe(1);
  });

  it('a failing task frees its slot', async () => {
    const limiter = new KeyedLimiter(1);
    await expect(limiter.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run('a', async () => 'next')).toBe('next');
  });
});

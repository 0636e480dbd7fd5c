import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ImportImagesWithProgressDocument, ImportProgressDocument, type ImportProgressSubscription } from '../../generated/graphql.js';
import { MANY_TAGS } from '../../support/registry/fixtures.js';
import { prioritizeTags } from '../../../src/modules/import/tag-priority.rules.js';
import type { SuiteContext } from '../harness.js';
import type { ImportFixtures } from './import.suite.js';

type Progress = ImportProgressSubscription['importProgress'];

/** importProgress over a real graphql-ws connection, driven by a repository import of many tags. */
export function importProgressSuite(ctx: SuiteContext, fixtures: () => ImportFixtures): void {
  const subscribe = (progressId: string) => {
    const events: Progress[] = [];
    const errors: unknown[] = [];
    const client = createClient({ url: `${ctx.app.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${ctx.app.token}` }, retryAttempts: 0 });
    let onChange = () => {};
    let completed = false;
    client.subscribe<ImportProgressSubscription>(
      { query: print(ImportProgressDocument), variables: { progressId } },
      {
        next: (r) => {
          if (r.errors) errors.push(...r.errors);
          if (r.data) events.push(r.data.importProgress);
          onChange();
        },
        error: (e) => {
          errors.push(...(Array.isArray(e) ? e : [e]));
          onChange();
        },
        complete: () => {
          completed = true;
          onChange();
        },
      },
    );
    const until = (ready: () => boolean, what: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 20_000);
        onChange = () => {
          if (ready()) {
            clearTimeout(timer);
            resolve();
          }
        };
        onChange();
      });
    return { events, errors, until, isCompleted: () => completed, dispose: () => client.dispose() };
  };

  describe('importProgress', () => {
    it('reports WAITING, then each tag of a repository import as it finishes, then DONE, and completes', async () => {
      const progressId = randomUUID();
      const sub = subscribe(progressId);
      try {
        await sub.until(() => sub.events.length > 0, 'WAITING');
        expect(sub.events[0]).toEqual({ progressId, phase: 'WAITING', tagsTotal: 0, tagsDone: 0, tagsFailed: 0, tag: null, failureReason: null });
        const repo = `${fixtures().fx.open.host}/${fixtures().fx.images.manyTags.repository}`;
        const res = await ctx.client.ok(ImportImagesWithProgressDocument, {
          namespace: ctx.namespace('progress'),
          progressId,
          import: { metadata: { name: 'many' }, spec: { import: false, repository: { from: { kind: 'DockerImage', name: repo }, importPolicy: { insecure: true } } } },
        });
        expect(res.importImages.status.repository?.images).toHaveLength(50);
        await sub.until(sub.isCompleted, 'the subscription to complete');
        expect(sub.errors).toEqual([]);

        const [, started, ...rest] = sub.events;
        expect(started).toMatchObject({ phase: 'FETCHING', tagsTotal: 50, tagsDone: 0, tag: null });
        const perTag = rest.slice(0, -1);
        expect(perTag.map((e) => e.tagsDone)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        expect(perTag.every((e) => e.phase === 'FETCHING' && e.tagsTotal === 50 && e.tagsFailed === 0 && e.failureReason === null)).toBe(true);
        expect(new Set(perTag.map((e) => e.tag))).toEqual(new Set(prioritizeTags(MANY_TAGS).slice(0, 50)));
        expect(rest.at(-1)).toMatchObject({ phase: 'DONE', tagsTotal: 50, tagsDone: 50, tagsFailed: 0 });
      } finally {
        await sub.dispose();
      }
    });

    it('ends with DONE when the repository cannot be listed (no tag fetched)', async () => {
      const progressId = randomUUID();
      const sub = subscribe(progressId);
      try {
        await sub.until(() => sub.events.length > 0, 'WAITING');
        // A repository that does not exist: listing fails, no tag is fetched, and DONE still ends the subscription.
        const repo = `${fixtures().fx.open.host}/fixtures/no-such-repository`;
        await ctx.client.ok(ImportImagesWithProgressDocument, {
          namespace: ctx.namespace('progress'),
          progressId,
          import: { metadata: { name: 'none' }, spec: { import: false, repository: { from: { kind: 'DockerImage', name: repo }, importPolicy: { insecure: true } } } },
        });
        await sub.until(sub.isCompleted, 'the subscription to complete');
        expect(sub.errors).toEqual([]);
        expect(sub.events.map((e) => e.phase)).toEqual(['WAITING', 'DONE']);
      } finally {
        await sub.dispose();
      }
    });

    it('refuses an unbounded progress id with BAD_REQUEST and keeps serving', async () => {
      const sub = subscribe('x'.repeat(65));
      try {
        await sub.until(() => sub.errors.length > 0, 'an error');
        expect((sub.errors[0] as { extensions?: { code?: string } }).extensions?.code).toBe('BAD_REQUEST');
        expect(sub.events).toEqual([]);
      } finally {
        await sub.dispose();
      }
      expect(await ctx.client.errorCode(ImportImagesWithProgressDocument, { namespace: ctx.namespace('progress'), progressId: 'short', import: { metadata: { name: 'x' }, spec: { import: false, images: [] } } })).toBe('BAD_REQUEST');
    });
  });
}

import { describe, expect, it } from 'vitest';
import { createMetrics, operationLabeler } from '../../src/platform/metrics.js';

describe('operationLabeler', () => {
  it('keeps GraphQL names, and names what it cannot keep', () => {
    const label = operationLabeler(2);
    expect(label(undefined)).toBe('anonymous');
    expect(label('GetStream')).toBe('GetStream');
    expect(label('get stream')).toBe('other');
    expect(label('x'.repeat(65))).toBe('other');
    expect(label('ListStreams')).toBe('ListStreams');
    // The limit of distinct names is reached: new ones fold into "other", known ones stay.
    expect(label('ThirdName')).toBe('other');
    expect(label('GetStream')).toBe('GetStream');
  });
});

describe('createMetrics', () => {
  it('keeps each app in its own registry and adds pool gauges only for a pool', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.graphqlErrors.inc({ code: 'NOT_FOUND' });
    b.observePool(() => ({ total: 4, idle: 3, waiting: 1 }));
    const textA = (await a.scrape()).body;
    const textB = (await b.scrape()).body;
    expect(textA).toContain('imagestreams_graphql_errors_total{code="NOT_FOUND"} 1');
    expect(textB).not.toContain('code="NOT_FOUND"');
    expect(textA).not.toContain('imagestreams_db_pool_connections');
    expect(textB).toMatch(/^imagestreams_db_pool_connections 4$/m);
    expect(textB).toMatch(/^imagestreams_db_pool_idle_connections 3$/m);
    expect(textB).toMatch(/^imagestreams_db_pool_waiting_requests 1$/m);
  });
});

describe('observeWatch', () => {
  it('reports subscriptions and lag read once per scrape, and keeps answering when the lag cannot be read', async () => {
    const metrics = createMetrics();
    let reads = 0;
    let fail = false;
    metrics.observeWatch({
      subscriptions: () => 4,
      lag: async () => {
        reads++;
        if (fail) throw new Error('database unreachable');
        return { latest: 12, dispatched: 9, versions: 3, seconds: 2.5 };
      },
    });
    const first = (await metrics.scrape()).body;
    expect(first).toMatch(/^imagestreams_watch_subscriptions 4$/m);
    expect(first).toMatch(/^imagestreams_changelog_latest_resource_version 12$/m);
    expect(first).toMatch(/^imagestreams_watch_dispatched_resource_version 9$/m);
    expect(first).toMatch(/^imagestreams_watch_lag_versions 3$/m);
    expect(first).toMatch(/^imagestreams_watch_lag_seconds 2.5$/m);
    expect(reads).toBe(1);
    fail = true;
    const second = (await metrics.scrape()).body;
    expect(reads).toBe(2);
    expect(second).toMatch(/^imagestreams_watch_lag_versions 3$/m);
    expect(second).toMatch(/^imagestreams_watch_subscriptions 4$/m);
  });
});

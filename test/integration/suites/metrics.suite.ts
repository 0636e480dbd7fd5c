import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CreateStreamDocument, DeleteStreamDocument, ListStreamsDocument } from '../../generated/graphql.js';
import { metricValue } from '../../support/browser.js';
import { watchOverWebSocket } from '../../support/watch-client.js';
import type { SuiteContext } from '../harness.js';

/** /metrics: scraped as an operator would, checked for the counters this suite's own requests move. */
export function metricsSuite(ctx: SuiteContext): void {
  const scrape = async () => {
    const res = await fetch(`${ctx.app.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  describe('metrics', () => {
    it('counts requests by route and status, operations by name, and errors by code', async () => {
      const ns = ctx.namespace('metrics');
      const before = await scrape();
      await ctx.client.ok(ListStreamsDocument, { namespace: ns });
      await ctx.client.ok(ListStreamsDocument, { namespace: ns });
      expect(await ctx.client.errorCode(DeleteStreamDocument, { namespace: ns, name: 'absent' })).toBe('NOT_FOUND');
      expect(await ctx.client.withToken('not-a-token-of-this-service').errorCode(ListStreamsDocument, {})).toBe('UNAUTHENTICATED');
      expect(await ctx.client.errorCode('query Broken { nope }')).toBe('BAD_REQUEST');
      await fetch(`${ctx.app.url}/no/such/path`);
      const after = await scrape();

      const moved = (name: string, labels: Record<string, string>) => metricValue(after, name, labels) - metricValue(before, name, labels);
      expect(moved('imagestreams_graphql_operation_duration_seconds_count', { operation: 'ListStreams', type: 'query' })).toBe(2);
      expect(moved('imagestreams_graphql_operation_duration_seconds_count', { operation: 'DeleteStream', type: 'mutation' })).toBe(1);
      expect(moved('imagestreams_graphql_errors_total', { code: 'NOT_FOUND' })).toBe(1);
      expect(moved('imagestreams_graphql_errors_total', { code: 'UNAUTHENTICATED' })).toBe(1);
      expect(moved('imagestreams_graphql_errors_total', { code: 'BAD_REQUEST' })).toBe(1);
      // ListStreams x2 and DeleteStream (its error travels in a 200 GraphQL body).
      expect(moved('imagestreams_http_request_duration_seconds_count', { route: '/graphql', method: 'POST', status: '200' })).toBe(3);
      expect(moved('imagestreams_http_request_duration_seconds_count', { route: '/graphql', method: 'POST', status: '401' })).toBe(1);
      expect(moved('imagestreams_http_request_duration_seconds_count', { route: 'unmatched', method: 'GET', status: '404' })).toBe(1);
      // Unknown paths never become label values.
      expect(after).not.toContain('/no/such/path');
      expect(metricValue(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    });

    it('bounds the operation label: a name that is no GraphQL name is counted as other', async () => {
      const before = await scrape();
      const res = await fetch(`${ctx.app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.app.token}` },
        body: JSON.stringify({ query: '{ imageStreams(first: 1) { totalCount } }', operationName: 'x'.repeat(100) }),
      });
      expect(res.status).toBe(400);
      const after = await scrape();
      expect(after).not.toContain('x'.repeat(100));
      expect(metricValue(after, 'imagestreams_graphql_operation_duration_seconds_count', { operation: 'other', type: 'unknown' })).toBe(
        metricValue(before, 'imagestreams_graphql_operation_duration_seconds_count', { operation: 'other', type: 'unknown' }) + 1,
      );
    });

    it('counts open WebSocket connections on /graphql', async () => {
      const open = async () => metricValue(await scrape(), 'imagestreams_websocket_connections');
      const before = await open();
      const socket = new WebSocket(`${ctx.app.url.replace('http:', 'ws:')}/graphql`, 'graphql-transport-ws');
      const acked = new Promise<unknown>((resolve, reject) => {
        socket.once('message', (data) => resolve(JSON.parse(String(data))));
        socket.once('error', reject);
      });
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${ctx.app.token}` } }));
      expect(await acked).toEqual({ type: 'connection_ack' });
      expect(await open()).toBe(before + 1);
      socket.close();
      await expect.poll(open, { timeout: 5_000 }).toBe(before);
    });

    it('counts open watch subscriptions and reports the change-log lag, which a write moves and the feed closes', async () => {
      const ns = ctx.namespace('metrics-watch');
      const subscriptions = async () => metricValue(await scrape(), 'imagestreams_watch_subscriptions');
      const before = await scrape();
      const watch = watchOverWebSocket(ctx.app.url, ctx.app.token, { namespace: ns });
      await watch.received.until((r) => r.events.some((e) => e.type === 'BOOKMARK'), 'the initial-events bookmark');
      expect(await subscriptions()).toBe(metricValue(before, 'imagestreams_watch_subscriptions') + 1);

      const created = await ctx.client.ok(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name: 'lagging' } } });
      const version = Number(created.createImageStream.metadata.resourceVersion);
      await watch.received.changesCount(1);
      const after = await scrape();
      // The write is in the log and was dispatched (the watcher received it), so the feed is at least there.
      expect(metricValue(after, 'imagestreams_changelog_latest_resource_version')).toBeGreaterThanOrEqual(version);
      expect(metricValue(after, 'imagestreams_changelog_latest_resource_version')).toBeGreaterThan(metricValue(before, 'imagestreams_changelog_latest_resource_version'));
      expect(metricValue(after, 'imagestreams_watch_dispatched_resource_version')).toBeGreaterThanOrEqual(version);
      const lag = (t: string) => metricValue(t, 'imagestreams_changelog_latest_resource_version') - metricValue(t, 'imagestreams_watch_dispatched_resource_version');
      expect(metricValue(after, 'imagestreams_watch_lag_versions')).toBe(lag(after));
      // Other suites may write meanwhile: the feed catches up within its poll interval at most.
      let current = '';
      await expect.poll(async () => metricValue((current = await scrape()), 'imagestreams_watch_lag_versions'), { timeout: 5_000 }).toBe(0);
      // Read together with the versions: nothing pending means no age either.
      expect(current).toMatch(/^imagestreams_watch_lag_seconds 0$/m);

      await watch.close();
      await expect.poll(subscriptions, { timeout: 5_000 }).toBe(metricValue(before, 'imagestreams_watch_subscriptions'));
    });

    it('reports the connection pool on PostgreSQL, and no pool on PGlite', async () => {
      await ctx.client.ok(ListStreamsDocument, {});
      const text = await scrape();
      if (ctx.driver === 'postgres') {
        expect(metricValue(text, 'imagestreams_db_pool_connections')).toBeGreaterThanOrEqual(1);
        expect(text).toMatch(/^imagestreams_db_pool_idle_connections \d+$/m);
        expect(text).toMatch(/^imagestreams_db_pool_waiting_requests \d+$/m);
      } else {
        expect(text).not.toContain('imagestreams_db_pool_connections');
      }
    });
  });
}

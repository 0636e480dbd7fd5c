import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/platform/errors.js';
import { createLogger } from '../../src/platform/logger.js';
import type { Services } from '../../src/platform/services.js';
import { createRouter, type RouteDef } from '../../src/rest/router.js';

/**
 * The router's watch rendering (what the watch routes will plug into): chunked
 * lines, Table events for kubectl, ERROR events, timeoutSeconds. Public test
 * routes only, so no service is involved.
 */
describe('REST watch rendering', () => {
  let server: Server;
  let base: string;
  const routes: RouteDef[] = [
    {
      method: 'GET',
      path: '/test/events',
      public: true,
      handle: () => ({
        watch: {
          table: (object, first) => ({ kind: 'Table', columns: first ? ['Name'] : undefined, rows: [{ cells: [(object as { name: string }).name] }] }),
          run: async (emit) => {
            emit({ type: 'ADDED', object: { name: 'a' } });
            emit({ type: 'BOOKMARK', object: { rv: '7' } });
            emit({ type: 'DELETED', object: { name: 'b' } });
          },
        },
      }),
    },
    {
      method: 'GET',
      path: '/test/failing',
      public: true,
      handle: () => ({
        watch: {
          run: async (emit) => {
            emit({ type: 'ADDED', object: { name: 'a' } });
            throw new NotFoundError('imagestreams', 'x');
          },
        },
      }),
    },
    {
      method: 'GET',
      path: '/test/forever',
      public: true,
      handle: () => ({
        watch: {
          timeoutSeconds: 1,
          run: (_emit, signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())),
        },
      }),
    },
  ];

  beforeAll(async () => {
    const router = createRouter(routes, {} as Services, createLogger('silent'));
    server = createServer((req, res) => {
      void router(req, res, new URL(req.url ?? '/', 'http://localhost'), 'test');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const lines = async (path: string, accept?: string) => {
    const res = await fetch(`${base}${path}`, { headers: accept ? { accept } : {} });
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    return (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
  };

  it('writes one JSON event per line', async () => {
    expect(await lines('/test/events')).toEqual([
      { type: 'ADDED', object: { name: 'a' } },
      { type: 'BOOKMARK', object: { rv: '7' } },
      { type: 'DELETED', object: { name: 'b' } },
    ]);
  });

  it('renders object events as Table rows when asked, column definitions first only', async () => {
    const events = await lines('/test/events', 'application/json;as=Table;v=v1;g=meta.k8s.io');
    expect(events[0]).toEqual({ type: 'ADDED', object: { kind: 'Table', columns: ['Name'], rows: [{ cells: ['a'] }] } });
    expect(events[1]).toEqual({ type: 'BOOKMARK', object: { rv: '7' } });
    expect(events[2].object.columns).toBeUndefined();
  });

  it('ends a failing watch with an ERROR event holding the Status', async () => {
    const events = await lines('/test/failing');
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', reason: 'NotFound', code: 404 } });
  });

  it('ends the stream after timeoutSeconds', async () => {
    const started = Date.now();
    const res = await fetch(`${base}/test/forever`);
    expect(await res.text()).toBe('');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(5000);
  });
});

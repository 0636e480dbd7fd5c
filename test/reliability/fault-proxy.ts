import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A reverse proxy in front of a real registry that breaks the exchanges it
 * is told to break (issue 10 §3). The registry stays real: what passes
 * through is its own answer, altered only as the mode says.
 *
 * - `pass`: forwarded untouched;
 * - `timeout`: the connection is accepted and the request never answered;
 * - `reset`: the connection is reset (TCP RST) on receiving the request;
 * - `status500` / `status429`: the proxy answers 500, or 429 with `Retry-After: 1`;
 * - `digest`: the registry's manifest with one byte changed (a space becomes
 *   a tab: still JSON, different digest), its headers (`Docker-Content-Digest`) kept;
 * - `drip`: the registry's answer, `dripBytes` bytes every `dripEveryMs`;
 * - `hold`: forwarded only when `release()` is called (to keep imports in flight).
 */
export type FaultMode = 'pass' | 'timeout' | 'reset' | 'status500' | 'status429' | 'digest' | 'drip' | 'hold';

export interface ProxiedRequest {
  method: string;
  path: string;
  mode: FaultMode;
  at: number;
}

export interface FaultProxy {
  host: string;
  mode: FaultMode;
  /** Only requests whose path contains this are broken; the others pass (default: all). */
  only?: string;
  requests: ProxiedRequest[];
  /** Requests held in `hold` mode, not yet forwarded. */
  readonly held: number;
  /** Forwards up to `n` held requests (all by default); answers how many. */
  release(n?: number): number;
  /** Hangs up on every held request without forwarding it. */
  drop(): void;
  count(fragment: string, method?: string): number;
  stop(): Promise<void>;
}

export async function startFaultProxy(targetUrl: string, opts: { dripBytes?: number; dripEveryMs?: number } = {}): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const dripBytes = opts.dripBytes ?? 8;
  const dripEveryMs = opts.dripEveryMs ?? 100;
  const sockets = new Set<Socket>();
  const held: Array<{ go: () => void; res: ServerResponse }> = [];
  const timers = new Set<NodeJS.Timeout>();

  const forward = (req: IncomingMessage, res: ServerResponse, mode: FaultMode) => {
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (up) => {
      const ok = (up.statusCode ?? 0) >= 200 && (up.statusCode ?? 0) < 300;
      if (!ok || (mode !== 'digest' && mode !== 'drip') || req.method === 'HEAD') {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        const body = Buffer.concat(chunks);
        if (mode === 'digest') {
          // A space becomes a tab (the JSON still parses); a body without one gets its last byte flipped.
          const at = body.indexOf(0x20);
          if (at >= 0) body[at] = 0x09;
          else body[body.length - 1] ^= 1;
          res.writeHead(up.statusCode!, up.headers);
          res.end(body);
          return;
        }
        res.writeHead(up.statusCode!, up.headers);
        let sent = 0;
        const timer = setInterval(() => {
          if (res.destroyed || sent >= body.length) {
            clearInterval(timer);
            timers.delete(timer);
            if (!res.destroyed) res.end();
            return;
          }
          res.write(body.subarray(sent, sent + dripBytes));
          sent += dripBytes;
        }, dripEveryMs);
        timers.add(timer);
      });
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };

  const requests: ProxiedRequest[] = [];
  // What the tests set (mode, only) is read by every request as it arrives.
  const proxy: FaultProxy = {
    host: '',
    mode: 'pass',
    requests,
    get held() {
      return held.length;
    },
    release: (n = held.length) => {
      const batch = held.splice(0, n);
      for (const h of batch) h.go();
      return batch.length;
    },
    drop: () => {
      for (const h of held.splice(0)) h.res.destroy();
    },
    count: (fragment, method) => requests.filter((r) => r.path.includes(fragment) && (!method || r.method === method)).length,
    stop: async () => {
      for (const t of timers) clearInterval(t);
      held.length = 0;
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    const mode = proxy.only && !path.includes(proxy.only) ? 'pass' : proxy.mode;
    requests.push({ method: req.method ?? 'GET', path, mode, at: Date.now() });
    switch (mode) {
      case 'timeout':
        return; // accepted, read, never answered
      case 'reset':
        req.socket.resetAndDestroy();
        return;
      case 'status500':
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'UNKNOWN', message: 'injected fault' }] }));
        return;
      case 'status429':
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end(JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'injected fault' }] }));
        return;
      case 'hold':
        held.push({ go: () => forward(req, res, 'pass'), res });
        return;
      default:
        forward(req, res, mode);
    }
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  proxy.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

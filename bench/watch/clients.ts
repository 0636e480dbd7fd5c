/**
 * bench/watch client worker: holds a share of the subscribers, each its own
 * graphql-ws connection (the protocol spoken by hand over `ws`, so the
 * client costs as little CPU as possible), and answers the parent over IPC.
 * Started by run.ts with `fork`; never run alone.
 *
 * Times are wall-clock milliseconds (`performance.timeOrigin + now()`), the
 * same clock the parent stamps mutation responses with.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

export type ToWorker =
  | { cmd: 'open'; targets: Array<{ url: string; count: number }>; token: string; query: string; variables: Record<string, unknown> }
  | { cmd: 'track'; on: boolean }
  | { cmd: 'wait'; rv: number; timeoutMs: number }
  | { cmd: 'latencies'; responded: Array<[number, number]> }
  | { cmd: 'stats' }
  | { cmd: 'close' };

export type FromWorker =
  | { cmd: 'opened'; count: number }
  | { cmd: 'reached'; ok: boolean; behind: number }
  | { cmd: 'latencies'; values: number[] }
  | { cmd: 'stats'; messages: number; errors: number; closed: number; closeCodes: Record<string, number> }
  | { cmd: 'closed' }
  | { cmd: 'failed'; message: string };

interface Sub {
  socket: WebSocket;
  last: number;
}

const now = () => performance.timeOrigin + performance.now();
const RV = /"resourceVersion":"(\d+)"/;
const subs: Sub[] = [];
let messages = 0;
let errors = 0;
let closed = 0;
const closeCodes: Record<string, number> = {};
let tracking = false;
/** rv → receive times, while tracking. */
const received = new Map<number, number[]>();
let waiting: { rv: number; behind: number; done(ok: boolean): void } | undefined;

const send = (m: FromWorker) => process.send!(m);

function open(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false, skipUTF8Validation: true });
    const sub: Sub = { socket, last: 0 };
    let subscribed = false;
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.on('error', (e) => (subscribed ? undefined : reject(e)));
    socket.on('close', (code) => {
      closed++;
      closeCodes[code] = (closeCodes[code] ?? 0) + 1;
      if (!subscribed) reject(new Error(`closed with ${code} before subscribing`));
    });
    socket.on('message', (data: Buffer) => {
      const text = data.toString();
      if (!subscribed) {
        if (text.includes('"connection_ack"')) {
          socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
          subscribed = true;
          subs.push(sub);
          resolve();
        }
        return;
      }
      const at = now();
      messages++;
      const m = RV.exec(text);
      if (!m) {
        if (text.includes('"errors"') || text.includes('"type":"error"')) errors++;
        return;
      }
      const rv = Number(m[1]);
      if (tracking) {
        let list = received.get(rv);
        if (!list) received.set(rv, (list = []));
        list.push(at);
      }
      const before = sub.last;
      if (rv > before) sub.last = rv;
      if (waiting && before < waiting.rv && rv >= waiting.rv && --waiting.behind === 0) waiting.done(true);
    });
  });
}

process.on('message', (msg: ToWorker) => {
  void (async () => {
    try {
      switch (msg.cmd) {
        case 'open': {
          // A few hundred handshakes at a time: the server's accept queue is not what we measure.
          const all: string[] = msg.targets.flatMap((t) => Array.from({ length: t.count }, () => t.url));
          for (let i = 0; i < all.length; i += 200) {
            await Promise.all(all.slice(i, i + 200).map((url) => open(url, msg.token, msg.query, msg.variables)));
          }
          send({ cmd: 'opened', count: subs.length });
          return;
        }
        case 'track':
          tracking = msg.on;
          return;
        case 'wait': {
          const behind = subs.filter((s) => s.last < msg.rv).length;
          if (behind === 0) return send({ cmd: 'reached', ok: true, behind: 0 });
          const timer = setTimeout(() => waiting?.done(false), msg.timeoutMs);
          waiting = {
            rv: msg.rv,
            behind,
            done: (ok) => {
              clearTimeout(timer);
              const left = waiting!.behind;
              waiting = undefined;
              send({ cmd: 'reached', ok, behind: left });
            },
          };
          return;
        }
        case 'latencies': {
          const values: number[] = [];
          for (const [rv, at] of msg.responded) for (const t of received.get(rv) ?? []) values.push(t - at);
          received.clear();
          send({ cmd: 'latencies', values });
          return;
        }
        case 'stats':
          send({ cmd: 'stats', messages, errors, closed, closeCodes });
          return;
        case 'close':
          for (const s of subs) s.socket.terminate();
          send({ cmd: 'closed' });
          setImmediate(() => process.exit(0));
          return;
      }
    } catch (e) {
      send({ cmd: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  })();
});

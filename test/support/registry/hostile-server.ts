import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Socket } from 'node:net';

/**
 * Misbehaving servers for the cases a real registry cannot produce: wrong
 * bodies, endless bodies, silence, hostile redirects. Each counts the TCP
 * connections it accepted, so tests can prove that nothing connected.
 */
export interface TestServer {
  host: string;
  url: string;
  port: number;
  connections: number;
  requests: string[];
  stop(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

function closeAll(server: Server | ReturnType<typeof createTcpServer>, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Plain HTTP, or HTTPS with the given (e.g. self-signed) certificate. */
export async function startHttpServer(handler: Handler, tls?: { cert: string; key: string }): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const state = { connections: 0, requests: [] as string[] };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    state.requests.push(`${req.method} ${req.url}`);
    Promise.resolve(handler(req, res)).catch(() => res.destroy());
  };
  const server: Server = tls ? createHttpsServer(tls, onRequest) : createServer(onRequest);
  server.on(tls ? 'secureConnection' : 'connection', (s: Socket) => {
    state.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    host: `127.0.0.1:${port}`,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    get connections() {
      return state.connections;
    },
    requests: state.requests,
    stop: () => closeAll(server, sockets),
  };
}

/** A socket that accepts connections and never says anything: counts who knocked. */
export async function startSilentServer(): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const state = { connections: 0 };
  const server = createTcpServer((s) => {
    state.connections++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return state.connections;
    },
    requests: [],
    stop: () => closeAll(server, sockets),
  };
}

/**
 * Writes `total` bytes of JSON-looking garbage, honouring back-pressure, and
 * reports how much the client actually accepted before hanging up.
 */
export function streamEndless(res: ServerResponse, total: number, onDone: (written: number) => void): void {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let written = 0;
  let finished = false;
  const finish = () => {
    if (!finished) {
      finished = true;
      onDone(written);
    }
  };
  res.on('close', finish);
  const pump = () => {
    while (written < total && !res.destroyed) {
      written += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (written >= total) res.end(finish);
  };
  pump();
}

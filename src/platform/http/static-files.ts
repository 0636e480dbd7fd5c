import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

function plain(res: ServerResponse, status: number, message: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(message);
}

/**
 * Serves the built UI (console/dist) read-only. Paths are resolved inside
 * the root and refused otherwise (no `..`, no encoded escapes, no dot
 * files); Vite's hashed files under assets/ are cached for a year, HTML
 * must be revalidated so a new build is picked up at once.
 */
export class StaticFiles {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The absolute file for a path relative to the root, or undefined when it would leave it. */
  resolveInside(relative: string): string | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(relative);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
    if (decoded.split('/').some((part) => part.startsWith('.'))) return undefined;
    const file = resolve(this.root, `.${sep}${decoded}`);
    return file.startsWith(this.root + sep) ? file : undefined;
  }

  /** Sends `relative` (a path inside the root); 404 when absent, 503 when the UI was never built. */
  async send(req: IncomingMessage, res: ServerResponse, relative: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return plain(res, 405, 'method not allowed');
    }
    const file = this.resolveInside(relative);
    if (!file) return plain(res, 404, 'not found');
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) {
      const built = await stat(this.root).catch(() => undefined);
      if (!built) return plain(res, 503, 'the web UI is not built: run `npm --prefix console ci && npm --prefix console run build`');
      return plain(res, 404, 'not found');
    }
    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    res.statusCode = 200;
    res.setHeader('content-type', type);
    res.setHeader('content-length', info.size);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('last-modified', info.mtime.toUTCString());
    const hashed = relative.startsWith('assets/');
    res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (type.startsWith('text/html')) res.setHeader('referrer-policy', 'no-referrer');
    if (req.method === 'HEAD') return void res.end();
    await new Promise<void>((done, fail) => {
      const stream = createReadStream(file);
      stream.on('error', fail);
      res.on('close', () => {
        stream.destroy();
        done();
      });
      stream.pipe(res);
    });
  }
}

/** True for a browser navigation: it asks for HTML, while GraphQL clients ask for JSON. */
export function wantsHtml(req: IncomingMessage, url: URL): boolean {
  if (req.method !== 'GET' || url.searchParams.has('query')) return false;
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html');
}

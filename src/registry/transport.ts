import { setTimeout as delay } from 'node:timers/promises';
import { Agent, buildConnector, errors as undiciErrors, request, type Dispatcher } from 'undici';
import { isIpLiteral } from './address.js';
import { RegistryError, RegistryForbiddenError, RegistryHttpOnlyError, RegistryInternalError, TooLargeError } from './errors.js';
import type { FetchGuard } from './fetch-guard.js';

/**
 * HTTP for the registry client: keep-alive pools (one verifying TLS, one
 * not, for `insecure`), guarded connections, manual redirects, bounded
 * retries, timeouts, and bodies read under a byte cap while streaming.
 */
export interface Timeouts {
  /** TCP + TLS handshake. */
  connectMs: number;
  /** From sending the request to the response headers. */
  headersMs: number;
  /** Longest silence between two body chunks. */
  bodyMs: number;
  /** Whole request, redirects and body included (a slow drip cannot outlast it). */
  requestMs: number;
}

export interface RetryPolicy {
  /** Retries after the first attempt (the reference: 2). */
  retries: number;
  /** First back-off; doubles each retry. 429 answers honour `Retry-After` up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export type RequestPurpose = 'ping' | 'token' | 'manifest' | 'blob' | 'tags';

/** One event per HTTP exchange attempted (retries and redirects each count). */
export interface RequestEvent {
  purpose: RequestPurpose;
  method: string;
  url: string;
  status?: number;
  error?: Error;
  /** Seconds from sending the request to its response headers (or its failure). */
  durationSeconds: number;
}

export interface TransportOptions {
  guard: FetchGuard;
  timeouts: Timeouts;
  retry: RetryPolicy;
  maxRedirects: number;
  onRequest?: (event: RequestEvent) => void;
  /** Called for every socket the connector opens: IP literals were checked already, names are checked as they resolve. */
  onConnect?: (host: string, port: string) => void;
}

export interface TransportRequest {
  url: URL;
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  insecure: boolean;
  purpose: RequestPurpose;
  /** Cap for a 2xx body; non-2xx bodies are read up to 64 KiB and truncated silently. */
  maxBytes: number;
  /** What the body is, for the too-large message. */
  what: string;
}

export interface TransportResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The URL that answered (after redirects). */
  url: URL;
}

const ERROR_BODY_LIMIT = 64 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);

export class Transport {
  private readonly secure: Agent;
  private readonly insecure: Agent;

  constructor(private readonly options: TransportOptions) {
    this.secure = this.agent(true);
    this.insecure = this.agent(false);
  }

  private agent(rejectUnauthorized: boolean): Agent {
    const { guard, timeouts, onConnect } = this.options;
    const base = buildConnector({ rejectUnauthorized, timeout: timeouts.connectMs, lookup: guard.connectLookup });
    // IP literals never reach `lookup` (net connects to them directly), so they are checked here.
    const connect: buildConnector.connector = (opts, callback) => {
      if (isIpLiteral(opts.hostname)) {
        try {
          guard.checkAddress(opts.hostname);
        } catch (err) {
          callback(err as Error, null);
          return;
        }
      }
      onConnect?.(opts.hostname, opts.port);
      return base(opts, callback);
    };
    return new Agent({
      connect,
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
      keepAliveTimeout: 30_000,
      connections: 16,
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.secure.close(), this.insecure.close()]);
  }

  /** Sends with retries and redirects; throws RegistryError for transport failures, returns any HTTP status. */
  async send(req: TransportRequest): Promise<TransportResponse> {
    const { retry } = this.options;
    const signal = AbortSignal.timeout(this.options.timeouts.requestMs);
    for (let attempt = 0; ; attempt++) {
      let res: TransportResponse;
      try {
        res = await this.followRedirects(req, signal);
      } catch (err) {
        if (attempt < retry.retries && isRetryableNetworkError(err) && !signal.aborted) {
          await this.backoff(attempt, undefined, signal);
          continue;
        }
        throw err;
      }
      if ((res.status === 429 || res.status >= 500) && attempt < retry.retries) {
        await this.backoff(attempt, res.status === 429 ? retryAfterMs(res.headers['retry-after']) : undefined, signal);
        continue;
      }
      return res;
    }
  }

  private async backoff(attempt: number, suggestedMs: number | undefined, signal: AbortSignal): Promise<void> {
    const { baseDelayMs, maxDelayMs } = this.options.retry;
    const ms = Math.min(maxDelayMs, suggestedMs ?? baseDelayMs * 2 ** attempt);
    try {
      await delay(ms, undefined, { signal });
    } catch {
      throw timeoutError(this.options.timeouts.requestMs);
    }
  }

  private async followRedirects(req: TransportRequest, signal: AbortSignal): Promise<TransportResponse> {
    const { guard, maxRedirects } = this.options;
    let url = req.url;
    let headers = { ...req.headers };
    for (let hop = 0; ; hop++) {
      const res = await this.once(req, url, headers, signal);
      if (!REDIRECTS.has(res.status)) return res;
      const location = header(res.headers, 'location');
      if (!location) return res;
      if (hop >= maxRedirects) {
        throw new RegistryInternalError(`too many redirects (more than ${maxRedirects}) from ${req.url.host}`, 'invalidResponse');
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new RegistryInternalError(`invalid redirect location from ${url.host}`, 'invalidResponse');
      }
      guard.checkFollowUp(next, 'redirect to', req.insecure);
      // Credentials belong to the registry: never hand them to another origin (blob storage, CDN).
      if (next.origin !== url.origin) {
        const { authorization: _dropped, ...rest } = headers;
        headers = rest;
      }
      url = next;
    }
  }

  private async once(req: TransportRequest, url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<TransportResponse> {
    const method = req.method ?? 'GET';
    const started = performance.now();
    const event: RequestEvent = { purpose: req.purpose, method, url: url.toString(), durationSeconds: 0 };
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method,
        headers: { 'user-agent': 'imagestreams', ...headers },
        dispatcher: req.insecure ? this.insecure : this.secure,
        signal,
      });
    } catch (err) {
      const mapped = mapNetworkError(err, url, signal, this.options.timeouts.requestMs);
      event.error = mapped;
      event.durationSeconds = (performance.now() - started) / 1000;
      this.options.onRequest?.(event);
      throw mapped;
    }
    event.status = res.statusCode;
    event.durationSeconds = (performance.now() - started) / 1000;
    this.options.onRequest?.(event);
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    const limit = ok ? req.maxBytes : ERROR_BODY_LIMIT;
    const declared = Number(header(res.headers, 'content-length'));
    if (ok && method !== 'HEAD' && Number.isFinite(declared) && declared > limit) {
      res.body.destroy();
      throw new TooLargeError(req.what, limit);
    }
    const body = method === 'HEAD' ? Buffer.alloc(0) : await readCapped(res.body, limit, ok, req.what, url, signal, this.options.timeouts.requestMs);
    return { status: res.statusCode, headers: res.headers, body, url };
  }
}

/**
 * Reads at most `limit` bytes. Over the cap: a 2xx body fails with TooLarge
 * and the connection is dropped (the rest is never read); an error body is
 * truncated. A `Content-Length` over the cap fails before reading at all.
 */
async function readCapped(
  body: Dispatcher.ResponseData['body'],
  limit: number,
  strict: boolean,
  what: string,
  url: URL,
  signal: AbortSignal,
  requestMs: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      if (total + buf.length > limit) {
        body.destroy();
        if (strict) throw new TooLargeError(what, limit);
        chunks.push(buf.subarray(0, limit - total));
        total = limit;
        break;
      }
      chunks.push(buf);
      total += buf.length;
    }
  } catch (err) {
    if (err instanceof RegistryError) throw err;
    throw mapNetworkError(err, url, signal, requestMs);
  }
  return Buffer.concat(chunks, total);
}

export function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function isRetryableNetworkError(err: unknown): boolean {
  return err instanceof RegistryInternalError && err.kind === 'network' && err.temporary;
}

function timeoutError(requestMs: number): RegistryInternalError {
  return new RegistryInternalError(`the registry did not answer within ${requestMs} ms`, 'timeout', { temporary: true });
}

const TLS_HTTP_ONLY = /wrong version number|packet length too long|unknown protocol|http request/i;

export function mapNetworkError(err: unknown, url: URL, signal: AbortSignal, requestMs: number): RegistryError {
  if (err instanceof RegistryError) return err;
  if (signal.aborted) return timeoutError(requestMs);
  const e = err as Error & { code?: string; cause?: unknown };
  // The connector's guard refusal surfaces as-is, sometimes wrapped once.
  if (e?.cause instanceof RegistryForbiddenError) return e.cause;
  const code = e?.code ?? '';
  const message = e?.message ?? String(err);
  if (err instanceof undiciErrors.ConnectTimeoutError) {
    return new RegistryInternalError(`connecting to ${url.host} timed out`, 'timeout', { cause: err, temporary: true });
  }
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
    return new RegistryInternalError(`${url.host} stopped answering (${message})`, 'timeout', { cause: err, temporary: true });
  }
  if (url.protocol === 'https:' && (code === 'EPROTO' || code.startsWith('ERR_SSL')) && TLS_HTTP_ONLY.test(message)) {
    return new RegistryHttpOnlyError(`the registry ${url.host} is HTTP only and requires the insecure flag to import`);
  }
  if (/CERT|SELF_SIGNED|ERR_TLS|UNABLE_TO_VERIFY|ALTNAME/.test(code)) {
    return new RegistryInternalError(`tls: certificate is not valid for ${url.host}: ${message}`, 'tls', { cause: err });
  }
  return new RegistryInternalError(`${url.host}: ${message}${code ? ` (${code})` : ''}`, 'network', {
    cause: err,
    temporary: RETRYABLE_CODES.has(code),
  });
}

import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  non2xx: number;
}

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections?: number;
  durationSeconds?: number;
  /** Requests to send in all instead of a duration (for smoke runs). */
  amount?: number;
  /** A distinct body per request (the n-th request sends `bodyFor(n)`), e.g. for writes that must not repeat. */
  bodyFor?: (n: number) => string;
  /** Seconds before a request counts as timed out (autocannon's default: 10). */
  timeoutSeconds?: number;
}

/** One autocannon run from this process against a server in another process. */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: opts.url,
    method: opts.method ?? 'GET',
    headers: opts.headers,
    body: opts.body,
    ...(opts.bodyFor ? { requests: [{ setupRequest: varyBody(opts.bodyFor) }] } : {}),
    connections: opts.connections ?? 10,
    ...(opts.timeoutSeconds ? { timeout: opts.timeoutSeconds } : {}),
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.durationSeconds ?? 5 }),
  });
  return {
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}

function varyBody(bodyFor: (n: number) => string) {
  let n = 0;
  return (req: { body?: string }) => ({ ...req, body: bodyFor(n++) });
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

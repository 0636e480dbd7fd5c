// The package ships no types; this is the part the benchmarks use.
declare module 'autocannon' {
  interface Histogram { average: number; p50: number; p99: number; mean: number }
  interface Result { requests: Histogram; latency: Histogram; errors: number; timeouts: number; non2xx: number; throughput: Histogram }
  interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    duration?: number;
    amount?: number;
    /** Seconds before a request counts as timed out (default 10). */
    timeout?: number;
    requests?: Array<{ method?: string; body?: string; setupRequest?: (req: { method?: string; path?: string; body?: string; headers?: Record<string, string> }) => unknown }>;
  }
  function autocannon(opts: Options): Promise<Result>;
  export default autocannon;
}

/** A plain-HTTP client for the REST edge in tests: every answer keeps its status, headers and raw text. */
export interface RestResponse<T = any> {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON when it is JSON, else undefined. */
  body: T;
}

export interface RestRequestOptions {
  body?: unknown;
  /** Sent as is (for duplicate keys, YAML, malformed JSON). */
  rawBody?: string;
  contentType?: string;
  accept?: string;
  token?: string | null;
}

export class RestClient {
  constructor(readonly baseUrl: string, readonly token?: string) {}

  withToken(token: string | undefined): RestClient {
    return new RestClient(this.baseUrl, token);
  }

  async request<T = any>(method: string, path: string, opts: RestRequestOptions = {}): Promise<RestResponse<T>> {
    const headers: Record<string, string> = {};
    const token = opts.token === undefined ? this.token : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.accept) headers.accept = opts.accept;
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown;
    if ((res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, text, body: parsed as T };
  }

  get<T = any>(path: string, opts?: RestRequestOptions) {
    return this.request<T>('GET', path, opts);
  }
  post<T = any>(path: string, body: unknown, opts?: RestRequestOptions) {
    return this.request<T>('POST', path, { body, ...opts });
  }
  put<T = any>(path: string, body: unknown, opts?: RestRequestOptions) {
    return this.request<T>('PUT', path, { body, ...opts });
  }
  patch<T = any>(path: string, body: unknown, contentType: string, opts?: RestRequestOptions) {
    return this.request<T>('PATCH', path, { body, contentType, ...opts });
  }
  delete<T = any>(path: string, opts?: RestRequestOptions) {
    return this.request<T>('DELETE', path, opts);
  }
}

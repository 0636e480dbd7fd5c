import { createHash } from 'node:crypto';
import {
  DigestMismatchError,
  NotV2RegistryError,
  RegistryError,
  RegistryForbiddenError,
  RegistryInternalError,
  RegistryNotFoundError,
  RegistryUnauthorizedError,
} from './errors.js';
import { noCredentials, type CredentialLookup, type Credentials } from './credentials.js';
import type { FetchGuard } from './fetch-guard.js';
import { algorithmOf, digestOf, MANIFEST_ACCEPT, parseManifest, type ParsedManifest } from './manifest.js';
import { isValidTag, validateDigest, type RegistryReference } from './reference.js';
import { TokenCache } from './token-cache.js';
import { header, Transport, type RequestEvent, type RequestPurpose, type RetryPolicy, type Timeouts, type TransportResponse } from './transport.js';
import { findChallenge, parseWwwAuthenticate, type Challenge } from './www-authenticate.js';

export const DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export interface RegistryClientOptions {
  guard: FetchGuard;
  maxManifestBytes?: number;
  maxConfigBytes?: number;
  /** Upper bound on tags read from one repository (memory bound for hostile registries). */
  maxTags?: number;
  /** `n` sent on tag listing; unset lets the registry choose its page size. */
  tagPageSize?: number;
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryPolicy>;
  maxRedirects?: number;
  /** Hook per HTTP exchange, for metrics and benchmarks. */
  onRequest?: (event: RequestEvent) => void;
  onConnect?: (host: string, port: string) => void;
}

/** How one repository is reached: TLS policy and the caller's credentials. */
export interface RepositoryAccess {
  /** Plain HTTP or unverified TLS allowed (importPolicy.insecure). */
  insecure?: boolean;
  credentials?: CredentialLookup;
}

export interface PingResult {
  /** `https://host[:port]` or, for insecure registries that answer only plain HTTP, `http://...`. */
  baseUrl: string;
  challenges: Challenge[];
}

export interface FetchedManifest {
  /** Digest of the bytes (verified against the requested digest / `Docker-Content-Digest`). */
  digest: string;
  mediaType: string;
  bytes: Buffer;
  manifest: ParsedManifest;
}

export interface FetchedBlob {
  digest: string;
  bytes: Buffer;
}

const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000, requestMs: 60_000 };
// The reference retries temporary errors twice (5 s after 5xx, 2 s after 429); one doubling back-off serves both.
const DEFAULT_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 1_000, maxDelayMs: 5_000 };
const PING_TTL_MS = 5 * 60_000;

/**
 * A client for the container registry HTTP API (distribution spec), for
 * reading image metadata: ping, auth (anonymous, Basic, Bearer tokens),
 * manifests, config blobs, tags. Every fetched manifest and blob is verified
 * against its digest; every failure is a typed RegistryError.
 */
export class RegistryClient {
  private readonly transport: Transport;
  private readonly tokens = new TokenCache();
  private readonly pings = new Map<string, { at: number; result: Promise<PingResult> }>();
  private readonly guard: FetchGuard;
  private readonly maxManifestBytes: number;
  private readonly maxConfigBytes: number;
  private readonly maxTags: number;
  private readonly tagPageSize?: number;

  constructor(options: RegistryClientOptions) {
    this.guard = options.guard;
    this.maxManifestBytes = options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
    this.maxConfigBytes = options.maxConfigBytes ?? DEFAULT_MAX_CONFIG_BYTES;
    this.maxTags = options.maxTags ?? 100_000;
    this.tagPageSize = options.tagPageSize;
    this.transport = new Transport({
      guard: options.guard,
      timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
      retry: { ...DEFAULT_RETRY, ...options.retry },
      maxRedirects: options.maxRedirects ?? 5,
      onRequest: options.onRequest,
      onConnect: options.onConnect,
    });
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  /**
   * `GET /v2/`: whether the registry speaks the v2 API and how it wants to be
   * authenticated. Cached per (endpoint, insecure) for a few minutes.
   */
  async ping(ref: Pick<RegistryReference, 'registry' | 'endpoint'>, access: RepositoryAccess = {}): Promise<PingResult> {
    const insecure = access.insecure ?? false;
    this.guard.checkRegistry(ref.registry, insecure);
    const key = `${ref.endpoint}|${insecure}`;
    const cached = this.pings.get(key);
    if (cached && Date.now() - cached.at < PING_TTL_MS) return cached.result;
    const result = this.doPing(ref.endpoint, insecure);
    // Registries are named by users: keep the cache bounded (oldest first out).
    if (this.pings.size >= 1024) this.pings.delete(this.pings.keys().next().value!);
    this.pings.set(key, { at: Date.now(), result });
    result.catch(() => this.pings.delete(key));
    return result;
  }

  private async doPing(endpoint: string, insecure: boolean): Promise<PingResult> {
    try {
      return await this.pingAt(`https://${endpoint}`, insecure);
    } catch (err) {
      // Insecure registries may speak plain HTTP only (reference §5.6); a refusal or timeout is final.
      const fallBack = insecure && err instanceof RegistryError && !(err instanceof RegistryForbiddenError) && !(err instanceof RegistryInternalError && err.kind === 'timeout');
      if (!fallBack) throw err;
      return this.pingAt(`http://${endpoint}`, insecure);
    }
  }

  private async pingAt(baseUrl: string, insecure: boolean): Promise<PingResult> {
    const res = await this.transport.send({ url: new URL('/v2/', baseUrl), insecure, purpose: 'ping', maxBytes: 64 * 1024, what: 'ping response' });
    if (res.status === 404) throw new NotV2RegistryError(`registry "${new URL(baseUrl).host}" does not support the v2 Registry API`);
    if (res.status === 200 || res.status === 401) {
      return { baseUrl, challenges: parseWwwAuthenticate(res.headers['www-authenticate']) };
    }
    throw statusError(res, 'ping', 'none');
  }

  /** A manifest by tag or digest; `reference` defaults to the reference's digest, else its tag. */
  async getManifest(ref: RegistryReference, access: RepositoryAccess = {}, reference = ref.digest || ref.tag): Promise<FetchedManifest> {
    const byDigest = reference.includes(':');
    checkPathElement(reference, byDigest);
    const res = await this.get(ref, access, `manifests/${reference}`, 'manifest', this.maxManifestBytes, 'manifest', { accept: MANIFEST_ACCEPT });
    const algorithm = byDigest ? algorithmOf(reference) : 'sha256';
    let manifest: ParsedManifest | undefined;
    let parseError: unknown;
    try {
      manifest = parseManifest(res.body, header(res.headers, 'content-type'));
    } catch (err) {
      parseError = err;
    }
    // Schema 1 digests cover the payload without signatures; everything else the exact bytes.
    const digest = digestOf(manifest?.kind === 'schema1' ? manifest.payload : res.body, algorithm);
    // Integrity first: content that is not what was asked for is reported as such, parsable or not.
    if (byDigest && digest !== reference) throw new DigestMismatchError(reference, digest);
    const advertised = header(res.headers, 'docker-content-digest');
    if (!byDigest && advertised && advertised.startsWith('sha256:') && advertised !== digest) {
      throw new DigestMismatchError(advertised, digest);
    }
    if (!manifest) throw parseError;
    return { digest, mediaType: manifest.mediaType, bytes: res.body, manifest };
  }

  /** A blob (the image config), verified against its digest, at most `maxConfigBytes`. */
  async getConfig(ref: RegistryReference, digest: string, access: RepositoryAccess = {}): Promise<FetchedBlob> {
    checkPathElement(digest, true);
    const res = await this.get(ref, access, `blobs/${digest}`, 'blob', this.maxConfigBytes, 'image config');
    const actual = digestOf(res.body, algorithmOf(digest));
    if (actual !== digest) throw new DigestMismatchError(digest, actual, 'blob');
    return { digest, bytes: res.body };
  }

  /** `HEAD` of a blob: its size (for layer sizes missing from a manifest, reference §5.4). */
  async statBlob(ref: RegistryReference, digest: string, access: RepositoryAccess = {}): Promise<{ size: number }> {
    checkPathElement(digest, true);
    const res = await this.get(ref, access, `blobs/${digest}`, 'blob', 0, 'blob', {}, 'HEAD');
    const size = Number(header(res.headers, 'content-length'));
    if (!Number.isFinite(size) || size < 0) throw new RegistryInternalError(`no size for blob ${digest}`, 'invalidResponse');
    return { size };
  }

  /** Every tag of the repository, following `Link: <...>; rel="next"` pages on the same origin. */
  async listTags(ref: RegistryReference, access: RepositoryAccess = {}): Promise<string[]> {
    const tags: string[] = [];
    const seen = new Set<string>();
    let path = `tags/list${this.tagPageSize ? `?n=${this.tagPageSize}` : ''}`;
    let next: URL | undefined;
    for (;;) {
      const res = await this.get(ref, access, path, 'tags', this.maxManifestBytes, 'tag list', {}, 'GET', next);
      let body: { tags?: unknown };
      try {
        body = JSON.parse(res.body.toString('utf8')) as { tags?: unknown };
      } catch {
        throw new RegistryInternalError('invalid tag list: not JSON', 'invalidResponse');
      }
      const page = Array.isArray(body.tags) ? body.tags.filter((t): t is string => typeof t === 'string') : [];
      tags.push(...page);
      if (tags.length > this.maxTags) throw new RegistryInternalError(`the repository lists more than ${this.maxTags} tags`, 'tooLarge');
      const link = nextLink(header(res.headers, 'link'));
      if (!link || page.length === 0) return tags;
      const target = new URL(link, res.url);
      if (target.origin !== res.url.origin) throw new RegistryForbiddenError(`forbidden: tag list page on another host ${target.host}`);
      if (seen.has(target.href)) return tags; // a registry looping its pages
      seen.add(target.href);
      next = target;
      path = '';
    }
  }

  /**
   * GET/HEAD `<base>/v2/<repository>/<path>` with the registry's auth scheme;
   * maps non-2xx answers onto typed errors.
   */
  private async get(
    ref: RegistryReference,
    access: RepositoryAccess,
    path: string,
    purpose: RequestPurpose,
    maxBytes: number,
    what: string,
    headers: Record<string, string> = {},
    method: 'GET' | 'HEAD' = 'GET',
    absolute?: URL,
  ): Promise<TransportResponse> {
    const insecure = access.insecure ?? false;
    const ping = await this.ping(ref, access);
    const url = absolute ?? new URL(`/v2/${ref.repository}/${path}`, ping.baseUrl);
    const credentials = (access.credentials ?? noCredentials)(ref.registry);
    const scope = `repository:${ref.repository}:pull`;
    let auth = await this.authorization(ping.challenges, scope, credentials, insecure, false);
    const send = () =>
      this.transport.send({ url, method, headers: { ...headers, ...(auth ? { authorization: auth } : {}) }, insecure, purpose, maxBytes, what });
    let res = await send();
    if (res.status === 401) {
      // A token may have expired early, or the registry wants another scope: one fresh token, one retry.
      const challenge = findChallenge(parseWwwAuthenticate(res.headers['www-authenticate']), 'bearer');
      if (challenge && auth?.startsWith('Bearer ')) {
        auth = await this.authorization([challenge], challenge.params.scope || scope, credentials, insecure, true);
        res = await send();
      } else if (!auth) {
        // The ping was open but this repository is not: answer its challenge once.
        const challenges = parseWwwAuthenticate(res.headers['www-authenticate']);
        auth = await this.authorization(challenges, challenge?.params.scope || scope, credentials, insecure, false);
        if (auth) res = await send();
      }
    }
    if (res.status >= 200 && res.status < 300) return res;
    const scheme = !credentials ? 'none' : auth?.startsWith('Basic ') ? 'basic' : 'bearer';
    throw statusError(res, what, scheme);
  }

  private async authorization(
    challenges: Challenge[],
    scope: string,
    credentials: Credentials | undefined,
    insecure: boolean,
    refresh: boolean,
  ): Promise<string | undefined> {
    const bearer = findChallenge(challenges, 'bearer');
    if (bearer?.params.realm) {
      const { realm, service = '' } = bearer.params;
      // The whole credential names the cache entry: one tenant's token must never serve another's wrong password.
      const key = TokenCache.key(realm, service, scope, credentials ? credentialFingerprint(credentials) : '');
      if (refresh) this.tokens.invalidate(key);
      const token = await this.tokens.get(key, () => this.fetchToken(realm, service, scope, credentials, insecure));
      return `Bearer ${token}`;
    }
    if (findChallenge(challenges, 'basic') && credentials) {
      return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    }
    return undefined;
  }

  private async fetchToken(realm: string, service: string, scope: string, credentials: Credentials | undefined, insecure: boolean) {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryInternalError(`the registry named an invalid token realm`, 'invalidResponse');
    }
    this.guard.checkFollowUp(url, 'token realm', insecure);
    if (service) url.searchParams.set('service', service);
    url.searchParams.set('scope', scope);
    const headers: Record<string, string> = {};
    if (credentials) {
      url.searchParams.set('account', credentials.username);
      headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    }
    const res = await this.transport.send({ url, headers, insecure, purpose: 'token', maxBytes: 1024 * 1024, what: 'token response' });
    if (res.status === 401 || res.status === 403) {
      throw credentials
        ? new RegistryUnauthorizedError('incorrect username or password', 'badCredentials')
        : new RegistryUnauthorizedError('the registry requires credentials and none were given', 'noCredentials');
    }
    if (res.status < 200 || res.status >= 300) throw statusError(res, 'token', 'none');
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(res.body.toString('utf8')) as typeof body;
    } catch {
      throw new RegistryInternalError('invalid token response: not JSON', 'invalidResponse');
    }
    const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : '';
    if (!token) throw new RegistryInternalError('invalid token response: no token', 'invalidResponse');
    // The spec's default lifetime is 60 s when the issuer names none.
    const expiresInSeconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    return { token, expiresInSeconds };
  }
}

function credentialFingerprint(c: Credentials): string {
  return createHash('sha256').update(`${c.username}\u0000${c.password}`).digest('hex');
}

/** Tags and digests go into URL paths: only grammatical ones (digests may come from a hostile index). */
function checkPathElement(value: string, digest: boolean): void {
  const problem = digest ? validateDigest(value) : isValidTag(value) ? undefined : 'invalid tag';
  if (problem) throw new RegistryInternalError(`invalid ${digest ? 'digest' : 'tag'} ${JSON.stringify(value.slice(0, 80))}: ${problem}`, 'invalidResponse');
}

function nextLink(value: string | undefined): string | undefined {
  if (!value) return undefined;
  for (const part of value.split(',')) {
    const m = /<([^>]*)>\s*;(.*)$/.exec(part.trim());
    if (m && /rel="?next"?/i.test(m[2])) return m[1];
  }
  return undefined;
}

function registryErrorCode(res: TransportResponse): string | undefined {
  try {
    const body = JSON.parse(res.body.toString('utf8')) as { errors?: Array<{ code?: string }> };
    return body.errors?.[0]?.code;
  } catch {
    return undefined;
  }
}

/** Non-2xx answer → typed error (reference §5.2). */
function statusError(res: TransportResponse, what: string, sent: 'none' | 'basic' | 'bearer'): RegistryError {
  const code = registryErrorCode(res);
  switch (res.status) {
    case 401:
      // Basic credentials answered 401 were wrong; a token obtained with credentials that still gets 401 means no access.
      if (sent === 'basic') return new RegistryUnauthorizedError(`the registry refused the credentials: incorrect username or password`, 'badCredentials');
      if (sent === 'bearer') return new RegistryUnauthorizedError(`you may not have access to the ${what}`, 'denied');
      return new RegistryUnauthorizedError(`the registry requires credentials for the ${what} and none were given`, 'noCredentials');
    case 403:
      return new RegistryUnauthorizedError(`access to the ${what} was denied${code ? ` (${code})` : ''}`, 'denied');
    case 404:
      return new RegistryNotFoundError(`${what} not found${code ? ` (${code})` : ''}`, code);
    default:
      if (res.status === 429 || res.status >= 500) {
        return new RegistryInternalError(`the registry answered ${res.status} for the ${what} after retries`, 'unavailable', { temporary: true });
      }
      return new RegistryInternalError(`the registry answered ${res.status} for the ${what}${code ? ` (${code})` : ''}`, 'invalidResponse');
  }
}

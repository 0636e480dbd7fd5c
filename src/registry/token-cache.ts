/**
 * Bearer tokens reused per (realm, service, scope, account), with their
 * expiry, and concurrent requests for the same key sharing one fetch.
 */
interface Entry {
  token: string;
  expiresAt: number;
}

export class TokenCache {
  private readonly tokens = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 1024,
  ) {}

  static key(realm: string, service: string, scope: string, account: string): string {
    return JSON.stringify([realm, service, scope, account]);
  }

  async get(key: string, fetch: () => Promise<{ token: string; expiresInSeconds: number }>): Promise<string> {
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.token;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const p = fetch()
      .then(({ token, expiresInSeconds }) => {
        // Renew a little early so a token does not expire between check and use.
        const lifetime = Math.max(0, expiresInSeconds * 1000 - Math.min(10_000, expiresInSeconds * 100));
        if (this.tokens.size >= this.maxEntries) this.tokens.delete(this.tokens.keys().next().value!);
        this.tokens.set(key, { token, expiresAt: this.now() + lifetime });
        return token;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  invalidate(key: string): void {
    this.tokens.delete(key);
  }
}

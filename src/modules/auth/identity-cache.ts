import type { Identity } from './identity.js';

interface Entry {
  identity: Identity;
  /** Epoch milliseconds; undefined for tokens that never expire. */
  expiresAt?: number;
}

/**
 * Identities by token hash, valid for one auth epoch (platform/freshness.ts).
 * Why it is safe: every revocation and role-binding change bumps the epoch
 * in its own transaction, and a request reads the epoch after it arrived;
 * an entry is only used while the epoch it was loaded under is current, and
 * is only stored if the epoch did not move while it was loaded. Expiry is
 * checked against the clock on every use. Misses are never cached, so a new
 * token works at once.
 */
export class IdentityCache {
  private epoch = Number.NaN;
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 10_000) {}

  /** The identity cached for `tokenHash` under `epoch`, if still valid at `now`. */
  get(tokenHash: string, epoch: number, now = Date.now()): Identity | undefined {
    if (epoch !== this.epoch) {
      this.entries.clear();
      this.epoch = epoch;
      return undefined;
    }
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= now) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return entry.identity;
  }

  /** Stores an identity loaded after `epoch` was read; ignored when a newer epoch was seen since. */
  set(tokenHash: string, epoch: number, identity: Identity, expiresAt: Date | null): void {
    if (epoch !== this.epoch) return;
    // Oldest first out: Map iterates in insertion order.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(tokenHash, { identity, ...(expiresAt ? { expiresAt: expiresAt.getTime() } : {}) });
  }
}

import { createHash, randomBytes } from 'node:crypto';

/** Tokens are random and stored only as a hash: a database dump grants nothing. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(): string {
  return `isv1_${randomBytes(32).toString('base64url')}`;
}

/** `Bearer <token>` (case-insensitive scheme), or undefined. */
export function bearerToken(header: string | undefined | null): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

/** The longest lifetime a token may be given (ten years): beyond that, omit the expiry. */
export const MAX_TOKEN_LIFETIME_SECONDS = 10 * 365 * 24 * 3600;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** `90`, `90s`, `15m`, `1h`, `7d`, `2w` (or combined, `1h30m`) as seconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  if (!/^(\d+[smhdw])+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, n, unit] of trimmed.matchAll(/(\d+)([smhdw])/g)) total += Number(n) * UNIT_SECONDS[unit];
  return total;
}

/** Problems with a token's subject and lifetime, as `[field, value, detail]` (empty = valid). */
export function tokenProblems(user: string, groups: readonly string[], expiresIn: number | null | undefined): Array<[string, unknown, string]> {
  const problems: Array<[string, unknown, string]> = [];
  if (!user.trim() || user.length > 253 || /\s/.test(user)) problems.push(['user', user, 'must be a non-empty name of at most 253 characters without spaces']);
  groups.forEach((g, i) => {
    if (!g.trim() || g.length > 253 || /\s/.test(g)) problems.push([`groups[${i}]`, g, 'must be a non-empty name of at most 253 characters without spaces']);
  });
  if (expiresIn !== null && expiresIn !== undefined && (!Number.isInteger(expiresIn) || expiresIn <= 0 || expiresIn > MAX_TOKEN_LIFETIME_SECONDS)) {
    problems.push(['expiresIn', expiresIn, `must be a whole number of seconds between 1 and ${MAX_TOKEN_LIFETIME_SECONDS}`]);
  }
  return problems;
}

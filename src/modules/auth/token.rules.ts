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

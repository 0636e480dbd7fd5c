/** Postgres error codes, wherever the driver put them (Drizzle wraps pg's error in `cause`). */
export function postgresErrorCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export const isUniqueViolation = (e: unknown) => postgresErrorCode(e) === '23505';
/** Serialization failures and deadlocks: safe to retry the whole transaction. */
export const isRetryableTransactionError = (e: unknown) => ['40001', '40P01'].includes(postgresErrorCode(e) ?? '');

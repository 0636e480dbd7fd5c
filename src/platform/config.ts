import { z } from 'zod';
import { allowListEntryProblem, parseAllowList } from '../registry/allow-list.js';

/**
 * Every setting the service reads, validated once at start. A bad
 * environment is reported as a whole (all problems at once) so an operator
 * fixes it in one go instead of one restart per mistake.
 */
const hostname = z
  .string()
  .regex(/^[a-zA-Z0-9.-]+(:\d{1,5})?$/, 'must be a host name with an optional :port');

/** `true`/`false` only: z.coerce.boolean would read "false" as true. */
const flag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .default(fallback)
    .transform((v) => v === 'true');

/** Comma- or space-separated `host[:port]` patterns with `*`/`?` (reference §5.10). */
const allowList = z
  .string()
  .default('')
  .superRefine((value, ctx) => {
    for (const entry of value.split(/[\s,]+/).filter(Boolean)) {
      const problem = allowListEntryProblem(entry);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }
  })
  .transform(parseAllowList);
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** `250ms`, `10s`, `15m`, `1h` → milliseconds. */
export function parseDuration(input: string): number | undefined {
  const m = /^(\d+)(ms|s|m|h)$/.exec(input.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : undefined;
}

const duration = (fallback: string, min = 1) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === undefined || ms < min) {
        ctx.addIssue({ code: 'custom', message: `must be a duration such as 500ms, 10s, 15m or 1h${min > 1 ? ` (at least ${min}ms)` : ''}` });
        return z.NEVER;
      }
      return ms;
    });

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  IMAGESTREAMS_DATA_DIR: z.string().min(1).default('./.data'),
  IMAGESTREAMS_BOOTSTRAP_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  IMAGESTREAMS_INTERNAL_REGISTRY: hostname.optional(),
  IMAGESTREAMS_PUBLIC_REGISTRY: hostname.optional(),
  IMAGESTREAMS_DEFAULT_IMPORT_MODE: z.enum(['Legacy', 'PreserveOriginal']).default('Legacy'),
  IMAGESTREAMS_ALLOWED_REGISTRIES: allowList,
  IMAGESTREAMS_ALLOW_PRIVATE_REGISTRIES: flag('false'),
  /** Answer stream reads from memory while the change log says they are current (README, "Performance"). */
  IMAGESTREAMS_RESPONSE_CACHE: flag('true'),
  /** Memory for cached answers (keys and bodies), in MiB. */
  IMAGESTREAMS_RESPONSE_CACHE_MB: z.coerce.number().int().min(1).max(65_536).default(256),
  IMAGESTREAMS_WS_REVALIDATE_SECONDS: z.coerce.number().positive().max(3600).default(30),
  /** How long the change log keeps events for resuming watches (milliseconds once parsed). */
  IMAGESTREAMS_WATCH_RETENTION: duration('1h', 1_000),
  IMAGESTREAMS_WATCH_BOOKMARK_INTERVAL: duration('60s', 10),
  IMAGESTREAMS_WATCH_COMPACTION_INTERVAL: duration('1m', 100),
  /** Safety net behind LISTEN/NOTIFY: each replica reads the log at least this often. */
  IMAGESTREAMS_WATCH_POLL_INTERVAL: duration('1s', 10),
  /** Events a subscriber may have waiting before it is cut off as a slow consumer. */
  IMAGESTREAMS_WATCH_BUFFER: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  /** How often an open watch re-checks its token (revocation, expiry, changed groups). */
  IMAGESTREAMS_WATCH_REAUTH_INTERVAL: duration('30s', 10),
  IMAGESTREAMS_WS_KEEPALIVE: duration('12s', 100),
  // The reference's default is 50; 0 means the default there too, -1 means every tag.
  IMAGESTREAMS_MAX_IMAGES_BULK_IMPORTED_PER_REPOSITORY: z.coerce
    .number()
    .int()
    .min(-1, 'must be -1 (no limit) or more')
    .default(50)
    .transform((n) => (n === 0 ? 50 : n)),
  IMAGESTREAMS_BACKGROUND_IMPORTS: flag('true'),
  IMAGESTREAMS_SCHEDULED_IMPORT_INTERVAL: duration('15m', 100),
  IMAGESTREAMS_SCHEDULED_IMPORTS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** How long a replica holds a background import job; a crashed holder's jobs run elsewhere once it runs out. */
  IMAGESTREAMS_IMPORT_LEASE: duration('5m', 1_000),
  /** One registry request, retries, back-offs and body included. */
  IMAGESTREAMS_REGISTRY_REQUEST_TIMEOUT: duration('60s', 10),
  /** Connecting, waiting for response headers, and the longest silence inside a body (connecting: at most 10s). */
  IMAGESTREAMS_REGISTRY_RESPONSE_TIMEOUT: duration('30s', 10),
  /** Retries of a registry request after a reset connection, a 5xx or a 429 (the reference: 2). */
  IMAGESTREAMS_REGISTRY_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** First back-off before a retry (doubles each time, at most 5x this; a 429's Retry-After is honoured up to that). */
  IMAGESTREAMS_REGISTRY_RETRY_DELAY: duration('1s', 1),
  // Never logged: the key that seals pull secrets at rest (base64 of 32 bytes).
  IMAGESTREAMS_SECRET_KEY: z
    .string()
    .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, 'must be the base64 encoding of exactly 32 bytes (e.g. `openssl rand -base64 32`)')
    .optional(),
  IMAGESTREAMS_SHUTDOWN_GRACE: z.coerce.number().int().min(0).max(300).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  IMAGESTREAMS_TLS_CERT: z.string().min(1).optional(),
  IMAGESTREAMS_TLS_KEY: z.string().min(1).optional(),
}).superRefine((c, ctx) => {
  // Half a TLS configuration is a mistake, not a request for plain HTTP.
  if (Boolean(c.IMAGESTREAMS_TLS_CERT) !== Boolean(c.IMAGESTREAMS_TLS_KEY)) {
    const missing = c.IMAGESTREAMS_TLS_CERT ? 'IMAGESTREAMS_TLS_KEY' : 'IMAGESTREAMS_TLS_CERT';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'IMAGESTREAMS_TLS_CERT and IMAGESTREAMS_TLS_KEY must be set together' });
  }
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

/** Empty strings count as unset, as shells and compose files often pass them. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return parsed.data;
}

import { z } from 'zod';

/**
 * Every setting the service reads, validated once at start. A bad
 * environment is reported as a whole (all problems at once) so an operator
 * fixes it in one go instead of one restart per mistake.
 */
const hostname = z
  .string()
  .regex(/^[a-zA-Z0-9.-]+(:\d{1,5})?$/, 'must be a host name with an optional :port');

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
  IMAGESTREAMS_WS_REVALIDATE_SECONDS: z.coerce.number().positive().max(3600).default(30),
  IMAGESTREAMS_SHUTDOWN_GRACE: z.coerce.number().int().min(0).max(300).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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

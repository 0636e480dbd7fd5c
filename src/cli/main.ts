import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../platform/config.js';
import { connectDatabase, type DatabaseHandle } from '../platform/database/connect.js';
import { DomainError } from '../platform/errors.js';
import { createLogger } from '../platform/logger.js';
import { createServices, type Services } from '../platform/services.js';
import { SYSTEM_IDENTITY } from '../modules/auth/identity.js';
import { parseDuration } from '../modules/auth/token.rules.js';
import { IMPORT_USAGE, importCommand, ImportUsageError } from './import-command.js';

const USAGE = `usage: imagestreams <command>

  serve                                            run the service (as \`npm start\`)
  migrate                                          apply database migrations and exit
  token create --user U [--group G]... [--expires 1h]
                                                   print a new token for U (shown once)
  token revoke TOKEN                               revoke a token at once
${IMPORT_USAGE}

The database is the service's: DATABASE_URL, or PGlite in IMAGESTREAMS_DATA_DIR
(PGlite is one process: stop the service before using the CLI on its directory).
\`import\` talks to a running service over HTTP instead and needs no database.
`;

/** The same folder the service migrates from (not imported from app.ts: a token command need not load the GraphQL server). */
const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Exit codes: 0 done, 1 the operation failed, 2 bad usage or configuration. */
class UsageError extends Error {}

async function withDatabase<T>(config: Config, fn: (services: Services, database: DatabaseHandle) => Promise<T>): Promise<T> {
  const database = await connectDatabase({ url: config.DATABASE_URL, dataDir: config.IMAGESTREAMS_DATA_DIR, poolSize: 2, migrationsFolder: MIGRATIONS_FOLDER });
  try {
    // Idempotent and locked: a CLI run against a fresh database finds its tables.
    await database.migrate();
    // Logs go to stderr so stdout carries only the answer (a token can be piped).
    const services = createServices(database.db, config, createLogger('silent'), { readWatermark: () => database.watermark() });
    return await fn(services, database);
  } finally {
    await database.close();
  }
}

async function tokenCommand(config: Config, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'create') {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { user: { type: 'string' }, group: { type: 'string', multiple: true }, expires: { type: 'string' } },
      allowPositionals: true,
    });
    if (positionals.length) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    if (!values.user) throw new UsageError('token create needs --user');
    let expiresIn: number | undefined;
    if (values.expires !== undefined) {
      expiresIn = parseDuration(values.expires);
      if (expiresIn === undefined) throw new UsageError(`--expires: "${values.expires}" is not a duration (e.g. 3600, 90m, 12h, 7d)`);
    }
    const token = await withDatabase(config, (s) => s.auth.createToken(SYSTEM_IDENTITY, values.user!, values.group ?? [], expiresIn));
    process.stdout.write(`${token}\n`);
    return 0;
  }
  if (sub === 'revoke') {
    if (rest.length !== 1) throw new UsageError('token revoke needs exactly one TOKEN');
    const revoked = await withDatabase(config, (s) => s.auth.revokeToken(SYSTEM_IDENTITY, rest[0]));
    if (!revoked) {
      process.stderr.write('no live token matches (unknown or already revoked)\n');
      return 1;
    }
    process.stdout.write('revoked\n');
    return 0;
  }
  throw new UsageError(`unknown token command: ${sub ?? '(none)'}`);
}

async function run(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'serve') {
    await import('../main.js');
    return -1; // the service keeps the process alive and exits on its own
  }
  if (command === 'import') return importCommand(args, { env: process.env, out: process.stdout, err: process.stderr });
  const config = loadConfig();
  if (command === 'migrate') {
    await withDatabase(config, async () => undefined);
    process.stdout.write('migrations applied\n');
    return 0;
  }
  if (command === 'token') return tokenCommand(config, args);
  throw new UsageError(`unknown command: ${command}`);
}

try {
  const code = await run(process.argv.slice(2));
  if (code >= 0) process.exit(code);
} catch (e) {
  if (e instanceof UsageError || e instanceof ConfigError || e instanceof ImportUsageError) {
    process.stderr.write(`${e.message}\n\n${e instanceof ConfigError ? '' : USAGE}`);
    process.exit(2);
  }
  if (e instanceof DomainError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  throw e;
}

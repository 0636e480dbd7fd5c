import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { startApp, type App } from '../../src/platform/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { createDatabase } from './postgres-server.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export type Driver = 'pglite' | 'postgres';

export interface TestApp extends App {
  token: string;
}

/** Environment for a test server on `driver`: each call gets its own empty database. */
export async function testEnv(driver: Driver, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    IMAGESTREAMS_BOOTSTRAP_TOKEN: ADMIN_TOKEN,
    IMAGESTREAMS_DATA_DIR: 'memory://',
    // Suites about stream semantics must not race background imports; import suites turn them on.
    IMAGESTREAMS_BACKGROUND_IMPORTS: 'false',
    ...extra,
  };
  if (driver === 'postgres') {
    env.DATABASE_URL = await createDatabase(inject('postgresUrl'), `t_${randomBytes(6).toString('hex')}`);
  }
  return env;
}

/** Starts the whole service in-process; tests talk to it over HTTP only. */
export async function startTestApp(driver: Driver, extra: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig(await testEnv(driver, extra));
  const app = await startApp(config, { log: createLogger('silent') });
  return Object.assign(app, { token: ADMIN_TOKEN });
}

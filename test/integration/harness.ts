import { afterAll, beforeAll } from 'vitest';
import { GraphQLClient } from '../support/graphql-client.js';
import { startTestApp, type Driver, type TestApp } from '../support/app.js';

/** What a behavioural suite gets: a running service on one driver and a client with the admin token. */
export interface SuiteContext {
  driver: Driver;
  app: TestApp;
  client: GraphQLClient;
  /** A namespace no other test uses. */
  namespace(prefix?: string): string;
}

let counter = 0;

/**
 * Starts one service per test file on `driver` and hands it to the suites
 * (drizzle's pattern: one behavioural suite, thin per-driver files).
 */
export function useSuiteContext(driver: Driver, env: Record<string, string> = {}): SuiteContext {
  const ctx = { driver } as SuiteContext;
  beforeAll(async () => {
    ctx.app = await startTestApp(driver, env);
    ctx.client = new GraphQLClient(ctx.app.url, ctx.app.token);
  });
  afterAll(async () => {
    await ctx.app?.close();
  });
  ctx.namespace = (prefix = 'ns') => `${prefix}-${process.pid}-${++counter}`;
  return ctx;
}

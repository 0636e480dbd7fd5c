import { afterAll, beforeAll, describe } from 'vitest';
import { useSuiteContext } from '../harness.js';
import { startRegistryFixtures } from '../../support/registry/fixtures.js';
import { startCountingProxy } from '../../support/registry/counting-proxy.js';
import { importSuite, type ImportFixtures } from './import.suite.js';
import { pullSecretSuite } from './pull-secrets.suite.js';
import { backgroundImportSuite } from './background.suite.js';
import { restImportSuite } from './rest-import.suite.js';
import { importMetricsSuite } from './import-metrics.suite.js';
import { importProgressSuite } from './import-progress.suite.js';

/** Imports against real registries, on both database drivers; the fixtures are shared. */
let fixtures: ImportFixtures;
beforeAll(async () => {
  const fx = await startRegistryFixtures();
  fixtures = { fx, proxy: await startCountingProxy(fx.open.url) };
}, 120_000);
afterAll(async () => {
  await fixtures?.proxy.stop();
  await fixtures?.fx.stop();
});

const env = { IMAGESTREAMS_ALLOW_PRIVATE_REGISTRIES: 'true' };
for (const driver of ['pglite', 'postgres'] as const) {
  describe(`imports on ${driver}`, () => {
    const ctx = useSuiteContext(driver, env);
    importSuite(ctx, () => fixtures);
    pullSecretSuite(ctx, () => fixtures);
    restImportSuite(ctx, () => fixtures);
    importMetricsSuite(ctx, () => fixtures);
    importProgressSuite(ctx, () => fixtures);
  });
  describe(`background imports on ${driver}`, () => {
    backgroundImportSuite(useSuiteContext(driver, { ...env, IMAGESTREAMS_BACKGROUND_IMPORTS: 'true', IMAGESTREAMS_SCHEDULED_IMPORT_INTERVAL: '1s' }), () => fixtures);
  });
}

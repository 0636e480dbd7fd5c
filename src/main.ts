import 'reflect-metadata';
import { ConfigError, loadConfig } from './platform/config.js';
import { startApp } from './platform/app.js';

let config;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(2);
  }
  throw e;
}

const app = await startApp(config);
if (app.bootstrapToken) {
  // Printed once on the first start; only its hash is stored.
  process.stdout.write(`\nBootstrap admin token (shown once): ${app.bootstrapToken}\n\n`);
}

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  const force = setTimeout(() => {
    app.log.warn('shutdown grace period over; exiting');
    process.exit(1);
  }, config.IMAGESTREAMS_SHUTDOWN_GRACE * 1000);
  force.unref();
  app.close().then(
    () => process.exit(0),
    (e) => {
      app.log.error({ err: e }, 'error during shutdown');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

/**
 * The distribution (container registry) client: usable on its own, imports
 * nothing from src/modules. Typical use:
 *
 *   const client = new RegistryClient({ guard: new FetchGuard({ allowedRegistries, allowPrivate }) });
 *   const ref = parseRegistryReference('busybox:1.36');
 *   const m = await client.getManifest(ref, { insecure, credentials });
 *   if (m.manifest.kind === 'image') await client.getConfig(ref, m.manifest.config.digest, { insecure, credentials });
 */
export * from './address.js';
export * from './allow-list.js';
export * from './client.js';
export * from './credentials.js';
export * from './errors.js';
export * from './failure-status.js';
export * from './fetch-guard.js';
export * from './manifest.js';
export * from './reference.js';
export type { RequestEvent, RequestPurpose, RetryPolicy, Timeouts } from './transport.js';
export * from './www-authenticate.js';

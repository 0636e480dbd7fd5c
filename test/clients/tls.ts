import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestApp, type TestApp } from '../support/app.js';

export const run = promisify(execFile);

export interface TlsTestServer {
  app: TestApp;
  dir: string;
  certFile: string;
  /** A kubeconfig for `token` (default: the admin's) pointing at the HTTPS service. */
  kubeconfig(token?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The service over HTTPS with a self-signed certificate made for this run
 * (kubectl sends no bearer token over plain HTTP), on PGlite.
 */
export async function startTlsServer(): Promise<TlsTestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'imagestreams-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyFile, '-out', certFile,
  ]);
  const app = await startTestApp('pglite', { IMAGESTREAMS_TLS_CERT: certFile, IMAGESTREAMS_TLS_KEY: keyFile });
  let n = 0;
  return {
    app,
    dir,
    certFile,
    async kubeconfig(token = app.token) {
      const file = join(dir, `kubeconfig-${++n}`);
      await writeFile(
        file,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'test', cluster: { server: app.url, 'certificate-authority': certFile } }],
          users: [{ name: 'test', user: { token } }],
          contexts: [{ name: 'test', context: { cluster: 'test', user: 'test', namespace: 'default' } }],
          'current-context': 'test',
        }),
      );
      return file;
    },
    async close() {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

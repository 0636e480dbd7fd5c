import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../postgres-server.js';

/**
 * One Debian `docker-registry` (the CNCF distribution registry) on a free
 * loopback port with throwaway storage: open, htpasswd Basic auth, or token
 * auth against an issuer whose certificate it trusts.
 */
export type RegistryAuth =
  | { kind: 'none' }
  | { kind: 'htpasswd'; username: string; password: string }
  | { kind: 'token'; realm: string; service: string; issuer: string; certFile: string };

export interface RunningRegistry {
  /** `127.0.0.1:PORT`, as a pull spec names it. */
  host: string;
  /** `http://127.0.0.1:PORT`. */
  url: string;
  dir: string;
  stop(): Promise<void>;
}

function configYaml(port: number, dir: string, auth: RegistryAuth): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'storage')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  secret: imagestreams-test-secret',
  ];
  if (auth.kind === 'htpasswd') {
    const line = execFileSync('htpasswd', ['-Bbn', auth.username, auth.password]).toString().trim();
    writeFileSync(join(dir, 'htpasswd'), `${line}\n`);
    lines.push('auth:', '  htpasswd:', '    realm: imagestreams-test', `    path: ${join(dir, 'htpasswd')}`);
  } else if (auth.kind === 'token') {
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${auth.realm}`,
      `    service: ${auth.service}`,
      `    issuer: ${auth.issuer}`,
      `    rootcertbundle: ${auth.certFile}`,
    );
  }
  return lines.join('\n') + '\n';
}

async function waitReady(url: string, child: ChildProcess, deadlineMs: number): Promise<boolean> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      const res = await fetch(`${url}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

export async function startRegistry(auth: RegistryAuth = { kind: 'none' }): Promise<RunningRegistry> {
  // A free port can be taken between probing and binding: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'imagestreams-registry-'));
    const port = await freePort();
    writeFileSync(join(dir, 'config.yml'), configYaml(port, dir, auth));
    const log = openSync(join(dir, 'registry.log'), 'a');
    const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', log, log] });
    const url = `http://127.0.0.1:${port}`;
    // A crashed or interrupted test run must not leave registries behind.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    const stop = async () => {
      process.off('exit', killOnExit);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL'); // throwaway storage: no need for the ~2 s graceful stop
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    };
    if (await waitReady(url, child, 10_000)) return { host: `127.0.0.1:${port}`, url, dir, stop };
    const output = readFileSync(join(dir, 'registry.log'), 'utf8');
    await stop();
    if (attempt === 2) throw new Error(`docker-registry did not start:\n${output}`);
  }
  throw new Error('unreachable');
}

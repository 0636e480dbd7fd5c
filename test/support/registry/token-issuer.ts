import { execFileSync } from 'node:child_process';
import { createSign, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

/**
 * A small token service for the token-auth registry fixture: answers
 * `GET /token?service=&scope=&account=` with a JWT the registry verifies
 * against a self-signed certificate (its `rootcertbundle`). Anonymous callers
 * may pull every repository except `private/*`; the known user may pull and
 * push everything. Every request is recorded so tests can count them.
 */
export interface TokenRequest {
  scope: string;
  account?: string;
  authorized: boolean;
}

export interface TokenIssuer {
  realm: string;
  service: string;
  issuer: string;
  certFile: string;
  requests: TokenRequest[];
  /** Lifetime written into tokens (seconds). */
  expiresIn: number;
  /** The next this-many tokens are issued already expired (while announcing `expiresIn`): a stale cached token. */
  issueExpired: number;
  stop(): Promise<void>;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export function makeCertificate(dir: string, commonName: string): { certFile: string; keyFile: string } {
  const certFile = join(dir, 'token-cert.pem');
  const keyFile = join(dir, 'token-key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${commonName}`], {
    stdio: 'ignore',
  });
  return { certFile, keyFile };
}

function grantedActions(repository: string, requested: string[], authenticated: boolean): string[] {
  if (authenticated) return requested;
  if (repository.startsWith('private/')) return [];
  return requested.filter((a) => a === 'pull');
}

export async function startTokenIssuer(dir: string, user: { username: string; password: string }): Promise<TokenIssuer> {
  const service = 'imagestreams-test-registry';
  const issuer = 'imagestreams-test-issuer';
  const { certFile, keyFile } = makeCertificate(dir, issuer);
  const key = readFileSync(keyFile, 'utf8');
  const certDer = new X509Certificate(readFileSync(certFile)).raw.toString('base64');
  const requests: TokenRequest[] = [];
  const state = { expiresIn: 300, issueExpired: 0 };

  const sign = (subject: string, access: Array<{ type: string; name: string; actions: string[] }>) => {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'RS256', x5c: [certDer] };
    const expired = state.issueExpired > 0;
    if (expired) state.issueExpired--;
    const exp = expired ? now - 120 : now + state.expiresIn;
    const claims = { iss: issuer, sub: subject, aud: service, exp, nbf: now - 600, iat: now - 600, jti: randomUUID(), access };
    const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(input).sign(key);
    return `${input}.${base64url(signature)}`;
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/token') {
      res.writeHead(404).end();
      return;
    }
    let authenticated = false;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const [u, ...rest] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
      if (u !== user.username || rest.join(':') !== user.password) {
        requests.push({ scope: url.searchParams.get('scope') ?? '', account: u, authorized: false });
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ details: 'incorrect username or password' }));
        return;
      }
      authenticated = true;
    }
    const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
    requests.push({ scope: scopes.join(' '), account: url.searchParams.get('account') ?? undefined, authorized: authenticated });
    const access = scopes.flatMap((scope) => {
      const [type, ...restParts] = scope.split(':');
      const actions = restParts.pop()?.split(',') ?? [];
      const name = restParts.join(':');
      if (type !== 'repository') return [];
      const granted = grantedActions(name, actions, authenticated);
      return granted.length ? [{ type, name, actions: granted }] : [];
    });
    const token = sign(authenticated ? user.username : '', access);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: state.expiresIn, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certFile,
    requests,
    get expiresIn() {
      return state.expiresIn;
    },
    set expiresIn(v: number) {
      state.expiresIn = v;
    },
    get issueExpired() {
      return state.issueExpired;
    },
    set issueExpired(v: number) {
      state.issueExpired = v;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import { DOCKER_HUB, isDockerHub } from './reference.js';

/**
 * Registry credentials as pull secrets carry them (`kubernetes.io/dockerconfigjson`
 * `{"auths": {"<registry>": {"auth": base64("user:pass")}}}`, or the older
 * `.dockercfg` without the `auths` wrapper). Matched by registry host, the
 * way the reference's importer does (first match wins).
 */
export interface Credentials {
  username: string;
  password: string;
}

/** Answers the credentials for a normalised registry (`docker.io`, `host[:port]`), if any. */
export type CredentialLookup = (registry: string) => Credentials | undefined;

export const noCredentials: CredentialLookup = () => undefined;

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
}

/** `https://index.docker.io/v1/` → `docker.io`; `quay.io/ns` → `quay.io`; lowercased host[:port]. */
export function registryKey(key: string): string {
  const withoutScheme = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const host = withoutScheme.split('/', 1)[0].toLowerCase();
  return isDockerHub(host) ? DOCKER_HUB : host;
}

function decodeEntry(entry: AuthEntry): Credentials | undefined {
  if (entry.username !== undefined && entry.password !== undefined) {
    return { username: entry.username, password: entry.password };
  }
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return undefined;
}

/** Builds a lookup from one or more docker config documents (parsed JSON); malformed entries are skipped. */
export function credentialsFromDockerConfigs(documents: unknown[]): CredentialLookup {
  const table: Array<[string, Credentials]> = [];
  for (const doc of documents) {
    if (typeof doc !== 'object' || doc === null) continue;
    const auths = (doc as { auths?: unknown }).auths ?? doc;
    if (typeof auths !== 'object' || auths === null) continue;
    for (const [key, value] of Object.entries(auths as Record<string, AuthEntry>)) {
      if (typeof value !== 'object' || value === null) continue;
      const creds = decodeEntry(value);
      if (creds) table.push([registryKey(key), creds]);
    }
  }
  return (registry) => {
    const wanted = registryKey(registry);
    const exact = table.find(([k]) => k === wanted);
    if (exact) return exact[1];
    // An entry without a port also serves the registry on another port of that host.
    const host = wanted.replace(/:\d+$/, '');
    return table.find(([k]) => k === host)?.[1];
  };
}

import { DOCKER_HUB_ALIASES, isDockerHub, splitHostPort } from './reference.js';

/**
 * The registry allow-list (reference §5.10): entries `host` or `host:port`
 * with `*` and `?` wildcards in either part. An entry without a port allows
 * the default port of the connection (443, or 80 for insecure imports), as
 * the reference's `{domainName, insecure}` pairs do for both values of
 * `insecure`. The Docker Hub names are interchangeable. Empty list: all
 * registries (the address guard still applies).
 */
export interface AllowListEntry {
  host: string;
  port?: string;
}

export function parseAllowList(value: string | undefined): AllowListEntry[] {
  if (!value) return [];
  return value
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => {
      const m = /^(.+?)(?::([0-9*?]+))?$/.exec(entry.trim().toLowerCase())!;
      return m[2] === undefined ? { host: m[1] } : { host: m[1], port: m[2] };
    });
}

/** A problem with an entry, for configuration validation; undefined when fine. */
export function allowListEntryProblem(entry: string): string | undefined {
  if (!/^[a-zA-Z0-9.*?-]+(:[0-9*?]{1,5})?$/.test(entry)) return `"${entry}" is not a host or host:port pattern`;
  return undefined;
}

function glob(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

export function defaultPort(insecure: boolean): number {
  return insecure ? 80 : 443;
}

function entryMatches(entry: AllowListEntry, host: string, port: number): boolean {
  if (!glob(entry.host).test(host)) return false;
  if (entry.port === undefined) return port === 443 || port === 80;
  return glob(entry.port).test(String(port));
}

/** `hostPort` as named in a pull spec or URL (`host` or `host:port`). */
export function isAllowedByList(list: AllowListEntry[], hostPort: string, insecure: boolean): boolean {
  if (list.length === 0) return true;
  const { host, port } = splitHostPort(hostPort.toLowerCase());
  const effectivePort = port ?? defaultPort(insecure);
  const names = isDockerHub(host) ? DOCKER_HUB_ALIASES : [host];
  return names.some((name) => list.some((entry) => entryMatches(entry, name, effectivePort)));
}

/** The reference's wording: every entry when at most 5, else the first 4 and a count. */
export function describeRefusal(list: AllowListEntry[], hostPort: string): string {
  const { host } = splitHostPort(hostPort.toLowerCase());
  if (list.length === 0) return `registry "${host}" not allowed by empty whitelist`;
  const shown = list.map((e) => `"${e.host}:${e.port ?? '443'}"`);
  const text = shown.length <= 5 ? shown.join(', ') : `${shown.slice(0, 4).join(', ')}, and ${shown.length - 4} more ...`;
  return `registry "${host}" not allowed by whitelist: ${text}`;
}

/**
 * Docker pull specs: `[host[:port]/]component(/component)*[:tag][@digest]`,
 * the grammar of the distribution reference library (reference §2.2). The
 * error strings are the ones clients see in `Invalid value` causes.
 */

const alnum = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]*)';
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `${domainComponent}(?:\\.${domainComponent})*(?::[0-9]+)?`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const name = `(?:${domain}/)?${pathComponent}(?:/${pathComponent})*`;

const referenceRe = new RegExp(`^(${name})(?::(${tag}))?(?:@(${digest}))?$`);
const anchoredTag = new RegExp(`^${tag}$`);
const anchoredDigest = new RegExp(`^${digest}$`);

export const NAME_TOTAL_LENGTH_MAX = 255;

export interface DockerReference {
  /** Registry host[:port], '' when the spec names none. */
  registry: string;
  /** First path element after the registry ('' for one-element paths). */
  namespace: string;
  /** The rest of the path. */
  name: string;
  tag: string;
  digest: string;
}

export class ReferenceParseError extends Error {}

const knownDigestLengths: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export function validateDigest(value: string): string | undefined {
  if (!anchoredDigest.test(value)) return 'invalid checksum digest format';
  const [algorithm, hex] = value.split(':', 2);
  const expected = knownDigestLengths[algorithm];
  if (expected === undefined) return 'unsupported digest algorithm';
  if (hex.length !== expected) return 'invalid checksum digest length';
  return undefined;
}

export function isValidTag(value: string): boolean {
  return anchoredTag.test(value);
}

/** Parses a pull spec, or throws ReferenceParseError with the distribution library's message. */
export function parseDockerReference(spec: string): DockerReference {
  if (spec === '') throw new ReferenceParseError('repository name must have at least one component');
  const m = referenceRe.exec(spec);
  if (!m) {
    if (referenceRe.test(spec.toLowerCase())) throw new ReferenceParseError('repository name must be lowercase');
    throw new ReferenceParseError('invalid reference format');
  }
  const [, repository, tagPart = '', digestPart = ''] = m;
  if (repository.length > NAME_TOTAL_LENGTH_MAX) {
    throw new ReferenceParseError(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  if (digestPart) {
    const problem = validateDigest(digestPart);
    if (problem) throw new ReferenceParseError(problem);
  }
  const parts = repository.split('/');
  let registry = '';
  // OpenShift's rule: the first element is a registry only when it looks like a host.
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0].startsWith('localhost'))) {
    registry = parts.shift()!;
  }
  const namespace = parts.length > 1 ? parts.shift()! : '';
  return { registry, namespace, name: parts.join('/'), tag: tagPart, digest: digestPart };
}

export function tryParseDockerReference(spec: string): { ref?: DockerReference; error?: string } {
  try {
    return { ref: parseDockerReference(spec) };
  } catch (e) {
    if (e instanceof ReferenceParseError) return { error: e.message };
    throw e;
  }
}

/** `registry/namespace/name` without tag or digest. */
export function repositoryOf(ref: DockerReference): string {
  return [ref.registry, ref.namespace, ref.name].filter(Boolean).join('/');
}

export function formatDockerReference(ref: DockerReference): string {
  let out = repositoryOf(ref);
  if (ref.tag) out += `:${ref.tag}`;
  if (ref.digest) out += `@${ref.digest}`;
  return out;
}

/** Docker Hub's canonical name, the names that mean the same registry, and where its API lives. */
export const DOCKER_HUB = 'docker.io';
export const DOCKER_HUB_ALIASES: readonly string[] = ['docker.io', 'index.docker.io', 'registry-1.docker.io'];
export const DOCKER_HUB_ENDPOINT = 'registry-1.docker.io';
export const DEFAULT_TAG = 'latest';

/**
 * A reference as a registry client needs it (reference §2.2: the defaults
 * are applied only when talking to registries, never stored).
 */
export interface RegistryReference {
  /** Registry as named, normalised: `docker.io` for Docker Hub and its aliases, else host[:port] lowercased. */
  registry: string;
  /** host[:port] the HTTP API is reached at (`registry-1.docker.io` for Docker Hub). */
  endpoint: string;
  /** Repository path inside the registry, with `library/` for one-element Docker Hub paths. */
  repository: string;
  /** Tag; `latest` when the spec names neither tag nor digest; '' when only a digest is given. */
  tag: string;
  digest: string;
}

export function isDockerHub(registry: string): boolean {
  return DOCKER_HUB_ALIASES.includes(registry.toLowerCase());
}

export function normalizeReference(ref: DockerReference): RegistryReference {
  const named = ref.registry.toLowerCase();
  const hub = named === '' || isDockerHub(named);
  const path = [ref.namespace, ref.name].filter(Boolean).join('/');
  const repository = hub && !path.includes('/') ? `library/${path}` : path;
  return {
    registry: hub ? DOCKER_HUB : named,
    endpoint: hub ? DOCKER_HUB_ENDPOINT : named,
    repository,
    tag: ref.tag || (ref.digest ? '' : DEFAULT_TAG),
    digest: ref.digest,
  };
}

/** Parses and normalises in one step; throws ReferenceParseError. */
export function parseRegistryReference(spec: string): RegistryReference {
  return normalizeReference(parseDockerReference(spec));
}

/** Splits `host[:port]`, IPv6 literals in brackets included. */
export function splitHostPort(hostPort: string): { host: string; port?: number } {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostPort);
  if (!m) return { host: hostPort };
  return { host: m[1], port: m[2] === undefined ? undefined : Number(m[2]) };
}

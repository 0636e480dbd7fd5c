import { randomUUID } from 'node:crypto';
import { AlreadyExistsError, CauseList, ForbiddenError, NotFoundError } from '../../platform/errors.js';
import { isUniqueViolation } from '../../platform/database/errors.js';
import { credentialsFromDockerConfigs, noCredentials, type CredentialLookup } from '../../registry/index.js';
import type { AuthService } from '../auth/auth.service.js';
import type { Identity } from '../auth/identity.js';
import { formatTimestamp } from '../image-stream/image-stream.rules.js';
import type { ImageStreamStore } from '../image-stream/image-stream.store.js';
import { validateNamespace } from '../../platform/namespace.rules.js';
import type { CredentialSource } from '../import/import.service.js';
import {
  ANNOTATION_EXCLUDE_SECRET,
  DOCKER_CONFIG_JSON_TYPE,
  PULL_SECRET_RESOURCE,
  STREAM_SECRETS_RESOURCE,
  type PullSecret,
} from './pull-secret.model.js';
import type { PullSecretRow, PullSecretStore } from './pull-secret.store.js';
import type { SecretCipher } from './secret-cipher.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Pull secrets: registry credentials a namespace's imports use (reference
 * §5.1 step 6, §8.7). Data is sealed with AES-256-GCM before it reaches the
 * database and opened only for imports and for callers allowed
 * `get imagestreams/secrets`; it is never logged.
 */
export class PullSecretService implements CredentialSource {
  constructor(
    private readonly store: PullSecretStore,
    /** Only for the global resourceVersion sequence. */
    private readonly streams: ImageStreamStore,
    private readonly auth: AuthService,
    private readonly cipher: SecretCipher,
  ) {}

  async create(caller: Identity, namespace: string, name: string, dockerConfigJson: string, annotations?: Record<string, string> | null): Promise<PullSecret> {
    this.auth.authorize(caller, { verb: 'create', resource: PULL_SECRET_RESOURCE, namespace, name: name || undefined });
    const causes = new CauseList();
    validateNamespace(namespace, causes);
    if (!name) causes.required('metadata.name');
    else if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) causes.invalid('metadata.name', name, 'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\'');
    // The value itself is never echoed back in an error.
    if (!isDockerConfig(dockerConfigJson)) causes.invalid('data[.dockerconfigjson]', '<secret contents redacted>', 'must be a JSON object with an "auths" object');
    causes.throwIfAny('Secret', name);
    const uid = randomUUID();
    const now = new Date();
    try {
      return await this.store.transaction(async (tx) => {
        const rv = await this.streams.nextResourceVersion(tx);
        const row: PullSecretRow = {
          uid,
          namespace,
          name,
          type: DOCKER_CONFIG_JSON_TYPE,
          resourceVersion: rv,
          creationTimestamp: now,
          annotations: annotations && Object.keys(annotations).length ? { ...annotations } : null,
          keyId: this.cipher.keyId,
          sealedData: this.cipher.seal(dockerConfigJson, `${namespace}/${name}/${uid}`),
        };
        await this.store.insert(tx, row);
        return this.toModel(row, dockerConfigJson);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AlreadyExistsError('secrets', name);
      throw e;
    }
  }

  async delete(caller: Identity, namespace: string, name: string): Promise<boolean> {
    this.auth.authorize(caller, { verb: 'delete', resource: PULL_SECRET_RESOURCE, namespace, name });
    const deleted = await this.store.transaction((tx) => this.store.delete(tx, namespace, name));
    if (!deleted) throw new NotFoundError('secrets', name, '');
    return true;
  }

  /**
   * `imagestreams/<name>/secrets` (§8.7): every docker-config secret of the
   * namespace not annotated excludeSecret; the stream name is not checked.
   */
  async forStream(caller: Identity, namespace: string, name: string): Promise<PullSecret[]> {
    this.auth.authorize(caller, { verb: 'get', resource: STREAM_SECRETS_RESOURCE, namespace, name });
    const rows = await this.usable(namespace);
    return rows.map((r) => this.toModel(r, this.open(r)));
  }

  /** Whether `caller` may see the data of secrets in `namespace` (callers without it see none). */
  maySeeData(caller: Identity, namespace: string): boolean {
    try {
      this.auth.authorize(caller, { verb: 'get', resource: STREAM_SECRETS_RESOURCE, namespace });
      return true;
    } catch (e) {
      if (e instanceof ForbiddenError) return false;
      throw e;
    }
  }

  /** For imports: credentials by registry host from the namespace's secrets. */
  async credentialsFor(namespace: string): Promise<CredentialLookup> {
    const rows = await this.usable(namespace);
    if (rows.length === 0) return noCredentials;
    const docs: unknown[] = [];
    for (const r of rows) {
      try {
        docs.push(JSON.parse(this.open(r)));
      } catch {
        // A secret that cannot be opened or parsed gives no credentials; imports go on anonymously.
      }
    }
    return docs.length ? credentialsFromDockerConfigs(docs) : noCredentials;
  }

  private async usable(namespace: string): Promise<PullSecretRow[]> {
    const rows = await this.store.list(namespace);
    return rows.filter((r) => r.annotations?.[ANNOTATION_EXCLUDE_SECRET] !== 'true');
  }

  private open(row: PullSecretRow): string {
    if (row.keyId !== this.cipher.keyId) {
      throw new SecretKeyMismatchError(`secret ${row.namespace}/${row.name} was sealed with another key (id ${row.keyId}); every replica needs the same IMAGESTREAMS_SECRET_KEY`);
    }
    return this.cipher.open(row.sealedData, `${row.namespace}/${row.name}/${row.uid}`);
  }

  private toModel(row: PullSecretRow, data: string): PullSecret {
    return {
      metadata: {
        name: row.name,
        namespace: row.namespace,
        uid: row.uid,
        resourceVersion: String(row.resourceVersion),
        creationTimestamp: formatTimestamp(row.creationTimestamp),
        ...(row.annotations ? { annotations: row.annotations } : {}),
      },
      type: row.type,
      dockerConfigJson: data,
    };
  }
}

function isDockerConfig(value: string): boolean {
  try {
    const doc = JSON.parse(value) as unknown;
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return false;
    const auths = (doc as { auths?: unknown }).auths;
    return typeof auths === 'object' && auths !== null && !Array.isArray(auths);
  } catch {
    return false;
  }
}

/** A server misconfiguration (replicas with different keys), not a client mistake. */
export class SecretKeyMismatchError extends Error {}

/**
 * Typed failures of the distribution client. Each carries the `reason` and
 * `code` of the per-image Status the reference answers for that situation
 * (reference §5.2), so the import service maps them without inspecting
 * messages. Messages here describe the transport problem; the import service
 * adds the image reference in the reference's wording.
 */
export type RegistryFailureReason = 'NotFound' | 'Unauthorized' | 'Forbidden' | 'BadRequest' | 'NotV2Registry' | 'InternalError';

export abstract class RegistryError extends Error {
  abstract readonly reason: RegistryFailureReason;
  abstract readonly code: number;
  /** Safe to retry the same request later (the client already retried within its budget). */
  readonly temporary: boolean = false;
}

/** 404, or a registry error code MANIFEST_UNKNOWN / NAME_UNKNOWN / BLOB_UNKNOWN / TAG_INVALID. */
export class RegistryNotFoundError extends RegistryError {
  readonly reason = 'NotFound' as const;
  readonly code = 404;
  constructor(
    message: string,
    readonly registryCode?: string,
  ) {
    super(message);
  }
}

/**
 * - `noCredentials`: the registry wants credentials and none were given;
 * - `badCredentials`: the given credentials were rejected (the message says
 *   "username or password", which §5.1 step 6 keys the anonymous re-run on);
 * - `denied`: authenticated (or anonymous token) but not allowed to this repository.
 */
export type UnauthorizedKind = 'noCredentials' | 'badCredentials' | 'denied';

export class RegistryUnauthorizedError extends RegistryError {
  readonly reason = 'Unauthorized' as const;
  readonly code = 401;
  constructor(
    message: string,
    readonly kind: UnauthorizedKind,
  ) {
    super(message);
  }
}

/** The fetch guard refused the source before anything was sent (allow-list, address class, redirect, realm). */
export class RegistryForbiddenError extends RegistryError {
  readonly reason = 'Forbidden' as const;
  readonly code = 403;
}

/** TLS handshake against a plain-HTTP registry without `insecure`. */
export class RegistryHttpOnlyError extends RegistryError {
  readonly reason = 'BadRequest' as const;
  readonly code = 400;
}

export class NotV2RegistryError extends RegistryError {
  readonly reason = 'NotV2Registry' as const;
  readonly code = 403;
}

/** Everything the reference reports as InternalError (500). `kind` tells which. */
export type InternalKind =
  | 'digestMismatch'
  | 'tooLarge'
  | 'timeout'
  | 'unavailable'
  | 'unsupportedManifest'
  | 'invalidResponse'
  | 'network'
  | 'tls';

export class RegistryInternalError extends RegistryError {
  readonly reason = 'InternalError' as const;
  readonly code = 500;
  override readonly temporary: boolean;
  constructor(
    message: string,
    readonly kind: InternalKind,
    options?: { cause?: unknown; temporary?: boolean },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.temporary = options?.temporary ?? false;
  }
}

export class DigestMismatchError extends RegistryInternalError {
  constructor(
    readonly expected: string,
    readonly actual: string,
    what = 'manifest',
  ) {
    super(`content integrity error: the ${what} retrieved with digest ${expected} does not match the digest calculated from the content ${actual}`, 'digestMismatch');
  }
}

export class TooLargeError extends RegistryInternalError {
  constructor(
    what: string,
    readonly limit: number,
  ) {
    super(`${what} is larger than the limit of ${limit} bytes`, 'tooLarge');
  }
}

export function isRegistryError(e: unknown): e is RegistryError {
  return e instanceof RegistryError;
}

/**
 * Typed domain errors. Services throw these; each edge (GraphQL, REST) maps
 * them exactly once: GraphQL into `extensions.code` + `extensions.status`,
 * REST into the Kubernetes `Status` body with the same numbers.
 */

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'CONFLICT'
  | 'INVALID'
  | 'BAD_REQUEST'
  | 'EXPIRED'
  | 'TOO_COMPLEX'
  | 'SERVER_TIMEOUT'
  | 'INTERNAL';

export const API_GROUP = 'image.openshift.io';

export interface StatusCause {
  field: string;
  reason: string;
  message: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** The Kubernetes `Status` object (metav1.Status) as the reference server answers it. */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly httpStatus: number;
  abstract readonly reason: string;
  details?: StatusDetails;

  toStatus(): KubeStatus {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.httpStatus,
    };
  }
}

/** `imagestreams.image.openshift.io "foo"` — how Kubernetes names a resource in messages. */
export function qualified(resource: string, name?: string, group = API_GROUP): string {
  const r = group ? `${resource}.${group}` : resource; // core resources ("namespaces") carry no group
  return name === undefined ? r : `${r} "${name}"`;
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED' as const;
  readonly httpStatus = 401;
  readonly reason = 'Unauthorized';
  constructor(message = 'Unauthorized') {
    super(message);
  }
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN' as const;
  readonly httpStatus = 403;
  readonly reason = 'Forbidden';
  constructor(message: string, details?: StatusDetails) {
    super(message);
    this.details = details;
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND' as const;
  readonly httpStatus = 404;
  readonly reason = 'NotFound';
  constructor(resource: string, name: string, group = API_GROUP) {
    super(`${qualified(resource, name, group)} not found`);
    this.details = { name, ...(group ? { group } : {}), kind: resource };
  }
}

export class AlreadyExistsError extends DomainError {
  readonly code = 'ALREADY_EXISTS' as const;
  readonly httpStatus = 409;
  readonly reason = 'AlreadyExists';
  constructor(resource: string, name: string) {
    super(`${qualified(resource, name)} already exists`);
    this.details = { name, group: API_GROUP, kind: resource };
  }
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT' as const;
  readonly httpStatus = 409;
  readonly reason = 'Conflict';
  constructor(resource: string, name: string, detail = 'the object has been modified; please apply your changes to the latest version and try again') {
    super(`Operation cannot be fulfilled on ${qualified(resource, name)}: ${detail}`);
    this.details = { name, group: API_GROUP, kind: resource };
  }
}

export class InvalidError extends DomainError {
  readonly code = 'INVALID' as const;
  readonly httpStatus = 422;
  readonly reason = 'Invalid';
  readonly causes: StatusCause[];
  /** `kind` is the object's Kind (Kubernetes quirk: a resource name for some callers). */
  constructor(kind: string, name: string, causes: StatusCause[]) {
    super(`${kind}.${API_GROUP} "${name}" is invalid: ${formatCauses(causes)}`);
    this.causes = causes;
    this.details = { name, group: API_GROUP, kind, causes };
  }
}

function formatCauses(causes: StatusCause[]): string {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  return parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
}

export class BadRequestError extends DomainError {
  readonly code = 'BAD_REQUEST' as const;
  readonly httpStatus = 400;
  readonly reason = 'BadRequest';
  constructor(message: string, causes?: StatusCause[]) {
    super(message);
    if (causes?.length) this.details = { causes };
  }
}

export class ExpiredError extends DomainError {
  readonly code = 'EXPIRED' as const;
  readonly httpStatus = 410;
  readonly reason = 'Expired';
}

export class TooComplexError extends DomainError {
  readonly code = 'TOO_COMPLEX' as const;
  readonly httpStatus = 400;
  readonly reason = 'BadRequest';
}

/** The contract has no code of its own for these: they are malformed requests, told apart by `status.code`. */
export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'BAD_REQUEST' as const;
  readonly httpStatus = 415;
  readonly reason = 'UnsupportedMediaType';
}

export class PayloadTooLargeError extends DomainError {
  readonly code = 'BAD_REQUEST' as const;
  readonly httpStatus = 413;
  readonly reason = 'RequestEntityTooLarge';
  constructor(limitBytes: number) {
    super(`Request entity too large: limit is ${limitBytes}`);
  }
}

export class ServerTimeoutError extends DomainError {
  readonly code = 'SERVER_TIMEOUT' as const;
  readonly httpStatus = 500;
  readonly reason = 'ServerTimeout';
  constructor(operation: string, resource: string) {
    super(`The ${operation} operation against ${qualified(resource)} could not be completed at this time, please try again.`);
    this.details = { name: operation, group: API_GROUP, kind: resource, retryAfterSeconds: 2 };
  }
}

/** Unexpected failures: the client sees only this message and a request id. */
export class InternalError extends DomainError {
  readonly code = 'INTERNAL' as const;
  readonly httpStatus = 500;
  readonly reason = 'InternalError';
  constructor(requestId?: string) {
    super(`Internal error occurred${requestId ? ` (request ${requestId})` : ''}`);
  }
}

/** Collects field errors during validation so all of them are reported at once. */
export class CauseList {
  readonly causes: StatusCause[] = [];
  required(field: string, detail?: string): void {
    this.causes.push({ field, reason: 'FieldValueRequired', message: detail ? `Required value: ${detail}` : 'Required value' });
  }
  invalid(field: string, value: unknown, detail: string): void {
    this.causes.push({ field, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${detail}` });
  }
  forbidden(field: string, detail: string): void {
    this.causes.push({ field, reason: 'FieldValueForbidden', message: `Forbidden: ${detail}` });
  }
  notFound(field: string, value: unknown): void {
    this.causes.push({ field, reason: 'FieldValueNotFound', message: `Not found: ${JSON.stringify(value)}` });
  }
  add(...causes: StatusCause[]): void {
    this.causes.push(...causes);
  }
  get empty(): boolean {
    return this.causes.length === 0;
  }
  throwIfAny(kind: string, name: string): void {
    if (!this.empty) throw new InvalidError(kind, name, this.causes);
  }
}

/** A read asked for a resourceVersion newer than any the server has handed out (the reference waits, then answers this). */
export class TooLargeResourceVersionError extends DomainError {
  readonly code = 'SERVER_TIMEOUT' as const;
  readonly httpStatus = 504;
  readonly reason = 'Timeout';
  constructor(requested: string, current: string) {
    super(`Too large resource version: ${requested}, current: ${current}`);
    this.details = { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version', field: '' }], retryAfterSeconds: 1 };
  }
}

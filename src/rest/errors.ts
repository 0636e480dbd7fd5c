import { DomainError } from '../platform/errors.js';

/** Errors only the REST edge can raise (HTTP method and media-type negotiation). */

export class MethodNotAllowedError extends DomainError {
  readonly code = 'BAD_REQUEST' as const;
  readonly httpStatus = 405;
  readonly reason = 'MethodNotAllowed';
  constructor(message = 'the server does not allow this method on the requested resource') {
    super(message);
  }
}

export class NotAcceptableError extends DomainError {
  readonly code = 'BAD_REQUEST' as const;
  readonly httpStatus = 406;
  readonly reason = 'NotAcceptable';
  constructor(accepted: string[]) {
    super(`only the following media types are accepted: ${accepted.join(', ')}`);
  }
}

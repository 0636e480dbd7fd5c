import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { BadRequestError, DomainError, InternalError, type ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import { isTokenLimitError, tokenLimitError } from './limits.js';
import { currentRequestId } from '../request-scope.js';

/** Apollo's and graphql-js's own codes for a request the client got wrong. */
const CLIENT_FAULT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

const PASS_THROUGH: ReadonlySet<ErrorCode> = new Set(['UNAUTHENTICATED', 'TOO_COMPLEX', 'EXPIRED']);

/**
 * The one place errors are shaped for GraphQL clients. Domain errors keep
 * their code and carry the Kubernetes Status the REST shim would answer;
 * client mistakes become BAD_REQUEST; anything else is masked (no stack, no
 * internals) and logged with the request id the client is shown.
 */
export function createFormatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    let original = unwrapResolverError(error);
    // Validation rules (query limits) carry their domain error as the cause of Apollo's wrapper.
    if (original instanceof GraphQLError && original.originalError instanceof DomainError) original = original.originalError;
    if (formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED' && isTokenLimitError(formatted.message)) original = tokenLimitError();
    const base = { message: formatted.message, ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}) };
    if (original instanceof DomainError) {
      const status = original.toStatus();
      return {
        ...base,
        message: original.message,
        extensions: { code: original.code, status, ...(status.details?.causes ? { causes: status.details.causes } : {}) },
      };
    }
    const code = formatted.extensions?.code as string | undefined;
    if (code && PASS_THROUGH.has(code as ErrorCode) && formatted.extensions?.status) return formatted;
    if (code && CLIENT_FAULT_CODES.has(code)) {
      const bad = new BadRequestError(formatted.message);
      return { ...base, extensions: { code: bad.code, status: bad.toStatus() } };
    }
    if (!code && original instanceof Error && original.name === 'GraphQLError' && !formatted.path) {
      // graphql-js validation errors raised outside Apollo's pipeline (graphql-ws) have no code.
      const bad = new BadRequestError(formatted.message);
      return { ...base, extensions: { code: bad.code, status: bad.toStatus() } };
    }
    const requestId = currentRequestId();
    log.error({ err: original, requestId, path: formatted.path }, 'unexpected error');
    const masked = new InternalError(requestId);
    return { ...base, message: masked.message, extensions: { code: masked.code, status: masked.toStatus(), ...(requestId ? { requestId } : {}) } };
  };
}

import { describe, expect, it } from 'vitest';
import {
  DigestMismatchError,
  NotV2RegistryError,
  RegistryForbiddenError,
  RegistryHttpOnlyError,
  RegistryInternalError,
  RegistryNotFoundError,
  RegistryUnauthorizedError,
} from '../../src/registry/errors.js';
import { importFailureStatus } from '../../src/registry/failure-status.js';

const image = 'quay.io/x/bad:1';

describe('per-image failure status (reference §5.2)', () => {
  it('maps not found with dockerimage details', () => {
    expect(importFailureStatus(new RegistryNotFoundError('manifest not found', 'MANIFEST_UNKNOWN'), image)).toEqual({
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'dockerimage.image.openshift.io "quay.io/x/bad:1" not found',
      details: { name: image, group: 'image.openshift.io', kind: 'dockerimage' },
    });
  });

  it.each([
    ['badCredentials', 'incorrect username or password for image "quay.io/x/bad:1"'],
    ['noCredentials', 'you may not have access to the container image "quay.io/x/bad:1" and did not have credentials to the repository'],
    ['denied', 'you may not have access to the container image "quay.io/x/bad:1"'],
  ] as const)('maps %s', (kind, message) => {
    expect(importFailureStatus(new RegistryUnauthorizedError('x', kind), image)).toEqual({ status: 'Failure', reason: 'Unauthorized', code: 401, message });
  });

  it('keeps the wording of refusals, HTTP-only, v2 and integrity errors', () => {
    expect(importFailureStatus(new RegistryForbiddenError('forbidden: registry "a" not allowed by empty whitelist'), image)).toMatchObject({ reason: 'Forbidden', code: 403, message: 'forbidden: registry "a" not allowed by empty whitelist' });
    expect(importFailureStatus(new RegistryHttpOnlyError('the repository x is HTTP only'), image)).toMatchObject({ reason: 'BadRequest', code: 400 });
    expect(importFailureStatus(new NotV2RegistryError('registry "a" does not support the v2 Registry API'), image)).toMatchObject({ reason: 'NotV2Registry', code: 403 });
    expect(importFailureStatus(new DigestMismatchError('sha256:a', 'sha256:b'), image).message).toMatch(/^content integrity error: /);
  });

  it('wraps everything else as an internal error naming the image', () => {
    expect(importFailureStatus(new RegistryInternalError('timed out', 'timeout'), image)).toEqual({ status: 'Failure', reason: 'InternalError', code: 500, message: 'Internal error occurred: quay.io/x/bad:1: timed out' });
    expect(importFailureStatus(new Error('boom'), image)).toMatchObject({ reason: 'InternalError', code: 500, message: 'Internal error occurred: quay.io/x/bad:1: boom' });
  });
});

import { RegistryError, RegistryUnauthorizedError } from './errors.js';

/**
 * The per-image `status` of a failed import (a metav1.Status without kind
 * and apiVersion), worded as the reference words it (§5.2). Pure: the import
 * service calls it with the error the client threw and the pull spec as the
 * user wrote it.
 */
export interface ImportFailureStatus {
  status: 'Failure';
  message: string;
  reason: string;
  code: number;
  details?: { name: string; group: string; kind: string };
}

export function importFailureStatus(err: unknown, image: string): ImportFailureStatus {
  if (!(err instanceof RegistryError)) {
    const message = err instanceof Error ? err.message : String(err);
    return { status: 'Failure', reason: 'InternalError', code: 500, message: `Internal error occurred: ${image}: ${message}` };
  }
  const base = { status: 'Failure' as const, reason: err.reason, code: err.code };
  switch (err.reason) {
    case 'NotFound':
      return {
        ...base,
        message: `dockerimage.image.openshift.io "${image}" not found`,
        details: { name: image, group: 'image.openshift.io', kind: 'dockerimage' },
      };
    case 'Unauthorized': {
      const kind = err instanceof RegistryUnauthorizedError ? err.kind : 'denied';
      if (kind === 'badCredentials') return { ...base, message: `incorrect username or password for image "${image}"` };
      if (kind === 'noCredentials') {
        return { ...base, message: `you may not have access to the container image "${image}" and did not have credentials to the repository` };
      }
      return { ...base, message: `you may not have access to the container image "${image}"` };
    }
    case 'BadRequest':
    case 'NotV2Registry':
    case 'Forbidden':
      return { ...base, message: err.message };
    default:
      // Digest mismatches keep their own wording ("content integrity error: ..."), as the reference does.
      return { ...base, message: err.message.startsWith('content integrity error') ? err.message : `Internal error occurred: ${image}: ${err.message}` };
  }
}

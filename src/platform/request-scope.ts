import { AsyncLocalStorage } from 'node:async_hooks';

/** The request id, reachable from anywhere on the request's path (error masking, logs). */
const scope = new AsyncLocalStorage<{ requestId: string }>();

export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return scope.run({ requestId }, fn);
}

export function currentRequestId(): string | undefined {
  return scope.getStore()?.requestId;
}

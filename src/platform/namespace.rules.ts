import type { CauseList } from './errors.js';

/**
 * Namespaces exist implicitly: any DNS-1123 label is one. Every module that
 * takes a namespace checks it with this one rule (reference §2.1).
 */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function namespaceProblem(namespace: string): string | undefined {
  if (namespace.length > 63) return 'must be no more than 63 characters';
  if (!DNS1123_LABEL.test(namespace)) {
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  }
  return undefined;
}

export function validateNamespace(namespace: string, causes: CauseList, field = 'metadata.namespace'): void {
  const problem = namespaceProblem(namespace);
  if (problem) causes.invalid(field, namespace, problem);
}

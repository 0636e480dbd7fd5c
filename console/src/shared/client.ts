import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { GRAPHQL_HTTP_URL } from './session';

export interface ServiceError {
  message: string;
  code?: string;
}

/** A GraphQL request that failed: the service's errors with their `extensions.code`. */
export class RequestFailed extends Error {
  constructor(readonly errors: ServiceError[]) {
    super(errors.map((e) => (e.code ? `${e.code}: ${e.message}` : e.message)).join('; '));
  }

  get code(): string | undefined {
    return this.errors[0]?.code;
  }
}

/** Runs a codegen-typed operation over HTTP with the bearer token; data typed by the document. */
export async function request<TData, TVars>(token: string, doc: TypedDocumentNode<TData, TVars>, variables: TVars): Promise<TData> {
  const res = await fetch(GRAPHQL_HTTP_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(doc), variables }),
  });
  let body: { data?: TData | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  try {
    body = await res.json();
  } catch {
    throw new RequestFailed([{ message: `the service answered ${res.status} without a GraphQL body` }]);
  }
  if (body.errors?.length) throw new RequestFailed(body.errors.map((e) => ({ message: e.message, code: e.extensions?.code })));
  if (!body.data) throw new RequestFailed([{ message: 'the service answered without data' }]);
  return body.data;
}

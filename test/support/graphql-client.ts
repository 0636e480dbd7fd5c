import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

export interface GraphQLErrorBody {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; status?: { code: number; reason: string; details?: { causes?: Array<{ field: string; reason: string; message: string }> } }; causes?: Array<{ field: string; reason: string; message: string }> };
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: GraphQLErrorBody[];
}

/** A GraphQL-over-HTTP client for tests, typed by the codegen documents. */
export class GraphQLClient {
  constructor(readonly baseUrl: string, readonly token?: string) {}

  withToken(token: string | undefined): GraphQLClient {
    return new GraphQLClient(this.baseUrl, token);
  }

  async request<TData, TVars>(doc: TypedDocumentNode<TData, TVars> | string, variables?: TVars, headers: Record<string, string> = {}): Promise<GraphQLResponse<TData>> {
    const res = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...headers },
      body: JSON.stringify({ query: typeof doc === 'string' ? doc : print(doc), variables }),
    });
    const body = (await res.json()) as Omit<GraphQLResponse<TData>, 'status'>;
    return { status: res.status, ...body };
  }

  /** For calls that must succeed: returns data or fails the test with the errors. */
  async ok<TData, TVars>(doc: TypedDocumentNode<TData, TVars> | string, variables?: TVars, headers?: Record<string, string>): Promise<TData> {
    const res = await this.request(doc, variables, headers);
    if (res.errors?.length || !res.data) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
    return res.data;
  }

  /** For calls that must fail: returns the first error's code. */
  async errorCode<TData, TVars>(doc: TypedDocumentNode<TData, TVars> | string, variables?: TVars): Promise<string | undefined> {
    const res = await this.request(doc, variables);
    return res.errors?.[0]?.extensions?.code;
  }
}

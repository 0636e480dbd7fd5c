import type { IncomingMessage, ServerResponse } from 'node:http';
import YAML from 'yaml';
import type { Identity } from '../modules/auth/identity.js';
import { BadRequestError } from '../platform/errors.js';
import { readBody } from '../platform/http/body.js';
import { assertWellFormedStrings } from '../platform/http/well-formed.js';
import type { Services } from '../platform/services.js';
import type { Rendering } from './media.js';

/** What a route handler sees: path parameters, query, the caller, the body. */
export class RestContext {
  /** `Warning` header values (RFC 7234 text); the renderer writes them. */
  readonly warnings: string[] = [];

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly url: URL,
    readonly params: Record<string, string>,
    /** `image.openshift.io/v1`, or `v1` under the legacy `/oapi/v1`. */
    readonly apiVersion: string,
    readonly services: Services,
    readonly rendering: Rendering,
    readonly caller: Identity,
  ) {}

  param(name: string): string {
    return this.params[name];
  }

  query(name: string): string | undefined {
    return this.url.searchParams.get(name) ?? undefined;
  }

  /** The raw body text (JSON or YAML), read once. */
  private text?: Promise<string>;
  bodyText(): Promise<string> {
    return (this.text ??= readBody(this.req).then((b) => b.toString('utf8')));
  }

  /** The body parsed as `format`; an empty or malformed body is a 400. */
  async bodyValue(format: 'json' | 'yaml', { optional = false } = {}): Promise<{ value: unknown; text: string }> {
    const text = await this.bodyText();
    if (!text.trim()) {
      if (optional) return { value: undefined, text };
      throw new BadRequestError('the request body is empty');
    }
    let value: unknown;
    try {
      value = format === 'json' ? JSON.parse(text) : YAML.parse(text);
    } catch (e) {
      throw new BadRequestError(`the request body is not valid ${format === 'json' ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
    }
    assertWellFormedStrings(value);
    return { value, text };
  }
}

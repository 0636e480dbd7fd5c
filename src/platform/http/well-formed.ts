import { BadRequestError } from '../errors.js';

/**
 * A UTF-16 surrogate without its partner (JSON can spell it, `"\ud800"`; UTF-8 cannot) or
 * NUL (Postgres text and jsonb cannot hold it).
 */
const UNSTORABLE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\u0000/;

/**
 * Refuses a parsed request body holding a string (key or value) that is not
 * well-formed Unicode or holds NUL. Left in, such a string reached Postgres, whose jsonb
 * rejects it, and the client got an INTERNAL error for its own input.
 */
export function assertWellFormedStrings(value: unknown): void {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) throw new BadRequestError('the request body contains a string with an unpaired UTF-16 surrogate or a NUL character, which cannot be stored');
    } else if (Array.isArray(v)) {
      stack.push(...v);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) stack.push(k, x);
    }
  }
}

import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError } from '../errors.js';

/** The Kubernetes API server's request body limit: 3 MiB. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Reads a request body, refusing (before buffering it all) anything over the limit. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new PayloadTooLargeError(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw new PayloadTooLargeError(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

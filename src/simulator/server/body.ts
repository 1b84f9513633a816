/** Reading a request's body (a list of changes for a large test, an events query, a write). */
import type { IncomingMessage } from 'node:http';
import { SimulatorError } from '../errors.ts';
import type { Step } from './exchange.ts';

/** Longest request body read. */
const MAX_BODY_BYTES = 8 * 2 ** 20;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new SimulatorError(`the request body is larger than ${MAX_BODY_BYTES} bytes`, 400);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads the body into the exchange (400 when it is too large). */
export const readRequestBody: Step = async (x) => {
  x.body = await readBody(x.req);
  return undefined;
};

/**
 * Writing text produced in pieces: reports and exports are generated as iterables of string chunks and
 * written as they come, so a file of gigabytes is never held in memory as one string.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ReportError } from './errors.ts';

/** Groups small string chunks into pieces of about `size` characters (64 Ki by default). */
export function* batched(chunks: Iterable<string>, size = 1 << 16): Iterable<string> {
  let buffer = '';
  for (const c of chunks) {
    buffer += c;
    if (buffer.length >= size) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

/**
 * Writes the chunks to a file (created or truncated), with backpressure. An error with a system
 * code (a missing directory, a full disk) becomes a ReportError whose message is `failure(code)`; any
 * other error (one thrown while producing the chunks) is passed on as it is.
 */
export async function writeChunks(path: string, chunks: Iterable<string>, failure: (code: string) => string): Promise<void> {
  try {
    await pipeline(Readable.from(batched(chunks)), createWriteStream(path, { encoding: 'utf8' }));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (!code) throw error;
    throw new ReportError(failure(code), { cause: error });
  }
}

/** Joins chunks into one string (for callers that want the whole text: tests, small tenants). */
export function joinChunks(chunks: Iterable<string>): string {
  let out = '';
  for (const c of chunks) out += c;
  return out;
}

/**
 * Writing text produced in pieces: reports and exports are generated as iterables of string chunks and
 * written as they come, so a file of gigabytes is never held in memory as one string. Written as every
 * jcgraph file is (src/io/output.ts): atomically, mode 0600; a full disk leaves the previous file intact.
 */
import { writeOutput } from '../io/output.ts';
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
 * Writes the chunks to a file (src/io/output.ts: atomically, 0600), with backpressure. An error with a
 * system code (a missing directory, a full disk) becomes a ReportError whose message is `failure(code)`;
 * any other error (one thrown while producing the chunks) is passed on as it is.
 */
export async function writeChunks(path: string, chunks: Iterable<string>, failure: (code: string) => string): Promise<void> {
  try {
    await writeOutput(path, batched(chunks));
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

/**
 * Every file jcgraph writes (snapshots, reports, exports, tenants) goes through here:
 * - a regular file (or a new path) is written **atomically**: to a temporary file beside it, synced,
 *   then renamed over it, with mode 0600 whatever the umask (what jcgraph writes describes who can reach
 *   what). A failure (a full disk) leaves the previous file as it was and no temporary file behind;
 * - a path that exists and is not a regular file (a device such as /dev/null or /dev/full, a named pipe)
 *   is never replaced: it is written to directly, since that is what the user asked for;
 * - a symbolic link is followed: the file it points to is replaced, the link stays.
 *
 * `checkOutputPath` says, before any work is done, whether a path can be written at all, so that a fetch
 * of several minutes does not end on a directory that does not exist.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, constants, realpathSync, statSync, type Stats } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';

/** Mode of every file jcgraph writes. */
export const OUTPUT_MODE = 0o600;

export type OutputKind = 'new' | 'file' | 'special';

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The path to write: a symbolic link's target (resolved fully), else the path itself. */
function writtenPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Checks that `path` can be written, without writing: its directory exists and is writable, and it is not
 * a directory. `what` names it in the error (`the snapshot`, `the report`). Throws ConfigError.
 */
export function checkOutputPath(path: string, what: string): OutputKind {
  const target = writtenPath(path);
  let existing: Stats | undefined;
  try {
    existing = statOrUndefined(target);
  } catch (error) {
    throw new ConfigError(`Cannot write ${what} to ${path}: ${(error as { code?: string }).code ?? String(error)}.`);
  }
  if (existing?.isDirectory()) throw new ConfigError(`Cannot write ${what} to ${path}: it is a directory; name a file.`);
  if (existing && !existing.isFile()) {
    try {
      accessSync(target, constants.W_OK);
    } catch {
      throw new ConfigError(`Cannot write ${what} to ${path}: it is not writable.`);
    }
    return 'special';
  }
  const dir = dirname(target);
  const dirStat = (() => {
    try {
      return statOrUndefined(dir);
    } catch {
      return undefined;
    }
  })();
  if (!dirStat) throw new ConfigError(`Cannot write ${what} to ${path}: the directory ${dir} does not exist.`);
  if (!dirStat.isDirectory()) throw new ConfigError(`Cannot write ${what} to ${path}: ${dir} is not a directory.`);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new ConfigError(`Cannot write ${what} to ${path}: the directory ${dir} is not writable.`);
  }
  return existing ? 'file' : 'new';
}

/** True when two paths name the same existing file (through links, `..` and the like). */
export function sameFile(a: string, b: string): boolean {
  const x = statOrUndefinedQuiet(a);
  const y = statOrUndefinedQuiet(b);
  return x !== undefined && y !== undefined && x.dev === y.dev && x.ino === y.ino;
}

function statOrUndefinedQuiet(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

export type Chunks = Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

/** Groups small chunks into pieces of about `size` bytes, so that a write is never a few bytes. */
async function* batched(chunks: Chunks, size = 1 << 16): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let length = 0;
  for await (const c of chunks) {
    const b = typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    parts.push(b);
    length += b.length;
    if (length >= size) {
      yield Buffer.concat(parts, length);
      parts = [];
      length = 0;
    }
  }
  if (length > 0) yield Buffer.concat(parts, length);
}

/**
 * Writes `chunks` to `path` as the module doc says. Throws the system error (with its `code`) when the
 * file cannot be written; callers turn it into their own error class. Errors thrown while producing the
 * chunks pass through unchanged, leaving nothing behind.
 */
export async function writeOutput(path: string, chunks: Chunks): Promise<void> {
  const target = writtenPath(path);
  const existing = await stat(target).catch(() => undefined);
  if (existing && !existing.isFile() && !existing.isDirectory()) {
    // A device or a pipe: written to as it is, never replaced by a file.
    const handle = await open(target, 'w');
    try {
      for await (const piece of batched(chunks)) await handle.write(piece);
    } finally {
      await handle.close();
    }
    return;
  }
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', OUTPUT_MODE);
    try {
      await handle.chmod(OUTPUT_MODE); // whatever the umask
      for await (const piece of batched(chunks)) await handle.write(piece);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

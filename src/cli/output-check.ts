/**
 * Output paths are checked before any work: a report of several minutes must not end on a directory
 * that does not exist, and a command must never overwrite the snapshot it is reading.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import { UsageError } from './usage-error.ts';
import { checkOutputPath, sameFile } from '../io/output.ts';

/** The nearest directory of `path` (itself or an ancestor) that exists. */
function nearestExisting(path: string): string {
  let dir = path;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/**
 * Checks the files a command will write (`files`, absolute; or, for a directory it fills, `dir` with the
 * names it will write there): each must be writable, and none may be one of `inputs`. UsageError for an
 * input about to be overwritten; ConfigError for a path that cannot be written.
 */
export function checkOutputs(
  command: string,
  what: string,
  inputs: readonly string[],
  target: { readonly files: readonly string[] } | { readonly dir: string; readonly names: readonly string[] },
): void {
  const files = 'files' in target ? target.files : target.names.map((n) => join(target.dir, n));
  for (const file of files) {
    for (const input of inputs) {
      if (sameFile(file, resolve(input)))
        throw new UsageError(`jcgraph ${command}: ${what} would overwrite ${input}, which it reads; write it elsewhere`);
    }
  }
  if ('dir' in target) {
    const existing = nearestExisting(target.dir);
    if (!statSync(existing).isDirectory()) throw new ConfigError(`Cannot write ${what} to ${target.dir}: ${existing} is not a directory.`);
    if (existing !== target.dir) {
      // The directory will be created: its nearest existing ancestor must let it be.
      checkOutputPath(join(existing, '.jcgraph-check'), what);
      return;
    }
  }
  for (const file of files) checkOutputPath(file, what);
}

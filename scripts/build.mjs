#!/usr/bin/env node
// Builds the package: src → dist with tsc (tsconfig.build.json), then copies the files that the code
// reads at run time beside the JavaScript that reads them.
//
//   node scripts/build.mjs          a clean build (what `npm run build`, `prepare` and `npm pack` run)
//   node scripts/build.mjs --quick  an incremental build into the existing dist
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Files under src/ that are read at run time (through import.meta.url), not compiled. */
export const RUNTIME_ASSETS = [
  'report/html/report.css',
  'report/html/report.js',
  'report/html/paths.js',
  'serve/explorer/explorer.css',
  'serve/explorer/explorer.js',
];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** tsc's record of the last build (tsconfig.build.json), kept out of dist/ so that it is not published. */
const BUILD_INFO = join(root, 'node_modules', '.cache', 'jcgraph-build', 'tsbuildinfo');

/** Written after a successful build: its time is compared with the sources' in `buildIfStale`. */
const STAMP = join(root, 'node_modules', '.cache', 'jcgraph-build', 'built');

/** Builds dist/; throws with tsc's output when the compiler reports an error. */
export function build({ clean = true } = {}) {
  // Without dist/ the record would say that nothing needs emitting: an incremental build starts clean.
  if (clean || !existsSync(join(root, 'dist', 'index.js'))) {
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    rmSync(BUILD_INFO, { force: true });
  }
  rmSync(STAMP, { force: true });
  const startedAt = new Date();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, encoding: 'utf8' });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`tsc failed (exit ${run.status}):\n${run.stdout}${run.stderr}`);
  for (const asset of RUNTIME_ASSETS) {
    const to = join(root, 'dist', asset);
    mkdirSync(dirname(to), { recursive: true });
    cpSync(join(root, 'src', asset), to);
  }
  mkdirSync(dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, `${startedAt.toISOString()}\n`);
  // Dated when the build started: a source saved while tsc ran is newer, so the next run builds again.
  utimesSync(STAMP, startedAt, startedAt);
}

/** The newest modification time of anything under `dir` (files and folders, so a deletion counts too). */
function newestUnder(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * An incremental build when something under src/ (or the build's own configuration) changed since the
 * last one, else nothing: even a no-op tsc run costs seconds, and the tests call this on every run.
 * Returns whether it built.
 */
export function buildIfStale() {
  const sources = Math.max(
    newestUnder(join(root, 'src')),
    ...['tsconfig.json', 'tsconfig.build.json', 'package.json', 'scripts/build.mjs'].map((f) => statSync(join(root, f)).mtimeMs),
  );
  if (existsSync(STAMP) && existsSync(join(root, 'dist', 'index.js')) && statSync(STAMP).mtimeMs > sources) return false;
  build({ clean: false });
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    build({ clean: !process.argv.includes('--quick') });
  } catch (error) {
    process.stderr.write(`build: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

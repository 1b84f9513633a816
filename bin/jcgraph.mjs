#!/usr/bin/env node
// The jcgraph command: runs the compiled CLI in dist/ (built by `npm run build`, which `npm ci` runs in a
// checkout through the `prepare` script; the published package carries dist/). When a memory budget is known and the user set no heap bound, it first relaunches itself with one
// (see heap-bound.mjs).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { heapBoundMiB, RELAUNCHED_ENV } from './heap-bound.mjs';

let bound;
try {
  bound = heapBoundMiB({
    env: process.env,
    execArgv: process.execArgv,
    totalBytes: totalmem(),
    constrainedBytes: typeof process.constrainedMemory === 'function' ? (process.constrainedMemory() ?? 0) : 0,
    heapLimitBytes: getHeapStatistics().heap_size_limit,
  });
} catch (error) {
  process.stderr.write(`jcgraph: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}

// Help and the version load no command and need no heap bound: they run here, without a second process.
const answersAtOnce = ['--help', '-h', 'help', '--version', undefined].includes(process.argv[2]);

if (bound !== undefined && !answersAtOnce) {
  const child = spawn(
    process.execPath,
    [...process.execArgv, `--max-old-space-size=${bound}`, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, [RELAUNCHED_ENV]: '1' },
    },
  );
  // A terminal's Ctrl-C reaches both processes; a signal sent to this one alone is passed on. The CLI
  // takes a second SIGINT within a moment of the first as the same one.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    process.stderr.write(`jcgraph: could not start with a heap bound of ${bound} MiB (${error.message}).\n`);
    process.exitCode = 1;
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      for (const s of signals) process.removeAllListeners(s);
      process.kill(process.pid, signal); // end the way the command ended
    } else {
      process.exitCode = code ?? 1;
    }
  });
} else {
  const entry = new URL('../dist/cli/main.js', import.meta.url);
  if (!existsSync(entry)) {
    process.stderr.write(
      `jcgraph: the compiled CLI is missing (${fileURLToPath(entry)}): run \`npm run build\` in the jcgraph checkout.\n`,
    );
    process.exit(1);
  }
  const { main } = await import(entry.href);
  process.exitCode = await main(process.argv.slice(2));
}

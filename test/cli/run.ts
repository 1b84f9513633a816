/**
 * Runs `jcgraph` commands for tests: in-process through main() (fast, with memory stdout/stderr and an
 * optional terminal flag), or as a real process through bin/jcgraph.mjs (what a user types).
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CliIo, CommandEntry } from '../../src/cli/command.ts';
import { main } from '../../src/cli/main.ts';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env?: Record<string, string | undefined>;
  /** Text on stdin. */
  readonly stdin?: string;
  /** Pretend stderr is a terminal (progress lines are drawn). */
  readonly tty?: boolean;
  readonly cwd?: string;
  readonly signal?: AbortSignal;
  /** The command table (default: every registered command). */
  readonly commands?: readonly CommandEntry[];
}

/** A command running in-process: what it has written so far, and its end. */
export interface RunningCli {
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly done: Promise<CliResult>;
  /**
   * Resolves with stdout at the first write after which `holds(stdout)` is true (at once when it already is);
   * rejects, with what the command wrote, when the command ends first.
   */
  readonly stdoutUntil: (holds: (stdout: string) => boolean) => Promise<string>;
}

/** Starts one command in-process (for long-running ones like `sim`, stopped through `signal`). */
export function startCli(argv: readonly string[], options: RunOptions = {}): RunningCli {
  let stdout = '';
  let stderr = '';
  const waiting = new Set<() => void>();
  const io: CliIo = {
    stdout: {
      write: (c: string) => {
        stdout += c;
        for (const check of waiting) check();
        return stdout;
      },
    },
    stderr: { write: (c: string) => (stderr += c), isTTY: options.tty === true },
    stdin: Readable.from(options.stdin !== undefined ? [options.stdin] : []),
    env: options.env ?? {},
    signal: options.signal ?? new AbortController().signal,
    cwd: options.cwd ?? ROOT,
  };
  const done = main(argv, io, ...(options.commands ? [options.commands] : [])).then((code) => ({ code, stdout, stderr }));
  const stdoutUntil = (holds: (text: string) => boolean): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!holds(stdout)) return;
        waiting.delete(check);
        resolve(stdout);
      };
      waiting.add(check);
      check();
      void done.then(
        (end) => reject(new Error(`the command ended (exit ${String(end.code)}) first: ${JSON.stringify(end.stdout)} ${end.stderr}`)),
        reject,
      );
    });
  return { stdout: () => stdout, stderr: () => stderr, done, stdoutUntil };
}

/** One command in-process: exit code and everything it wrote. */
export function cli(argv: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return startCli(argv, options).done;
}

/** A real process: `node bin/jcgraph.mjs …` (or any command line), with the given environment added. */
export function spawnCli(command: string, args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, JC_API_KEY: '', JUMPCLOUD_API_KEY: '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

export function jcgraph(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return spawnCli(process.execPath, [resolve(ROOT, 'bin/jcgraph.mjs'), ...args], options);
}

/**
 * What the unified bench (bench/run.ts) needs around the per-part benches: child processes (one per
 * phase, so each phase's peak RSS is its own), a simulator in a process of its own (so a fetch's RSS is
 * the client's alone), and small statistics helpers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { PresetName } from '../src/simulator/index.ts';

export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const MiB = 1024 * 1024;

/** Peak resident set of this process so far, in MiB (Linux reports maxRSS in KiB). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function heapMiB(): number {
  return process.memoryUsage().heapUsed / MiB;
}

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Milliseconds `fn` takes, and what it returns. */
export function timed<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

export async function timedAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** Marks the line a child writes its result on, so stray output cannot be mistaken for it. */
const RESULT_MARK = '@@bench-result ';

/** Ends a phase child: its result on stdout, on one marked line. */
export function emitResult(value: unknown): void {
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(value)}\n`);
}

function spawnTsx(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  nodeArgs: readonly string[] = [],
): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, '--import', 'tsx', `${BENCH_DIR}${script}`, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env,
  });
}

/** Runs `node [nodeArgs] bench/<script> args` in a child process and returns the result it emitted. */
export async function runChild<T>(script: string, args: readonly string[], nodeArgs: readonly string[] = []): Promise<T> {
  const child = spawnTsx(script, args, process.env, nodeArgs);
  child.stdin?.end();
  let result: T | undefined;
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    if (line.startsWith(RESULT_MARK)) result = JSON.parse(line.slice(RESULT_MARK.length)) as T;
    else process.stderr.write(`${line}\n`);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0 || result === undefined)
    throw new Error(`bench/${script} ${args.join(' ')} ended with code ${code} and ${result === undefined ? 'no' : 'a'} result`);
  return result;
}

export interface SimChildOptions {
  readonly preset: PresetName;
  readonly seed: number;
  /** The simulator's rate limit (token bucket, requests per second); none when absent. */
  readonly rate?: number;
  /** Serve the change door (`POST /simulator/v1/changes`), for the refresh phase. */
  readonly allowChanges?: boolean;
  /** Fault settings, as `startSimulator` takes them (the watch phase: `{"events-lag": 1}`). */
  readonly faults?: Readonly<Record<string, number>>;
}

export interface SimChildStats {
  readonly requests: number;
  readonly byStatus: Record<string, number>;
  readonly maxRssMiB: number;
  readonly startMs: number;
}

export interface SimChild {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Stops the simulator and returns its request counts and peak RSS. */
  stop(): Promise<SimChildStats>;
}

/** A child process that talks in marked result lines: each message in order, then its end. */
export interface MessagingChild {
  /** The next message the child emits; rejects if it exits first. */
  next(): Promise<unknown>;
  /** Closes the child's stdin (its signal to stop), reads its last message, and waits for it to exit. */
  stop(): Promise<unknown>;
}

/** Starts `node --import tsx bench/<script> args` and reads the messages it emits. */
export function startMessagingChild(script: string, args: readonly string[]): MessagingChild {
  const child = spawnTsx(script, args);
  const lines = createInterface({ input: child.stdout! });
  const messages: unknown[] = [];
  const waiters: ((m: unknown) => void)[] = [];
  lines.on('line', (line) => {
    if (!line.startsWith(RESULT_MARK)) return;
    const message: unknown = JSON.parse(line.slice(RESULT_MARK.length));
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else messages.push(message);
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const next = (): Promise<unknown> =>
    messages.length > 0
      ? Promise.resolve(messages.shift())
      : Promise.race([
          new Promise<unknown>((resolve) => waiters.push(resolve)),
          exited.then((code) => {
            throw new Error(`bench/${script} exited with code ${code}`);
          }),
        ]);
  return {
    next,
    async stop() {
      child.stdin!.end(); // the child stops when its stdin closes
      const last = await next();
      await exited;
      return last;
    },
  };
}

/** A simulator in a child process (bench/sim-child.ts); resolves once it listens. */
export async function startSimChild(options: SimChildOptions): Promise<SimChild> {
  const child = startMessagingChild('sim-child.ts', [JSON.stringify(options)]);
  const ready = (await child.next()) as { baseUrl: string; apiKey: string };
  return {
    baseUrl: ready.baseUrl,
    apiKey: ready.apiKey,
    stop: async () => (await child.stop()) as SimChildStats,
  };
}

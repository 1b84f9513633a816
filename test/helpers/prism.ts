/**
 * Stoplight Prism processes for contract tests: `prism proxy <spec> <upstream> --errors` validates every
 * request and response against the spec (a violation shows in the `sl-violations` header, and an
 * error-level response violation turns the answer into a 500 problem+json); `prism mock -d <spec>`
 * answers spec-valid random data. Each runs on a free loopback port.
 *
 *   const prism = startPrism({ mode: 'proxy', spec: V2_SPEC_PATH, upstream: `${sim.baseUrl}/api/v2` });
 *   await prism.ready;           // the v2 spec takes tens of seconds to load
 *   …
 *   await prism.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const PRISM_BIN = resolve(fileURLToPath(import.meta.url), '../../../node_modules/.bin/prism');
/** Loading the 2.9 MB v2 spec takes 20–60 s on a busy 2-core machine. */
export const PRISM_START_TIMEOUT_MS = 170_000;

export type PrismSpec =
  | { readonly mode: 'proxy'; readonly spec: string; readonly upstream: string }
  | { readonly mode: 'mock'; readonly spec: string; readonly dynamic?: boolean };

export interface PrismProcess {
  /** `http://127.0.0.1:PORT`; requests go to `${url}${specPath}` (e.g. `/usergroups`). */
  readonly url: string;
  /** Resolves once Prism listens; rejects with its log if it exits or does not start in time. */
  readonly ready: Promise<void>;
  /** The last few kilobytes of its output. */
  log(): string;
  stop(): Promise<void>;
}

/** A port free on loopback right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  await new Promise<void>((ok) => server.close(() => ok()));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts Prism at once (on `port`, or a free one); await `ready` before sending requests. */
export async function startPrism(spec: PrismSpec, port?: number): Promise<PrismProcess> {
  if (!existsSync(PRISM_BIN)) throw new Error(`Prism is not installed at ${PRISM_BIN}; run npm ci`);
  port ??= await freePort();
  const args =
    spec.mode === 'proxy'
      ? ['proxy', spec.spec, spec.upstream, '--errors', '-h', '127.0.0.1', '-p', String(port)]
      : ['mock', ...(spec.dynamic === false ? [] : ['-d']), spec.spec, '-h', '127.0.0.1', '-p', String(port)];
  const child = spawn(PRISM_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let log = '';
  const exited = new Promise<number | null>((ok) =>
    child.once('exit', (code) => {
      running.delete(child);
      ok(code);
    }),
  );
  const ready = new Promise<void>((ok, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`prism ${spec.mode} did not start within ${PRISM_START_TIMEOUT_MS / 1000} s:\n${log}`)),
      PRISM_START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer): void => {
      log = (log + chunk.toString()).slice(-4000);
      if (log.includes('Prism is listening')) {
        clearTimeout(timer);
        ok();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`prism ${spec.mode} exited with code ${code}:\n${log}`));
    });
  });
  ready.catch(() => undefined);
  return {
    url: `http://127.0.0.1:${port}`,
    ready,
    log: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Asks the global setup's Prism service (test/global-setup.ts) for the Prism named `name`: it is started on
 * the first request of the run (each takes tens of seconds of CPU to load its spec, so a run whose tests
 * need none starts none), and this resolves once it listens at the URL injected for that name. Throws with
 * Prism's log when it failed to start.
 */
export async function waitForPrism(controlUrl: string, name: string, timeoutMs = PRISM_START_TIMEOUT_MS): Promise<void> {
  const response = await fetch(`${controlUrl}/${encodeURIComponent(name)}`, { signal: AbortSignal.timeout(timeoutMs + 10_000) });
  if (!response.ok) throw new Error(`${name} failed to start: ${await response.text()}`);
}

/** One GET through a Prism proxy: its status, body and the spec violations Prism reported. */
export interface PrismExchange {
  readonly label: string;
  readonly status: number;
  readonly violations: unknown[];
  readonly body: any;
}

/** GET `${root}${path}?query` with `headers` (the API key, …) through a Prism proxy started with --errors. */
export async function viaPrism(
  root: string,
  path: string,
  query: Record<string, string>,
  headers: Record<string, string>,
): Promise<PrismExchange> {
  const url = new URL(root + path);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const response = await fetch(url, { headers });
  const text = await response.text();
  const header = response.headers.get('sl-violations');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  const violations = header === null ? [] : (JSON.parse(header.replace(/^Too many violations! /, '')) as unknown[]);
  // With --errors, an error-level response violation replaces the answer by Prism's own problem+json.
  if ((response.headers.get('content-type') ?? '').includes('problem+json')) violations.push({ prism: body });
  return { label: `GET ${path}?${new URLSearchParams(query).toString()}`, status: response.status, violations, body };
}

/**
 * The graph operations and the v1 lists document no error response (200 only, plus 401 on some v1
 * lists), so for a correct 400 or 404 Prism can only warn that it cannot match the status: true when
 * that warning is all it said.
 */
export function onlyUnmatchedStatus(x: PrismExchange): boolean {
  return x.violations.every((v: any) => v.severity === 'Warning' && /Unable to match the returned status code/.test(v.message));
}

/** What is wrong with an answer that should be a spec-valid 200, or undefined when nothing is. */
export function notValid200(x: PrismExchange, what = ''): string | undefined {
  return x.status === 200 && x.violations.length === 0
    ? undefined
    : `${x.label}${what ? ` (${what})` : ''}: ${x.status} ${JSON.stringify(x.violations)}`;
}

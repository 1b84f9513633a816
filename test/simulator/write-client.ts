/**
 * Writes for the simulator's write tests, each body checked against the official spec by Prism (the shared
 * Prisms of test/global-setup.ts, started once per run):
 * - `viaPrism`: through the Prism proxy of the write's API, which validates the request and the answer
 *   (run with --errors: a request the spec refuses never reaches the simulator, it gets Prism's 422);
 * - `direct`: straight to the simulator (for faults that act on the connection), after the Prism mock of
 *   the write's API has found the body valid;
 * - `specRefuses`: the body is one the spec refuses (the Prism mock's 422), for the 400 tests.
 */
import { expect, inject } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { waitForPrism } from '../helpers/prism.ts';
import { UPSTREAM_HEADER } from '../helpers/upstream-switch.ts';

export type WriteMethod = 'POST' | 'PUT';

export interface WriteAnswer {
  readonly status: number;
  /** The parsed JSON body; undefined when there is none (204). */
  readonly body: any;
  /** Prism's `sl-violations` (proxy), empty when sent direct. */
  readonly violations: any[];
  readonly headers: Headers;
}

export interface WriteOptions {
  /** The key to send; default the simulator's; null sends none. */
  readonly apiKey?: string | null;
  readonly orgId?: string;
}

/** Waits for the shared Prisms the write tests use (the v2 spec takes tens of seconds to load). */
export async function prismsReady(): Promise<void> {
  const control = inject('prismControlUrl');
  await Promise.all(['prismV2Proxy', 'prismV1Proxy', 'prismV2Mock', 'prismV1Mock'].map((name) => waitForPrism(control, name)));
}

/** The Prism root and the path under it for an API path (`/api/v2/…` or `/api/…`). */
function prismTarget(path: string, kind: 'proxy' | 'mock'): string {
  if (path.startsWith('/api/v2/')) return inject(kind === 'proxy' ? 'prismV2ProxyUrl' : 'prismV2MockUrl') + path.slice('/api/v2'.length);
  if (path.startsWith('/api/')) return inject(kind === 'proxy' ? 'prismV1ProxyUrl' : 'prismV1MockUrl') + path.slice('/api'.length);
  throw new Error(`not an API path: ${path}`);
}

function headersOf(sim: Pick<Simulator, 'apiKey'>, options: WriteOptions): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const key = options.apiKey === undefined ? sim.apiKey : options.apiKey;
  if (key !== null) headers['x-api-key'] = key;
  if (options.orgId !== undefined) headers['x-org-id'] = options.orgId;
  return headers;
}

async function answerOf(response: Response): Promise<WriteAnswer> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  const header = response.headers.get('sl-violations');
  const violations = header === null ? [] : (JSON.parse(header.replace(/^Too many violations! /, '')) as any[]);
  return { status: response.status, body, violations, headers: response.headers };
}

/**
 * The spec's violations of a write's request, empty when it is valid: the Prism mock lists them in its 422,
 * or, for an operation that documents a 400 (v1 `systemusers_put`), in the `sl-violations` of that 400.
 */
export async function requestViolations(method: WriteMethod, path: string, body: unknown): Promise<any[]> {
  const response = await fetch(prismTarget(path, 'mock'), {
    method,
    headers: { 'content-type': 'application/json', 'x-api-key': 'spec-check' },
    body: JSON.stringify(body),
  });
  const answer = await answerOf(response);
  if (answer.status === 422) return (answer.body as { validation?: any[] }).validation ?? [answer.body];
  return answer.violations.filter((v) => v.severity === 'Error' && Array.isArray(v.location) && v.location[0] === 'request');
}

/**
 * Sends a write through the Prism proxy of its API to `sim`. Fails the test when Prism finds the request
 * or the answer invalid; a status the spec does not list (the graph writes document only 204) is the one
 * warning allowed.
 */
export async function viaPrism(
  sim: Simulator,
  method: WriteMethod,
  path: string,
  body: unknown,
  options: WriteOptions = {},
): Promise<WriteAnswer> {
  const response = await fetch(prismTarget(path, 'proxy'), {
    method,
    headers: { ...headersOf(sim, options), [UPSTREAM_HEADER]: sim.baseUrl },
    body: JSON.stringify(body),
  });
  const answer = await answerOf(response);
  const label = `${method} ${path} ${JSON.stringify(body)}`;
  expect(answer.status, `${label}: Prism refused the request: ${JSON.stringify(answer.body)}`).not.toBe(422);
  expect(response.headers.get('content-type') ?? '', `${label}: Prism replaced the answer: ${JSON.stringify(answer.body)}`).not.toContain(
    'problem+json',
  );
  const serious = answer.violations.filter(
    (v) => !(v.severity === 'Warning' && /Unable to match the returned status code/.test(v.message)),
  );
  expect(serious, label).toEqual([]);
  return answer;
}

/** GETs one object by id through the Prism proxy of its API (what a client reads back after a write). */
export async function viaPrismRead(sim: Simulator, path: string): Promise<WriteAnswer> {
  const response = await fetch(prismTarget(path, 'proxy'), { headers: { 'x-api-key': sim.apiKey, [UPSTREAM_HEADER]: sim.baseUrl } });
  return answerOf(response);
}

/** Sends a write straight to the simulator, once the Prism mock has found its body valid; `undefined` when the connection closed without an answer. */
export async function direct(
  sim: Simulator,
  method: WriteMethod,
  path: string,
  body: unknown,
  options: WriteOptions = {},
): Promise<WriteAnswer | undefined> {
  expect(await requestViolations(method, path, body), `${method} ${path} ${JSON.stringify(body)}`).toEqual([]);
  let response: Response;
  try {
    response = await fetch(sim.baseUrl + path, { method, headers: headersOf(sim, options), body: JSON.stringify(body) });
  } catch (e) {
    if (e instanceof TypeError) return undefined; // fetch failed: the connection closed with no answer
    throw e;
  }
  return answerOf(response);
}

/** Sends a body the spec refuses (checked with the Prism mock) straight to the simulator, and returns its answer. */
export async function refusedBySpec(sim: Simulator, method: WriteMethod, path: string, body: unknown): Promise<WriteAnswer> {
  expect(await requestViolations(method, path, body), `${method} ${path} ${JSON.stringify(body)}: the spec accepts it`).not.toEqual([]);
  const response = await fetch(sim.baseUrl + path, { method, headers: headersOf(sim, {}), body: JSON.stringify(body) });
  return answerOf(response);
}

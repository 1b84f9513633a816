/**
 * Conveniences for tests that talk to the simulator over HTTP.
 *
 *   await withSimulator({ preset: 'tiny' }, async (sim) => {
 *     const r = await getJson(sim, '/api/v2/usergroups', { limit: '5' });
 *     const all = await fetchAll(sim, '/api/systemusers');
 *   });
 */
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.ts';
import type { GraphType, TenantData, TenantObject } from '../../src/model/index.ts';

/** Starts a simulator, runs `fn`, always closes it. */
export async function withSimulator<T>(options: SimulatorOptions, fn: (sim: Simulator) => Promise<T>): Promise<T> {
  const sim = await startSimulator(options);
  try {
    return await fn(sim);
  } finally {
    await sim.close();
  }
}

export interface RequestOptions {
  /** The key to send; default the simulator's; null sends none. */
  apiKey?: string | null;
  /** `x-org-id` to send, if any. */
  orgId?: string;
  method?: string;
  headers?: Record<string, string>;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  /** The parsed body, or undefined when it is not JSON. */
  body: any;
  text: string;
}

/** The URL of an API path (`/api/...`) with a query. */
export function apiUrl(baseUrl: string, path: string, query: Record<string, string> = {}): string {
  const url = new URL(baseUrl + path);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.toString();
}

/** One request to the simulator (or any base URL speaking its API); the body parsed when it is JSON. */
export async function getJson(
  target: Pick<Simulator, 'baseUrl' | 'apiKey'>,
  path: string,
  query: Record<string, string> = {},
  options: RequestOptions = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.apiKey === undefined ? target.apiKey : options.apiKey;
  if (key !== null) headers['x-api-key'] = key;
  if (options.orgId !== undefined) headers['x-org-id'] = options.orgId;
  const response = await fetch(apiUrl(target.baseUrl, path, query), { method: options.method ?? 'GET', headers });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** The records of one page, whatever the list's shape (v1 `results`, rules `rules`, v2 bare array). */
export function pageItems(body: any): unknown[] {
  if (Array.isArray(body)) return body;
  if (body && Array.isArray(body.results)) return body.results;
  if (body && Array.isArray(body.rules)) return body.rules;
  throw new Error(`not a page: ${JSON.stringify(body).slice(0, 200)}`);
}

/**
 * Every entry of a collection on a well-behaved simulator (no faults), paged with `limit` (default 100)
 * and `sort=_id`. Fails on any non-200 answer.
 */
export async function fetchAll(
  target: Pick<Simulator, 'baseUrl' | 'apiKey'>,
  path: string,
  query: Record<string, string> = {},
  options: RequestOptions & { limit?: number } = {},
): Promise<unknown[]> {
  const limit = options.limit ?? 100;
  const out: unknown[] = [];
  for (let skip = 0; ;) {
    const r = await getJson(target, path, { ...query, limit: String(limit), skip: String(skip), sort: '_id' }, options);
    if (r.status !== 200) throw new Error(`GET ${path} skip=${skip}: ${r.status} ${r.text.slice(0, 200)}`);
    const items = pageItems(r.body);
    out.push(...items);
    skip += items.length;
    const total = r.body?.totalCount ?? (r.headers.get('x-total-count') === null ? undefined : Number(r.headers.get('x-total-count')));
    if (items.length === 0 || (total !== undefined ? skip >= total : items.length < limit)) return out;
  }
}

export function objectsOf(tenant: TenantData, type: GraphType): TenantObject[] {
  return tenant.objects.filter((o) => o.type === type);
}

/** The first object of a type, failing loudly when the tenant has none. */
export function firstOf(tenant: TenantData, type: GraphType): TenantObject {
  const found = tenant.objects.find((o) => o.type === type);
  if (!found) throw new Error(`tenant ${tenant.orgId} has no ${type}`);
  return found;
}

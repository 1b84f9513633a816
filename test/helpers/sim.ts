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

/** A collection read page by page: its records, and each page as it came. */
export interface PagedCollection {
  /** Every record, in the order the pages gave them. */
  readonly items: unknown[];
  /** Every page's body, in order. */
  readonly pages: unknown[];
  /** The total each page announced (`totalCount` or `x-total-count`), null when it announced none. */
  readonly totals: (number | null)[];
}

export interface PagingOptions extends RequestOptions {
  /** Records per page. Default 100. */
  limit?: number;
  /**
   * What ends the collection besides an empty page: `total`, the announced total once reached, else (no
   * total) a page shorter than `limit`; `short-page`, only a page shorter than `limit`. Default `total`.
   */
  end?: 'total' | 'short-page';
}

/**
 * The tests' one pager: reads a collection of the simulator (or of any server speaking its API) page by
 * page as the specs' clients do, `limit` per page and `skip` advanced by the records returned, until
 * `options.end` says it is over. Fails on any answer but 200. No retries: for a server with faults, the
 * test's own client decides what to retry.
 */
export async function pageThrough(
  target: Pick<Simulator, 'baseUrl' | 'apiKey'>,
  path: string,
  query: Record<string, string> = {},
  options: PagingOptions = {},
): Promise<PagedCollection> {
  const limit = options.limit ?? 100;
  const items: unknown[] = [];
  const pages: unknown[] = [];
  const totals: (number | null)[] = [];
  for (;;) {
    const skip = items.length;
    const r = await getJson(target, path, { ...query, limit: String(limit), skip: String(skip) }, options);
    if (r.status !== 200) throw new Error(`GET ${target.baseUrl}${path} skip=${skip}: ${r.status} ${r.text.slice(0, 300)}`);
    const page = pageItems(r.body);
    const header = r.headers.get('x-total-count');
    const total = typeof r.body?.totalCount === 'number' ? (r.body.totalCount as number) : header === null ? null : Number(header);
    items.push(...page);
    pages.push(r.body);
    totals.push(total);
    const byTotal = options.end !== 'short-page' && total !== null;
    if (page.length === 0 || (byTotal ? items.length >= total : page.length < limit)) return { items, pages, totals };
  }
}

/** Every entry of a collection on a well-behaved simulator (no faults), in id order (`sort=_id`), `limit` per page (default 100). */
export async function fetchAll(
  target: Pick<Simulator, 'baseUrl' | 'apiKey'>,
  path: string,
  query: Record<string, string> = {},
  options: PagingOptions = {},
): Promise<unknown[]> {
  return (await pageThrough(target, path, { ...query, sort: '_id' }, options)).items;
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

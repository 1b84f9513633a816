/**
 * One page of a collection, as the API pages it and as the collection faults distort it: a list or a
 * graph answer in id order (reversed for `sort=-_id`), `null` entries inserted by `nulls` (cached per
 * collection until its organization changes), a page cut short or shifted, the total in the list's own
 * place (v1 `totalCount`, v2 `x-total-count` unless withheld, the rules list's `count`).
 */
import type { JsonValue } from '../../model/index.ts';
import { parseTargets } from '../reference/answers.ts';
import type { OrgContent } from './content.ts';
import type { Answer } from './exchange.ts';
import { type FaultInjector, distortedPage, withNulls } from './faults.ts';
import { parsePaging } from './query.ts';
import type { GraphRoute, ListRoute } from './routes.ts';

const NULLED_CACHE_SIZE = 64;

export class Pager {
  readonly #nulled = new Map<string, readonly (JsonValue | null)[]>();

  constructor(private readonly faults: FaultInjector) {}

  /** The page a request asks for (throws a 400 or 404 SimulatorError for bad paging or an unknown source). */
  page(route: ListRoute | GraphRoute, org: OrgContent, params: URLSearchParams, requestKey: string): Answer {
    const shape = route.kind === 'list' ? route.list.shape : 'v2';
    const paging = parsePaging(params, shape === 'v2-rules' ? 100 : 10);
    let items: readonly JsonValue[];
    let collectionKey: string;
    if (route.kind === 'list') {
      items = org.listItems(route);
      collectionKey = `${org.orgId}|${route.path}`;
    } else {
      const targets = route.endpoint.kind === 'associations' ? parseTargets(route.endpoint, params.getAll('targets')).sort() : [];
      items = org.graphItems(route, targets) as unknown as JsonValue[];
      collectionKey = `${org.orgId}|${route.endpoint.path}|${route.id}|${targets.join(',')}`;
    }
    if (paging.descending) {
      items = [...items].reverse();
      collectionKey += '|desc';
    }
    const hasTotal = shape === 'v1' || (shape === 'v2' && !this.faults.withholdsTotal(collectionKey));
    const virtual = this.#withNulls(collectionKey, items);
    const distortion = this.faults.pageDistortion(collectionKey, requestKey, virtual.length, paging.skip, paging.limit, hasTotal);
    const { page, total } = distortedPage(virtual, paging.skip, paging.limit, distortion);
    if (shape === 'v1') return { status: 200, body: { totalCount: total, results: page } };
    if (shape === 'v2-rules') return { status: 200, body: { count: page.length, rules: page } };
    return { status: 200, body: page, headers: hasTotal ? { 'x-total-count': String(total) } : {} };
  }

  /** Forgets the cached collections of an organization (it changed). */
  forget(orgId: string): void {
    for (const key of this.#nulled.keys()) if (key.startsWith(`${orgId}|`)) this.#nulled.delete(key);
  }

  /** The collection with `nulls` entries inserted, cached per collection. */
  #withNulls(collectionKey: string, items: readonly JsonValue[]): readonly (JsonValue | null)[] {
    const cached = this.#nulled.get(collectionKey);
    if (cached) return cached;
    const positions = this.faults.nullPositions(collectionKey, items.length);
    if (positions.length === 0) return items;
    const virtual = withNulls(items, positions);
    if (this.#nulled.size >= NULLED_CACHE_SIZE) {
      const oldest = this.#nulled.keys().next().value;
      if (oldest !== undefined) this.#nulled.delete(oldest);
    }
    this.#nulled.set(collectionKey, virtual);
    return virtual;
  }
}

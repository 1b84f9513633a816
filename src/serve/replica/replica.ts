/**
 * The read-only API replica: answers the JumpCloud v1 and v2 GET endpoints of ./routes.ts from an
 * AccessGraph, in the specs' shapes, with the API's paging, totals, errors and headers:
 *
 * - v1 lists: `{totalCount, results}`; v2 lists and graph endpoints: a bare array with the total in
 *   `x-total-count` (and, when the request carries `x-unfiltered-total-count`, the total before filters
 *   in that header); health-monitoring rules: `{count, rules}` (count: the page's size);
 * - graph endpoints: exactly the engine's answer (src/graph `answer`), all targets with every path and
 *   compiledAttributes, paged with `limit`/`skip`; `…/associations` need `targets` from the spec's enum;
 * - errors in the spec's `Error` shape `{code, message, status}`: v1 `status` is the HTTP status text,
 *   v2 `status` a lowerCamelCase code on validation errors only (`invalidLimit`, `invalidTargets`, …),
 *   as the v2 schema describes it.
 *
 * Authentication is the server's (../server.ts); this module answers a request that has passed it.
 */
import { STATUS_CODES } from 'node:http';
import { QueryError, UnknownObjectError } from '../../errors.ts';
import { answer, traverse, type AccessGraph } from '../../graph/index.ts';
import { endpointPath, type GraphEndpoint, type JsonObject, type JsonValue } from '../../model/index.ts';
import { RequestError, badParameter } from '../errors.ts';
import { CollectionCache } from './cache.ts';
import { parseFilters, parseSearch, type Predicate } from './filter.ts';
import { parseFields, parsePaging, parseSort, project, sortItems, type ApiVersion, type Item } from './query.ts';
import { apiOf, resolveRoute, type GraphRoute, type ListRoute, type RecordRoute } from './routes.ts';

export interface ApiAnswer {
  readonly status: number;
  /** The body as JSON text. */
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Request headers as node:http gives them. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

function header(headers: RequestHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `limit` → `invalidLimit`, `filter[or][0]` → `invalidFilter`. */
function reasonOf(parameter: string): string {
  const word = parameter.replace(/\[.*$/, '').replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase());
  return `invalid${word.charAt(0).toUpperCase()}${word.slice(1)}`;
}

/** An error answer in the API's Error shape. */
export function apiError(
  api: ApiVersion,
  status: number,
  message: string,
  parameter?: string,
  headers: Record<string, string> = {},
): ApiAnswer {
  const body: JsonObject =
    api === 'v1'
      ? { code: status, message, status: STATUS_CODES[status] ?? 'Error' }
      : status === 400 && parameter !== undefined
        ? { code: status, message, status: reasonOf(parameter) }
        : { code: status, message };
  return { status, body: JSON.stringify(body), headers };
}

function ok(body: JsonValue, headers: Record<string, string> = {}): ApiAnswer {
  return { status: 200, body: JSON.stringify(body), headers };
}

/** The `targets` of an associations request (comma-separated and/or repeated), each from the spec's enum. */
function parseTargets(endpoint: GraphEndpoint, params: URLSearchParams): string[] {
  const targets = params
    .getAll('targets')
    .flatMap((v) => v.split(','))
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  if (targets.length === 0) {
    throw badParameter(
      'targets',
      `The query parameter targets is required on ${endpoint.path}: one or more of ${endpoint.targets.join(', ')}.`,
    );
  }
  const bad = targets.filter((t) => !endpoint.targets.includes(t));
  if (bad.length > 0) {
    throw badParameter(
      'targets',
      `The query parameter targets holds ${bad.map((t) => `"${t}"`).join(', ')}, not allowed on ${endpoint.path}; allowed: ${endpoint.targets.join(', ')}.`,
    );
  }
  return [...new Set(targets)].sort();
}

function itemOf(value: JsonObject): Item {
  const to = value['to'];
  const id =
    typeof value['id'] === 'string'
      ? value['id']
      : typeof value['_id'] === 'string'
        ? value['_id']
        : to && typeof to === 'object' && !Array.isArray(to) && typeof to['id'] === 'string'
          ? to['id']
          : '';
  return { id, value };
}

export class Replica {
  private readonly lists = new Map<string, readonly Item[]>();
  private readonly collections = new CollectionCache<Item>();
  private readonly answers = new CollectionCache<JsonObject>();
  private listsVersion: number;

  constructor(readonly graph: AccessGraph) {
    this.listsVersion = graph.version;
  }

  /**
   * Answers a GET that passed authentication. `pathname` is the URL's path (e.g. `/api/v2/usergroups`),
   * `params` its query. Never throws for a bad request: every refusal is an error answer.
   */
  get(pathname: string, params: URLSearchParams, headers: RequestHeaders): ApiAnswer {
    const api = apiOf(pathname);
    // x-org-id, when sent, must be the snapshot's organization (docs/rules.md#replica).
    const org = header(headers, 'x-org-id');
    if (org && this.graph.orgId && org !== this.graph.orgId) {
      return apiError(api, 401, `Unauthorized: organization ${org} (x-org-id) is not the one this replica serves.`);
    }
    const route = resolveRoute(pathname);
    if (!route) return apiError(api, 404, `Not found: the replica serves no endpoint at ${pathname}.`);
    try {
      switch (route.kind) {
        case 'list':
          return this.list(route, params, headers);
        case 'record':
          return this.record(route, params);
        case 'graph':
          return this.graphAnswer(route, params);
      }
    } catch (error) {
      if (error instanceof RequestError) return apiError(api, error.status, error.message, error.parameter);
      if (error instanceof UnknownObjectError) return apiError(api, 404, `Not found: ${error.message}`);
      if (error instanceof QueryError) return apiError(api, 400, error.message, 'query');
      throw error;
    }
  }

  /** The items of a list in id order, made once (again after the graph is edited). */
  private listItems(route: ListRoute): readonly Item[] {
    if (this.graph.version !== this.listsVersion) {
      this.lists.clear();
      this.listsVersion = this.graph.version;
    }
    let items = this.lists.get(route.path);
    if (!items) {
      const made: Item[] = [];
      for (const type of route.types)
        for (const o of this.graph.objects(type)) made.push({ id: o.id, value: route.item(o.type, o.id, o.record) });
      items = sortItems(made, []);
      this.lists.set(route.path, items);
    }
    return items;
  }

  private list(route: ListRoute, params: URLSearchParams, headers: RequestHeaders): ApiAnswer {
    const paging = parsePaging(params, route.shape === 'v2-rules' ? 100 : 10);
    const keys = parseSort(params);
    const fields = parseFields(params);
    const predicates = [parseFilters(route.api, params), route.api === 'v1' ? parseSearch(params) : undefined].filter(
      (p): p is Predicate => p !== undefined,
    );
    const all = this.listItems(route);
    const selection =
      predicates.length === 0 && keys.length === 0
        ? all
        : this.collections.get(`list ${this.graph.version} ${route.path}?${params.toString()}`, () => {
            const kept = predicates.length === 0 ? all : all.filter((i) => predicates.every((p) => p(i.value, i.id)));
            return keys.length === 0 ? kept : sortItems(kept, keys);
          });
    const page = selection.slice(paging.skip, paging.skip + paging.limit).map((i) => (fields ? project(i.value, fields) : i.value));
    if (route.shape === 'v1') return ok({ totalCount: selection.length, results: page });
    if (route.shape === 'v2-rules') return ok({ count: page.length, rules: page });
    const out: Record<string, string> = { 'x-total-count': String(selection.length) };
    if (header(headers, 'x-unfiltered-total-count')) out['x-unfiltered-total-count'] = String(all.length);
    return ok(page, out);
  }

  private record(route: RecordRoute, params: URLSearchParams): ApiAnswer {
    const g = this.graph;
    const object = g.hasObject(route.id) ? g.object(route.id) : undefined;
    if (!object || !route.list.types.includes(object.type as never)) {
      return apiError(route.api, 404, `Not found: no ${route.list.types.join(' or ')} with id ${route.id} is in the snapshot.`);
    }
    const fields = parseFields(params);
    const record = fields ? project(object.record, fields) : object.record;
    return ok(route.list.shape === 'v2-rules' ? { rule: record } : record);
  }

  /** The whole answer of a graph endpoint, kept a while for the pages that follow the first. */
  private wholeAnswer(endpoint: GraphEndpoint, id: string, targets: readonly string[] | undefined): readonly JsonObject[] {
    const key = `${this.graph.version} ${endpoint.operationId} ${id}${targets ? ` ${targets.join(',')}` : ''}`;
    return this.answers.get(
      key,
      () =>
        // Traversals, memberof and membership go straight to the traversal (the route is known already);
        // associations and members through answer(), which lists direct edges.
        (endpoint.kind === 'associations' || endpoint.kind === 'members'
          ? answer(this.graph, endpointPath(endpoint, id), targets ? { targets: targets.join(',') } : {})
          : traverse(this.graph, id, endpoint)) as JsonObject[],
    );
  }

  private graphAnswer(route: GraphRoute, params: URLSearchParams): ApiAnswer {
    const { endpoint, id } = route;
    const paging = parsePaging(params);
    const targets = endpoint.kind === 'associations' ? parseTargets(endpoint, params) : undefined;
    const filter = parseFilters('v2', params);
    const whole = this.wholeAnswer(endpoint, id, targets);
    const items = filter
      ? whole.filter((value) => {
          const i = itemOf(value);
          return filter(i.value, i.id);
        })
      : whole;
    return ok(items.slice(paging.skip, paging.skip + paging.limit), { 'x-total-count': String(items.length) });
  }
}

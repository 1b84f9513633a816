/**
 * The URLs the simulator serves: the list endpoints of every type (TYPE_INFO lists, v1 under `/api`,
 * v2 under `/api/v2`), the 88 v2 graph endpoints (GRAPH_ENDPOINTS), and one object by id for the types
 * a write PUTs (`GET /api/v2/usergroups/{id}`, `/systemgroups/{id}`, v1 `/api/systemusers/{id}`), so that
 * a client can read back what it wrote.
 */
import { GRAPH_TYPES, TYPE_INFO, matchEndpoint, type GraphEndpoint, type GraphType, type ListEndpoint } from '../../model/index.ts';
import type { ApiVersion } from './responses.ts';

export interface ListRoute {
  readonly kind: 'list';
  readonly api: ApiVersion;
  /** Full path, e.g. `/api/systemusers`, `/api/v2/directories`. */
  readonly path: string;
  readonly list: ListEndpoint;
  /** The types whose objects the list holds. */
  readonly types: readonly GraphType[];
}

export interface GraphRoute {
  readonly kind: 'graph';
  readonly api: 'v2';
  readonly endpoint: GraphEndpoint;
  readonly id: string;
}

export interface ObjectRoute {
  readonly kind: 'object';
  readonly api: ApiVersion;
  /** Template, e.g. `/api/v2/usergroups/{id}`. */
  readonly template: string;
  readonly type: GraphType;
  readonly id: string;
}

export type Route = ListRoute | GraphRoute | ObjectRoute;

/** The types one object of which is served by id: the ones a write PUTs. */
const OBJECT_ROUTES: readonly { readonly api: ApiVersion; readonly prefix: string; readonly type: GraphType }[] = [
  { api: 'v2', prefix: '/api/v2/usergroups/', type: 'user_group' },
  { api: 'v2', prefix: '/api/v2/systemgroups/', type: 'system_group' },
  { api: 'v1', prefix: '/api/systemusers/', type: 'user' },
];

function objectRoute(path: string): ObjectRoute | undefined {
  for (const { api, prefix, type } of OBJECT_ROUTES) {
    const rest = path.startsWith(prefix) ? path.slice(prefix.length) : '';
    if (rest === '' || rest.includes('/')) continue;
    try {
      return { kind: 'object', api, template: `${prefix}{id}`, type, id: decodeURIComponent(rest) };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export const V1_ROOT = '/api';
export const V2_ROOT = '/api/v2';

function fullPath(list: ListEndpoint): string {
  return (list.api === 'v1' ? V1_ROOT : V2_ROOT) + list.path;
}

function buildListRoutes(): Map<string, ListRoute> {
  const routes = new Map<string, { list: ListEndpoint; types: GraphType[] }>();
  for (const type of GRAPH_TYPES) {
    for (const list of TYPE_INFO[type].lists) {
      const path = fullPath(list);
      const entry = routes.get(path);
      if (entry) entry.types.push(type);
      else routes.set(path, { list, types: [type] });
    }
  }
  return new Map([...routes].map(([path, { list, types }]) => [path, { kind: 'list', api: list.api, path, list, types }]));
}

/** Every list route, by full path. */
export const LIST_ROUTES: ReadonlyMap<string, ListRoute> = buildListRoutes();

/** The route of a request path, or undefined when the simulator serves nothing there. */
export function resolveRoute(pathname: string): Route | undefined {
  const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  const list = LIST_ROUTES.get(path);
  if (list) return list;
  if (path.startsWith(`${V2_ROOT}/`)) {
    const match = matchEndpoint(path);
    if (match) return { kind: 'graph', api: 'v2', endpoint: match.endpoint, id: match.id };
  }
  return objectRoute(path);
}

/** The API a path belongs to, for the shape of its error bodies. */
export function apiOf(pathname: string): ApiVersion {
  return pathname === V2_ROOT || pathname.startsWith(`${V2_ROOT}/`) ? 'v2' : 'v1';
}

/** A route's name in the statistics: its template, never the ids in it. */
export function routeName(route: Route | undefined): string {
  if (!route) return 'unknown';
  switch (route.kind) {
    case 'list':
      return route.path;
    case 'graph':
      return `${V2_ROOT}${route.endpoint.path}`;
    case 'object':
      return route.template;
  }
}

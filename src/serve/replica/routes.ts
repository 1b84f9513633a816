/**
 * The URLs the replica answers, all derived from the model's tables: every list of TYPE_INFO (v1 under
 * `/api`, v2 under `/api/v2`), the one record of an object by id under its list (`/api/systemusers/{id}`,
 * `/api/v2/usergroups/{id}`, …), `/api/v2/groups` (every group, in the spec's `Group` shape), and the 88
 * graph endpoints of GRAPH_ENDPOINTS. No route is written by hand but `/groups`, which no type lists as
 * its own.
 */
import {
  GRAPH_ENDPOINTS,
  GRAPH_TYPES,
  TYPE_INFO,
  isGroupType,
  type GraphEndpoint,
  type GraphType,
  type JsonObject,
  type ListShape,
} from '../../model/index.ts';
import type { ApiVersion } from './query.ts';

export const V1_ROOT = '/api';
export const V2_ROOT = '/api/v2';

export interface ListRoute {
  readonly kind: 'list';
  readonly api: ApiVersion;
  /** Full path, e.g. `/api/systemusers`. */
  readonly path: string;
  readonly shape: ListShape;
  /** The types whose objects the list holds. */
  readonly types: readonly GraphType[];
  /** The item an object shows in this list. */
  readonly item: (type: string, id: string, record: JsonObject) => JsonObject;
}

export interface RecordRoute {
  readonly kind: 'record';
  readonly api: ApiVersion;
  readonly list: ListRoute;
  readonly id: string;
}

export interface GraphRoute {
  readonly kind: 'graph';
  readonly api: 'v2';
  readonly endpoint: GraphEndpoint;
  readonly id: string;
}

export type Route = ListRoute | RecordRoute | GraphRoute;

/**
 * `/directories` lists every directory as the spec's `Directory` (`{id, name, type}` required). G Suite
 * and Office 365 records come from this list already; LDAP servers and Active Directories keep the record
 * of their own list, so here they show as that summary (their name, or an Active Directory's domain):
 * docs/rules.md#replica.
 */
function directoryItem(type: string, id: string, record: JsonObject): JsonObject {
  if (type === 'ldap_server' || type === 'active_directory') {
    const name = typeof record['name'] === 'string' ? record['name'] : typeof record['domain'] === 'string' ? record['domain'] : id;
    return { id, name, type };
  }
  return record['type'] === undefined ? { ...record, type } : record;
}

const GROUP_FIELDS = ['attributes', 'description', 'email', 'id', 'memberQueryErrorFlags', 'name', 'organizationObjectId', 'type'] as const;

/** A group as the spec's `Group` of `/groups`: its record's Group fields, with its type. */
function groupItem(type: string, id: string, record: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const field of GROUP_FIELDS) if (record[field] !== undefined) out[field] = record[field];
  out['id'] = id;
  out['type'] = type;
  return out;
}

const asListed = (_type: string, _id: string, record: JsonObject): JsonObject => record;

function rootOf(api: ApiVersion): string {
  return api === 'v1' ? V1_ROOT : V2_ROOT;
}

function buildListRoutes(): Map<string, ListRoute> {
  const found = new Map<string, { api: ApiVersion; shape: ListShape; mixed: boolean; types: GraphType[] }>();
  for (const type of GRAPH_TYPES) {
    for (const list of TYPE_INFO[type].lists) {
      const path = rootOf(list.api) + list.path;
      const entry = found.get(path) ?? { api: list.api, shape: list.shape, mixed: list.mixedTypes !== undefined, types: [] };
      entry.types.push(type);
      found.set(path, entry);
    }
  }
  const routes = new Map<string, ListRoute>();
  for (const [path, { api, shape, mixed, types }] of found) {
    routes.set(path, { kind: 'list', api, path, shape, types, item: mixed ? directoryItem : asListed });
  }
  const groups = GRAPH_TYPES.filter(isGroupType);
  routes.set(`${V2_ROOT}/groups`, { kind: 'list', api: 'v2', path: `${V2_ROOT}/groups`, shape: 'v2', types: groups, item: groupItem });
  return routes;
}

/** Every list route, by full path. */
export const LIST_ROUTES: ReadonlyMap<string, ListRoute> = buildListRoutes();

/** The lists whose objects can also be read one by one at `{list}/{id}`: those of a single type. */
const RECORD_LISTS: ReadonlyMap<string, ListRoute> = new Map(
  [...LIST_ROUTES].filter(([path, route]) => route.types.length === 1 && !path.endsWith('/groups')),
);

interface EndpointPattern {
  readonly endpoint: GraphEndpoint;
  /** The path's segments, the id's place empty. */
  readonly segments: readonly string[];
  readonly idAt: number;
}

/**
 * The graph endpoints by segment count and first segment: a request is matched against the two or
 * three endpoints that could fit, segment by segment, rather than against 88 regular expressions (the
 * same matches as the model's matchEndpoint; a test checks it for every endpoint).
 */
const GRAPH_PATTERNS: ReadonlyMap<string, readonly EndpointPattern[]> = (() => {
  const byKey = new Map<string, EndpointPattern[]>();
  for (const endpoint of GRAPH_ENDPOINTS) {
    const segments = endpoint.path.split('/').slice(1);
    const idAt = segments.findIndex((x) => x.startsWith('{'));
    const key = `${segments.length} ${segments[0]}`;
    byKey.set(key, [...(byKey.get(key) ?? []), { endpoint, segments: segments.map((x, i) => (i === idAt ? '' : x)), idAt }]);
  }
  return byKey;
})();

function matchGraph(path: string): GraphRoute | undefined {
  const segments = path.slice(V2_ROOT.length + 1).split('/');
  for (const p of GRAPH_PATTERNS.get(`${segments.length} ${segments[0]}`) ?? []) {
    if (!p.segments.every((x, i) => i === p.idAt || x === segments[i])) continue;
    const raw = segments[p.idAt] as string;
    if (raw === '') return undefined;
    try {
      return { kind: 'graph', api: 'v2', endpoint: p.endpoint, id: decodeURIComponent(raw) };
    } catch {
      return undefined; // an id that is not valid percent-encoding names no object
    }
  }
  return undefined;
}

/** The route of a request path (a trailing slash is ignored), or undefined when the replica serves nothing there. */
export function resolveRoute(pathname: string): Route | undefined {
  const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  const list = LIST_ROUTES.get(path);
  if (list) return list;
  const slash = path.lastIndexOf('/');
  const parent = RECORD_LISTS.get(path.slice(0, slash));
  if (parent && slash < path.length - 1) {
    let id: string;
    try {
      id = decodeURIComponent(path.slice(slash + 1));
    } catch {
      return undefined;
    }
    return { kind: 'record', api: parent.api, list: parent, id };
  }
  return path.startsWith(`${V2_ROOT}/`) ? matchGraph(path) : undefined;
}

/** The API a path belongs to, for the shape of its error bodies. */
export function apiOf(pathname: string): ApiVersion {
  return pathname === V2_ROOT || pathname.startsWith(`${V2_ROOT}/`) ? 'v2' : 'v1';
}

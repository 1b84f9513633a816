/**
 * The URLs the simulator takes writes at (docs/domain.md "Writing"):
 * - `POST /api/v2/{usergroups|systemgroups|policygroups}/{group_id}/members` (`graph_*GroupMembersPost`);
 * - `POST /api/v2/{prefix}/{id}/associations` for every type with associations (`graph_*AssociationsPost`);
 * - `PUT /api/v2/usergroups/{id}` and `PUT /api/v2/systemgroups/{id}` (`groups_user_put`, `groups_system_put`);
 * - `PUT /api/systemusers/{id}` (v1 `systemusers_put`).
 */
import { ASSOCIATION_TARGETS, GRAPH_TYPES, TYPE_INFO, memberTypeOf, type GraphType } from '../../model/index.ts';
import type { ApiVersion } from './responses.ts';
import { V1_ROOT, V2_ROOT } from './routes.ts';

export type WriteRoute =
  | { readonly kind: 'members'; readonly group: GraphType; readonly memberType: GraphType; readonly id: string }
  | { readonly kind: 'associations'; readonly source: GraphType; readonly id: string }
  | { readonly kind: 'group'; readonly group: 'user_group' | 'system_group'; readonly id: string }
  | { readonly kind: 'user'; readonly id: string };

/** The method a write route takes. */
export function writeMethod(route: WriteRoute): 'POST' | 'PUT' {
  return route.kind === 'members' || route.kind === 'associations' ? 'POST' : 'PUT';
}

/** The API a write route belongs to, for the shape of its errors. */
export function writeApi(route: WriteRoute): ApiVersion {
  return route.kind === 'user' ? 'v1' : 'v2';
}

/** Sources of associations, by path prefix (`identity-provider/policies` holds a slash). */
const SOURCE_BY_PREFIX: ReadonlyMap<string, GraphType> = new Map(
  GRAPH_TYPES.filter((t) => ASSOCIATION_TARGETS[t].length > 0).map((t) => [TYPE_INFO[t].pathPrefix, t]),
);
const GROUP_BY_PREFIX: ReadonlyMap<string, GraphType> = new Map(
  GRAPH_TYPES.filter((t) => memberTypeOf(t) !== undefined).map((t) => [TYPE_INFO[t].pathPrefix, t]),
);

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The write route of a path, whatever the method, or undefined when no write is taken there. */
export function resolveWriteRoute(pathname: string): WriteRoute | undefined {
  const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  const user = new RegExp(`^${V1_ROOT}/systemusers/([^/]+)$`).exec(path);
  if (user) {
    const id = decoded(user[1]!);
    return id === undefined ? undefined : { kind: 'user', id };
  }
  if (!path.startsWith(`${V2_ROOT}/`)) return undefined;
  const rest = path.slice(V2_ROOT.length + 1);
  const m = /^(.+)\/([^/]+)\/(members|associations)$/.exec(rest) ?? /^(usergroups|systemgroups)\/([^/]+)$/.exec(rest);
  if (!m) return undefined;
  const [, prefix = '', rawId = '', tail] = m;
  const id = decoded(rawId);
  if (id === undefined) return undefined;
  if (tail === 'members') {
    const group = GROUP_BY_PREFIX.get(prefix);
    const memberType = group && memberTypeOf(group);
    return group && memberType ? { kind: 'members', group, memberType, id } : undefined;
  }
  if (tail === 'associations') {
    const source = SOURCE_BY_PREFIX.get(prefix);
    return source ? { kind: 'associations', source, id } : undefined;
  }
  return { kind: 'group', group: prefix === 'usergroups' ? 'user_group' : 'system_group', id };
}

/** A write route's name in the statistics: method and template, never the ids in it. */
export function writeRouteName(route: WriteRoute): string {
  switch (route.kind) {
    case 'members':
      return `POST ${V2_ROOT}/${TYPE_INFO[route.group].pathPrefix}/{group_id}/members`;
    case 'associations':
      return `POST ${V2_ROOT}/${TYPE_INFO[route.source].pathPrefix}/{id}/associations`;
    case 'group':
      return `PUT ${V2_ROOT}/${TYPE_INFO[route.group].pathPrefix}/{id}`;
    case 'user':
      return `PUT ${V1_ROOT}/systemusers/{id}`;
  }
}

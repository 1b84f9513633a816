/**
 * Every `graph_*` GET operation of the v2 spec (spec/api/2.0/index.yaml; docs/domain.md#traversal-endpoints):
 * its URL pattern, what it returns, its source type and its target types. A test fails if the spec and this table
 * disagree in either direction.
 */
import { DIRECTORIES_SEGMENT_TYPES, type GraphType } from './types.ts';
import { ASSOCIATION_TARGETS } from './associations.ts';
import type { GraphConnection, GraphObjectWithPaths } from './api-shapes.ts';

/**
 * - `associations`: direct associations, `GraphConnection[]`, `targets` required.
 * - `members`: a group's direct members, `GraphConnection[]`.
 * - `memberof`: the groups an object is a member of, `GraphObjectWithPaths[]`.
 * - `membership`: a group's members, `GraphObjectWithPaths[]`.
 * - `traverse`: every object of the target types bound directly or indirectly, `GraphObjectWithPaths[]`.
 */
export type EndpointKind = 'associations' | 'members' | 'memberof' | 'membership' | 'traverse';

export interface GraphEndpoint {
  readonly operationId: string;
  /** The v2 path as written in the spec, e.g. `/users/{user_id}/systems`. */
  readonly path: string;
  readonly kind: EndpointKind;
  readonly source: GraphType;
  /**
   * associations: the spec's `targets` enum (may include types jcgraph does not model);
   * members/membership: the member type; memberof: the group type; traverse: the types returned.
   */
  readonly targets: readonly string[];
  /** Name of the path parameter holding the source id. */
  readonly idParam: string;
  /** `/systems/{id}/commands`, `/systemgroups/{id}/commands`: items carry the command's fields. */
  readonly withCommandFields?: boolean;
}

type Row = readonly [operationId: string, path: string, kind: EndpointKind, source: GraphType, targets?: readonly string[]];

const DIRS = DIRECTORIES_SEGMENT_TYPES;

// `as const`: the types below read each row's path and kind (AnswerOf).
const ROWS = [
  ['graph_activeDirectoryAssociationsList', '/activedirectories/{activedirectory_id}/associations', 'associations', 'active_directory'],
  [
    'graph_activeDirectoryTraverseUserGroup',
    '/activedirectories/{activedirectory_id}/usergroups',
    'traverse',
    'active_directory',
    ['user_group'],
  ],
  ['graph_activeDirectoryTraverseUser', '/activedirectories/{activedirectory_id}/users', 'traverse', 'active_directory', ['user']],
  ['graph_applicationAssociationsList', '/applications/{application_id}/associations', 'associations', 'application'],
  ['graph_applicationTraverseUserGroup', '/applications/{application_id}/usergroups', 'traverse', 'application', ['user_group']],
  ['graph_applicationTraverseUser', '/applications/{application_id}/users', 'traverse', 'application', ['user']],
  ['graph_commandAssociationsList', '/commands/{command_id}/associations', 'associations', 'command'],
  ['graph_commandTraverseSystemGroup', '/commands/{command_id}/systemgroups', 'traverse', 'command', ['system_group']],
  ['graph_commandTraverseSystem', '/commands/{command_id}/systems', 'traverse', 'command', ['system']],
  ['graph_gSuiteAssociationsList', '/gsuites/{gsuite_id}/associations', 'associations', 'g_suite'],
  ['graph_gSuiteTraverseUserGroup', '/gsuites/{gsuite_id}/usergroups', 'traverse', 'g_suite', ['user_group']],
  ['graph_gSuiteTraverseUser', '/gsuites/{gsuite_id}/users', 'traverse', 'g_suite', ['user']],
  ['graph_ldapServerAssociationsList', '/ldapservers/{ldapserver_id}/associations', 'associations', 'ldap_server'],
  ['graph_ldapServerTraverseUserGroup', '/ldapservers/{ldapserver_id}/usergroups', 'traverse', 'ldap_server', ['user_group']],
  ['graph_ldapServerTraverseUser', '/ldapservers/{ldapserver_id}/users', 'traverse', 'ldap_server', ['user']],
  [
    'graph_passwordManagerItemAssociationsList',
    '/passwordmanageritems/{passwordmanageritem_id}/associations',
    'associations',
    'password_manager_item',
  ],
  [
    'graph_passwordManagerItemTraverseUser',
    '/passwordmanageritems/{passwordmanageritem_id}/users',
    'traverse',
    'password_manager_item',
    ['user'],
  ],
  [
    'graph_passwordManagerItemTraverseUserGroup',
    '/passwordmanageritems/{passwordmanageritem_id}/usergroups',
    'traverse',
    'password_manager_item',
    ['user_group'],
  ],
  ['graph_office365AssociationsList', '/office365s/{office365_id}/associations', 'associations', 'office_365'],
  ['graph_office365TraverseUserGroup', '/office365s/{office365_id}/usergroups', 'traverse', 'office_365', ['user_group']],
  ['graph_office365TraverseUser', '/office365s/{office365_id}/users', 'traverse', 'office_365', ['user']],
  ['graph_policyAssociationsList', '/policies/{policy_id}/associations', 'associations', 'policy'],
  ['graph_policyMemberOf', '/policies/{policy_id}/memberof', 'memberof', 'policy', ['policy_group']],
  ['graph_policyTraverseSystemGroup', '/policies/{policy_id}/systemgroups', 'traverse', 'policy', ['system_group']],
  ['graph_policyTraverseUser', '/policies/{policy_id}/users', 'traverse', 'policy', ['user']],
  ['graph_policyTraverseUserGroup', '/policies/{policy_id}/usergroups', 'traverse', 'policy', ['user_group']],
  ['graph_policyTraverseSystem', '/policies/{policy_id}/systems', 'traverse', 'policy', ['system']],
  ['graph_policyGroupAssociationsList', '/policygroups/{group_id}/associations', 'associations', 'policy_group'],
  ['graph_policyGroupMembersList', '/policygroups/{group_id}/members', 'members', 'policy_group', ['policy']],
  ['graph_policyGroupMembership', '/policygroups/{group_id}/membership', 'membership', 'policy_group', ['policy']],
  ['graph_policyGroupTraverseSystemGroup', '/policygroups/{group_id}/systemgroups', 'traverse', 'policy_group', ['system_group']],
  ['graph_policyGroupTraverseSystem', '/policygroups/{group_id}/systems', 'traverse', 'policy_group', ['system']],
  ['graph_policyGroupTraverseUser', '/policygroups/{group_id}/users', 'traverse', 'policy_group', ['user']],
  ['graph_policyGroupTraverseUserGroup', '/policygroups/{group_id}/usergroups', 'traverse', 'policy_group', ['user_group']],
  ['graph_radiusServerAssociationsList', '/radiusservers/{radiusserver_id}/associations', 'associations', 'radius_server'],
  ['graph_radiusServerTraverseUserGroup', '/radiusservers/{radiusserver_id}/usergroups', 'traverse', 'radius_server', ['user_group']],
  ['graph_radiusServerTraverseSystemGroup', '/radiusservers/{radiusserver_id}/systemgroups', 'traverse', 'radius_server', ['system_group']],
  ['graph_radiusServerTraverseUser', '/radiusservers/{radiusserver_id}/users', 'traverse', 'radius_server', ['user']],
  ['graph_ruleAssociationsList', '/healthmonitoring/rules/{rule_id}/associations', 'associations', 'rule'],
  ['graph_ruleTraverseSystemGroup', '/healthmonitoring/rules/{rule_id}/systemgroups', 'traverse', 'rule', ['system_group']],
  ['graph_softwareappsAssociationsList', '/softwareapps/{software_app_id}/associations', 'associations', 'software_app'],
  ['graph_softwareappsTraverseSystemGroup', '/softwareapps/{software_app_id}/systemgroups', 'traverse', 'software_app', ['system_group']],
  ['graph_softwareappsTraverseSystem', '/softwareapps/{software_app_id}/systems', 'traverse', 'software_app', ['system']],
  ['graph_systemGroupAssociationsList', '/systemgroups/{group_id}/associations', 'associations', 'system_group'],
  ['graph_systemGroupTraverseCommand', '/systemgroups/{group_id}/commands', 'traverse', 'system_group', ['command']],
  ['graph_systemGroupMembersList', '/systemgroups/{group_id}/members', 'members', 'system_group', ['system']],
  ['graph_systemGroupMembership', '/systemgroups/{group_id}/membership', 'membership', 'system_group', ['system']],
  ['graph_systemGroupTraversePolicyGroup', '/systemgroups/{group_id}/policygroups', 'traverse', 'system_group', ['policy_group']],
  ['graph_systemGroupTraversePolicy', '/systemgroups/{group_id}/policies', 'traverse', 'system_group', ['policy']],
  ['graph_systemGroupTraverseUserGroup', '/systemgroups/{group_id}/usergroups', 'traverse', 'system_group', ['user_group']],
  ['graph_systemGroupTraverseUser', '/systemgroups/{group_id}/users', 'traverse', 'system_group', ['user']],
  ['graph_systemAssociationsList', '/systems/{system_id}/associations', 'associations', 'system'],
  ['graph_systemTraverseCommand', '/systems/{system_id}/commands', 'traverse', 'system', ['command']],
  ['graph_systemMemberOf', '/systems/{system_id}/memberof', 'memberof', 'system', ['system_group']],
  ['graph_systemTraversePolicyGroup', '/systems/{system_id}/policygroups', 'traverse', 'system', ['policy_group']],
  ['graph_systemTraversePolicy', '/systems/{system_id}/policies', 'traverse', 'system', ['policy']],
  ['graph_systemTraverseUserGroup', '/systems/{system_id}/usergroups', 'traverse', 'system', ['user_group']],
  ['graph_systemTraverseUser', '/systems/{system_id}/users', 'traverse', 'system', ['user']],
  ['graph_userGroupTraverseActiveDirectory', '/usergroups/{group_id}/activedirectories', 'traverse', 'user_group', ['active_directory']],
  ['graph_userGroupTraverseApplication', '/usergroups/{group_id}/applications', 'traverse', 'user_group', ['application']],
  ['graph_userGroupAssociationsList', '/usergroups/{group_id}/associations', 'associations', 'user_group'],
  ['graph_userGroupTraverseDirectory', '/usergroups/{group_id}/directories', 'traverse', 'user_group', DIRS],
  ['graph_userGroupTraverseGSuite', '/usergroups/{group_id}/gsuites', 'traverse', 'user_group', ['g_suite']],
  ['graph_userGroupTraverseLdapServer', '/usergroups/{group_id}/ldapservers', 'traverse', 'user_group', ['ldap_server']],
  ['graph_userGroupMembersList', '/usergroups/{group_id}/members', 'members', 'user_group', ['user']],
  ['graph_userGroupMembership', '/usergroups/{group_id}/membership', 'membership', 'user_group', ['user']],
  ['graph_userGroupTraverseOffice365', '/usergroups/{group_id}/office365s', 'traverse', 'user_group', ['office_365']],
  ['graph_userGroupTraversePolicy', '/usergroups/{group_id}/policies', 'traverse', 'user_group', ['policy']],
  ['graph_userGroupTraversePolicyGroup', '/usergroups/{group_id}/policygroups', 'traverse', 'user_group', ['policy_group']],
  ['graph_userGroupTraverseRadiusServer', '/usergroups/{group_id}/radiusservers', 'traverse', 'user_group', ['radius_server']],
  ['graph_userGroupTraverseSystemGroup', '/usergroups/{group_id}/systemgroups', 'traverse', 'user_group', ['system_group']],
  ['graph_userGroupTraverseSystem', '/usergroups/{group_id}/systems', 'traverse', 'user_group', ['system']],
  ['graph_userTraverseActiveDirectory', '/users/{user_id}/activedirectories', 'traverse', 'user', ['active_directory']],
  ['graph_userTraverseApplication', '/users/{user_id}/applications', 'traverse', 'user', ['application']],
  ['graph_userAssociationsList', '/users/{user_id}/associations', 'associations', 'user'],
  ['graph_userTraverseDirectory', '/users/{user_id}/directories', 'traverse', 'user', DIRS],
  ['graph_userTraverseGSuite', '/users/{user_id}/gsuites', 'traverse', 'user', ['g_suite']],
  ['graph_userTraverseLdapServer', '/users/{user_id}/ldapservers', 'traverse', 'user', ['ldap_server']],
  ['graph_userMemberOf', '/users/{user_id}/memberof', 'memberof', 'user', ['user_group']],
  ['graph_userTraverseOffice365', '/users/{user_id}/office365s', 'traverse', 'user', ['office_365']],
  ['graph_userTraversePolicy', '/users/{user_id}/policies', 'traverse', 'user', ['policy']],
  ['graph_userTraversePolicyGroup', '/users/{user_id}/policygroups', 'traverse', 'user', ['policy_group']],
  ['graph_userTraverseRadiusServer', '/users/{user_id}/radiusservers', 'traverse', 'user', ['radius_server']],
  ['graph_userTraverseSystemGroup', '/users/{user_id}/systemgroups', 'traverse', 'user', ['system_group']],
  ['graph_userTraverseSystem', '/users/{user_id}/systems', 'traverse', 'user', ['system']],
  [
    'graph_idpRoutingPolicyAssociationsList',
    '/identity-provider/policies/{idp_routing_policy_id}/associations',
    'associations',
    'idp_routing_policy',
  ],
  [
    'graph_idpRoutingPolicyTraverseUserGroup',
    '/identity-provider/policies/{idp_routing_policy_id}/associations/usergroups',
    'traverse',
    'idp_routing_policy',
    ['user_group'],
  ],
  [
    'graph_idpRoutingPolicyTraverseUser',
    '/identity-provider/policies/{idp_routing_policy_id}/associations/users',
    'traverse',
    'idp_routing_policy',
    ['user'],
  ],
] as const satisfies readonly Row[];

function toEndpoint([operationId, path, kind, source, targets]: Row): GraphEndpoint {
  const idParam = /\{([^}]+)\}/.exec(path)?.[1];
  // The table below is a constant: a row without an id parameter is a mistake in it, found at load time.
  if (!idParam) throw new Error(`endpoint table: ${path} has no id parameter`);
  return {
    operationId,
    path,
    kind,
    source,
    targets: kind === 'associations' ? ASSOCIATION_TARGETS[source] : (targets ?? []),
    idParam,
    ...(kind === 'traverse' && targets?.length === 1 && targets[0] === 'command' ? { withCommandFields: true } : {}),
  };
}

/** What an endpoint of each kind answers, all pages merged, in the API's shapes (src/model/api-shapes.ts). */
export interface AnswerByKind {
  readonly associations: GraphConnection[];
  readonly members: GraphConnection[];
  readonly memberof: GraphObjectWithPaths[];
  readonly membership: GraphObjectWithPaths[];
  readonly traverse: GraphObjectWithPaths[];
}

/** The concrete paths of a path template: each `{parameter}` any string (`/users/{user_id}/systems` → `/users/${string}/systems`). */
export type ConcretePath<Template extends string> = Template extends `${infer Head}{${string}}${infer Tail}`
  ? `${Head}${string}${ConcretePath<Tail>}`
  : Template;

/**
 * The kind of the graph endpoint a concrete path names, read from the endpoint table as matchEndpoint reads
 * the path (query string and `/api/v2` left aside); never when the path's type does not tell (a `string`).
 */
export type EndpointKindOf<P extends string> = P extends `${infer Path}?${string}`
  ? EndpointKindOf<Path>
  : P extends `/api/v2${infer Rest}`
    ? EndpointKindOf<Rest>
    : (typeof ROWS)[number] extends infer R
      ? R extends readonly [string, infer Template extends string, infer Kind, ...unknown[]]
        ? P extends ConcretePath<Template>
          ? Kind
          : never
        : never
      : never;

/**
 * What `answer(g, path)` returns for a path of type P: the answer of the endpoint the path names
 * (`GraphObjectWithPaths[]` for `/users/${id}/systems`), either shape when its type does not tell.
 */
export type AnswerOf<P extends string> = [EndpointKindOf<P>] extends [never] ? AnswerByKind[EndpointKind] : AnswerByKind[EndpointKindOf<P>];

/** All 88 graph GET operations. */
export const GRAPH_ENDPOINTS: readonly GraphEndpoint[] = ROWS.map(toEndpoint);

export const TRAVERSAL_ENDPOINTS: readonly GraphEndpoint[] = GRAPH_ENDPOINTS.filter((e) => e.kind === 'traverse');

/** The endpoint of a kind for a source, and for traversals the one whose targets are exactly `targets`. */
export function findEndpoint(source: string, kind: EndpointKind, targets?: readonly string[]): GraphEndpoint | undefined {
  return GRAPH_ENDPOINTS.find(
    (e) =>
      e.source === source &&
      e.kind === kind &&
      (targets === undefined || (e.targets.length === targets.length && e.targets.every((t) => targets.includes(t)))),
  );
}

export interface EndpointMatch {
  readonly endpoint: GraphEndpoint;
  readonly id: string;
}

const MATCHERS: readonly { re: RegExp; endpoint: GraphEndpoint }[] = GRAPH_ENDPOINTS.map((endpoint) => ({
  endpoint,
  re: new RegExp(
    '^' +
      endpoint.path
        .split(/\{[^}]+\}/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('([^/]+)') +
      '/?$',
  ),
}));

/**
 * Matches a concrete v2 path (`/users/5f…/systems`, with or without a leading `/api/v2`, query ignored)
 * to its endpoint and source id.
 */
export function matchEndpoint(urlPath: string): EndpointMatch | undefined {
  let path = urlPath.split('?')[0] ?? '';
  if (path.startsWith('/api/v2/')) path = path.slice('/api/v2'.length);
  for (const { re, endpoint } of MATCHERS) {
    const m = re.exec(path);
    if (m?.[1]) return { endpoint, id: decodeURIComponent(m[1]) };
  }
  return undefined;
}

/** The concrete path of an endpoint for a source id (without the `/api/v2` prefix). */
export function endpointPath(endpoint: GraphEndpoint, id: string): string {
  return endpoint.path.replace(`{${endpoint.idParam}}`, encodeURIComponent(id));
}

/**
 * The object types of a JumpCloud organization (GraphType), and how each one is named in URLs,
 * listed, identified and labelled. Source: docs/domain.md#object-types and the v2 spec's GraphType
 * enum, plus `rule` (health-monitoring rules), which the spec's graph operations use but its GraphType
 * enum omits; `agent` and `agent_group` are left out (docs/rules.md#modelled-types).
 */

export const GRAPH_TYPES = [
  'user',
  'user_group',
  'system',
  'system_group',
  'policy',
  'policy_group',
  'application',
  'command',
  'radius_server',
  'ldap_server',
  'active_directory',
  'g_suite',
  'office_365',
  'software_app',
  'idp_routing_policy',
  'password_manager_item',
  'rule',
] as const;

export type GraphType = (typeof GRAPH_TYPES)[number];

const GRAPH_TYPE_SET: ReadonlySet<string> = new Set(GRAPH_TYPES);

/** Whether `value` names one of the graph object types (GRAPH_TYPES). */
export function isGraphType(value: unknown): value is GraphType {
  return typeof value === 'string' && GRAPH_TYPE_SET.has(value);
}

/**
 * How a collection of objects is shaped on the wire.
 * - `v1`: `{totalCount, results: [...]}`, records keyed by `_id`.
 * - `v2`: a bare array; the total, when present, only in the `x-total-count` header.
 * - `v2-rules`: `{count, rules: [...]}` (health-monitoring rules); `count` is the page's size, not a total.
 */
export type ListShape = 'v1' | 'v2' | 'v2-rules';

export interface ListEndpoint {
  readonly api: 'v1' | 'v2';
  /** Path under the API root (`/api` for v1, `/api/v2` for v2). */
  readonly path: string;
  readonly shape: ListShape;
  /**
   * The list holds several types, each item carrying its own `type` field (`/directories`).
   * Items of other types are still listed; the consumer keeps those it asks for.
   */
  readonly mixedTypes?: readonly GraphType[];
}

export interface TypeInfo {
  readonly type: GraphType;
  /** URL segment(s) of the type as a graph source: `/users/{id}/…`, `/identity-provider/policies/{id}/…`. */
  readonly pathPrefix: string;
  /** Segment naming the type as a traversal target (`/users/{id}/systems` → `systems`), when it is one. */
  readonly traversalSegment?: string;
  /** The lists that hold objects of this type; empty when the type can only be discovered through edges. */
  readonly lists: readonly ListEndpoint[];
  /** Field holding the object id in its listed record. */
  readonly idField: '_id' | 'id';
  /** Fields tried in order for a human-readable name. */
  readonly nameFields: readonly string[];
  /** Groups: the type of their members. */
  readonly memberType?: GraphType;
}

const DIRECTORY_TYPES: readonly GraphType[] = ['ldap_server', 'g_suite', 'office_365', 'active_directory'];
const directories: ListEndpoint = { api: 'v2', path: '/directories', shape: 'v2', mixedTypes: DIRECTORY_TYPES };

export const TYPE_INFO: { readonly [T in GraphType]: TypeInfo } = {
  user: {
    type: 'user',
    pathPrefix: 'users',
    traversalSegment: 'users',
    idField: '_id',
    lists: [{ api: 'v1', path: '/systemusers', shape: 'v1' }],
    nameFields: ['username', 'email'],
  },
  user_group: {
    type: 'user_group',
    pathPrefix: 'usergroups',
    traversalSegment: 'usergroups',
    idField: 'id',
    lists: [{ api: 'v2', path: '/usergroups', shape: 'v2' }],
    nameFields: ['name'],
    memberType: 'user',
  },
  system: {
    type: 'system',
    pathPrefix: 'systems',
    traversalSegment: 'systems',
    idField: '_id',
    lists: [{ api: 'v1', path: '/systems', shape: 'v1' }],
    nameFields: ['displayName', 'hostname'],
  },
  system_group: {
    type: 'system_group',
    pathPrefix: 'systemgroups',
    traversalSegment: 'systemgroups',
    idField: 'id',
    lists: [{ api: 'v2', path: '/systemgroups', shape: 'v2' }],
    nameFields: ['name'],
    memberType: 'system',
  },
  policy: {
    type: 'policy',
    pathPrefix: 'policies',
    traversalSegment: 'policies',
    idField: 'id',
    lists: [{ api: 'v2', path: '/policies', shape: 'v2' }],
    nameFields: ['name'],
  },
  policy_group: {
    type: 'policy_group',
    pathPrefix: 'policygroups',
    traversalSegment: 'policygroups',
    idField: 'id',
    lists: [{ api: 'v2', path: '/policygroups', shape: 'v2' }],
    nameFields: ['name'],
    memberType: 'policy',
  },
  application: {
    type: 'application',
    pathPrefix: 'applications',
    traversalSegment: 'applications',
    idField: '_id',
    lists: [{ api: 'v1', path: '/applications', shape: 'v1' }],
    nameFields: ['displayLabel', 'name'],
  },
  command: {
    type: 'command',
    pathPrefix: 'commands',
    traversalSegment: 'commands',
    idField: '_id',
    lists: [{ api: 'v1', path: '/commands', shape: 'v1' }],
    nameFields: ['name'],
  },
  radius_server: {
    type: 'radius_server',
    pathPrefix: 'radiusservers',
    traversalSegment: 'radiusservers',
    idField: '_id',
    lists: [{ api: 'v1', path: '/radiusservers', shape: 'v1' }],
    nameFields: ['name'],
  },
  ldap_server: {
    type: 'ldap_server',
    pathPrefix: 'ldapservers',
    traversalSegment: 'ldapservers',
    idField: 'id',
    lists: [{ api: 'v2', path: '/ldapservers', shape: 'v2' }, directories],
    nameFields: ['name'],
  },
  active_directory: {
    type: 'active_directory',
    pathPrefix: 'activedirectories',
    traversalSegment: 'activedirectories',
    idField: 'id',
    lists: [{ api: 'v2', path: '/activedirectories', shape: 'v2' }, directories],
    nameFields: ['domain', 'name'],
  },
  g_suite: {
    type: 'g_suite',
    pathPrefix: 'gsuites',
    traversalSegment: 'gsuites',
    idField: 'id',
    lists: [directories],
    nameFields: ['name'],
  },
  office_365: {
    type: 'office_365',
    pathPrefix: 'office365s',
    traversalSegment: 'office365s',
    idField: 'id',
    lists: [directories],
    nameFields: ['name'],
  },
  software_app: {
    type: 'software_app',
    pathPrefix: 'softwareapps',
    idField: 'id',
    lists: [{ api: 'v2', path: '/softwareapps', shape: 'v2' }],
    nameFields: ['displayName', 'name'],
  },
  idp_routing_policy: {
    type: 'idp_routing_policy',
    pathPrefix: 'identity-provider/policies',
    idField: 'id',
    lists: [],
    nameFields: ['name'],
  },
  password_manager_item: {
    type: 'password_manager_item',
    pathPrefix: 'passwordmanageritems',
    idField: 'id',
    lists: [],
    nameFields: ['name'],
  },
  rule: {
    type: 'rule',
    pathPrefix: 'healthmonitoring/rules',
    idField: 'id',
    lists: [{ api: 'v2', path: '/healthmonitoring/rules', shape: 'v2-rules' }],
    nameFields: ['name'],
  },
};

/** The traversal segment `directories` stands for these four types together. */
export const DIRECTORIES_SEGMENT_TYPES = DIRECTORY_TYPES;

/** Group type → member type (no nesting: a group is never a member of a group). */
export const MEMBERSHIPS: readonly { readonly group: GraphType; readonly member: GraphType }[] = [
  { group: 'user_group', member: 'user' },
  { group: 'system_group', member: 'system' },
  { group: 'policy_group', member: 'policy' },
];

/** Whether `type` is a group type (user_group, system_group, policy_group). */
export function isGroupType(type: string): boolean {
  return MEMBERSHIPS.some((m) => m.group === type);
}

/** The group type that can contain objects of `type`, if any. */
export function groupTypeOf(type: string): GraphType | undefined {
  return MEMBERSHIPS.find((m) => m.member === type)?.group;
}

/** The member type of a group type, if `type` is a group type. */
export function memberTypeOf(type: string): GraphType | undefined {
  return MEMBERSHIPS.find((m) => m.group === type)?.member;
}

/** A readable name for an object from its raw record; falls back to the id. */
export function objectName(type: string, record: Readonly<Record<string, unknown>> | null | undefined, id: string): string {
  if (record && isGraphType(type)) {
    for (const field of TYPE_INFO[type].nameFields) {
      const value = record[field];
      if (typeof value === 'string' && value.length > 0) return value;
    }
  }
  if (record && typeof record['name'] === 'string' && record['name'].length > 0) return record['name'];
  return id;
}

/**
 * The record fields that hold a display name, whatever the type: v1 system users carry `displayname`,
 * systems `displayName`; others may too.
 */
const DISPLAY_NAME_FIELDS = ['displayname', 'displayName'] as const;

/**
 * Every name a person may call an object by: the name jcgraph shows, then its type's name fields (a
 * user's username and email, …) and its display name, each once, when set.
 */
export function namesOf(type: string, record: Readonly<Record<string, unknown>> | null | undefined, name: string): string[] {
  const names = [name];
  if (!record) return names;
  for (const field of [...(isGraphType(type) ? TYPE_INFO[type].nameFields : []), ...DISPLAY_NAME_FIELDS]) {
    const value = record[field];
    if (typeof value === 'string' && value.length > 0 && !names.includes(value)) names.push(value);
  }
  return names;
}

/** The id of a listed record, whichever of `_id` / `id` it carries. */
export function recordId(record: Readonly<Record<string, unknown>>): string | undefined {
  const id = record['_id'] ?? record['id'];
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/**
 * The data of an access review, built once from a graph and rendered by the CSV, JSON, Markdown and
 * HTML writers. Access comes from the analysis layer (bindings, findings); nothing here decides what
 * access is.
 *
 * - **bindings**: every user's bindings (the user side of the binding universe, bindings.ts), one row per
 *   (user, resource) with label, compiled sudo, the groups on its paths and the paths themselves.
 *   Streamed (`bindingRows`): a 10,000-user tenant has close to a million.
 * - **users / resources / groups**: one summary row per user, per resource a user can be bound to, and
 *   per group, from one pass over the bindings.
 * - **findings**: `findings()` of src/analysis, as titled sections.
 * - **sample**: at most `maxBindings` binding rows for the renderers that cannot hold them all
 *   (HTML, Markdown): sudo bindings first, then those of inactive users, then the rest, each in user order.
 */
import { isGroupType, type BindingLabel, type JsonObject, type JsonValue } from '../model/index.ts';
import { inventory, traversalTargetsOf, type AccessGraph } from '../graph/index.ts';
import { BINDING_TARGETS, bindingFromAnswer, namedRef, reversePath, type AccessPath, type NamedRef } from '../analysis/bindings.ts';
import { sudoOf, type SudoValue } from '../analysis/drift.ts';
import { findings as analyse, type Findings } from '../analysis/findings.ts';
import { findingSections, type FindingSection } from './findings.ts';

export const REVIEW_BY = ['user', 'resource', 'group'] as const;
export type ReviewBy = (typeof REVIEW_BY)[number];

/** Sudo as one word for tables: `sudo`, `sudo-nopasswd`, or empty. */
export type SudoLevel = '' | 'sudo' | 'sudo-nopasswd';

export function sudoLevel(sudo: SudoValue | null): SudoLevel {
  if (!sudo?.enabled) return '';
  return sudo.withoutPassword ? 'sudo-nopasswd' : 'sudo';
}

export interface UserRef extends NamedRef {
  readonly email: string;
  /** The record's `state` (ACTIVATED, STAGED, SUSPENDED), or SUSPENDED when only `suspended` says so. */
  readonly state: string;
  readonly locked: boolean;
}

export interface BindingRow {
  readonly user: UserRef;
  readonly resource: NamedRef;
  readonly label: BindingLabel;
  readonly sudo: SudoLevel;
  /** Distinct groups on its paths, in path order. */
  readonly via: readonly NamedRef[];
  /** From the user to the resource, shortest first. */
  readonly paths: readonly AccessPath[];
}

export interface UserRow {
  readonly user: UserRef;
  /** Why findings count the user inactive (suspended, staged, locked), when it has access. */
  readonly inactive: readonly string[];
  /** `sudo` / `passwordless_sudo` set on the user's own record (admin on every device it reaches). */
  readonly globalSudo: SudoLevel;
  readonly groups: number;
  readonly bindings: number;
  readonly systems: number;
  readonly sudoSystems: number;
  readonly applications: number;
  /** LDAP, Active Directory, Google Workspace and Microsoft 365 directories. */
  readonly directories: number;
  /** Bindings with a one-hop path (a user↔resource association). */
  readonly direct: number;
}

export interface ResourceRow {
  readonly resource: NamedRef;
  readonly users: number;
  readonly sudoUsers: number;
  readonly directUsers: number;
  /** Distinct user groups on the paths of its bindings. */
  readonly userGroups: number;
}

export interface GroupRow {
  readonly group: NamedRef;
  readonly members: number;
  /** `membershipMethod` of user groups (STATIC, DYNAMIC_…), else empty. */
  readonly method: string;
  /** The group's own sudo setting (user groups): `sudo`, `sudo-nopasswd`, `off`, or empty when unset. */
  readonly sudo: SudoLevel | 'off';
  /** Objects it is directly associated with. */
  readonly associations: readonly NamedRef[];
  /** User bindings with at least one path through the group. */
  readonly bindingsThrough: number;
  /** User bindings every path of which goes through the group: removing it would end them. */
  readonly bindingsOnlyThrough: number;
}

export interface ReviewCounts {
  readonly objects: Readonly<Record<string, number>>;
  readonly users: number;
  readonly usersWithAccess: number;
  readonly bindings: number;
  readonly paths: number;
  readonly sudoBindings: number;
  readonly groups: number;
  readonly resources: number;
}

export interface ReviewMeta {
  readonly orgId: string;
  /** ISO time the review was built. */
  readonly generatedAt: string;
  /** Where the data came from, in words (`snapshot acme.json fetched 2024-…`, `simulator small:1`). */
  readonly source: string;
}

export interface AccessReview {
  readonly meta: ReviewMeta;
  readonly counts: ReviewCounts;
  readonly findings: readonly FindingSection[];
  /** The analysis findings as computed (every entry, full detail). */
  readonly rawFindings: Findings;
  readonly users: readonly UserRow[];
  readonly resources: readonly ResourceRow[];
  readonly groups: readonly GroupRow[];
  /** A bounded, prioritised selection of binding rows (see the module comment). */
  readonly sample: readonly BindingRow[];
  /** True when `sample` holds fewer rows than `counts.bindings`. */
  readonly sampled: boolean;
}

export interface ReviewOptions {
  readonly source?: string;
  /** Default now. */
  readonly generatedAt?: Date;
  /** Most binding rows kept in `sample` (default 10,000). */
  readonly maxBindings?: number;
  /** Precomputed findings (default: computed here). */
  readonly findings?: Findings;
}

const DIRECTORY_TYPES: ReadonlySet<string> = new Set(['ldap_server', 'active_directory', 'g_suite', 'office_365']);
export const DEFAULT_MAX_BINDINGS = 10_000;

function text(record: JsonObject, field: string): string {
  const v = record[field];
  return typeof v === 'string' ? v : '';
}

export function userRef(g: AccessGraph, id: string): UserRef {
  const o = g.object(id);
  const state = text(o.record, 'state') || (o.record['suspended'] === true ? 'SUSPENDED' : '');
  return { type: o.type, id, name: o.name, email: text(o.record, 'email'), state, locked: o.record['account_locked'] === true };
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

/** The groups on a binding's paths, each once, in order of first appearance. */
function groupsOn(paths: readonly AccessPath[]): NamedRef[] {
  const seen = new Map<string, NamedRef>();
  for (const p of paths) for (const o of p.objects.slice(1, -1)) if (isGroupType(o.type) && !seen.has(o.id)) seen.set(o.id, o);
  return [...seen.values()];
}

/** The groups on every one of the paths (a path with no group makes this empty). */
function groupsOnAll(paths: readonly AccessPath[]): string[] {
  let common: Set<string> | undefined;
  for (const p of paths) {
    const here = new Set(p.objects.slice(1, -1).filter((o) => isGroupType(o.type)).map((o) => o.id));
    common = common ? new Set([...common].filter((id) => here.has(id))) : here;
  }
  return [...(common ?? [])];
}

const USER_TARGETS: readonly string[] = BINDING_TARGETS['user'] ?? traversalTargetsOf('user');

/** Every user's bindings as rows, users by id, each user's resources by id. Streamed. */
function* rowsByUser(g: AccessGraph): Iterable<BindingRow> {
  let user: UserRef | undefined;
  for (const b of inventory(g, 'user', USER_TARGETS)) {
    if (user?.id !== b.source.id) user = userRef(g, b.source.id);
    const binding = bindingFromAnswer(g, user, b.target);
    yield { user, resource: binding.target, label: binding.label, sudo: sudoLevel(sudoOf(binding.compiledAttributes)), via: groupsOn(binding.paths), paths: binding.paths };
  }
}

/** The same rows asked from each resource's side (its `…/users` traversal), resources by type then id. */
function* rowsByResource(g: AccessGraph): Iterable<BindingRow> {
  const users = new Map<string, UserRef>();
  const resourceTypes = [...new Set(USER_TARGETS)];
  for (const type of resourceTypes) {
    let resource: NamedRef | undefined;
    for (const b of inventory(g, type, ['user'])) {
      if (resource?.id !== b.source.id) resource = namedRef(g, b.source.id);
      let user = users.get(b.target.id);
      if (!user) users.set(b.target.id, (user = userRef(g, b.target.id)));
      const binding = bindingFromAnswer(g, resource, b.target);
      const paths = binding.paths.map(reversePath);
      yield { user, resource, label: binding.label, sudo: sudoLevel(sudoOf(binding.compiledAttributes)), via: groupsOn(paths), paths };
    }
  }
}

/**
 * Every user binding as a row: `by: 'user'` in user order (users by id), `by: 'resource'` in resource
 * order (by type, then id), read from the resource's side. Streamed: one source's bindings at a time.
 */
export function bindingRows(g: AccessGraph, by: 'user' | 'resource' = 'user'): Iterable<BindingRow> {
  return by === 'user' ? rowsByUser(g) : rowsByResource(g);
}

interface UserTally {
  bindings: number;
  systems: number;
  sudoSystems: number;
  applications: number;
  directories: number;
  direct: number;
}

interface ResourceTally {
  users: number;
  sudoUsers: number;
  directUsers: number;
  userGroups: Set<string>;
}

function groupRow(g: AccessGraph, id: string, through: ReadonlyMap<string, number>, only: ReadonlyMap<string, number>): GroupRow {
  const o = g.object(id);
  let members = 0;
  const associations: NamedRef[] = [];
  for (const e of g.edgesOf(id)) {
    if (e.kind === 'membership') {
      if (e.from.id === id) members++;
    } else associations.push(namedRef(g, e.from.id === id ? e.to.id : e.from.id));
  }
  const attributes = o.record['attributes'];
  const ownSudo = isObject(attributes) ? sudoOf(attributes) : null;
  return {
    group: { type: o.type, id, name: o.name },
    members,
    method: text(o.record, 'membershipMethod'),
    sudo: ownSudo ? sudoLevel(ownSudo) || 'off' : '',
    associations: associations.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    bindingsThrough: through.get(id) ?? 0,
    bindingsOnlyThrough: only.get(id) ?? 0,
  };
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Builds the review: one pass over every user binding, plus the analysis findings. */
export function buildReview(g: AccessGraph, options: ReviewOptions = {}): AccessReview {
  const raw = options.findings ?? analyse(g);
  const maxBindings = options.maxBindings ?? DEFAULT_MAX_BINDINGS;
  const inactive = new Map(raw.inactiveUsers.map((u) => [u.user.id, u.reasons]));
  const userTally = new Map<string, UserTally>();
  const resourceTally = new Map<string, ResourceTally>();
  const through = new Map<string, number>();
  const only = new Map<string, number>();
  const buckets: BindingRow[][] = [[], [], []];
  let bindings = 0;
  let paths = 0;
  let sudoBindings = 0;
  for (const row of bindingRows(g, 'user')) {
    bindings++;
    paths += row.paths.length;
    const direct = row.label !== 'indirect';
    let u = userTally.get(row.user.id);
    if (!u) userTally.set(row.user.id, (u = { bindings: 0, systems: 0, sudoSystems: 0, applications: 0, directories: 0, direct: 0 }));
    u.bindings++;
    if (direct) u.direct++;
    const type = row.resource.type;
    if (type === 'system') {
      u.systems++;
      if (row.sudo) u.sudoSystems++;
    } else if (type === 'application') u.applications++;
    else if (DIRECTORY_TYPES.has(type)) u.directories++;
    if (row.sudo) sudoBindings++;
    let r = resourceTally.get(row.resource.id);
    if (!r) resourceTally.set(row.resource.id, (r = { users: 0, sudoUsers: 0, directUsers: 0, userGroups: new Set() }));
    r.users++;
    if (row.sudo) r.sudoUsers++;
    if (direct) r.directUsers++;
    for (const v of row.via) {
      if (v.type === 'user_group') r.userGroups.add(v.id);
      bump(through, v.id);
    }
    for (const id of groupsOnAll(row.paths)) bump(only, id);
    const bucket = buckets[row.sudo ? 0 : inactive.has(row.user.id) ? 1 : 2] as BindingRow[];
    if (bucket.length < maxBindings) bucket.push(row);
  }

  const users: UserRow[] = [];
  const groupCounts = new Map<string, number>();
  for (const e of g.edges()) if (e.kind === 'membership' && e.from.type === 'user_group') bump(groupCounts, e.to.id);
  for (const o of g.objects('user')) {
    const t = userTally.get(o.id);
    const globalSudo = o.record['sudo'] === true || o.record['passwordless_sudo'] === true;
    users.push({
      user: userRef(g, o.id),
      inactive: t ? (inactive.get(o.id) ?? []) : [],
      globalSudo: globalSudo ? (o.record['passwordless_sudo'] === true ? 'sudo-nopasswd' : 'sudo') : '',
      groups: groupCounts.get(o.id) ?? 0,
      bindings: t?.bindings ?? 0,
      systems: t?.systems ?? 0,
      sudoSystems: t?.sudoSystems ?? 0,
      applications: t?.applications ?? 0,
      directories: t?.directories ?? 0,
      direct: t?.direct ?? 0,
    });
  }
  const resourceTypes = new Set(USER_TARGETS);
  const resources: ResourceRow[] = [];
  const groups: GroupRow[] = [];
  const objects: Record<string, number> = {};
  for (const o of g.objects()) {
    objects[o.type] = (objects[o.type] ?? 0) + 1;
    if (resourceTypes.has(o.type)) {
      const r = resourceTally.get(o.id);
      resources.push({ resource: { type: o.type, id: o.id, name: o.name }, users: r?.users ?? 0, sudoUsers: r?.sudoUsers ?? 0, directUsers: r?.directUsers ?? 0, userGroups: r?.userGroups.size ?? 0 });
    }
    if (isGroupType(o.type)) groups.push(groupRow(g, o.id, through, only));
  }
  const byId = <T>(key: (x: T) => NamedRef) => (a: T, b: T) => (key(a).id < key(b).id ? -1 : key(a).id > key(b).id ? 1 : 0);
  users.sort(byId((r) => r.user));
  resources.sort(byId((r) => r.resource));
  groups.sort(byId((r) => r.group));
  const sample = buckets.flat().slice(0, maxBindings);
  return {
    meta: { orgId: g.orgId, generatedAt: (options.generatedAt ?? new Date()).toISOString(), source: options.source ?? '' },
    counts: {
      objects,
      users: users.length,
      usersWithAccess: userTally.size,
      bindings,
      paths,
      sudoBindings,
      groups: groups.length,
      resources: resources.length,
    },
    findings: findingSections(raw),
    rawFindings: raw,
    users,
    resources,
    groups,
    sample,
    sampled: sample.length < bindings,
  };
}

/**
 * The seeded tenant generator. Same preset and seed ⇒ the same tenant, byte for byte.
 *
 * Shape (the realism the engine is tested against):
 * - user groups: "All Staff" (almost everyone but staged users and a few contractors), one group per
 *   department, "IT Admins" (group-level sudo), "Contractors" (group-level sudo explicitly off), and many
 *   small groups, a few of medium size and some empty; users are in several groups;
 * - device groups: one per OS holding every device of that OS, many small ones, some empty;
 * - users ACTIVATED, STAGED, SUSPENDED and locked; some with direct user↔device and user↔device-group
 *   associations carrying sudo, some of them on devices they also reach through groups;
 * - "All Staff" bound to applications, directories and RADIUS (never to thousands of devices), the OS
 *   device groups bound only to the small IT Admins group, so whole-tenant path counts stay sane;
 * - the last object of most resource types left unbound; every association kind the model allows
 *   present at least once.
 */
import {
  ASSOCIATION_KINDS, associationEdge, canAssociate, edgeKey, membershipEdge,
  type GraphType, type JsonObject, type ObjectRef, type TenantData, type TenantEdge, type TenantObject,
} from '../model/index.ts';
import { EPOCH_SECONDS, ObjectIdFactory, SPAN_SECONDS, orgIdForSeed } from './ids.ts';
import { DEPARTMENTS, DEVICE_KINDS, FIRST_NAMES, GROUP_KINDS, LAST_NAMES, LOCATIONS, TEAM_WORDS } from './names.ts';
import { PRESET_COUNTS, type PresetName, isPresetName } from './presets.ts';
import { Rng } from './random.ts';
import {
  type MembershipMethod, type OsFamily, type RecordContext, type UserState, OS_FAMILIES,
  activeDirectoryRecord, applicationRecord, cloudDirectoryRecord, commandRecord, ldapServerRecord,
  policyGroupRecord, policyRecord, radiusServerRecord, ruleRecord, softwareAppRecord, unlistedRecord,
  systemGroupRecord, systemRecord, userGroupRecord, userRecord,
} from './records.ts';
import { SimulatorError } from './errors.ts';

export interface GenerateOptions {
  readonly preset: PresetName;
  readonly seed?: number;
  /** Organization id of the tenant; default derived from the seed. */
  readonly orgId?: string;
}

/** The organization id generateTenant gives a seed when none is passed. */
export function defaultOrgId(seed: number): string {
  return orgIdForSeed(seed, (s) => new Rng(s));
}

type Attrs = JsonObject | null;

/** Collects objects and edges, refusing duplicate edges and association kinds the model does not allow. */
class TenantBuilder {
  readonly objects: TenantObject[] = [];
  readonly edges: TenantEdge[] = [];
  private readonly edgeKeys = new Set<string>();
  readonly byType = new Map<GraphType, ObjectRef[]>();
  /** Objects of each type that must stay unbound. */
  readonly reservedUnbound = new Set<string>();
  readonly members = new Map<string, ObjectRef[]>();
  readonly groupsOf = new Map<string, ObjectRef[]>();
  readonly assocCount = new Map<string, number>();
  private readonly assocs = new Map<string, ObjectRef[]>();

  add(type: GraphType, id: string, record: JsonObject): ObjectRef {
    const ref: ObjectRef = { type, id };
    this.objects.push({ type, id, record });
    let list = this.byType.get(type);
    if (!list) this.byType.set(type, (list = []));
    list.push(ref);
    return ref;
  }

  refs(type: GraphType): ObjectRef[] {
    return this.byType.get(type) ?? [];
  }

  member(group: ObjectRef, member: ObjectRef): void {
    const edge = membershipEdge(group, member);
    const key = edgeKey(edge);
    if (this.edgeKeys.has(key)) return;
    this.edgeKeys.add(key);
    this.edges.push(edge);
    push(this.members, refKey(group), member);
    push(this.groupsOf, refKey(member), group);
  }

  /** Adds an association unless it exists, is not allowed, or touches an object reserved as unbound. */
  associate(x: ObjectRef, y: ObjectRef, attributes: Attrs = null): boolean {
    if (!canAssociate(x.type, y.type)) throw new Error(`generator: ${x.type}↔${y.type} is not an association kind`);
    if (this.reservedUnbound.has(refKey(x)) || this.reservedUnbound.has(refKey(y))) return false;
    const edge = associationEdge(x, y, attributes);
    const key = edgeKey(edge);
    if (this.edgeKeys.has(key)) return false;
    this.edgeKeys.add(key);
    this.edges.push(edge);
    const kind = `${edge.from.type}|${edge.to.type}`;
    this.assocCount.set(kind, (this.assocCount.get(kind) ?? 0) + 1);
    push(this.assocs, refKey(x), y);
    push(this.assocs, refKey(y), x);
    return true;
  }

  membersOf(group: ObjectRef): ObjectRef[] {
    return this.members.get(refKey(group)) ?? [];
  }

  assocOf(ref: ObjectRef): ObjectRef[] {
    return this.assocs.get(refKey(ref)) ?? [];
  }

  groupsOfMember(member: ObjectRef): ObjectRef[] {
    return this.groupsOf.get(refKey(member)) ?? [];
  }
}

function refKey(ref: ObjectRef): string {
  return `${ref.type}:${ref.id}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function sudo(enabled: boolean, withoutPassword: boolean): JsonObject {
  return { sudo: { enabled, withoutPassword: enabled && withoutPassword } };
}

/** Sudo attributes of a direct user/group↔device association: mostly granted, sometimes explicitly denied, often none. */
function maybeSudo(rng: Rng, pGrant: number): Attrs {
  const r = rng.float();
  if (r < pGrant) return sudo(true, rng.chance(0.35));
  if (r < pGrant + 0.08) return sudo(false, false);
  return null;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export function generateTenant(options: GenerateOptions): TenantData {
  if (!isPresetName(options.preset)) {
    throw new SimulatorError(`unknown preset "${String(options.preset)}"; presets are tiny, small, large, xl`);
  }
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new SimulatorError(`seed must be an integer, not ${String(seed)}`);
  const orgId = options.orgId ?? defaultOrgId(seed);
  const counts = PRESET_COUNTS[options.preset];
  const root = new Rng(seed);
  const ids = new ObjectIdFactory(root.fork('ids'));
  const b = new TenantBuilder();
  const ctx = (label: string): RecordContext => ({ rng: root.fork(label), orgId });
  const created = (rng: Rng): number => EPOCH_SECONDS + rng.int(SPAN_SECONDS);

  // ---- users
  const nDept = Math.max(3, Math.min(DEPARTMENTS.length, Math.round(counts.user_group / 50)));
  const departments = DEPARTMENTS.slice(0, nDept);
  const usersByDept = new Map<string, ObjectRef[]>(departments.map((d) => [d, []]));
  const activeUsers: ObjectRef[] = [];
  const itUsers: ObjectRef[] = [];
  {
    const c = ctx('users');
    const usernames = new Set<string>();
    for (let i = 0; i < counts.user; i++) {
      const firstname = c.rng.pick(FIRST_NAMES);
      const lastname = c.rng.pick(LAST_NAMES);
      let username = `${firstname}.${lastname}`.toLowerCase();
      if (usernames.has(username)) username = `${username}${i + 1}`;
      usernames.add(username);
      // Departments are skewed: the first ones are the big ones.
      const department = departments[Math.min(nDept - 1, Math.floor(nDept * c.rng.float() ** 1.6))] as string;
      const r = c.rng.float();
      // Every state appears even in tiny: user 1 is staged, user 2 suspended, user 3 locked.
      const state: UserState = i === 1 || (i > 3 && r < 0.06) ? 'STAGED' : i === 2 || (i > 3 && r < 0.11) ? 'SUSPENDED' : 'ACTIVATED';
      const locked = state === 'ACTIVATED' && (i === 3 || (i > 3 && c.rng.chance(0.03)));
      const globalSudo = c.rng.chance(0.02);
      const t = created(c.rng);
      const id = ids.next(t);
      const ref = b.add('user', id, userRecord(c, {
        id, created: t, index: i, firstname, lastname, username, department, state, locked,
        sudo: globalSudo, passwordlessSudo: globalSudo && c.rng.chance(0.5),
      }));
      usersByDept.get(department)?.push(ref);
      if (state !== 'STAGED') activeUsers.push(ref);
      if (department === 'IT') itUsers.push(ref);
    }
  }
  const users = b.refs('user');

  // ---- user groups and their members
  const ug = { allStaff: [] as ObjectRef[], depts: [] as ObjectRef[], admins: [] as ObjectRef[], contractors: [] as ObjectRef[], small: [] as ObjectRef[] };
  {
    const c = ctx('user_groups');
    const rng = c.rng;
    const n = counts.user_group;
    const addGroup = (name: string, attributes: Attrs, method: MembershipMethod): ObjectRef => {
      const id = ids.next(created(rng));
      return b.add('user_group', id, userGroupRecord(c, id, name, attributes, method));
    };
    const allStaff = addGroup('All Staff', { ldapGroups: [{ name: 'staff' }], posixGroups: [{ id: 5000, name: 'staff' }] }, 'DYNAMIC_AUTOMATED');
    ug.allStaff.push(allStaff);
    for (const u of activeUsers) if (!rng.chance(0.03)) b.member(allStaff, u);
    for (const dept of departments) {
      if (b.refs('user_group').length >= n) break;
      const attrs: Attrs = rng.chance(0.6) ? { ldapGroups: [{ name: slug(dept) }] } : null;
      const g = addGroup(dept, attrs, 'DYNAMIC_REVIEW_REQUIRED');
      ug.depts.push(g);
      for (const u of usersByDept.get(dept) ?? []) b.member(g, u);
    }
    if (b.refs('user_group').length < n) {
      const admins = addGroup('IT Admins', { sudo: { enabled: true, withoutPassword: false }, posixGroups: [{ id: 27, name: 'sudo' }] }, 'STATIC');
      ug.admins.push(admins);
      const size = Math.max(2, Math.min(40, Math.round(users.length * 0.004)));
      const pool = itUsers.length >= size ? itUsers : users;
      for (const u of rng.sample(pool, size)) b.member(admins, u);
    }
    if (b.refs('user_group').length < n) {
      const contractors = addGroup('Contractors', { sudo: { enabled: false, withoutPassword: false } }, 'STATIC');
      ug.contractors.push(contractors);
      for (const u of rng.sample(users, Math.max(2, Math.round(users.length * 0.02)))) b.member(contractors, u);
    }
    const firstSmall = b.refs('user_group').length;
    for (let i = firstSmall; i < n; i++) {
      const name = `${rng.pick(GROUP_KINDS)} ${rng.pick(TEAM_WORDS)} ${i + 1}`;
      const attrs: JsonObject = {};
      if (rng.chance(0.08)) attrs['sudo'] = { enabled: rng.chance(0.75), withoutPassword: false };
      if (rng.chance(0.1)) attrs['ldapGroups'] = [{ name: slug(name) }];
      if (rng.chance(0.08)) attrs['posixGroups'] = [{ id: 6000 + i, name: slug(name) }];
      if (rng.chance(0.05)) attrs['radius'] = { reply: [{ name: 'Filter-Id', value: slug(name) }] };
      if (rng.chance(0.05)) attrs['sambaEnabled'] = true;
      if (attrs['sudo'] && (attrs['sudo'] as JsonObject)['enabled'] === true && rng.chance(0.3)) {
        attrs['sudo'] = { enabled: true, withoutPassword: true };
      }
      const method: MembershipMethod = rng.chance(0.85) ? 'STATIC' : rng.pick(['DYNAMIC_REVIEW_REQUIRED', 'DYNAMIC_AUTOMATED'] as const);
      const g = addGroup(name, Object.keys(attrs).length > 0 ? attrs : null, method);
      ug.small.push(g);
      const isLast = i === n - 1;
      const r = rng.float();
      const size = isLast || r < 0.06 ? 0 : r < 0.09 ? rng.between(50, 200) : 1 + Math.floor(24 * rng.float() ** 2);
      for (const u of rng.sample(users, Math.min(size, Math.floor(users.length / 3) || 1))) b.member(g, u);
    }
  }

  // ---- systems and system groups
  const systemsByOs = new Map<OsFamily, ObjectRef[]>(OS_FAMILIES.map((f) => [f, []]));
  {
    const c = ctx('systems');
    for (let i = 0; i < counts.system; i++) {
      const r = c.rng.float();
      const os: OsFamily = r < 0.5 ? 'windows' : r < 0.85 ? 'darwin' : 'linux';
      const t = created(c.rng);
      const id = ids.next(t);
      systemsByOs.get(os)?.push(b.add('system', id, systemRecord(c, id, t, i, os)));
    }
  }
  const systems = b.refs('system');
  const sg = { os: [] as ObjectRef[], small: [] as ObjectRef[] };
  {
    const c = ctx('system_groups');
    const rng = c.rng;
    const osNames: Record<OsFamily, string> = { windows: 'All Windows Devices', darwin: 'All macOS Devices', linux: 'All Linux Servers' };
    for (let i = 0; i < counts.system_group; i++) {
      const id = ids.next(created(rng));
      const os = i < OS_FAMILIES.length && counts.system_group > 6 ? OS_FAMILIES[i] : undefined;
      if (os) {
        const g = b.add('system_group', id, systemGroupRecord(c, id, osNames[os], 'DYNAMIC_AUTOMATED'));
        sg.os.push(g);
        for (const s of systemsByOs.get(os) ?? []) b.member(g, s);
        continue;
      }
      const name = `${rng.pick(LOCATIONS)} ${rng.pick(DEVICE_KINDS)} ${i + 1}`;
      const g = b.add('system_group', id, systemGroupRecord(c, id, name, rng.chance(0.8) ? 'STATIC' : 'DYNAMIC_AUTOMATED'));
      sg.small.push(g);
      const r = rng.float();
      const size = i === counts.system_group - 1 || r < 0.05 ? 0 : r < 0.08 ? rng.between(30, 100) : 1 + Math.floor(20 * rng.float() ** 2);
      for (const s of rng.sample(systems, Math.min(size, Math.floor(systems.length / 3) || 1))) b.member(g, s);
    }
  }

  // ---- policies and policy groups
  {
    const c = ctx('policies');
    const templateIds = Array.from({ length: 10 }, () => ids.next(EPOCH_SECONDS - 86_400 * 400 + c.rng.int(86_400 * 300)));
    for (let i = 0; i < counts.policy; i++) {
      const id = ids.next(created(c.rng));
      b.add('policy', id, policyRecord(c, id, i, templateIds));
    }
    const policies = b.refs('policy');
    for (let i = 0; i < counts.policy_group; i++) {
      const id = ids.next(created(c.rng));
      const g = b.add('policy_group', id, policyGroupRecord(c, id, `${c.rng.pick(TEAM_WORDS)} baseline ${i + 1}`));
      const size = i === counts.policy_group - 1 || c.rng.chance(0.08) ? 0 : c.rng.between(1, 8);
      for (const p of c.rng.sample(policies, size)) b.member(g, p);
    }
  }

  // ---- the other object types
  {
    const c = ctx('resources');
    const r = c.rng;
    const make = (type: GraphType, count: number, build: (id: string, t: number, i: number) => JsonObject): void => {
      for (let i = 0; i < count; i++) {
        const t = created(r);
        const id = ids.next(t);
        b.add(type, id, build(id, t, i));
      }
    };
    make('application', counts.application, (id, t, i) => applicationRecord(c, id, t, i));
    make('command', counts.command, (id, _t, i) => commandRecord(c, id, i));
    make('radius_server', counts.radius_server, (id, _t, i) => radiusServerRecord(c, id, i));
    make('ldap_server', counts.ldap_server, (id, _t, i) => ldapServerRecord(c, id, i));
    make('active_directory', counts.active_directory, (id, t, i) => activeDirectoryRecord(c, id, t, i));
    make('g_suite', counts.g_suite, (id, t, i) => cloudDirectoryRecord(c, id, 'g_suite', i, ids.next(t)));
    make('office_365', counts.office_365, (id, t, i) => cloudDirectoryRecord(c, id, 'office_365', i, ids.next(t)));
    make('software_app', counts.software_app, (id, t, i) => softwareAppRecord(c, id, t, i));
    make('idp_routing_policy', counts.idp_routing_policy, (id) => unlistedRecord(id, 'idp_routing_policy'));
    make('password_manager_item', counts.password_manager_item, (id) => unlistedRecord(id, 'password_manager_item'));
    make('rule', counts.rule, (id, t, i) => ruleRecord(c, id, t, i));
  }

  // The last of each listed resource type (when there are at least three) is left unbound. Types with no
  // list endpoint exist for a client only through their associations, so every one of them is bound.
  for (const type of ['application', 'command', 'policy', 'radius_server', 'ldap_server', 'software_app', 'rule'] as const) {
    const list = b.refs(type);
    const last = list[list.length - 1];
    if (list.length >= 3 && last) b.reservedUnbound.add(refKey(last));
  }

  bindIdentities(b, root.fork('identity-bindings'), ug, activeUsers);
  bindDevices(b, root.fork('device-bindings'), ug, sg);
  coverEveryKind(b, root.fork('coverage'));

  return { orgId, objects: b.objects, edges: b.edges };
}

interface UserGroupRoles {
  readonly allStaff: readonly ObjectRef[];
  readonly depts: readonly ObjectRef[];
  readonly admins: readonly ObjectRef[];
  readonly contractors: readonly ObjectRef[];
  readonly small: readonly ObjectRef[];
}

interface SystemGroupRoles {
  readonly os: readonly ObjectRef[];
  readonly small: readonly ObjectRef[];
}

/** Bindings of users and user groups to applications, directories, RADIUS, IdP policies and password items. */
function bindIdentities(b: TenantBuilder, rng: Rng, ug: UserGroupRoles, activeUsers: readonly ObjectRef[]): void {
  const users = b.refs('user');
  const everyone = ug.allStaff;
  const nonEmptySmall = ug.small.filter((g) => b.membersOf(g).length > 0);
  const teamGroups = [...ug.depts, ...nonEmptySmall];
  const someGroups = (k: number): ObjectRef[] => rng.sample(teamGroups.length > 0 ? teamGroups : b.refs('user_group'), k);
  const someUsers = (k: number): ObjectRef[] => rng.sample(activeUsers.length > 0 ? activeUsers : users, k);

  b.refs('application').forEach((app, i) => {
    if (i > 0 && rng.chance(0.08)) return; // unbound
    if (i === 0 || rng.chance(0.12)) for (const g of everyone) b.associate(g, app);
    if (rng.chance(0.75)) for (const g of someGroups(rng.between(1, 3))) b.associate(g, app);
    if (rng.chance(0.3)) for (const u of someUsers(rng.between(1, 3))) b.associate(u, app);
  });

  for (const type of ['g_suite', 'office_365'] as const) {
    b.refs(type).forEach((dir, i) => {
      if (i === 0) for (const g of everyone) b.associate(g, dir);
      else for (const g of someGroups(1)) b.associate(g, dir);
      for (const u of someUsers(rng.between(1, 2))) b.associate(u, dir);
    });
  }
  b.refs('ldap_server').forEach((ldap, i) => {
    const groups = i === 0 ? [...rng.sample(ug.depts, 3), ...ug.admins] : someGroups(1);
    for (const g of groups) b.associate(g, ldap);
    for (const u of someUsers(rng.between(1, 3))) b.associate(u, ldap);
  });
  b.refs('active_directory').forEach((ad) => {
    for (const g of rng.sample(ug.depts, rng.between(1, 2))) b.associate(g, ad);
    if (rng.chance(0.5)) for (const u of someUsers(1)) b.associate(u, ad);
  });
  b.refs('radius_server').forEach((radius, i) => {
    if (i === 0) for (const g of everyone) b.associate(g, radius);
    else for (const g of [...ug.admins, ...someGroups(1)]) b.associate(g, radius);
    for (const u of someUsers(rng.between(1, 2))) b.associate(u, radius);
  });
  b.refs('idp_routing_policy').forEach((idp) => {
    for (const g of someGroups(rng.between(1, 2))) b.associate(g, idp);
    for (const u of someUsers(rng.between(0, 2))) b.associate(u, idp);
  });
  b.refs('password_manager_item').forEach((item) => {
    const r = rng.float();
    if (r < 0.7) for (const g of someGroups(1)) b.associate(g, item);
    else for (const u of someUsers(rng.between(1, 3))) b.associate(u, item);
  });
  // Policies and policy groups aimed at users (rarer than device-targeted ones).
  for (const policy of b.refs('policy')) {
    if (rng.chance(0.05)) for (const g of someGroups(1)) b.associate(g, policy);
    if (rng.chance(0.03)) for (const u of someUsers(1)) b.associate(u, policy);
  }
  for (const pg of b.refs('policy_group')) {
    if (rng.chance(0.1)) for (const g of someGroups(1)) b.associate(g, pg);
    if (rng.chance(0.05)) for (const u of someUsers(1)) b.associate(u, pg);
  }
}

/** Bindings to devices and device groups: sudo grants, policies, commands, software, rules, RADIUS. */
function bindDevices(b: TenantBuilder, rng: Rng, ug: UserGroupRoles, sg: SystemGroupRoles): void {
  const users = b.refs('user');
  const systems = b.refs('system');
  const smallSg = sg.small.filter((g) => b.membersOf(g).length > 0 && b.membersOf(g).length <= 30);
  const anySg = b.refs('system_group');
  const pickSmallSg = (k: number): ObjectRef[] => rng.sample(smallSg.length > 0 ? smallSg : anySg, k);

  // User groups ↔ device groups: IT Admins get every OS group; departments and small groups get small ones.
  for (const g of ug.admins) {
    sg.os.forEach((osGroup, i) => b.associate(g, osGroup, i === 0 ? sudo(true, true) : null));
    for (const s of pickSmallSg(1)) b.associate(g, s);
  }
  for (const g of ug.contractors) for (const s of pickSmallSg(2)) b.associate(g, s, rng.chance(0.5) ? sudo(true, false) : null);
  for (const g of ug.depts) for (const s of pickSmallSg(rng.between(1, 2))) b.associate(g, s, maybeSudo(rng, 0.1));
  for (const g of ug.small) {
    if (b.membersOf(g).length === 0 && !rng.chance(0.3)) continue;
    if (rng.chance(0.4)) for (const s of pickSmallSg(rng.between(1, 2))) b.associate(g, s, maybeSudo(rng, 0.2));
    if (rng.chance(0.1)) for (const s of rng.sample(systems, rng.between(1, 4))) b.associate(g, s, maybeSudo(rng, 0.3));
  }

  // Direct user ↔ device grants: about 2% of users, half of them on a device they already reach through groups.
  const direct = rng.sample(users, Math.max(3, Math.round(users.length * 0.02)));
  for (const u of direct) {
    const reachable = reachableSystemsViaGroups(b, u);
    for (let k = rng.between(1, 3); k > 0; k--) {
      const s = reachable.length > 0 && rng.chance(0.5) ? rng.pick(reachable) : rng.pick(systems);
      b.associate(u, s, maybeSudo(rng, 0.55));
    }
  }
  for (const u of rng.sample(users, Math.max(2, Math.round(users.length * 0.005)))) {
    for (const s of pickSmallSg(1)) b.associate(u, s, maybeSudo(rng, 0.5));
  }

  // Policies and policy groups mostly go to device groups (OS groups included: they reach no users).
  const deviceTargets = (): ObjectRef[] => (rng.chance(0.3) && sg.os.length > 0 ? [rng.pick(sg.os)] : pickSmallSg(rng.between(1, 2)));
  // [type, chance of device-group targets, chance of direct devices, most direct devices]
  const deviceBound: readonly [GraphType, number, number, number][] = [
    ['policy', 0.85, 0.1, 3],
    ['policy_group', 0.7, 0.15, 3],
    ['software_app', 0.7, 0.3, 3],
    ['rule', 0.6, 0.3, 2],
  ];
  for (const [type, pGroups, pDirect, most] of deviceBound) {
    for (const x of b.refs(type)) {
      if (rng.chance(pGroups)) for (const s of deviceTargets()) b.associate(x, s);
      if (rng.chance(pDirect)) for (const s of rng.sample(systems, rng.between(1, most))) b.associate(x, s);
    }
  }
  for (const command of b.refs('command')) {
    if (rng.chance(0.1)) continue;
    if (rng.chance(0.5)) for (const s of rng.sample(systems, rng.between(1, 5))) b.associate(command, s);
    if (rng.chance(0.45)) for (const s of pickSmallSg(1)) b.associate(command, s);
    if (rng.chance(0.1)) for (const item of rng.sample(b.refs('password_manager_item'), 1)) b.associate(command, item);
  }
  for (const radius of b.refs('radius_server')) {
    if (rng.chance(0.6)) for (const s of pickSmallSg(1)) b.associate(radius, s);
  }
}

/** Devices a user reaches through user group → device group (for direct grants that duplicate a path). */
function reachableSystemsViaGroups(b: TenantBuilder, user: ObjectRef): ObjectRef[] {
  const out: ObjectRef[] = [];
  for (const g of b.groupsOfMember(user)) {
    if (g.type !== 'user_group') continue;
    for (const e of b.assocOf(g)) if (e.type === 'system_group') out.push(...b.membersOf(e).slice(0, 20));
    if (out.length > 40) break;
  }
  return out;
}

/** Adds one edge of every association kind that the random pass left out (tiny tenants especially). */
function coverEveryKind(b: TenantBuilder, rng: Rng): void {
  for (const kind of ASSOCIATION_KINDS) {
    if ((b.assocCount.get(kind.key) ?? 0) > 0) continue;
    const xs = b.refs(kind.a);
    const ys = b.refs(kind.b);
    for (let attempt = 0; attempt < 20 && xs.length > 0 && ys.length > 0; attempt++) {
      if (b.associate(rng.pick(xs), rng.pick(ys))) break;
    }
  }
}

/**
 * The one random tenant of the property tests (fast-check arbitraries), built from the model's tables:
 * which edges may exist comes from MEMBERSHIPS and canAssociate (src/model), never from a list kept here,
 * so a new association kind in the model reaches every property test.
 *
 * - randomTenant / tenantWithChanges: small tenants with readable names (TenantBuilder), every
 *   association kind between identities, devices, applications, commands and policies, sudo on
 *   identity–device associations; with the edges the tenant lacks, and changes to it (analysis, reports).
 * - tenantArb: tenants of every object type, random ids and records (group attributes, command
 *   fields), edges drawn with a random density and listed in a random order (graph traversal).
 */
import fc from 'fast-check';
import {
  MEMBERSHIPS,
  associationEdge,
  canAssociate,
  edgeKey,
  groupRuleOf,
  membersByRule,
  membershipEdge,
  type JsonObject,
  type JsonValue,
  type ObjectRef,
  type TenantData,
  type TenantEdge,
  type TenantObject,
} from '../../src/model/index.ts';
import type { Change } from '../../src/analysis/whatif.ts';
import { TenantBuilder } from '../analysis/tenant-builder.ts';

/** The pairs the model allows among `objects` (by type, in the order given): memberships (group, member), then associations. */
export function allowedPairs(objects: ReadonlyMap<string, readonly ObjectRef[]>): {
  readonly memberships: readonly (readonly [ObjectRef, ObjectRef])[];
  readonly associations: readonly (readonly [ObjectRef, ObjectRef])[];
} {
  const memberships: [ObjectRef, ObjectRef][] = [];
  for (const m of MEMBERSHIPS) {
    for (const g of objects.get(m.group) ?? []) for (const x of objects.get(m.member) ?? []) memberships.push([g, x]);
  }
  const associations: [ObjectRef, ObjectRef][] = [];
  const types = [...objects.keys()];
  types.forEach((t1, i) => {
    for (const t2 of types.slice(i)) {
      if (!canAssociate(t1, t2)) continue;
      const xs = objects.get(t1) ?? [];
      const ys = objects.get(t2) ?? [];
      xs.forEach((x, k) => {
        for (const y of t1 === t2 ? ys.slice(k + 1) : ys) associations.push([x, y]);
      });
    }
  });
  return { memberships, associations };
}

export interface Sizes {
  user: number;
  user_group: number;
  system: number;
  system_group: number;
  application: number;
  command: number;
  policy: number;
  policy_group: number;
}

const SUDO_VALUES = [
  null,
  { sudo: { enabled: true, withoutPassword: false } },
  { sudo: { enabled: true, withoutPassword: true } },
  { sudo: { enabled: false, withoutPassword: false } },
];

/** Every edge the model allows between the objects, without attributes. */
function candidateEdges(objects: Record<keyof Sizes, ObjectRef[]>): TenantEdge[] {
  const { memberships, associations } = allowedPairs(new Map(Object.entries(objects)));
  return [...memberships.map(([g, m]) => membershipEdge(g, m)), ...associations.map(([x, y]) => associationEdge(x, y))];
}

function build(sizes: Sizes): { objects: Record<keyof Sizes, ObjectRef[]>; builder: TenantBuilder } {
  const builder = new TenantBuilder();
  const objects = {} as Record<keyof Sizes, ObjectRef[]>;
  for (const [type, n] of Object.entries(sizes) as [keyof Sizes, number][]) {
    objects[type] = Array.from({ length: n }, (_, i) => {
      if (type === 'user') return builder.user(`u${i}`);
      if (type === 'user_group') return builder.userGroup(`ug${i}`, i === 0 ? { sudo: { enabled: true, withoutPassword: false } } : {});
      return builder.add(type, `${type.replace(/[^a-z]/g, '').slice(0, 3)}${i}`);
    });
  }
  return { objects, builder };
}

export interface RandomTenant {
  tenant: TenantData;
  objects: Record<keyof Sizes, ObjectRef[]>;
  /** Edges the model allows that the tenant does not have. */
  absent: TenantEdge[];
}

export function randomTenant(maxEdges = 22, small = false): fc.Arbitrary<RandomTenant> {
  const n = (min: number, max: number) => fc.integer({ min, max: small ? Math.min(max, min + 1) : max });
  return fc
    .record({
      user: n(1, 3),
      user_group: n(1, 3),
      system: n(1, 3),
      system_group: n(0, 2),
      application: n(0, 1),
      command: n(0, 1),
      policy: n(0, 1),
      policy_group: n(0, 1),
    })
    .chain((sizes) => {
      const { objects } = build(sizes);
      const candidates = candidateEdges(objects);
      return fc.record({
        sizes: fc.constant(sizes),
        chosen: fc.subarray(
          candidates.map((_, i) => i),
          { minLength: Math.min(Math.ceil(maxEdges / 2), candidates.length), maxLength: Math.min(maxEdges, candidates.length) },
        ),
        attrs: fc.array(fc.nat(SUDO_VALUES.length - 1), { minLength: candidates.length, maxLength: candidates.length }),
      });
    })
    .map(({ sizes, chosen, attrs }) => {
      const { objects, builder } = build(sizes);
      const candidates = candidateEdges(objects);
      const picked = new Set(chosen);
      candidates.forEach((e, i) => {
        if (!picked.has(i)) return;
        const sudoable =
          e.kind === 'association' && ['user', 'user_group'].includes(e.from.type) && ['system', 'system_group'].includes(e.to.type);
        builder.edges.push(sudoable ? { ...e, attributes: SUDO_VALUES[attrs[i] ?? 0] ?? null } : e);
      });
      const present = new Set(builder.edges.map(edgeKey));
      return { tenant: builder.build(), objects, absent: candidates.filter((e) => !present.has(edgeKey(e))) };
    });
}

/** A random tenant and a list of changes to it (removals, additions, object removals and additions). */
export function tenantWithChanges(): fc.Arbitrary<RandomTenant & { changes: Change[] }> {
  return randomTenant().chain((rt) => {
    const removable = rt.tenant.edges;
    const objectIds = rt.tenant.objects.map((o) => o.id);
    const change: fc.Arbitrary<Change | null> = fc.oneof(
      removable.length > 0 ? fc.constantFrom(...removable).map((edge): Change => ({ op: 'remove-edge', edge })) : fc.constant(null),
      rt.absent.length > 0
        ? fc.constantFrom(...rt.absent).map((edge): Change => ({ op: 'add-edge', edge, attributes: edge.attributes }))
        : fc.constant(null),
      fc.constantFrom(...objectIds).map((id): Change => ({ op: 'remove-object', id })),
      fc.constant<Change>({ op: 'add-object', object: { type: 'user', id: 'user-new', record: { _id: 'user-new', username: 'new' } } }),
    );
    return fc.array(change, { minLength: 1, maxLength: 4 }).map((list) => {
      // Keep a sequence that applies cleanly: each edge removed or added once, never one of a removed object, objects added once.
      const seen = new Set<string>();
      const gone = new Set<string>();
      const valid: Change[] = [];
      for (const c of list) {
        if (!c) continue;
        if (c.op === 'add-object') {
          if (seen.has('add-object')) continue;
          seen.add('add-object');
          valid.push(c);
          // Give the new user a membership or an association so it can gain access.
          const group = rt.objects.user_group[0];
          const system = rt.objects.system[0];
          if (group && !gone.has(group.id)) valid.push({ op: 'add-edge', edge: membershipEdge(group, { type: 'user', id: 'user-new' }) });
          else if (system && !gone.has(system.id))
            valid.push({ op: 'add-edge', edge: associationEdge({ type: 'user', id: 'user-new' }, system) });
          continue;
        }
        if (c.op === 'remove-object') {
          if (gone.has(c.id)) continue;
          gone.add(c.id);
          valid.push(c);
          continue;
        }
        if (c.op === 'set') continue;
        const k = edgeKey(c.edge);
        if (seen.has(k) || gone.has(c.edge.from.id) || gone.has(c.edge.to.id)) continue;
        seen.add(k);
        valid.push(c);
      }
      return { ...rt, changes: valid };
    });
  });
}

/** Types and how many of each a random tenant may hold. */
const MAX_COUNTS: readonly [string, number][] = [
  ['user', 5],
  ['user_group', 3],
  ['system', 4],
  ['system_group', 3],
  ['policy', 2],
  ['policy_group', 2],
  ['application', 2],
  ['command', 2],
  ['radius_server', 1],
  ['ldap_server', 1],
  ['g_suite', 1],
  ['office_365', 1],
  ['active_directory', 1],
  ['software_app', 1],
  ['idp_routing_policy', 1],
  ['password_manager_item', 1],
];

const sudoArb = fc.record({ enabled: fc.boolean(), withoutPassword: fc.boolean() });

const groupAttributesArb: fc.Arbitrary<JsonObject> = fc.record(
  {
    sudo: sudoArb,
    ldapGroups: fc.array(fc.record({ name: fc.constantFrom('ops', 'dev', 'sec') }), { maxLength: 2 }),
    posixGroups: fc.array(fc.record({ id: fc.integer({ min: 1, max: 3 }), name: fc.constantFrom('p1', 'p2') }), { maxLength: 2 }),
    radius: fc.record({
      reply: fc.array(fc.record({ name: fc.constantFrom('Class', 'Filter-Id'), value: fc.constantFrom('a', 'b') }), { maxLength: 2 }),
    }),
    sambaEnabled: fc.boolean(),
  },
  { requiredKeys: [] },
);

function recordArb(type: string, id: string): fc.Arbitrary<JsonObject> {
  switch (type) {
    case 'user':
      return fc.constant({ _id: id, username: `user-${id}`, email: `${id}@example.test` });
    case 'system':
      return fc.constant({ _id: id, displayName: `host-${id}`, os: 'Ubuntu' });
    case 'user_group':
      return fc.option(groupAttributesArb, { nil: undefined }).map((attributes) => ({
        id,
        name: `group-${id}`,
        type: 'user_group',
        ...(attributes ? { attributes } : {}),
      }));
    case 'command':
      return fc.record({ timeout: fc.constantFrom('0', '120') }).map((r) => ({
        _id: id,
        name: `cmd-${id}`,
        command: 'echo hi',
        commandType: 'linux',
        launchType: 'manual',
        ...r,
      }));
    case 'application':
    case 'radius_server':
      return fc.constant({ _id: id, name: `${type}-${id}` });
    default:
      return fc.constant({ id, name: `${type}-${id}` });
  }
}

function edgeAttributesArb(t1: string, t2: string): fc.Arbitrary<JsonObject | null> {
  const identity = ['user', 'user_group'];
  const device = ['system', 'system_group'];
  if ((identity.includes(t1) && device.includes(t2)) || (identity.includes(t2) && device.includes(t1))) {
    return fc.option(
      sudoArb.map((sudo) => ({ sudo })),
      { nil: null },
    );
  }
  return fc.constantFrom(null, null, { note: 'x' });
}

export interface RandomTenantOptions {
  /** Scale for the object counts (1 = MAX_COUNTS). */
  readonly scale?: number;
}

/** A random tenant: random objects of every type, random memberships and associations among the allowed pairs. */
export function tenantArb(options: RandomTenantOptions = {}): fc.Arbitrary<TenantData> {
  const scale = options.scale ?? 1;
  const countsArb = fc.tuple(...MAX_COUNTS.map(([, max]) => fc.integer({ min: 0, max: Math.max(1, Math.round(max * scale)) })));
  return countsArb.chain((counts) => {
    const total = counts.reduce((a, b) => a + b, 0);
    const idsArb = fc.uniqueArray(fc.stringMatching(/^[0-9a-f]{4}$/), { minLength: total, maxLength: total });
    return idsArb.chain((ids) => {
      const refs: { type: string; id: string }[] = [];
      let k = 0;
      MAX_COUNTS.forEach(([type], i) => {
        for (let j = 0; j < counts[i]!; j++) refs.push({ type, id: ids[k++]! });
      });
      const objectsArb = fc.tuple(...refs.map((r) => recordArb(r.type, r.id).map((record): TenantObject => ({ ...r, record }))));
      const byType = new Map<string, ObjectRef[]>(MAX_COUNTS.map(([type]) => [type, []]));
      for (const r of refs) byType.get(r.type)?.push(r);
      const { memberships: membershipCandidates, associations: associationCandidates } = allowedPairs(byType);
      const density = fc.double({ min: 0.1, max: 0.7, noNaN: true });
      const pick = <T>(items: readonly T[]) =>
        density
          .chain((d) => fc.tuple(...items.map((item) => fc.double({ min: 0, max: 1, noNaN: true }).map((x) => (x < d ? item : undefined)))))
          .map((xs) => xs.filter((x): x is T => x !== undefined));
      const membershipsArb = pick(membershipCandidates).map((pairs) => pairs.map(([g, m]) => membershipEdge(g, m)));
      const associationsArb = pick(associationCandidates).chain((pairs) =>
        fc.tuple(...pairs.map(([a, b]) => edgeAttributesArb(a.type, b.type).map((attrs) => associationEdge(a, b, attrs)))),
      );
      // edges in a random order: nothing may depend on the order a tenant lists them in
      return fc.tuple(objectsArb, membershipsArb, associationsArb).chain(([objects, memberships, associations]) => {
        const edges: TenantEdge[] = [...memberships, ...associations];
        return fc
          .shuffledSubarray(edges, { minLength: edges.length })
          .map((shuffled): TenantData => ({ orgId: 'org-random', objects: [...objects], edges: shuffled }));
      });
    });
  });
}

/** The values random rules and records draw from, few so that they collide. */
const DEPARTMENTS = ['Engineering', 'Sales'] as const;
const STATES = ['ACTIVATED', 'ACTIVATED', 'SUSPENDED', 'STAGED'] as const;
const OSES = ['Mac OS X', 'Windows'] as const;

/** A user group's rule, as v1 filters, or a memberQuery jcgraph cannot read. */
const userRuleArb: fc.Arbitrary<JsonObject> = fc.oneof(
  fc.constantFrom(...DEPARTMENTS).map((d) => v1Rule([['department', 'eq', d]])),
  fc.constant(v1Rule([['userState', 'eq', 'active']])),
  fc.constant(v1Rule([['userState', 'eq', 'suspended']])),
  fc.constantFrom(...DEPARTMENTS).map((d) => ({
    filters: [
      { field: 'department', operation: 'in', value: [d] },
      { field: 'userState', operation: 'ne', value: 'suspended' },
    ],
  })),
  fc.constant({ queryType: 'Search', searchFilter: { searchTerm: 'x' } }),
);
const systemRuleArb: fc.Arbitrary<JsonObject> = fc.oneof(
  fc.constantFrom(...OSES).map((os) => v1Rule([['os', 'eq', os]])),
  fc.constantFrom(...OSES).map((os) => v1Rule([['os', 'ne', os]])),
  fc.constant<JsonObject>({ queryType: 'FilterQuery', filters: [] }),
);

function v1Rule(filters: readonly (readonly [string, string, JsonValue])[]): JsonObject {
  return { queryType: 'FilterQuery', filters: filters.map(([field, operator, value]) => ({ field, operator, value })) };
}

const groupSpecArb = (rule: fc.Arbitrary<JsonObject>) =>
  fc.record({
    method: fc.constantFrom('STATIC', 'DYNAMIC_AUTOMATED', 'DYNAMIC_REVIEW_REQUIRED'),
    rule,
    errorFlag: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    /** Members by index: a static group's, a review-required group's hand-added ones, a frozen group's. */
    members: fc.array(fc.nat(5), { maxLength: 4 }),
    exempt: fc.array(fc.nat(5), { maxLength: 2 }),
  });

export interface RandomDynamicTenant {
  readonly tenant: TenantData;
  readonly users: readonly ObjectRef[];
  readonly systems: readonly ObjectRef[];
  readonly userGroups: readonly ObjectRef[];
  readonly systemGroups: readonly ObjectRef[];
}

/**
 * A random tenant with dynamic groups: users with a department and a state, systems with an OS, user
 * and system groups static or dynamic (automated or review-required) with rules over those attributes,
 * a few exemptions, now and then an error flag or a rule jcgraph cannot read, and a few members added by
 * hand to review-required groups. Memberships are what the rules give (the tenant is settled, as
 * JumpCloud leaves it once its rules have run); a group whose rule cannot be evaluated keeps the members
 * drawn for it. Associations are drawn among the model's allowed pairs, with applications, a command and
 * a policy to bind.
 */
export function dynamicTenantArb(): fc.Arbitrary<RandomDynamicTenant> {
  return fc
    .record({
      users: fc.array(fc.record({ department: fc.constantFrom(...DEPARTMENTS), state: fc.constantFrom(...STATES) }), {
        minLength: 1,
        maxLength: 5,
      }),
      systems: fc.array(fc.constantFrom(...OSES), { minLength: 1, maxLength: 3 }),
      userGroups: fc.array(groupSpecArb(userRuleArb), { minLength: 1, maxLength: 3 }),
      systemGroups: fc.array(groupSpecArb(systemRuleArb), { maxLength: 2 }),
      others: fc.record({
        application: fc.integer({ min: 1, max: 2 }),
        command: fc.integer({ min: 0, max: 1 }),
        policy: fc.integer({ min: 0, max: 1 }),
      }),
    })
    .chain((spec) => {
      const candidates = buildDynamic(spec, []).associations.length;
      const indexes = Array.from({ length: candidates }, (_, i) => i);
      return fc
        .subarray(indexes, { minLength: Math.min(2, candidates), maxLength: Math.min(10, candidates) })
        .map((chosen) => buildDynamic(spec, chosen).tenant);
    });
}

interface DynamicSpec {
  readonly users: readonly { readonly department: string; readonly state: string }[];
  readonly systems: readonly string[];
  readonly userGroups: readonly GroupSpec[];
  readonly systemGroups: readonly GroupSpec[];
  readonly others: { readonly application: number; readonly command: number; readonly policy: number };
}

interface GroupSpec {
  readonly method: string;
  readonly rule: JsonObject;
  readonly errorFlag: boolean;
  readonly members: readonly number[];
  readonly exempt: readonly number[];
}

/** The tenant of a spec, with the associations of the allowed pairs chosen by index (a fresh builder each time: fast-check may map again). */
function buildDynamic(spec: DynamicSpec, chosen: readonly number[]): { tenant: RandomDynamicTenant; associations: readonly unknown[] } {
  const b = new TenantBuilder();
  const users = spec.users.map((u, i) =>
    b.user(`u${i}`, { department: u.department, state: u.state, suspended: u.state === 'SUSPENDED', activated: u.state !== 'STAGED' }),
  );
  const systems = spec.systems.map((os, i) => b.system(`s${i}`, { os }));
  const groupsOf = (type: 'user_group' | 'system_group', specs: typeof spec.userGroups, members: readonly ObjectRef[]) =>
    specs.map((g, i) => {
      const name = `${type === 'user_group' ? 'ug' : 'sg'}${i}`;
      const exempt = [...new Set(g.exempt.filter((k) => k < members.length))].map((k) => ({
        id: members[k]!.id,
        type: members[k]!.type,
      }));
      const record: JsonObject = {
        attributes: type === 'user_group' ? {} : null,
        description: '',
        email: '',
        membershipMethod: g.method,
        ...(g.method === 'STATIC' ? {} : { memberQuery: g.rule, memberQueryExemptions: exempt }),
        ...(g.method !== 'STATIC' && g.errorFlag ? { memberQueryErrorFlags: ['CYCLE'] } : {}),
      };
      const ref = b.add(type, name, record);
      const drawn = new Set(g.members.filter((k) => k < members.length).map((k) => members[k]!.id));
      const rule = groupRuleOf(type, { ...record, name })!;
      const candidates = members.map((m) => ({ id: m.id, record: b.objects.find((o) => o.id === m.id)!.record }));
      // What JumpCloud leaves once the rule has run; a frozen (unevaluable) group keeps what was drawn.
      const settled = membersByRule(rule, rule.method === 'DYNAMIC_AUTOMATED' ? new Set() : drawn, candidates) ?? drawn;
      for (const m of members) if (settled.has(m.id)) b.member(ref, m);
      return ref;
    });
  const userGroups = groupsOf('user_group', spec.userGroups, users);
  const systemGroups = groupsOf('system_group', spec.systemGroups, systems);
  const others = new Map<string, ObjectRef[]>([
    ['application', Array.from({ length: spec.others.application }, (_, i) => b.add('application', `app${i}`))],
    ['command', Array.from({ length: spec.others.command }, (_, i) => b.add('command', `cmd${i}`))],
    ['policy', Array.from({ length: spec.others.policy }, (_, i) => b.add('policy', `pol${i}`))],
  ]);
  const byType = new Map<string, readonly ObjectRef[]>([
    ['user', users],
    ['user_group', userGroups],
    ['system', systems],
    ['system_group', systemGroups],
    ...others,
  ]);
  const { associations } = allowedPairs(byType);
  for (const i of chosen) {
    const [x, y] = associations[i]!;
    b.associate(x, y);
  }
  return { tenant: { tenant: b.build('org-dynamic-random'), users, systems, userGroups, systemGroups }, associations };
}

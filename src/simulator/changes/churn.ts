/**
 * Random changes of the kinds an organization sees every day: memberships added and removed,
 * associations added (with and without sudo attributes), re-attributed and removed, objects created
 * and deleted, users suspended and reinstated, users moved to another department or location, a member
 * exempted from its dynamic group's rule, a group's own sudo changed, renames. Each change is
 * drawn against the organization as it is at that moment, so it is always one the API would accept.
 */
import {
  ASSOCIATION_KINDS,
  MEMBERSHIPS,
  objectName,
  type GraphType,
  type JsonObject,
  type ObjectRef,
  type TenantData,
  type TenantObject,
} from '../../model/index.ts';
import { LOCATIONS } from '../names.ts';
import type { Rng } from '../random.ts';
import { costCenterOf } from '../records.ts';
import type { SimChange } from './changes.ts';

/** Types churn creates and deletes (the everyday ones). */
const LIFECYCLE_TYPES: readonly GraphType[] = [
  'user',
  'user_group',
  'system',
  'system_group',
  'application',
  'command',
  'policy',
  'policy_group',
];

const SUDO_TYPES = new Set(['user', 'user_group', 'system', 'system_group']);

type Picker = (tenant: TenantView, rng: Rng) => SimChange | undefined;

/** A tenant with its objects grouped by type, built once per draw. */
interface TenantView {
  readonly tenant: TenantData;
  readonly byType: ReadonlyMap<string, readonly TenantObject[]>;
}

function view(tenant: TenantData): TenantView {
  const byType = new Map<string, TenantObject[]>();
  for (const o of tenant.objects) {
    let list = byType.get(o.type);
    if (!list) byType.set(o.type, (list = []));
    list.push(o);
  }
  return { tenant, byType };
}

function ref(o: ObjectRef): ObjectRef {
  return { type: o.type, id: o.id };
}

function some(v: TenantView, type: string, rng: Rng): TenantObject | undefined {
  const list = v.byType.get(type);
  return list && list.length > 0 ? rng.pick(list) : undefined;
}

function sudo(rng: Rng): JsonObject {
  const enabled = rng.chance(0.8);
  return { sudo: { enabled, withoutPassword: enabled && rng.chance(0.3) } };
}

function pickEdge(v: TenantView, rng: Rng, kind: 'membership' | 'association'): TenantData['edges'][number] | undefined {
  const edges = v.tenant.edges;
  for (let attempt = 0; attempt < 50 && edges.length > 0; attempt++) {
    const e = rng.pick(edges);
    if (e.kind === kind) return e;
  }
  return undefined;
}

/** The group a membership's `from` names, as it is now. */
function groupOf(v: TenantView, group: ObjectRef): TenantObject | undefined {
  return v.byType.get(group.type)?.find((g) => g.id === group.id);
}

/**
 * Whether the group's rule would undo a membership changed by hand, leaving the organization as it was:
 * an automated rule takes out any member it does not match and puts back any it does; a review-required
 * one puts back a removed member it matches (it never takes one out, so an addition holds). Churn leaves
 * these memberships to the rules and to the exemptions it draws, so that every change it makes holds.
 */
function ruleUndoes(group: TenantObject | undefined, kind: 'add-member' | 'remove-member'): boolean {
  const method = group?.record['membershipMethod'];
  if (method === 'DYNAMIC_AUTOMATED') return true;
  return kind === 'remove-member' && method === 'DYNAMIC_REVIEW_REQUIRED';
}

const PICKERS: readonly [weight: number, picker: Picker][] = [
  [
    20,
    (v, rng) => {
      const m = rng.pick(MEMBERSHIPS);
      const group = some(v, m.group, rng);
      const member = some(v, m.member, rng);
      if (ruleUndoes(group, 'add-member')) return undefined;
      return group && member ? { kind: 'add-member', group: ref(group), member: ref(member) } : undefined;
    },
  ],
  [
    14,
    (v, rng) => {
      const e = pickEdge(v, rng, 'membership');
      if (!e || ruleUndoes(groupOf(v, e.from), 'remove-member')) return undefined;
      return { kind: 'remove-member', group: ref(e.from), member: ref(e.to) };
    },
  ],
  [
    16,
    (v, rng) => {
      const kind = rng.pick(ASSOCIATION_KINDS);
      const a = some(v, kind.a, rng);
      const b = some(v, kind.b, rng);
      if (!a || !b) return undefined;
      const withSudo = SUDO_TYPES.has(kind.a) && SUDO_TYPES.has(kind.b) && rng.chance(0.5);
      return { kind: 'associate', a: ref(a), b: ref(b), attributes: withSudo ? sudo(rng) : null };
    },
  ],
  [
    5,
    (v, rng) => {
      const e = pickEdge(v, rng, 'association');
      if (!e || !SUDO_TYPES.has(e.from.type) || !SUDO_TYPES.has(e.to.type)) return undefined;
      return { kind: 'associate', a: ref(e.from), b: ref(e.to), attributes: e.attributes === null ? sudo(rng) : null };
    },
  ],
  [
    12,
    (v, rng) => {
      const e = pickEdge(v, rng, 'association');
      return e ? { kind: 'dissociate', a: ref(e.to), b: ref(e.from) } : undefined;
    },
  ],
  [8, (_v, rng) => ({ kind: 'create', type: rng.pick(LIFECYCLE_TYPES) })],
  [
    6,
    (v, rng) => {
      const o = some(v, rng.pick(LIFECYCLE_TYPES), rng);
      return o ? { kind: 'delete', ref: ref(o) } : undefined;
    },
  ],
  [
    8,
    (v, rng) => {
      const u = some(v, 'user', rng);
      if (!u) return undefined;
      const suspended = u.record['suspended'] === true;
      return { kind: 'update', ref: ref(u), set: { suspended: !suspended, state: suspended ? 'ACTIVATED' : 'SUSPENDED' } };
    },
  ],
  [
    5,
    (v, rng) => {
      const g = some(v, 'user_group', rng);
      if (!g) return undefined;
      const current = g.record['attributes'];
      const attributes: JsonObject = current !== null && typeof current === 'object' && !Array.isArray(current) ? { ...current } : {};
      if (attributes['sudo'] !== undefined && rng.chance(0.5)) delete attributes['sudo'];
      else attributes['sudo'] = sudo(rng)['sudo']!;
      return { kind: 'update', ref: ref(g), set: { attributes: Object.keys(attributes).length > 0 ? attributes : null } };
    },
  ],
  [
    6,
    (v, rng) => {
      const type = rng.pick(['user_group', 'system_group', 'application', 'system'] as const);
      const o = some(v, type, rng);
      if (!o) return undefined;
      const field = type === 'system' ? 'displayName' : type === 'application' ? 'displayLabel' : 'name';
      return { kind: 'update', ref: ref(o), set: { [field]: `${objectName(o.type, o.record, o.id)} (renamed ${rng.int(1000)})` } };
    },
  ],
  // Movers: a user changes department (cost center and job title with it) or location, so the rules of
  // dynamic groups have something to do.
  [
    6,
    (v, rng) => {
      const u = some(v, 'user', rng);
      const other = some(v, 'user', rng);
      const from = u?.record['department'];
      const to = other?.record['department'];
      if (!u || typeof to !== 'string' || to === from) return undefined;
      const set: JsonObject = { department: to, costCenter: costCenterOf(to) };
      const title = u.record['jobTitle'];
      if (typeof from === 'string' && typeof title === 'string' && title.startsWith(`${from} `))
        set['jobTitle'] = `${to}${title.slice(from.length)}`;
      return { kind: 'update', ref: ref(u), set };
    },
  ],
  [
    3,
    (v, rng) => {
      const u = some(v, 'user', rng);
      const location = rng.pick(LOCATIONS);
      return u && u.record['location'] !== location ? { kind: 'update', ref: ref(u), set: { location } } : undefined;
    },
  ],
  // An administrator exempts a member from its dynamic group's rule (the group written back whole, as the PUT does).
  [
    2,
    (v, rng) => {
      const e = pickEdge(v, rng, 'membership');
      const group = e && v.byType.get(e.from.type)?.find((g) => g.id === e.from.id);
      const method = group ? group.record['membershipMethod'] : undefined;
      if (!e || !group || typeof method !== 'string' || !method.startsWith('DYNAMIC_') || !group.record['memberQuery']) return undefined;
      const current = group.record['memberQueryExemptions'];
      const exemptions = Array.isArray(current) ? current : [];
      return { kind: 'update', ref: ref(group), set: { memberQueryExemptions: [...exemptions, { id: e.to.id, type: e.to.type }] } };
    },
  ],
];

const TOTAL_WEIGHT = PICKERS.reduce((s, [w]) => s + w, 0);

/** One random change for the organization as it is now (undefined only for an organization with nothing in it). */
export function randomChange(tenant: TenantData, rng: Rng): SimChange | undefined {
  const v = view(tenant);
  for (let attempt = 0; attempt < 100; attempt++) {
    let r = rng.float() * TOTAL_WEIGHT;
    const entry = PICKERS.find(([w]) => (r -= w) < 0) ?? PICKERS[0]!;
    const change = entry[1](v, rng);
    if (change) return change;
  }
  return undefined;
}

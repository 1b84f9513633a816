/** fast-check arbitraries: tiny random tenants (every association kind analysis cares about) and changes to them. */
import fc from 'fast-check';
import { associationEdge, edgeKey, membershipEdge, type ObjectRef, type TenantData, type TenantEdge } from '../../src/model/index.ts';
import type { Change } from '../../src/analysis/whatif.ts';
import { TenantBuilder } from './tenant-builder.ts';

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

const SUDO_VALUES = [null, { sudo: { enabled: true, withoutPassword: false } }, { sudo: { enabled: true, withoutPassword: true } }, { sudo: { enabled: false, withoutPassword: false } }];

/** Every edge the model allows between the objects (memberships and the association kinds of the grammar's paths). */
function candidateEdges(objects: Record<keyof Sizes, ObjectRef[]>): TenantEdge[] {
  const out: TenantEdge[] = [];
  const pairs = (xs: ObjectRef[], ys: ObjectRef[], make: (x: ObjectRef, y: ObjectRef) => TenantEdge) => {
    for (const x of xs) for (const y of ys) out.push(make(x, y));
  };
  const member = (g: ObjectRef, m: ObjectRef) => membershipEdge(g, m);
  const assoc = (x: ObjectRef, y: ObjectRef) => associationEdge(x, y);
  pairs(objects.user_group, objects.user, member);
  pairs(objects.system_group, objects.system, member);
  pairs(objects.policy_group, objects.policy, member);
  for (const a of ['user', 'user_group'] as const) {
    for (const b of ['system', 'system_group', 'application', 'policy', 'policy_group'] as const) pairs(objects[a], objects[b], assoc);
  }
  for (const a of ['system', 'system_group'] as const) {
    for (const b of ['command', 'policy', 'policy_group'] as const) pairs(objects[a], objects[b], assoc);
  }
  return out;
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
        chosen: fc.subarray(candidates.map((_, i) => i), { minLength: Math.min(Math.ceil(maxEdges / 2), candidates.length), maxLength: Math.min(maxEdges, candidates.length) }),
        attrs: fc.array(fc.nat(SUDO_VALUES.length - 1), { minLength: candidates.length, maxLength: candidates.length }),
      });
    })
    .map(({ sizes, chosen, attrs }) => {
      const { objects, builder } = build(sizes);
      const candidates = candidateEdges(objects);
      const picked = new Set(chosen);
      candidates.forEach((e, i) => {
        if (!picked.has(i)) return;
        const sudoable = e.kind === 'association' && ['user', 'user_group'].includes(e.from.type) && ['system', 'system_group'].includes(e.to.type);
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
      rt.absent.length > 0 ? fc.constantFrom(...rt.absent).map((edge): Change => ({ op: 'add-edge', edge, attributes: edge.attributes })) : fc.constant(null),
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
          else if (system && !gone.has(system.id)) valid.push({ op: 'add-edge', edge: associationEdge({ type: 'user', id: 'user-new' }, system) });
          continue;
        }
        if (c.op === 'remove-object') {
          if (gone.has(c.id)) continue;
          gone.add(c.id);
          valid.push(c);
          continue;
        }
        const k = edgeKey(c.edge);
        if (seen.has(k) || gone.has(c.edge.from.id) || gone.has(c.edge.to.id)) continue;
        seen.add(k);
        valid.push(c);
      }
      return { ...rt, changes: valid };
    });
  });
}

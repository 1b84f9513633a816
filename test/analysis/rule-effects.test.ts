/**
 * RuleEffects re-evaluates a group for the candidates its rule can change only (the graph's own
 * evaluation, worked out once per graph and shared): on random tenants with dynamic groups, made
 * unsettled (memberships added and removed by hand, records changed, so that the graph's rules have
 * pending differences), a random sequence of changes gives exactly the same edge changes, rule changes
 * and notes, in the same order, as the plain way that runs every rule for every candidate.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccessGraph } from '../../src/graph/index.ts';
import { RuleEffects } from '../../src/analysis/rule-effects.ts';
import { edgeKey, membershipEdge, type JsonObject, type ObjectRef, type TenantData } from '../../src/model/index.ts';
import { dynamicTenantArb, type RandomDynamicTenant } from '../helpers/random-tenant.ts';
import { TenantBuilder } from './tenant-builder.ts';

type Op =
  | { readonly op: 'exempt'; readonly group: ObjectRef; readonly member: ObjectRef }
  | { readonly op: 'remove'; readonly group: ObjectRef; readonly member: ObjectRef }
  | { readonly op: 'remove-as-given'; readonly group: ObjectRef; readonly member: ObjectRef }
  | { readonly op: 'add-as-given'; readonly group: ObjectRef; readonly member: ObjectRef }
  | { readonly op: 'set'; readonly id: string; readonly fields: JsonObject }
  | { readonly op: 'add-object'; readonly type: 'user' | 'system'; readonly fields: JsonObject }
  | { readonly op: 'remove-object'; readonly id: string };

const USER_FIELDS = fc.oneof(
  fc.constantFrom('Engineering', 'Sales', 'Marketing').map((department): JsonObject => ({ department })),
  fc.constantFrom('ACTIVATED', 'SUSPENDED', 'STAGED').map((state): JsonObject => ({ state })),
);
const SYSTEM_FIELDS = fc.constantFrom('Mac OS X', 'Windows', 'Ubuntu').map((os): JsonObject => ({ os }));
const GROUP_FIELDS = fc
  .constantFrom('STATIC', 'DYNAMIC_AUTOMATED', 'DYNAMIC_REVIEW_REQUIRED')
  .map((m): JsonObject => ({ membershipMethod: m }));

/** A group of either kind with one of its member type's objects (none when the tenant has no such pair). */
function pairArb(rt: RandomDynamicTenant): fc.Arbitrary<{ group: ObjectRef; member: ObjectRef }>[] {
  const out: fc.Arbitrary<{ group: ObjectRef; member: ObjectRef }>[] = [];
  if (rt.userGroups.length > 0) out.push(fc.record({ group: fc.constantFrom(...rt.userGroups), member: fc.constantFrom(...rt.users) }));
  if (rt.systemGroups.length > 0 && rt.systems.length > 0)
    out.push(fc.record({ group: fc.constantFrom(...rt.systemGroups), member: fc.constantFrom(...rt.systems) }));
  return out;
}

function opArb(rt: RandomDynamicTenant, withObjects: boolean): fc.Arbitrary<Op> {
  const pair = fc.oneof(...pairArb(rt));
  const groups = [...rt.userGroups, ...rt.systemGroups];
  const arbs: fc.Arbitrary<Op>[] = [
    pair.map(({ group, member }): Op => ({ op: 'exempt', group, member })),
    pair.map(({ group, member }): Op => ({ op: 'remove', group, member })),
    pair.map(({ group, member }): Op => ({ op: 'remove-as-given', group, member })),
    pair.map(({ group, member }): Op => ({ op: 'add-as-given', group, member })),
    fc.record({ id: fc.constantFrom(...rt.users.map((u) => u.id)), fields: USER_FIELDS }).map((s): Op => ({ op: 'set', ...s })),
    fc.record({ id: fc.constantFrom(...groups.map((g) => g.id)), fields: GROUP_FIELDS }).map((s): Op => ({ op: 'set', ...s })),
  ];
  if (rt.systems.length > 0)
    arbs.push(
      fc.record({ id: fc.constantFrom(...rt.systems.map((s) => s.id)), fields: SYSTEM_FIELDS }).map((s): Op => ({ op: 'set', ...s })),
    );
  if (withObjects) {
    arbs.push(fc.record({ type: fc.constant('user' as const), fields: USER_FIELDS }).map((a): Op => ({ op: 'add-object', ...a })));
    arbs.push(fc.constantFrom(...rt.users.map((u) => u.id)).map((id): Op => ({ op: 'remove-object', id })));
  }
  return fc.oneof(...arbs);
}

/** The tenant with memberships flipped by hand and records changed, none of it settled by the rules. */
function unsettled(rt: RandomDynamicTenant, flips: readonly { group: ObjectRef; member: ObjectRef }[], sets: readonly Op[]): TenantData {
  const edges = new Map(rt.tenant.edges.map((e) => [edgeKey(e), e]));
  for (const { group, member } of flips) {
    const e = membershipEdge(group, member);
    if (edges.has(edgeKey(e))) edges.delete(edgeKey(e));
    else edges.set(edgeKey(e), e);
  }
  const records = new Map<string, JsonObject>();
  for (const s of sets) if (s.op === 'set') records.set(s.id, { ...(records.get(s.id) ?? {}), ...s.fields });
  return {
    ...rt.tenant,
    objects: rt.tenant.objects.map((o) => (records.has(o.id) ? { ...o, record: { ...o.record, ...records.get(o.id) } } : o)),
    edges: [...edges.values()],
  };
}

function run(g: AccessGraph, ops: readonly Op[], reuse: boolean): unknown {
  const effects = new RuleEffects(g, { reuse });
  let added = 0;
  for (const o of ops) {
    switch (o.op) {
      case 'exempt':
        effects.exempt(o.group.id, o.member);
        break;
      case 'remove':
        effects.removeEdge(membershipEdge(o.group, o.member));
        break;
      case 'remove-as-given':
        effects.removeEdgeAsGiven(membershipEdge(o.group, o.member));
        break;
      case 'add-as-given':
        effects.addEdgeAsGiven(membershipEdge(o.group, o.member), null);
        break;
      case 'set':
        if (effects.hasObject(o.id)) effects.setFields(o.id, o.fields);
        break;
      case 'add-object':
        added++;
        effects.addObject({ type: o.type, id: `new-${o.type}-${added}`, record: { username: `new${added}`, ...o.fields } });
        break;
      case 'remove-object':
        if (effects.hasObject(o.id)) effects.removeObject(o.id);
        break;
    }
  }
  return { changes: effects.changes, ruleChanges: effects.ruleChanges, notes: effects.notes };
}

const caseArb = (withObjects: boolean) =>
  dynamicTenantArb().chain((rt) =>
    fc.record({
      rt: fc.constant(rt),
      flips: pairArb(rt).length > 0 ? fc.array(fc.oneof(...pairArb(rt)), { maxLength: 4 }) : fc.constant([]),
      sets: fc.array(opArb(rt, false), { maxLength: 3 }),
      ops: fc.array(opArb(rt, withObjects), { minLength: 1, maxLength: 6 }),
    }),
  );

describe('RuleEffects: a group re-evaluated for the candidates it can change gives what running every candidate gives', () => {
  it('on unsettled tenants, for sequences of exemptions, removals, records set and memberships changed as given', () => {
    let ruleRuns = 0;
    fc.assert(
      fc.property(caseArb(false), ({ rt, flips, sets, ops }) => {
        const g = AccessGraph.fromTenant(unsettled(rt, flips, sets));
        const plain = run(g, ops, false);
        // Twice on the same graph: the second reads the facts the first worked out.
        expect(run(g, ops, true)).toEqual(plain);
        expect(run(g, ops, true)).toEqual(plain);
        ruleRuns += (plain as { ruleChanges: unknown[] }).ruleChanges.length;
      }),
      { numRuns: 300 },
    );
    // Not vacuous: the rules' runs did add and remove memberships.
    expect(ruleRuns).toBeGreaterThan(50);
  });

  it('with objects added and removed too (the plain way is taken then)', () => {
    fc.assert(
      fc.property(caseArb(true), ({ rt, flips, sets, ops }) => {
        const g = AccessGraph.fromTenant(unsettled(rt, flips, sets));
        expect(run(g, ops, true)).toEqual(run(g, ops, false));
      }),
      { numRuns: 100 },
    );
  });

  it('an edit of the graph is seen: the facts are worked out again for its new version', () => {
    let edited = 0;
    fc.assert(
      fc.property(caseArb(false), ({ rt, flips, ops }) => {
        const g = AccessGraph.fromTenant(rt.tenant);
        run(g, ops, true); // facts of the settled graph
        for (const { group, member } of flips) {
          const e = membershipEdge(group, member);
          if (g.hasEdge(e)) g.removeEdge(e);
          else g.addEdge(e);
        }
        edited += flips.length;
        expect(run(g, ops, true)).toEqual(run(g, ops, false));
      }),
      { numRuns: 100 },
    );
    expect(edited).toBeGreaterThan(20);
  });

  it('a record changed while the group ran no rule is read again when its rule runs once more', () => {
    const b = new TenantBuilder();
    const ann = b.user('ann', { department: 'Sales' });
    const group = b.dynamicGroup('user_group', 'Engineers', 'DYNAMIC_AUTOMATED', [['department', 'eq', 'Engineering']]);
    const g = AccessGraph.fromTenant(b.build());
    const ops: Op[] = [
      { op: 'set', id: group.id, fields: { membershipMethod: 'STATIC' } },
      { op: 'set', id: ann.id, fields: { department: 'Engineering' } },
      { op: 'set', id: group.id, fields: { membershipMethod: 'DYNAMIC_AUTOMATED' } },
    ];
    const reused = run(g, ops, true);
    expect(reused).toEqual(run(g, ops, false));
    expect(reused).toMatchObject({ ruleChanges: [{ op: 'add', member: { id: ann.id }, group: { id: group.id } }] });
  });
});

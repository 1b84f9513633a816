/**
 * Plans that hold, on random tenants with dynamic groups (dynamicTenantArb), against brute force: the
 * plan's requests applied one by one to the tenant's data, every dynamic group's rule run over the whole
 * tenant after each (as JumpCloud, and the simulator, re-evaluate after every change), then every binding
 * recomputed on a fresh graph.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccessGraph } from '../../src/graph/index.ts';
import { bindingBetween, bindingKey, subjectBindings, universeKey } from '../../src/analysis/bindings.ts';
import { membershipSource } from '../../src/analysis/dynamic-groups.ts';
import { planOffboard, planRevoke, REVOKE_STRATEGIES, type ApiOperation } from '../../src/analysis/index.ts';
import { PlanError } from '../../src/errors.ts';
import {
  TYPE_INFO,
  associationEdge,
  edgeKey,
  isGraphType,
  membershipEdge,
  type JsonObject,
  type TenantData,
  type TenantEdge,
} from '../../src/model/index.ts';
import { allBindings, settleRules as settle } from '../helpers/full-recompute.ts';
import { dynamicTenantArb } from '../helpers/random-tenant.ts';

const PREFIX_TYPE = new Map(Object.values(TYPE_INFO).map((i) => [i.pathPrefix, i.type]));

/** One request of a plan, done to the tenant's data as the API would. */
function send(tenant: TenantData, op: ApiOperation): TenantData {
  const [, api, ...rest] = op.path.split('/').slice(1);
  const typeOf = (id: string) => tenant.objects.find((o) => o.id === id)!.type;
  const setRecord = (id: string, fields: JsonObject): TenantData => ({
    ...tenant,
    objects: tenant.objects.map((o) => (o.id === id ? { ...o, record: { ...o.record, ...fields } } : o)),
  });
  if (api === 'systemusers' && op.method === 'PUT') return setRecord(decodeURIComponent(rest[0]!), op.body);
  expect(api).toBe('v2');
  const [prefix, rawId, what] = rest;
  const id = decodeURIComponent(rawId!);
  if (op.method === 'PUT') return setRecord(id, op.body);
  expect(op.body['op']).toBe('remove');
  const other = { type: op.body['type'] as string, id: op.body['id'] as string };
  const self = { type: PREFIX_TYPE.get(prefix!)!, id };
  expect(isGraphType(self.type) && typeOf(id) === self.type).toBe(true);
  const gone = edgeKey(what === 'members' ? membershipEdge(self, other) : associationEdge(self, other));
  expect(tenant.edges.some((e) => edgeKey(e) === gone)).toBe(true);
  return { ...tenant, edges: tenant.edges.filter((e: TenantEdge) => edgeKey(e) !== gone) };
}

/** The tenant once the requests are sent, the rules running after each. */
function applied(tenant: TenantData, operations: readonly ApiOperation[]): TenantData {
  return operations.reduce((t, op) => settle(send(t, op)), tenant);
}

const revokeArb = dynamicTenantArb().chain((rt) => {
  const pairs = [...allBindings(AccessGraph.fromTenant(rt.tenant)).values()].map((b) => [b.subject.id, b.target.id] as const);
  return fc.record({
    rt: fc.constant(rt),
    pair: pairs.length > 0 ? fc.constantFrom(...pairs) : fc.constant(null),
    strategy: fc.constantFrom(...REVOKE_STRATEGIES),
    exemptions: fc.boolean(),
  });
});

describe('plans that hold, on random tenants with dynamic groups', () => {
  it('the generated tenants are settled: running every rule changes nothing', () => {
    fc.assert(
      fc.property(dynamicTenantArb(), (rt) => {
        const key = (t: TenantData) => t.edges.map(edgeKey).sort();
        expect(key(settle(rt.tenant))).toEqual(key(rt.tenant));
      }),
      { numRuns: 50 },
    );
  });

  it('revoke: no removal of a membership a rule produces; once sent, with the rules run, the binding is gone and the collateral is exact', () => {
    let exempted = 0;
    fc.assert(
      fc.property(revokeArb, ({ rt, pair, strategy, exemptions }) => {
        if (!pair) return;
        const g = AccessGraph.fromTenant(rt.tenant);
        let plan;
        try {
          plan = planRevoke(g, pair[0], pair[1], { strategy, exemptions });
        } catch (error) {
          // Only without exemptions may a plan be impossible, and then a rule is why.
          expect(error).toBeInstanceOf(PlanError);
          expect(exemptions).toBe(false);
          expect((error as Error).message).toContain('it is not revocable without changing a rule');
          return;
        }
        plan.steps.forEach((s, i) => {
          if (s.action === 'exempt') {
            exempted++;
            expect(exemptions).toBe(true);
            return;
          }
          if (membershipSource(g, s.edge)?.origin !== 'rule') return;
          const before = plan.steps[i - 1];
          expect(before?.action === 'exempt' && before.edgeKey === s.edgeKey).toBe(true);
        });
        const after = AccessGraph.fromTenant(
          applied(
            rt.tenant,
            plan.steps.map((s) => s.operation),
          ),
        );
        expect(bindingBetween(after, pair[0], pair[1]) ?? bindingBetween(after, pair[1], pair[0])).toBeUndefined();
        expect(plan.verified).toBe(true);
        const before = allBindings(g);
        const now = allBindings(after);
        const revoked = universeKey(g.object(pair[0]), g.object(pair[1]));
        const lost = [...before.keys()].filter((k) => !now.has(k) && k !== revoked).sort();
        expect(plan.collateral.lost.map((b) => bindingKey(b.subject.id, b.target.id)).sort()).toEqual(lost);
      }),
      { numRuns: 150 },
    );
    expect(exempted).toBeGreaterThan(3); // not vacuous: plans did exempt
  });

  it('offboard: once sent, with the rules run, the user has no membership and no binding left, and the collateral is exact', () => {
    const arb = dynamicTenantArb().chain((rt) =>
      fc.record({ rt: fc.constant(rt), user: fc.constantFrom(...rt.users), suspend: fc.boolean(), exemptions: fc.boolean() }),
    );
    let dropped = 0;
    fc.assert(
      fc.property(arb, ({ rt, user, suspend, exemptions }) => {
        const g = AccessGraph.fromTenant(rt.tenant);
        const plan = planOffboard(g, user.id, { suspend, exemptions });
        dropped += plan.droppedByRule.length;
        if (!exemptions) expect(plan.steps.some((s) => s.action === 'exempt')).toBe(false);
        const tenant = applied(
          rt.tenant,
          plan.steps.map((s) => s.operation),
        );
        const after = AccessGraph.fromTenant(tenant);
        const memberships = tenant.edges.filter((e) => e.kind === 'membership' && e.to.id === user.id).map((e) => e.from.id);
        if (exemptions) expect(memberships).toEqual([]);
        else
          expect(memberships.sort()).toEqual(
            plan.keptByRule
              .map((k) => k.group.id)
              .concat(plan.ruleEffects.filter((c) => c.op === 'add').map((c) => c.group.id))
              .sort(),
          );
        expect(
          subjectBindings(after, user.id)
            .map((b) => b.target.id)
            .sort(),
        ).toEqual(plan.remaining.map((b) => b.target.id).sort());
        if (exemptions) expect(plan.remaining).toEqual([]);
        const before = allBindings(g);
        const now = allBindings(after);
        const lost = [...before.entries()]
          .filter(([k, b]) => !now.has(k) && b.subject.id !== user.id)
          .map(([k]) => k)
          .sort();
        expect(plan.collateral.lost.map((b) => bindingKey(b.subject.id, b.target.id)).sort()).toEqual(lost);
      }),
      { numRuns: 120 },
    );
    expect(dropped).toBeGreaterThan(0); // not vacuous: suspensions let rules drop memberships
  });
});

/**
 * Properties of revoke plans and what-if on random tiny tenants, each checked against an independent
 * recomputation: a fresh graph built from the tenant with the changes applied, all bindings recomputed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AccessGraph } from '../../src/graph/index.ts';
import { bindingBetween, bindingKey, universeKey } from '../../src/analysis/bindings.ts';
import { planRevoke, REVOKE_STRATEGIES, type RevokePlan } from '../../src/analysis/revoke.ts';
import { WhatIfSession, type WhatIfResult } from '../../src/analysis/whatif.ts';
import { allBindings, whatIfFull } from '../helpers/full-recompute.ts';
import { edgeKey } from '../../src/analysis/edges.ts';
import { PlanError } from '../../src/errors.ts';
import type { TenantData, TenantEdge } from '../../src/model/index.ts';
import { randomTenant, tenantWithChanges } from '../helpers/random-tenant.ts';

function without(tenant: TenantData, removed: Iterable<string>): TenantData {
  const gone = new Set(removed);
  return { ...tenant, edges: tenant.edges.filter((e) => !gone.has(edgeKey(e))) };
}

/** A subject and a resource it reaches, picked from the tenant's bindings (or none). */
function pairsOf(g: AccessGraph): [string, string][] {
  return [...allBindings(g).values()].map((b) => [b.subject.id, b.target.id]);
}

const planArb = randomTenant().chain((rt) => {
  const pairs = pairsOf(AccessGraph.fromTenant(rt.tenant));
  return fc.record({
    rt: fc.constant(rt),
    pair: pairs.length > 0 ? fc.constantFrom(...pairs) : fc.constant(null),
    strategy: fc.constantFrom(...REVOKE_STRATEGIES),
    protect: fc.subarray(rt.tenant.edges, { maxLength: Math.min(3, rt.tenant.edges.length) }),
  });
});

function checkPlan(tenant: TenantData, plan: RevokePlan, subject: string, resource: string): void {
  const before = allBindings(AccessGraph.fromTenant(tenant));
  const afterGraph = AccessGraph.fromTenant(
    without(
      tenant,
      plan.steps.map((s) => s.edgeKey),
    ),
  );
  const after = allBindings(afterGraph);
  // The binding is gone, asked from a fresh graph.
  expect(bindingBetween(afterGraph, subject, resource)).toBeUndefined();
  expect(plan.verified).toBe(true);
  // The reported collateral is exactly the bindings lost, other than the revoked one.
  const revoked = universeKey(afterGraph.object(subject), afterGraph.object(resource));
  const actuallyLost = [...before.keys()].filter((k) => !after.has(k) && k !== revoked).sort();
  expect(plan.collateral.lost.map((b) => bindingKey(b.subject.id, b.target.id)).sort()).toEqual(actuallyLost);
  // Survivors: bindings kept whose paths lost some, with exactly the paths they keep.
  const removed = new Set(plan.steps.map((s) => s.edgeKey));
  const survivors = [...before.entries()]
    .filter(([k, b]) => after.has(k) && b.paths.some((p) => p.edgeKeys.some((e) => removed.has(e))))
    .map(([k]) => k)
    .sort();
  expect(plan.collateral.surviving.map((s) => bindingKey(s.subject.id, s.target.id)).sort()).toEqual(survivors);
  for (const s of plan.collateral.surviving) {
    expect(s.paths.map((p) => p.edgeKeys.join(' '))).toEqual(
      after.get(bindingKey(s.subject.id, s.target.id))?.paths.map((p) => p.edgeKeys.join(' ')),
    );
  }
}

/** Smallest number of tenant edges whose removal ends the binding, by trying every subset in size order. */
function bruteForceMinimum(tenant: TenantData, subject: string, resource: string, limit: number): number | undefined {
  const edges = tenant.edges.map(edgeKey);
  const choose = (start: number, k: number, picked: string[]): boolean => {
    if (k === 0) return bindingBetween(AccessGraph.fromTenant(without(tenant, picked)), subject, resource) === undefined;
    for (let i = start; i <= edges.length - k; i++) if (choose(i + 1, k - 1, [...picked, edges[i] as string])) return true;
    return false;
  };
  for (let k = 0; k <= limit; k++) if (choose(0, k, [])) return k;
  return undefined;
}

describe('revoke plans on random tenants', () => {
  it('end the binding, and report exactly the collateral a recomputation finds', () => {
    fc.assert(
      fc.property(planArb, ({ rt, pair, strategy, protect }) => {
        if (!pair) return;
        const [subject, resource] = pair;
        const g = AccessGraph.fromTenant(rt.tenant);
        const protectedKeys = new Set(protect.map(edgeKey));
        let plan: RevokePlan;
        try {
          plan = planRevoke(g, subject, resource, { strategy, protectedEdges: protect });
        } catch (error) {
          expect(error).toBeInstanceOf(PlanError);
          const paths = bindingBetween(g, subject, resource)?.paths ?? [];
          if (strategy === 'subject-only') expect(paths.some((p) => protectedKeys.has(p.edgeKeys[0] as string))).toBe(true);
          else expect(paths.some((p) => p.edgeKeys.every((k) => protectedKeys.has(k)))).toBe(true);
          return;
        }
        expect(plan.steps.some((s) => protectedKeys.has(s.edgeKey))).toBe(false);
        if (strategy === 'subject-only') expect(plan.steps.every((s) => s.edge.from.id === subject || s.edge.to.id === subject)).toBe(true);
        checkPlan(rt.tenant, plan, subject, resource);
      }),
      { numRuns: 150 },
    );
  });

  it('least-collateral never reports more collateral than fewest-changes', () => {
    fc.assert(
      fc.property(randomTenant(), (rt) => {
        // Every binding of the tenant: plans that differ are a minority, so try them all.
        const g = AccessGraph.fromTenant(rt.tenant);
        for (const [subject, resource] of pairsOf(g)) {
          const fewest = planRevoke(g, subject, resource, { strategy: 'fewest-changes' });
          const least = planRevoke(g, subject, resource, { strategy: 'least-collateral' });
          expect(least.collateral.lost.length).toBeLessThanOrEqual(fewest.collateral.lost.length);
          if (least.collateral.lost.length === fewest.collateral.lost.length)
            expect(least.steps.length).toBeLessThanOrEqual(fewest.steps.length);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('fewest-changes is no larger than the brute-force minimum over all edges', () => {
    fc.assert(
      fc.property(
        randomTenant(9, true).chain((rt) => {
          const pairs = pairsOf(AccessGraph.fromTenant(rt.tenant));
          return fc.record({ rt: fc.constant(rt), pair: pairs.length > 0 ? fc.constantFrom(...pairs) : fc.constant(null) });
        }),
        ({ rt, pair }) => {
          if (!pair) return;
          const g = AccessGraph.fromTenant(rt.tenant);
          const plan = planRevoke(g, pair[0], pair[1], { strategy: 'fewest-changes' });
          const minimum = bruteForceMinimum(rt.tenant, pair[0], pair[1], plan.steps.length);
          expect(minimum).toBe(plan.steps.length);
        },
      ),
      { numRuns: 100 },
    );
  });
});

function summary(result: WhatIfResult): unknown {
  return result.subjects.map((d) => ({
    subject: d.subject.id,
    gained: d.gained.map((b) => [b.target.id, b.paths.map((p) => p.edgeKeys.join(' ')), b.compiledAttributes ?? null]),
    lost: d.lost.map((b) => b.target.id),
    changed: d.changed.map((c) => [c.before.target.id, c.after.paths.map((p) => p.edgeKeys.join(' ')), c.after.compiledAttributes ?? null]),
  }));
}

describe('what-if on random tenants', () => {
  it("recomputing only the affected subjects gives the full recompute's answer", () => {
    fc.assert(
      fc.property(tenantWithChanges(), ({ tenant, changes }) => {
        const g = AccessGraph.fromTenant(tenant);
        const session = new WhatIfSession(g);
        const incremental = session.evaluate(changes);
        expect(summary(incremental)).toEqual(summary(whatIfFull(session, changes)));
        // The session's copy is back to the base afterwards.
        expect(session.evaluate([])).toMatchObject({ subjects: [] });
        expect(g.toTenant()).toEqual(AccessGraph.fromTenant(tenant).toTenant());
      }),
      { numRuns: 200 },
    );
  });

  it('applying a revoke plan as a what-if removes the binding', () => {
    fc.assert(
      fc.property(planArb, ({ rt, pair, strategy }) => {
        if (!pair) return;
        const g = AccessGraph.fromTenant(rt.tenant);
        const plan = planRevoke(g, pair[0], pair[1], { strategy });
        const session = new WhatIfSession(g);
        const result = session.evaluate(plan.steps.map((s) => ({ op: 'remove-edge', edge: s.edge })));
        const key = universeKey(g.object(pair[0]), g.object(pair[1]));
        if (key) expect(result.subjects.flatMap((d) => d.lost.map((b) => bindingKey(b.subject.id, b.target.id)))).toContain(key);
        session.withChanges(
          plan.steps.map((s) => ({ op: 'remove-edge', edge: s.edge as TenantEdge })),
          (after) => {
            expect(bindingBetween(after, pair[0], pair[1])).toBeUndefined();
          },
        );
      }),
      { numRuns: 100 },
    );
  });
});

/**
 * A revoke's exposure (what any cut of a binding's paths could end) weighs the members of a large group
 * that have no other way together, and fewest-changes weighs candidate cuts only as far as it must. On
 * random tenants both must give what weighing every binding one by one gives.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AccessGraph } from '../../src/graph/index.ts';
import { BINDING_SUBJECT_TYPES, bindingBetween, subjectBindings, universeKey, type Binding } from '../../src/analysis/bindings.ts';
import { collateralScorer, cutCollateral, exposure, type Exposure } from '../../src/analysis/exposure.ts';
import { minimumCuts } from '../../src/analysis/mincut.ts';
import { planRevoke } from '../../src/analysis/revoke.ts';
import type { EdgeRef } from '../../src/analysis/edges.ts';
import { randomTenant } from '../helpers/random-tenant.ts';
import { TenantBuilder } from './tenant-builder.ts';

function normalized(e: Exposure): { classes: [string, number][]; perEdge: [string, number][] } {
  const classes = new Map<string, number>();
  for (const s of e.classes) {
    const key = s.paths.map((p) => p.join(' ')).join('|');
    classes.set(key, (classes.get(key) ?? 0) + s.count);
  }
  return { classes: [...classes].sort(), perEdge: [...e.perEdge].sort() };
}

interface Question {
  readonly binding: Binding;
  /** The binding's union edges by key. */
  readonly union: ReadonlyMap<string, EdgeRef>;
  readonly key: string | undefined;
}

/** Every binding of the tenant, asked from its subject's side, as a revoke would weigh it. */
function* questions(g: AccessGraph, types: readonly string[] = BINDING_SUBJECT_TYPES): Iterable<Question> {
  for (const type of types) {
    for (const o of g.objects(type)) {
      for (const b of subjectBindings(g, o.id)) {
        const binding = bindingBetween(g, o.id, b.target.id)!;
        const union = new Map<string, EdgeRef>();
        for (const p of binding.paths) p.edges.forEach((e, i) => union.set(p.edgeKeys[i]!, e));
        yield { binding, union, key: universeKey(b.subject, b.target) };
      }
    }
  }
}

const cutsOf = (binding: Binding, cap: number) =>
  minimumCuts(
    binding.paths.map((p) => ({ nodes: p.objects.map((x) => x.id), edges: p.edgeKeys })),
    {},
    cap,
  );

describe('revoke exposure', () => {
  it('weighing the members of a group with no other way together equals weighing each member', () => {
    fc.assert(
      fc.property(randomTenant(40), (rt) => {
        const g = AccessGraph.fromTenant(rt.tenant);
        for (const { union, key } of questions(g)) {
          const edges = [...union.values()];
          expect(normalized(exposure(g, edges, key, 0))).toEqual(normalized(exposure(g, edges, key, Infinity)));
        }
      }),
      { numRuns: 150 },
    );
  });

  it("weighs on its own, towards the group's targets too, a member that is explicit for another reason (found by the property above)", () => {
    // u1 reaches sys2 only through ug0 → sg1 ∋ sys2, and pol0 directly through pg0: asked why sys2 reaches
    // pol0, u1 is explicit for the policy (pg0 ∋ pol0 is a union edge) and must still count, through its
    // group, for the system behind sg1 ∋ sys2.
    const t = new TenantBuilder();
    const [u0, u1, ug0] = [t.user('u0'), t.user('u1'), t.userGroup('ug0')];
    const [sys2, sg1, pol0, pg0] = [t.system('sys2'), t.systemGroup('sg1'), t.add('policy', 'pol0'), t.add('policy_group', 'pg0')];
    t.member(ug0, u1).member(sg1, sys2).member(pg0, pol0);
    t.associate(u0, sys2)
      .associate(u1, pg0)
      .associate(ug0, sg1)
      .associate(sys2, pol0)
      .associate(sys2, pg0)
      .associate(sg1, pol0)
      .associate(sg1, pg0);
    const g = AccessGraph.fromTenant(t.build());
    const [question] = [...questions(g, ['system'])].filter((q) => q.binding.subject.id === sys2.id && q.binding.target.id === pol0.id);
    const edges = [...question!.union.values()];
    expect(normalized(exposure(g, edges, question!.key, 0))).toEqual(normalized(exposure(g, edges, question!.key, Infinity)));
  });

  it('a cut weighed up to a budget or on the first objects it leads to is exact within them, and a lower bound beyond', () => {
    fc.assert(
      fc.property(randomTenant(40), fc.nat(4), fc.integer({ min: 1, max: 3 }), (rt, budget, endsLimit) => {
        const g = AccessGraph.fromTenant(rt.tenant);
        for (const { binding, union, key } of questions(g, ['user'])) {
          const score = collateralScorer(exposure(g, [...union.values()], key, Infinity));
          for (const cut of cutsOf(binding, 16)) {
            const edges = cut.map((k) => union.get(k)!);
            const exact = score(cut);
            expect(cutCollateral(g, edges, key).lost).toBe(exact);
            const within = cutCollateral(g, edges, key, { budget }).lost;
            if (exact <= budget) expect(within).toBe(exact);
            else expect(within).toBeGreaterThan(budget);
            const sampled = cutCollateral(g, edges, key, { endsLimit });
            if (sampled.complete) expect(sampled.lost).toBe(exact);
            else expect(sampled.lost).toBeLessThanOrEqual(exact);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('fewest-changes picks the minimum cut a whole-exposure scoring of every minimum cut picks', () => {
    fc.assert(
      fc.property(randomTenant(40), (rt) => {
        const g = AccessGraph.fromTenant(rt.tenant);
        for (const { binding, union, key } of questions(g, ['user'])) {
          const score = collateralScorer(exposure(g, [...union.values()], key, Infinity));
          const byKeys = (x: readonly string[], y: readonly string[]) =>
            x.join('\u0000') < y.join('\u0000') ? -1 : x.join('\u0000') > y.join('\u0000') ? 1 : 0;
          const expected = cutsOf(binding, 256)
            .map((cut) => ({ cut: [...cut].sort(), lost: score(cut) }))
            .sort((x, y) => x.lost - y.lost || x.cut.length - y.cut.length || byKeys(x.cut, y.cut))[0]!.cut;
          expect(
            planRevoke(g, binding.subject.id, binding.target.id)
              .steps.map((s) => s.edgeKey)
              .sort(),
          ).toEqual(expected);
        }
      }),
      { numRuns: 100 },
    );
  });
});

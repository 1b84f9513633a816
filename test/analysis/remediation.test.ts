/**
 * One remediation plan for many decisions (src/analysis/remediation.ts), against brute force on random
 * tenants with random decisions: the plan ends exactly the revoked bindings outside its conflicts and
 * keeps every kept one (on a graph rebuilt without the removed edges); every conflict is real (every set
 * of removals that ends the binding, with the rest of the plan for a `with-plan` one, ends a kept
 * binding); when the search says it was exhaustive, no set of removals does better (fewer revokes left
 * out, then less collateral, then fewer changes); and the collateral is never more than that of the
 * single-pair least-collateral plans applied one after the other, when those keep every kept binding.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { edgeKey, type TenantData } from '../../src/model/index.ts';
import { AccessGraph, inventoryBindings } from '../../src/graph/index.ts';
import { BINDING_SUBJECT_TYPES, BINDING_TARGETS, bindingKey } from '../../src/analysis/bindings.ts';
import { planRemediation, type BindingPair, type RemediationPlan } from '../../src/analysis/remediation.ts';
import { planRevoke } from '../../src/analysis/revoke.ts';
import type { EdgeRef } from '../../src/analysis/edges.ts';
import { randomTenant } from '../helpers/random-tenant.ts';
import { SUDO, TenantBuilder } from './tenant-builder.ts';

/** Every binding of the universe: key → its paths as edge keys. */
function universe(g: AccessGraph): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  for (const type of BINDING_SUBJECT_TYPES) {
    for (const b of inventoryBindings(g, type, BINDING_TARGETS[type] ?? [])) {
      const ix = b.index;
      for (let i = 0; i < b.size; i++) {
        const paths: string[][] = [];
        for (let p = b.pathStart[i]!; p < b.pathStart[i + 1]!; p++) paths.push([...b.pathEdges(p)].map((e) => ix.edgeKeyOf(e)));
        out.set(bindingKey(ix.idOf(b.source), ix.idOf(b.targets[i]!)), paths);
      }
    }
  }
  return out;
}

function without(tenant: TenantData, removed: ReadonlySet<string>): AccessGraph {
  return AccessGraph.fromTenant({ ...tenant, edges: tenant.edges.filter((e) => !removed.has(edgeKey(e))) });
}

function endedBy(paths: readonly (readonly string[])[], removed: ReadonlySet<string>): boolean {
  return paths.every((p) => p.some((e) => removed.has(e)));
}

const key = (p: BindingPair): string => bindingKey(p.subject, p.target);

/**
 * Organizations where access goes through groups (users in user groups, user groups associated with
 * system groups, systems and applications, systems in system groups, a few direct associations): many
 * bindings share edges, so cuts compete and kept bindings block them.
 */
const grouped: fc.Arbitrary<TenantData> = fc
  .record({
    users: fc.integer({ min: 2, max: 4 }),
    groups: fc.integer({ min: 1, max: 3 }),
    systemGroups: fc.integer({ min: 1, max: 2 }),
    systems: fc.integer({ min: 2, max: 4 }),
    weights: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 80, maxLength: 80 }),
  })
  .map(({ users, groups, systemGroups, systems, weights }) => {
    const b = new TenantBuilder();
    const us = Array.from({ length: users }, (_, i) => b.user(`u${i}`));
    const gs = Array.from({ length: groups }, (_, i) => b.userGroup(`g${i}`));
    const sgs = Array.from({ length: systemGroups }, (_, i) => b.systemGroup(`sg${i}`));
    const ss = Array.from({ length: systems }, (_, i) => b.system(`s${i}`));
    const app = b.add('application', 'app');
    let k = 0;
    const chance = (p: number): boolean => (weights[k++ % weights.length]! + k) % 10 < p;
    for (const g of gs) for (const u of us) if (chance(5)) b.member(g, u);
    for (const sg of sgs) for (const s of ss) if (chance(5)) b.member(sg, s);
    for (const g of gs) {
      for (const sg of sgs) if (chance(5)) b.associate(g, sg);
      for (const s of ss) if (chance(2)) b.associate(g, s);
      if (chance(4)) b.associate(g, app);
    }
    for (const u of us) for (const s of ss) if (chance(1)) b.associate(u, s);
    return b.build();
  });

/** A random tenant (the shared random tenants, or one where access goes through groups) with random decisions on its user bindings. */
const decided = fc
  .oneof(
    randomTenant(20).map((rt) => rt.tenant),
    grouped,
  )
  .chain((tenant) => {
    const g = AccessGraph.fromTenant(tenant);
    const userBindings = [...universe(g).keys()].filter((k) => k.startsWith('user-'));
    return fc
      .array(fc.constantFrom('revoke', 'keep', 'keep', 'none'), { minLength: userBindings.length, maxLength: userBindings.length })
      .map((choice) => {
        const pairs = (d: string): BindingPair[] =>
          userBindings.filter((_, i) => choice[i] === d).map((k) => ({ subject: k.split('>')[0]!, target: k.split('>')[1]! }));
        return { tenant, revoke: pairs('revoke'), keep: pairs('keep') };
      });
  });

/** Collateral as brute force counts it: bindings nobody decided that the removals end. */
function collateralOf(all: Map<string, string[][]>, removed: ReadonlySet<string>, decidedKeys: ReadonlySet<string>): number {
  let n = 0;
  for (const [k, paths] of all) if (!decidedKeys.has(k) && endedBy(paths, removed)) n++;
  return n;
}

function subsets<T>(items: readonly T[]): T[][] {
  const out: T[][] = [[]];
  for (const x of items) for (const s of [...out]) out.push([...s, x]);
  return out;
}

function planKeys(plan: RemediationPlan): Set<string> {
  return new Set(plan.steps.map((s) => s.edgeKey));
}

describe('planRemediation on random tenants with random decisions', () => {
  it('ends exactly the revoked bindings outside its conflicts, keeps every kept one, and lists its collateral exactly', () => {
    fc.assert(
      fc.property(decided, ({ tenant, revoke, keep }) => {
        const g = AccessGraph.fromTenant(tenant);
        const plan = planRemediation(g, { revoke, keep });
        expect(plan.verified).toBe(true);
        const removed = planKeys(plan);
        const after = universe(without(tenant, removed));
        const conflicts = new Set(plan.conflicts.map((c) => bindingKey(c.revoke.subject.id, c.revoke.target.id)));
        for (const r of revoke) expect(after.has(key(r))).toBe(conflicts.has(key(r)));
        for (const k of keep) expect(after.has(key(k))).toBe(true);
        const before = universe(g);
        const decidedKeys = new Set([...revoke, ...keep].map(key));
        const lost = [...before.keys()].filter((k) => !after.has(k) && !decidedKeys.has(k)).sort();
        expect(plan.collateral.lost.map((b) => bindingKey(b.subject.id, b.target.id)).sort()).toEqual(lost);
        expect(plan.revoked.map((b) => bindingKey(b.subject.id, b.target.id)).sort()).toEqual(
          revoke
            .map(key)
            .filter((k) => !conflicts.has(k))
            .sort(),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('reports only real conflicts: every set of removals that ends the binding ends a kept one (with the plan, for with-plan)', () => {
    fc.assert(
      fc.property(decided, ({ tenant, revoke, keep }) => {
        const g = AccessGraph.fromTenant(tenant);
        const plan = planRemediation(g, { revoke, keep });
        const all = universe(g);
        const keptPaths = keep.map((k) => all.get(key(k))!);
        const removed = planKeys(plan);
        for (const c of plan.conflicts) {
          expect(c.exhaustive).toBe(true);
          const paths = all.get(bindingKey(c.revoke.subject.id, c.revoke.target.id))!;
          const base = c.kind === 'with-plan' ? removed : new Set<string>();
          const union = [...new Set(paths.flat())];
          for (const subset of subsets(union)) {
            const cut = new Set([...base, ...subset]);
            if (!endedBy(paths, cut)) continue;
            expect(keptPaths.some((kp) => endedBy(kp, cut))).toBe(true);
          }
          // The kept bindings named are decided keep, and share an edge with it.
          const shared = new Set(c.sharedEdges.map((e) => edgeKey(e)));
          for (const k of c.kept) {
            expect(keep.map(key)).toContain(bindingKey(k.subject.id, k.target.id));
            expect(all.get(bindingKey(k.subject.id, k.target.id))!.some((p) => p.some((e) => shared.has(e)))).toBe(true);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('is optimal when its search was exhaustive: no set of removals leaves out fewer, takes less collateral, or changes less', () => {
    let compared = 0;
    fc.assert(
      fc.property(decided, ({ tenant, revoke, keep }) => {
        const g = AccessGraph.fromTenant(tenant);
        const plan = planRemediation(g, { revoke, keep });
        const all = universe(g);
        const candidates = [...new Set(revoke.flatMap((r) => all.get(key(r))!.flat()))];
        if (!plan.search.exhaustive || candidates.length > 13) return;
        compared++;
        const decidedKeys = new Set([...revoke, ...keep].map(key));
        const score = (removed: ReadonlySet<string>): [number, number, number] | undefined => {
          if (keep.some((k) => endedBy(all.get(key(k))!, removed))) return undefined;
          const open = revoke.filter((r) => !endedBy(all.get(key(r))!, removed)).length;
          return [open, collateralOf(all, removed, decidedKeys), removed.size];
        };
        let best: [number, number, number] = [Infinity, Infinity, Infinity];
        for (const subset of subsets(candidates)) {
          const s = score(new Set(subset));
          if (s && (s[0] < best[0] || (s[0] === best[0] && (s[1] < best[1] || (s[1] === best[1] && s[2] < best[2]))))) best = s;
        }
        expect(score(planKeys(plan))).toEqual(best);
        expect(plan.conflicts.length).toBe(best[0]);
      }),
      { numRuns: 150 },
    );
    expect(compared).toBeGreaterThan(50);
  });

  it('takes no more collateral than the single-pair least-collateral plans applied one after the other', () => {
    let compared = 0;
    fc.assert(
      fc.property(decided, ({ tenant, revoke, keep }) => {
        const g = AccessGraph.fromTenant(tenant);
        const plan = planRemediation(g, { revoke, keep });
        const conflicts = new Set(plan.conflicts.map((c) => bindingKey(c.revoke.subject.id, c.revoke.target.id)));
        // Each single-pair plan on the organization as the plans before it left it.
        let current = tenant;
        const removed = new Set<string>();
        for (const r of revoke.filter((x) => !conflicts.has(key(x)))) {
          const single = planRevoke(AccessGraph.fromTenant(current), r.subject, r.target, { strategy: 'least-collateral' });
          for (const s of single.steps) removed.add(s.edgeKey);
          current = { ...tenant, edges: tenant.edges.filter((e) => !removed.has(edgeKey(e))) };
        }
        const all = universe(g);
        if (keep.some((k) => endedBy(all.get(key(k))!, removed))) return; // they end a kept binding: no plan to compare with
        compared++;
        const decidedKeys = new Set([...revoke, ...keep].map(key));
        expect(plan.collateral.lost.length).toBeLessThanOrEqual(collateralOf(all, removed, decidedKeys));
      }),
      { numRuns: 150 },
    );
    expect(compared).toBeGreaterThan(50);
  });
});

describe('planRemediation on a hand-built organization', () => {
  function org(): TenantData {
    const b = new TenantBuilder();
    const ann = b.user('ann');
    const bob = b.user('bob');
    const eng = b.userGroup('Engineering');
    const web = b.systemGroup('Web');
    const web01 = b.system('web-01');
    const web02 = b.system('web-02');
    const db = b.system('db-01');
    b.member(eng, ann).member(eng, bob).member(web, web01).member(web, web02);
    b.associate(eng, web, SUDO).associate(eng, db);
    return b.build();
  }
  const pair = (user: string, system: string): BindingPair => ({ subject: `user-${user}`, target: `system-${system}` });

  it('removes the user from the group when that ends the revoked bindings and keeps the kept ones, listing what else goes', () => {
    const g = AccessGraph.fromTenant(org());
    const plan = planRemediation(g, { revoke: [pair('ann', 'web-01'), pair('ann', 'web-02')], keep: [pair('bob', 'web-01')] });
    expect(plan.steps.map((s) => s.edgeKey)).toEqual(['membership:user_group:user_group-Engineering>user:user-ann']);
    expect(plan.steps[0]!.operation).toEqual({
      method: 'POST',
      path: '/api/v2/usergroups/user_group-Engineering/members',
      body: { op: 'remove', type: 'user', id: 'user-ann' },
    });
    expect(plan.steps[0]!.revokes).toEqual(['user-ann>system-web-01', 'user-ann>system-web-02']);
    expect(plan.collateral.lost.map((b) => b.target.id).sort()).toEqual(['system-db-01', 'system_group-Web']);
    expect(plan.conflicts).toEqual([]);
    expect(plan.verified).toBe(true);
  });

  it('cuts the system out of its group when the user must keep the rest, and that ends no kept binding', () => {
    const g = AccessGraph.fromTenant(org());
    const plan = planRemediation(g, { revoke: [pair('ann', 'web-01'), pair('bob', 'web-01')], keep: [pair('ann', 'db-01')] });
    expect(plan.steps.map((s) => s.edgeKey)).toEqual(['membership:system_group:system_group-Web>system:system-web-01']);
    expect(plan.collateral.lost).toEqual([]);
  });

  it('leaves out a revoke whose every cut ends a kept binding, naming both and the shared edges', () => {
    const g = AccessGraph.fromTenant(org());
    const plan = planRemediation(g, {
      revoke: [pair('ann', 'web-01'), pair('ann', 'db-01')],
      keep: [pair('ann', 'web-02'), pair('bob', 'web-01')],
    });
    expect(plan.conflicts).toHaveLength(1);
    const [c] = plan.conflicts;
    expect(c!.kind).toBe('alone');
    expect(bindingKey(c!.revoke.subject.id, c!.revoke.target.id)).toBe('user-ann>system-web-01');
    expect(c!.kept.length).toBeGreaterThan(0);
    expect(c!.sharedEdges.map((e: EdgeRef) => edgeKey(e)).length).toBeGreaterThan(0);
    // ann's db-01 still goes, without touching what she keeps.
    expect(plan.steps.map((s) => s.edgeKey)).toEqual(['association:user_group:user_group-Engineering>system:system-db-01']);
    expect(plan.verified).toBe(true);
  });

  it('names pairs the graph has no binding for, and refuses a pair that is no binding jcgraph counts', () => {
    const g = AccessGraph.fromTenant(org());
    const plan = planRemediation(g, { revoke: [{ subject: 'user-ann', target: 'system-gone' }], keep: [] });
    expect(plan.absent.revoke).toEqual([{ subject: 'user-ann', target: 'system-gone' }]);
    expect(plan.steps).toEqual([]);
    expect(() => planRemediation(g, { revoke: [{ subject: 'system-db-01', target: 'user-ann' }], keep: [] })).toThrow(
      /is no binding jcgraph counts/,
    );
  });
});

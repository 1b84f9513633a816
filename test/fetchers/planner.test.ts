import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ASSOCIATION_KINDS,
  ASSOCIATION_TARGETS,
  GRAPH_TYPES,
  MEMBERSHIPS,
  TYPE_INFO,
  associationEdge,
  membershipEdge,
  type GraphType,
  type TenantEdge,
} from '../../src/model/index.ts';
import { edgeCensus, optimumRequests, planFetch, traversalApproachRequests, type ObjectCounts } from '../../src/fetchers/planner.ts';

const LISTABLE = GRAPH_TYPES.filter((t) => TYPE_INFO[t].lists.length > 0);
const sidesOf = (key: string): GraphType[] => ASSOCIATION_KINDS.find((k) => k.key === key)!.visibleFrom.filter((t) => LISTABLE.includes(t));

const countsArb = fc.record(
  Object.fromEntries(GRAPH_TYPES.map((t) => [t, fc.integer({ min: 0, max: 300 })])) as Record<GraphType, fc.Arbitrary<number>>,
);

describe('planFetch', () => {
  it('reads every association kind and membership exactly once, from a side that can see it', () => {
    fc.assert(
      fc.property(countsArb, (counts) => {
        const plan = planFetch(counts);
        const covered = plan.edgeSteps.flatMap((s) => s.covers);
        expect(new Set(covered).size).toBe(covered.length);
        const expected = [...ASSOCIATION_KINDS.map((k) => k.key), ...MEMBERSHIPS.map((m) => `membership:${m.group}|${m.member}`)];
        expect([...covered].sort()).toEqual([...expected].sort());
        for (const step of plan.edgeSteps) {
          expect(TYPE_INFO[step.source].lists.length).toBeGreaterThan(0);
          if (step.endpoint === 'associations') for (const t of step.targets) expect(ASSOCIATION_TARGETS[step.source]).toContain(t);
          expect(step.firstPageRequests).toBe(counts[step.source]);
        }
        expect(plan.unreachableKinds).toEqual([]);
      }),
    );
  });

  it('reads types with no list endpoint from the user and user-group side', () => {
    const plan = planFetch(Object.fromEntries(GRAPH_TYPES.map((t) => [t, 5])));
    const sourcesOf = (key: string) => plan.edgeSteps.filter((s) => s.covers.includes(key)).map((s) => s.source);
    expect(sourcesOf('user|idp_routing_policy')).toEqual(['user']);
    expect(sourcesOf('user_group|idp_routing_policy')).toEqual(['user_group']);
    expect(sourcesOf('system|software_app')).toEqual(['software_app']);
  });

  it('states the smallest first-page figure of any set of sides (brute force over every subset of types)', () => {
    fc.assert(
      fc.property(countsArb, (counts) => {
        let best = Infinity;
        for (let mask = 0; mask < 1 << LISTABLE.length; mask++) {
          const set = LISTABLE.filter((_, i) => mask & (1 << i));
          if (!ASSOCIATION_KINDS.every((k) => sidesOf(k.key).some((s) => set.includes(s)))) continue;
          best = Math.min(
            best,
            set.reduce((s, t) => s + counts[t], 0),
          );
        }
        const memberships = MEMBERSHIPS.reduce((s, m) => s + Math.min(counts[m.group], counts[m.member]), 0);
        const plan = planFetch(counts);
        expect(plan.edgeFirstPageRequests).toBe(best + memberships);
        expect(plan.optimumFirstPageRequests).toBe(best + memberships);
      }),
      { numRuns: 15 },
    );
  });
});

/** An independent evaluator: requests of an assignment, each queried object costing max(1, ceil(edges/100)). */
function cost(
  counts: ObjectCounts,
  edges: readonly TenantEdge[],
  assoc: ReadonlyMap<string, GraphType>,
  member: ReadonlyMap<string, 'group' | 'member'>,
): number {
  const perObject = new Map<string, number>(); // `${step}:${id}` → edges
  const stepsUsed = new Set<string>();
  for (const [, side] of assoc) stepsUsed.add(`a:${side}`);
  for (const m of MEMBERSHIPS) stepsUsed.add(`m:${m.group}|${m.member}:${member.get(`membership:${m.group}|${m.member}`)}`);
  for (const e of edges) {
    if (e.kind === 'association') {
      const side = assoc.get(`${e.from.type}|${e.to.type}`)!;
      const id = e.from.type === side ? e.from.id : e.to.id;
      perObject.set(`a:${side}:${id}`, (perObject.get(`a:${side}:${id}`) ?? 0) + 1);
    } else {
      const sideName = member.get(`membership:${e.from.type}|${e.to.type}`)!;
      const id = sideName === 'group' ? e.from.id : e.to.id;
      const k = `m:${e.from.type}|${e.to.type}:${sideName}:${id}`;
      perObject.set(k, (perObject.get(k) ?? 0) + 1);
    }
  }
  let total = 0;
  for (const step of stepsUsed) {
    let type: GraphType;
    if (step.startsWith('a:')) type = step.slice(2) as GraphType;
    else {
      const [, pair, sideName] = step.split(':') as [string, string, string];
      const [g, mb] = pair.split('|') as [GraphType, GraphType];
      type = sideName === 'group' ? g : mb;
    }
    total += counts[type] ?? 0;
    for (const [k, n] of perObject) if (k.startsWith(`${step}:`)) total += Math.max(1, Math.ceil(n / 100)) - 1;
  }
  return total;
}

/** A random tenant shape with a few heavy objects (more than 100 edges of some kinds). */
const tenantArb = fc
  .record({
    counts: fc.record(
      Object.fromEntries(GRAPH_TYPES.map((t) => [t, fc.integer({ min: 1, max: 6 })])) as Record<GraphType, fc.Arbitrary<number>>,
    ),
    heavy: fc.array(
      fc.record({
        kind: fc.integer({ min: 0, max: ASSOCIATION_KINDS.length + MEMBERSHIPS.length - 1 }),
        n: fc.integer({ min: 1, max: 260 }),
        side: fc.boolean(),
      }),
      { maxLength: 8 },
    ),
    seed: fc.integer(),
  })
  .map(({ counts, heavy }) => {
    // Heavy objects get their edges from a large pool of objects on the other side.
    const big = Object.fromEntries(GRAPH_TYPES.map((t) => [t, counts[t] + 300])) as Record<GraphType, number>;
    const ids = (t: GraphType, i: number) => `${t}-${i}`;
    const edges = new Map<string, TenantEdge>();
    for (const h of heavy) {
      if (h.kind < ASSOCIATION_KINDS.length) {
        const k = ASSOCIATION_KINDS[h.kind]!;
        const [one, many] = h.side ? [k.a, k.b] : [k.b, k.a];
        for (let i = 0; i < h.n; i++) {
          const e = associationEdge({ type: one, id: ids(one, 0) }, { type: many, id: ids(many, i) });
          edges.set(JSON.stringify(e), e);
        }
      } else {
        const m = MEMBERSHIPS[h.kind - ASSOCIATION_KINDS.length]!;
        for (let i = 0; i < h.n; i++) {
          const e = h.side
            ? membershipEdge({ type: m.group, id: ids(m.group, 0) }, { type: m.member, id: ids(m.member, i) })
            : membershipEdge({ type: m.group, id: ids(m.group, i) }, { type: m.member, id: ids(m.member, 0) });
          edges.set(JSON.stringify(e), e);
        }
      }
    }
    return { counts: big, edges: [...edges.values()] };
  });

const assignmentArb = fc.record({
  picks: fc.array(fc.boolean(), { minLength: ASSOCIATION_KINDS.length, maxLength: ASSOCIATION_KINDS.length }),
  member: fc.array(fc.boolean(), { minLength: MEMBERSHIPS.length, maxLength: MEMBERSHIPS.length }),
});

describe('optimumRequests', () => {
  it('is achieved by the assignment it returns, and no other assignment beats it', () => {
    fc.assert(
      fc.property(tenantArb, fc.array(assignmentArb, { minLength: 5, maxLength: 5 }), ({ counts, edges }, others) => {
        const optimum = optimumRequests(counts, edgeCensus(edges));
        expect(optimum.exact).toBe(true);
        expect(cost(counts, edges, optimum.assignment.associations, optimum.assignment.memberships)).toBe(optimum.edgeRequests);
        for (const other of others) {
          const assoc = new Map(
            ASSOCIATION_KINDS.map((k, i) => {
              const sides = sidesOf(k.key);
              return [k.key, sides[other.picks[i] ? sides.length - 1 : 0]!] as const;
            }),
          );
          const member = new Map(
            MEMBERSHIPS.map((m, i) => [`membership:${m.group}|${m.member}`, other.member[i] ? 'member' : 'group'] as const),
          );
          expect(cost(counts, edges, assoc, member)).toBeGreaterThanOrEqual(optimum.edgeRequests);
        }
        // The plan made from counts alone is never better than the optimum.
        const plan = planFetch(counts);
        const planAssoc = new Map(
          plan.edgeSteps.filter((s) => s.endpoint === 'associations').flatMap((s) => s.covers.map((k) => [k, s.source] as const)),
        );
        const planMember = new Map(
          plan.edgeSteps
            .filter((s) => s.endpoint !== 'associations')
            .map((s) => [s.covers[0]!, s.endpoint === 'members' ? 'group' : 'member'] as const),
        );
        expect(cost(counts, edges, planAssoc, planMember)).toBeGreaterThanOrEqual(optimum.edgeRequests);
      }),
      { numRuns: 40 },
    );
  });

  it('moves a kind off an object that would need a second page when the other side is already read', () => {
    // One user group with 100 systems and 30 policies: reading policies from the policy side saves a page.
    const counts: ObjectCounts = Object.fromEntries(GRAPH_TYPES.map((t) => [t, t === 'user_group' ? 1 : 200]));
    const edges: TenantEdge[] = [];
    for (let i = 0; i < 100; i++) edges.push(associationEdge({ type: 'user_group', id: 'g' }, { type: 'system', id: `s${i}` }));
    for (let i = 0; i < 30; i++) edges.push(associationEdge({ type: 'user_group', id: 'g' }, { type: 'policy', id: `p${i}` }));
    const optimum = optimumRequests(counts, edgeCensus(edges));
    const withoutPolicies = optimumRequests(counts, edgeCensus(edges.slice(0, 100)));
    expect(optimum.edgeRequests).toBe(withoutPolicies.edgeRequests);
  });
});

describe('traversalApproachRequests', () => {
  it('calls every traversal and direct-edge endpoint once per object (one page each by default)', () => {
    const objects = [
      { type: 'user', id: 'u' },
      { type: 'system', id: 's' },
      { type: 'agent_group', id: 'x' },
    ];
    // user: 11 traversals + associations + memberof; system: 5 traversals + associations + memberof.
    expect(traversalApproachRequests(objects)).toBe(13 + 7);
    expect(traversalApproachRequests(objects, () => 2)).toBe(40);
  });
});

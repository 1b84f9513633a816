/**
 * The request planner: which side to read every edge kind from, so a whole tenant costs the fewest requests.
 *
 * Every object is listed once (the list pages are fixed). Edges are then read per object:
 * - an association kind {a, b} from `…/{a}/{id}/associations?targets=…` or from b's, for the sides in its
 *   `visibleFrom` that can be enumerated (a type with no list endpoint can only be reached from the other side);
 *   one request per object (per page) covers every kind assigned to that object's type;
 * - a membership from the group side (`…/members`) or from the member side (`…/memberof`); these endpoints
 *   are separate, so each membership is an independent choice.
 *
 * Before the fetch only object counts are known, so the plan minimises first-page requests: Σ over the
 * queried types of their object count (a brute-force search over the optional sides, at most 2^15 sets).
 * Continuation pages become known as first pages arrive. After the fetch, `optimumRequests` computes the
 * exact optimum over every valid side assignment from the fetched edge counts, with each object costing
 * max(1, ceil(edges / 100)) requests, so a run can show that it made exactly the optimal number.
 */
import {
  ASSOCIATION_KINDS,
  GRAPH_TYPES,
  MEMBERSHIPS,
  TYPE_INFO,
  GRAPH_ENDPOINTS,
  edgeKindKey,
  findEndpoint,
  membershipKindKey,
  type GraphEndpoint,
  type AssociationKind,
  type GraphType,
  type ListEndpoint,
} from '../model/index.ts';
import { PAGE_LIMIT } from './paging.ts';
import { JcGraphError } from '../errors.ts';

/** Number of listed objects per type. Types with no list endpoint count the objects found so far (or 0). */
export type ObjectCounts = Readonly<Partial<Record<GraphType, number>>>;

/** A list endpoint and the types it yields. */
export interface ListStep {
  readonly list: ListEndpoint;
  readonly types: readonly GraphType[];
}

/** Reads one kind of edge collection for every object of `source`. */
export interface EdgeStep {
  /** `associations:user`, `members:user_group`, `memberof:user`. */
  readonly name: string;
  readonly endpoint: 'associations' | 'members' | 'memberof';
  readonly source: GraphType;
  /** associations: the `targets` asked; members: the member type; memberof: the group type. */
  readonly targets: readonly GraphType[];
  /** Association kind keys (`user|system`) or membership keys (`membership:user_group|user`) read by this step. */
  readonly covers: readonly string[];
  /** One first-page request per object of `source`. */
  readonly firstPageRequests: number;
}

export interface FetchPlan {
  readonly edgeSteps: readonly EdgeStep[];
  /** Σ of the edge steps' first-page requests (list pages are counted separately: they are already known). */
  readonly edgeFirstPageRequests: number;
  /** The smallest first-page figure of any valid side assignment; equals edgeFirstPageRequests. */
  readonly optimumFirstPageRequests: number;
  /** Association kinds no enumerable side can see (reported, not fetched). */
  readonly unreachableKinds: readonly string[];
}

/** A membership kind key (`membership:user_group|user`), as coverage gaps name it. */
export function membershipKey(group: GraphType, member: GraphType): string {
  return membershipKindKey(group, member);
}

/** The distinct list endpoints, each with the types it yields (`/directories` once for four types). */
export function listSteps(): ListStep[] {
  const byPath = new Map<string, { list: ListEndpoint; types: GraphType[] }>();
  for (const type of GRAPH_TYPES) {
    for (const list of TYPE_INFO[type].lists) {
      const key = `${list.api}:${list.path}`;
      const step = byPath.get(key) ?? { list, types: [] };
      step.types.push(type);
      byPath.set(key, step);
    }
  }
  return [...byPath.values()];
}

export function isListable(type: GraphType): boolean {
  return TYPE_INFO[type].lists.length > 0;
}

/** The sides an association kind can be read from: its visibleFrom types that have a list endpoint. */
export function readableSides(kind: AssociationKind): GraphType[] {
  return kind.visibleFrom.filter(isListable);
}

/** Whether members of this type can list their groups (`…/memberof`). */
function hasMemberOf(member: GraphType): boolean {
  return findEndpoint(member, 'memberof') !== undefined;
}

/** The side assignment of a plan: association kind key → side; membership key → 'group' | 'member'. */
export interface SideAssignment {
  readonly associations: ReadonlyMap<string, GraphType>;
  readonly memberships: ReadonlyMap<string, 'group' | 'member'>;
}

/**
 * Per-object edge counts of a fetched tenant, for the exact optimum: for every object, how many edges of
 * each association kind or membership key it has.
 */
export type EdgeCensus = ReadonlyMap<GraphType, ReadonlyMap<string, ReadonlyMap<string, number>>>;
//                                   type  →  object id  →  kind key → edges

interface CoverProblem {
  readonly kinds: readonly AssociationKind[];
  readonly forced: ReadonlySet<GraphType>;
  readonly optional: readonly GraphType[];
  readonly unreachable: readonly string[];
}

function coverProblem(): CoverProblem {
  const forced = new Set<GraphType>();
  const optional = new Set<GraphType>();
  const kinds: AssociationKind[] = [];
  const unreachable: string[] = [];
  for (const kind of ASSOCIATION_KINDS) {
    const sides = readableSides(kind);
    if (sides.length === 0) unreachable.push(kind.key);
    else {
      kinds.push(kind);
      if (sides.length === 1) forced.add(sides[0]!);
      else for (const s of sides) optional.add(s);
    }
  }
  return { kinds, forced, optional: GRAPH_TYPES.filter((t) => optional.has(t) && !forced.has(t)), unreachable };
}

const PROBLEM = coverProblem();

/** Every set of association sources that can read every readable kind, cheapest (by `cost`) first. */
function coveringSets(cost: (type: GraphType) => number): { set: ReadonlySet<GraphType>; cost: number }[] {
  const { optional, forced, kinds } = PROBLEM;
  const out: { set: Set<GraphType>; cost: number; size: number }[] = [];
  for (let mask = 0; mask < 1 << optional.length; mask++) {
    const set = new Set(forced);
    optional.forEach((t, i) => {
      if (mask & (1 << i)) set.add(t);
    });
    if (!kinds.every((k) => readableSides(k).some((s) => set.has(s)))) continue;
    let total = 0;
    for (const t of set) total += cost(t);
    out.push({ set, cost: total, size: set.size });
  }
  // Cheapest first; among equals the fewest types, then the lowest bitmask order (deterministic).
  return out.sort((x, y) => x.cost - y.cost || x.size - y.size);
}

/**
 * The kinds of a covering set that both of their sides could read, and the rule for them before the fetch:
 * read a kind from the side with more objects, where its edges are spread thinnest (ties: its first type).
 */
function assignByCounts(set: ReadonlySet<GraphType>, counts: ObjectCounts): Map<string, GraphType> {
  const out = new Map<string, GraphType>();
  for (const kind of PROBLEM.kinds) {
    const sides = readableSides(kind).filter((s) => set.has(s));
    const best = sides.reduce((x, y) => ((counts[y] ?? 0) > (counts[x] ?? 0) ? y : x));
    out.set(kind.key, best);
  }
  return out;
}

function membershipSides(cost: (side: 'group' | 'member', m: (typeof MEMBERSHIPS)[number]) => number): Map<string, 'group' | 'member'> {
  const out = new Map<string, 'group' | 'member'>();
  for (const m of MEMBERSHIPS) {
    const member = hasMemberOf(m.member) ? cost('member', m) : Infinity;
    out.set(membershipKey(m.group, m.member), member < cost('group', m) ? 'member' : 'group');
  }
  return out;
}

/** The edge steps that realise a side assignment. */
export function stepsFor(assignment: SideAssignment, counts: ObjectCounts): EdgeStep[] {
  const steps: EdgeStep[] = [];
  for (const source of GRAPH_TYPES) {
    const covers = PROBLEM.kinds.filter((k) => assignment.associations.get(k.key) === source);
    if (covers.length === 0) continue;
    steps.push({
      name: `associations:${source}`,
      endpoint: 'associations',
      source,
      targets: covers.map((k) => (k.a === source ? k.b : k.a)),
      covers: covers.map((k) => k.key),
      firstPageRequests: counts[source] ?? 0,
    });
  }
  for (const m of MEMBERSHIPS) {
    const key = membershipKey(m.group, m.member);
    const side = assignment.memberships.get(key) ?? 'group';
    const source = side === 'group' ? m.group : m.member;
    steps.push({
      name: `${side === 'group' ? 'members' : 'memberof'}:${source}`,
      endpoint: side === 'group' ? 'members' : 'memberof',
      source,
      targets: [side === 'group' ? m.member : m.group],
      covers: [key],
      firstPageRequests: counts[source] ?? 0,
    });
  }
  return steps;
}

/** Plans the edge steps from the listed object counts. */
export function planFetch(counts: ObjectCounts): FetchPlan {
  const n = (t: GraphType): number => counts[t] ?? 0;
  const [cheapest] = coveringSets(n);
  if (!cheapest) throw new JcGraphError('planner: no set of sides covers every association kind');
  const assignment: SideAssignment = {
    associations: assignByCounts(cheapest.set, counts),
    memberships: membershipSides((side, m) => n(side === 'group' ? m.group : m.member)),
  };
  const edgeSteps = stepsFor(assignment, counts);
  const edgeFirstPageRequests = edgeSteps.reduce((s, step) => s + step.firstPageRequests, 0);
  const membershipOptimum = MEMBERSHIPS.reduce((s, m) => s + Math.min(n(m.group), hasMemberOf(m.member) ? n(m.member) : Infinity), 0);
  return {
    edgeSteps,
    edgeFirstPageRequests,
    optimumFirstPageRequests: cheapest.cost + membershipOptimum,
    unreachableKinds: PROBLEM.unreachable,
  };
}

/** Requests to read one object's collection of `edges` records. */
export function pagesFor(edges: number): number {
  return Math.max(1, Math.ceil(edges / PAGE_LIMIT));
}

export interface Optimum {
  /** The fewest edge requests of any valid side assignment (list pages excluded). */
  readonly edgeRequests: number;
  readonly assignment: SideAssignment;
  /** False only when the search was cut short (more than 20 contested kinds); then it is an upper bound. */
  readonly exact: boolean;
}

/** Σ over the objects of `type` of their pages when `kinds` are read from it (0 when no kind is). */
function typeCost(census: EdgeCensus, counts: ObjectCounts, type: GraphType, kinds: readonly string[]): number {
  if (kinds.length === 0) return 0;
  let extra = 0;
  for (const perKind of census.get(type)?.values() ?? []) {
    let edges = 0;
    for (const k of kinds) edges += perKind.get(k) ?? 0;
    extra += pagesFor(edges) - 1;
  }
  return (counts[type] ?? 0) + extra;
}

/**
 * The exact fewest edge requests for a fetched tenant: for every covering set of association sources and
 * every way of splitting the kinds both sides of which are in the set, Σ over queried objects of
 * max(1, ceil(edges / 100)); plus, per membership, the cheaper of the group and the member side.
 * Splitting only matters for objects with more than 100 edges, so the search branches only on kinds that
 * such objects hold on both sides (branch and bound).
 */
export function optimumRequests(counts: ObjectCounts, census: EdgeCensus): Optimum {
  let best: { cost: number; associations: Map<string, GraphType> } | undefined;
  let exact = true;
  for (const { set, cost: base } of coveringSets((t) => counts[t] ?? 0)) {
    if (best && base >= best.cost) break;
    const fixed = new Map<string, GraphType>();
    const contested: { key: string; sides: GraphType[] }[] = [];
    for (const kind of PROBLEM.kinds) {
      const sides = readableSides(kind).filter((s) => set.has(s));
      if (sides.length === 1) fixed.set(kind.key, sides[0]!);
      else contested.push({ key: kind.key, sides });
    }
    // A contested kind goes, for free, to a side none of whose objects could ever need a second page.
    const heavyKinds = (type: GraphType): Set<string> => {
      const possible = PROBLEM.kinds.filter(
        (k) => fixed.get(k.key) === type || contested.some((c) => c.key === k.key && c.sides.includes(type)),
      );
      const out = new Set<string>();
      for (const perKind of census.get(type)?.values() ?? []) {
        const edges = possible.reduce((s, k) => s + (perKind.get(k.key) ?? 0), 0);
        if (edges > PAGE_LIMIT) for (const k of possible) if ((perKind.get(k.key) ?? 0) > 0) out.add(k.key);
      }
      return out;
    };
    const heavy = new Map([...set].map((t) => [t, heavyKinds(t)]));
    const open: { key: string; sides: GraphType[] }[] = [];
    for (const c of contested) {
      const free = c.sides.find((s) => !heavy.get(s)!.has(c.key));
      if (free) fixed.set(c.key, free);
      else open.push(c);
    }
    if (open.length > 20) exact = false;
    const kindsOf = (assign: ReadonlyMap<string, GraphType>, type: GraphType): string[] =>
      [...assign].filter(([, side]) => side === type).map(([key]) => key);
    const total = (assign: ReadonlyMap<string, GraphType>): number =>
      [...set].reduce((s, t) => s + typeCost(census, counts, t, kindsOf(assign, t)), 0);
    const search = (i: number, assign: Map<string, GraphType>): void => {
      const cost = total(assign);
      if (best && cost >= best.cost) return; // costs only grow as kinds are added
      if (i === open.length) {
        best = { cost, associations: new Map(assign) };
        return;
      }
      const sides = open.length > 20 ? open[i]!.sides.slice(0, 1) : open[i]!.sides;
      for (const side of sides) {
        assign.set(open[i]!.key, side);
        search(i + 1, assign);
        assign.delete(open[i]!.key);
      }
    };
    search(0, new Map(fixed));
  }
  if (!best) throw new JcGraphError('planner: no set of sides covers every association kind');
  const membershipPages = (type: GraphType, key: string): number => {
    let pages = counts[type] ?? 0;
    for (const perKind of census.get(type)?.values() ?? []) pages += pagesFor(perKind.get(key) ?? 0) - 1;
    return pages;
  };
  let membershipCost = 0;
  const memberships = membershipSides((side, m) => {
    const cost = membershipPages(side === 'group' ? m.group : m.member, membershipKey(m.group, m.member));
    return cost;
  });
  for (const m of MEMBERSHIPS) {
    const key = membershipKey(m.group, m.member);
    membershipCost += membershipPages(memberships.get(key) === 'group' ? m.group : m.member, key);
  }
  return { edgeRequests: best.cost + membershipCost, assignment: { associations: best.associations, memberships }, exact };
}

/** Counts every object's edges per kind from a tenant's edges (the input of `optimumRequests`). */
export function edgeCensus(
  edges: Iterable<{ kind: 'membership' | 'association'; from: { type: string; id: string }; to: { type: string; id: string } }>,
): EdgeCensus {
  const census = new Map<GraphType, Map<string, Map<string, number>>>();
  const bump = (type: string, id: string, key: string): void => {
    const perType = census.get(type as GraphType) ?? new Map<string, Map<string, number>>();
    census.set(type as GraphType, perType);
    const perObject = perType.get(id) ?? new Map<string, number>();
    perType.set(id, perObject);
    perObject.set(key, (perObject.get(key) ?? 0) + 1);
  };
  for (const e of edges) {
    const key = edgeKindKey(e);
    bump(e.from.type, e.from.id, key);
    bump(e.to.type, e.to.id, key);
  }
  return census;
}

/**
 * Requests the per-object graph endpoints would need for the same inventory, the way field tools crawl:
 * for every object, one call to each traversal endpoint of its type plus its direct-edge endpoints
 * (associations, members, memberof; `membership` repeats `members` with paths and is left out), with
 * `pagesOf(endpoint, id)` pages each (default one: the figure is then a lower bound).
 */
export function traversalApproachRequests(
  objects: Iterable<{ readonly type: string; readonly id: string }>,
  pagesOf: (endpoint: GraphEndpoint, id: string) => number = () => 1,
): number {
  const bySource = new Map<string, GraphEndpoint[]>();
  for (const endpoint of GRAPH_ENDPOINTS) {
    if (endpoint.kind === 'membership') continue;
    bySource.set(endpoint.source, [...(bySource.get(endpoint.source) ?? []), endpoint]);
  }
  let total = 0;
  for (const object of objects) for (const endpoint of bySource.get(object.type) ?? []) total += pagesOf(endpoint, object.id);
  return total;
}

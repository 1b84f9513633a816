/**
 * What a cut of one binding's paths could take away: every other binding of the universe with a path
 * through an edge of the union of those paths (the "union edges"), collapsed into classes: for each of its
 * paths, the union edges on it. A binding ends exactly when every one of its paths loses an edge, so a
 * cut's collateral is the count of classes every path of which it hits (collateralScorer). Bindings with
 * a path off the union can never end and are left out.
 *
 * Cost: a group-level union edge (a department's association with a device group) lies on a path of
 * every member of the group. Members are weighed one by one only when they have another way to the
 * objects the union leads to (another group on the way, or a direct association); the others, most of
 * a department, all have the group's paths and nothing else, so they make one class whose count is
 * their number. So weighing a revoke costs about the number of groups and special members involved,
 * not the size of the department.
 */
import {
  MEMBERSHIP_EDGE,
  affectedSubjectGroups,
  bindingsTowards,
  entrances,
  type AccessGraph,
  type SourceBindings,
} from '../graph/index.ts';
import { TRAVERSAL_PATTERNS, memberTypeOf, type PathPattern } from '../model/index.ts';
import { AffectedTargets, BINDING_TARGETS, BINDING_UNIVERSE, bindingKey, isBindingSubject } from './bindings.ts';
import { edgeKey, type EdgeRef } from './edges.ts';

export interface ExposureClass {
  /** Per path, the sorted union edge keys on it. */
  readonly paths: readonly (readonly string[])[];
  count: number;
}

export interface Exposure {
  readonly classes: readonly ExposureClass[];
  /** Union edge key → bindings (weighted) with a path through it. */
  readonly perEdge: ReadonlyMap<string, number>;
}

/** Groups with more members than this have the members with no other way weighed as one (see the module comment). */
export const WEIGH_MEMBERS_TOGETHER_OVER = 64;

/** The traversal patterns that begin by going up, without that step: the paths from a group a member enters. */
const FROM_GROUP: readonly PathPattern[] = TRAVERSAL_PATTERNS.filter((s) => s[0] === 'up' && s.length > 1).map((s) => s.slice(1));

/** What weighing does with each binding that has a path through a union edge. */
interface Weigher {
  /** Binding i of b, standing for `count` bindings with the same paths (one, or a group's members with no other way). */
  add(b: SourceBindings, i: number, count: number): void;
  /** Whether binding i of b has a path through a union edge. */
  crosses(b: SourceBindings, i: number): boolean;
}

function unionOnPath(union: ReadonlySet<string>, b: SourceBindings, p: number): boolean {
  const ix = b.index;
  for (let h = b.hopStart[p]!, he = b.hopStart[p + 1]!; h < he; h++) if (union.has(ix.edgeKeyOf(b.hopEdges[h]!))) return true;
  return false;
}

/** Collects classes and per-edge counts. */
class ExposureAccumulator implements Weigher {
  private readonly classes = new Map<string, ExposureClass>();
  private readonly perEdge = new Map<string, number>();

  constructor(private readonly union: ReadonlySet<string>) {}

  add(b: SourceBindings, i: number, count: number): void {
    const ix = b.index;
    const paths: string[][] = [];
    const crossed = new Set<string>();
    for (let p = b.pathStart[i]!, pe = b.pathStart[i + 1]!; p < pe; p++) {
      const onPath: string[] = [];
      for (let h = b.hopStart[p]!, he = b.hopStart[p + 1]!; h < he; h++) {
        const key = ix.edgeKeyOf(b.hopEdges[h]!);
        if (this.union.has(key)) onPath.push(key);
      }
      onPath.forEach((k) => crossed.add(k));
      paths.push(onPath.sort());
    }
    if (crossed.size === 0) return;
    for (const k of crossed) this.perEdge.set(k, (this.perEdge.get(k) ?? 0) + count);
    if (paths.some((p) => p.length === 0)) return; // a path off the union: no cut ends this binding
    const sorted = paths.map((p) => p.join(' ')).sort();
    const key = sorted.join('|');
    const known = this.classes.get(key);
    if (known) known.count += count;
    else this.classes.set(key, { paths: sorted.map((p) => p.split(' ')), count });
  }

  crosses(b: SourceBindings, i: number): boolean {
    for (let p = b.pathStart[i]!, pe = b.pathStart[i + 1]!; p < pe; p++) if (unionOnPath(this.union, b, p)) return true;
    return false;
  }

  result(): Exposure {
    return { classes: [...this.classes.values()], perEdge: this.perEdge };
  }
}

/** Thrown (and caught) when a cut's collateral passes its budget. */
class OverBudget extends Error {}

/** Counts the bindings every path of which has a union edge (those a cut made of the union edges ends). */
class LossCounter implements Weigher {
  lost = 0;

  constructor(
    private readonly union: ReadonlySet<string>,
    private readonly budget: number,
  ) {}

  add(b: SourceBindings, i: number, count: number): void {
    for (let p = b.pathStart[i]!, pe = b.pathStart[i + 1]!; p < pe; p++) if (!unionOnPath(this.union, b, p)) return;
    this.lost += count;
    if (this.lost > this.budget) throw new OverBudget();
  }

  crosses(b: SourceBindings, i: number): boolean {
    for (let p = b.pathStart[i]!, pe = b.pathStart[i + 1]!; p < pe; p++) if (unionOnPath(this.union, b, p)) return true;
    return false;
  }
}

/** The live members of a group (of its member type), by integer id. */
function membersOf(g: AccessGraph, groupId: string): number[] {
  const ix = g.index;
  const group = ix.nodeOf(groupId);
  const type = memberTypeOf(ix.typeOf(group));
  const out: number[] = [];
  ix.forEachNeighbour(group, 1 /* DOWN */, (n) => {
    if (ix.typeOf(n) === type) out.push(n);
  });
  return out;
}

function isMember(g: AccessGraph, group: number, member: number): boolean {
  const e = g.index.findEdge('membership', group, member);
  return e >= 0 && g.index.edgeKind[e] === MEMBERSHIP_EDGE;
}

/**
 * The exposure of every universe binding (but the revoked one) to cuts of the union edges, on the base
 * graph. `groupsOver`: above this many members, a group's members with no other way are weighed
 * together (Infinity: every member on its own, the reference the tests compare with).
 */
export function exposure(
  g: AccessGraph,
  edges: readonly EdgeRef[],
  revokedKey: string | undefined,
  groupsOver = WEIGH_MEMBERS_TOGETHER_OVER,
): Exposure {
  const acc = new ExposureAccumulator(new Set(edges.map(edgeKey)));
  weigh(g, edges, revokedKey, groupsOver, acc);
  return acc.result();
}

/**
 * The collateral of a cut (the bindings, but the revoked one, every path of which it hits) when it is at
 * most `budget`; otherwise some number above `budget`, found as soon as the count passes it. With
 * `endsLimit`, only the bindings to the first that many objects each edge leads to are weighed:
 * `complete` says whether that was all of them (else `lost` is a lower bound). So ranking cuts costs,
 * for each, about the bindings it ends up to the best count so far, not all it touches.
 */
export function cutCollateral(
  g: AccessGraph,
  cut: readonly EdgeRef[],
  revokedKey: string | undefined,
  options: { readonly budget?: number; readonly endsLimit?: number; readonly groupsOver?: number } = {},
): { lost: number; complete: boolean } {
  const counter = new LossCounter(new Set(cut.map(edgeKey)), options.budget ?? Infinity);
  let complete = true;
  try {
    complete = weigh(g, cut, revokedKey, options.groupsOver ?? WEIGH_MEMBERS_TOGETHER_OVER, counter, options.endsLimit);
  } catch (error) {
    if (!(error instanceof OverBudget)) throw error;
  }
  return { lost: counter.lost, complete };
}

/**
 * Hands every binding (but the revoked one) with a path through one of `edges` to `acc`, groups' plain
 * members weighed together; only bindings to the first `endsLimit` objects of each edge when given
 * (returns false when that left some out).
 */
function weigh(
  g: AccessGraph,
  edges: readonly EdgeRef[],
  revokedKey: string | undefined,
  groupsOver: number,
  acc: Weigher,
  endsLimit = Infinity,
): boolean {
  const explicit = new AffectedTargets();
  const groups = new Map<string, Set<string>>();
  const ends = new Set<number>();
  let complete = true;
  for (const e of edges) {
    const found = affectedSubjectGroups(g, e, BINDING_UNIVERSE, { groupsOver, endsLimit });
    for (const [id, types] of found.subjects) explicit.add(id, types);
    for (const [id, types] of found.groups) {
      const known = groups.get(id);
      if (known) for (const t of types) known.add(t);
      else groups.set(id, new Set(types));
    }
    for (const n of found.ends) ends.add(n);
    complete &&= found.complete;
  }
  // First every group's members with another way join the explicit sources; then the rest of each
  // group (members not explicit for any reason) are weighed together, so no binding is counted twice.
  const ix = g.index;
  const weighed = [...groups].flatMap(([groupId, types]) => {
    const w = groupWays(g, groupId, [...types].sort(), ends, acc);
    if (w === 'each') for (const m of membersOf(g, groupId)) explicit.add(ix.idOf(m), types);
    else if (w) for (const m of w.special) explicit.add(ix.idOf(m), types);
    return w && w !== 'each' ? [{ ways: w, types }] : [];
  });
  // A member weighed on its own (explicit for any reason: another edge, another group) leaves its group's
  // class, so it is weighed towards the group's target types too, or its bindings through the group
  // would be counted by neither.
  for (const { ways, types } of weighed)
    for (const id of explicit.sources()) if (isMember(g, ways.group, ix.nodeOf(id))) explicit.add(id, types);
  for (const { ways: w } of weighed) {
    let plain = w.members;
    for (const id of explicit.sources()) if (isMember(g, w.group, ix.nodeOf(id))) plain--;
    if (plain <= 0) continue;
    for (const i of w.bindings) acc.add(w.fromGroup, i, plain);
  }

  const towards = new Map<string, (id: string) => SourceBindings>();
  for (const id of explicit.sources()) {
    const type = g.object(id).type;
    const targets = explicit.targetsFor(id, type);
    if (!isBindingSubject(type) || targets.length === 0) continue;
    const typesKey = targets.join(',');
    let bindingsOf = towards.get(typesKey);
    if (!bindingsOf) towards.set(typesKey, (bindingsOf = bindingsTowards(g, { targets }, ends)));
    const b = bindingsOf(id);
    for (let i = 0; i < b.size; i++) if (bindingKey(id, b.index.idOf(b.targets[i]!)) !== revokedKey) acc.add(b, i, 1);
  }
  return complete;
}

/** What weighing a group's members together needs: the group's paths and the members that have another way. */
interface GroupWays {
  readonly group: number;
  readonly members: number;
  /** Members with another way to where the group's union paths lead (another entrance, or a direct one). */
  readonly special: ReadonlySet<number>;
  /** The group's paths (from it onwards) to the objects the union leads to, and which of its bindings cross the union. */
  readonly fromGroup: SourceBindings;
  readonly bindings: readonly number[];
}

/**
 * For a large group, the bindings of its paths onwards that cross a union edge, and the members with
 * another way to their targets (another group those targets are entered by, or a direct path); null
 * when its paths cross no union edge, 'each' when its members must be weighed one by one (a path from
 * the group passes an object of the members' type, which a member's path could not repeat).
 */
function groupWays(
  g: AccessGraph,
  groupId: string,
  types: readonly string[],
  ends: ReadonlySet<number>,
  acc: Weigher,
): GroupWays | 'each' | null {
  const ix = g.index;
  const group = ix.nodeOf(groupId);
  const memberType = memberTypeOf(ix.typeOf(group))!;
  const targets = types.filter((t) => (BINDING_TARGETS[memberType] ?? []).includes(t));
  if (targets.length === 0 || FROM_GROUP.length === 0) return null;
  const fromGroup = bindingsTowards(g, { targets, patterns: FROM_GROUP }, ends)(groupId);
  for (let h = 0; h < fromGroup.hopNodes.length; h++) if (ix.typeOf(fromGroup.hopNodes[h]!) === memberType) return 'each';
  const bindings: number[] = [];
  for (let i = 0; i < fromGroup.size; i++) if (acc.crosses(fromGroup, i)) bindings.push(i);
  if (bindings.length === 0) return null;
  const members = membersOf(g, groupId);
  const reached = bindings.map((i) => fromGroup.targets[i]!);
  const { groups: ways, direct } = entrances(g, { targets }, reached, memberType);
  const special = new Set<number>();
  for (const n of direct) if (isMember(g, group, n)) special.add(n);
  for (const other of ways) {
    if (other === group || memberTypeOf(ix.typeOf(other)) !== memberType) continue;
    const theirs = membersOf(g, ix.idOf(other));
    if (theirs.length < members.length) {
      for (const m of theirs) if (isMember(g, group, m)) special.add(m);
    } else {
      for (const m of members) if (isMember(g, other, m)) special.add(m);
    }
  }
  return { group, members: members.length, special, fromGroup, bindings };
}

/** Scores cuts exactly: how many exposed bindings every one of whose paths loses an edge. */
export function collateralScorer(exposed: Exposure): (cut: readonly string[]) => number {
  return (cut) => {
    const removed = new Set(cut);
    let lost = 0;
    for (const cls of exposed.classes) if (cls.paths.every((p) => p.some((e) => removed.has(e)))) lost += cls.count;
    return lost;
  };
}

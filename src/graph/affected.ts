/**
 * Which sources can see their answers change when one edge is added or removed, derived from the path
 * grammar: for every pattern and every position where a step could use the edge, walk the steps before
 * it backwards from the end the step leaves; the objects reached at position 0 are the sources.
 *
 * For the default grammar this gives: association a–b: a, b, and the members of a or b when they are
 * groups; membership g ⊇ m: m, g itself (its members/membership answers), the objects associated
 * with g, and the members of the groups associated with g. Types are not checked, so the set may be a
 * little larger than the sources whose answers actually change, never smaller.
 */
import { PATTERNS_BY_KIND, TRAVERSAL_PATTERNS, groupTypeOf, memberTypeOf, type PathPattern, type Step } from '../model/index.ts';
import { UnknownObjectError } from '../errors.ts';
import { canonicalEdge, type AccessGraph, type EdgeIdentity } from './access-graph.ts';
import { ASSOC, DOWN, UP, type TraversalIndex, type Relation } from './traversal-index.ts';

/** Every pattern the answers use: traversals, memberof, membership (associations = [association], members = [down] are among them). */
const ALL_PATTERNS: readonly PathPattern[] = [...PATTERNS_BY_KIND.traverse, ...PATTERNS_BY_KIND.memberof, ...PATTERNS_BY_KIND.membership];

/** The relation leading from a step's end back to its start. */
const BACK: { readonly [S in Step]: Relation } = { up: DOWN, down: UP, association: ASSOC };

/** The edge in canonical form and its ends' integer ids; UnknownObjectError when an end is missing. */
function endsOf(g: AccessGraph, edge: EdgeIdentity): { c: EdgeIdentity; index: TraversalIndex; from: number; to: number } {
  const c = canonicalEdge(edge);
  const index = g.index;
  const from = index.nodeOf(c.from.id);
  const to = index.nodeOf(c.to.id);
  for (const [end, n] of [
    [c.from, from],
    [c.to, to],
  ] as const) {
    if (n < 0)
      throw new UnknownObjectError(`No object with id ${end.id} is in the graph, so no source depends on an edge to it.`, {
        reference: end.id,
      });
  }
  return { c, index, from, to };
}

/** The ids of the sources whose endpoint answers adding or removing `edge` can change (never fewer, perhaps a few more). */
export function affectedSources(g: AccessGraph, edge: EdgeIdentity, patterns: readonly PathPattern[] = ALL_PATTERNS): Set<string> {
  const { c, index, from, to } = endsOf(g, edge);
  const out = new Set<number>();
  for (const pattern of patterns) {
    pattern.forEach((step, i) => {
      const starts: number[] =
        c.kind === 'association' ? (step === 'association' ? [from, to] : []) : step === 'up' ? [to] : step === 'down' ? [from] : [];
      for (const start of starts) walkBack(index, pattern, i, start, out);
    });
  }
  return new Set([...out].map((n) => index.idOf(n)));
}

function walkBack(index: TraversalIndex, pattern: PathPattern, position: number, node: number, out: Set<number>): void {
  if (position === 0) {
    out.add(node);
    return;
  }
  index.forEachNeighbour(node, BACK[pattern[position - 1]!], (prev) => walkBack(index, pattern, position - 1, prev, out));
}

/** Source type → the target types whose answers matter (e.g. a binding universe). */
export type WantedAnswers = ReadonlyMap<string, readonly string[]>;

/** Types an object at a position of a path can have, or null for any. */
type TypeSet = ReadonlySet<string> | null;

const has = (types: TypeSet, type: string): boolean => types === null || types.has(type);

const FORWARD: { readonly [S in Step]: Relation } = { up: UP, down: DOWN, association: ASSOC };

/** Past this many objects at one position, the forward read gives up and says "any type". */
const FRONTIER_CAP = 4096;

/**
 * The types of the objects reached from `far` by the steps `later`, read from the graph (no type or
 * repeat check, so a superset of what paths reach); null (any) when a position holds too many objects.
 */
function endTypes(index: TraversalIndex, far: number, later: readonly Step[]): TypeSet {
  let frontier = [far];
  for (let j = 0; j < later.length; j++) {
    const rel = FORWARD[later[j]!];
    if (j === later.length - 1) {
      const codes = new Set<number>();
      for (const n of frontier) index.neighbourTypes(n, rel, codes);
      return new Set([...codes].map((c) => index.typeNames[c]!));
    }
    const next: number[] = [];
    for (const n of frontier) {
      index.forEachNeighbour(n, rel, (m) => next.push(m));
      if (next.length > FRONTIER_CAP) return null;
    }
    frontier = next;
  }
  return new Set([index.typeOf(far)]);
}

function stepBackTypes(types: TypeSet, step: Step): TypeSet {
  if (types === null || step === 'association') return null;
  const out = new Set<string>();
  for (const t of types) {
    const next = step === 'up' ? groupTypeOf(t) : memberTypeOf(t);
    if (next !== undefined) out.add(next);
  }
  return out;
}

/** What the walks read forward from an edge's far end, kept for reuse (see AffectedSubjectsOptions.cache). */
export class ForwardReads {
  readonly types = new Map<string, TypeSet>();
  readonly ends = new Map<string, ReadonlySet<number>>();

  clear(): void {
    this.types.clear();
    this.ends.clear();
  }
}

export interface AffectedSubjectsOptions {
  /** Path patterns; default TRAVERSAL_PATTERNS (what binding answers follow). */
  readonly patterns?: readonly PathPattern[];
  /**
   * Forward reads to reuse, for a caller asking about many edges while only removing edges (removals
   * only shrink what is reachable, so an earlier read stays a superset); clear it after adding one.
   */
  readonly cache?: ForwardReads;
  /**
   * Report the members of a group with more members than this as the group (in `groups` of
   * affectedSubjectGroups) instead of one by one, where a path's first step goes up into it.
   */
  readonly groupsOver?: number;
  /** affectedSubjectGroups: collect at most this many `ends` (default all; 0: none). */
  readonly endsLimit?: number;
}

/** Sources one by one, and (with groupsOver) groups standing for every member of a source type. */
export interface AffectedSubjectGroups {
  readonly subjects: Map<string, Set<string>>;
  /** Group id → target types: every member of the group (of a source type wanting them) is affected towards them. */
  readonly groups: Map<string, Set<string>>;
  /**
   * The objects (integer ids of g.index) the paths through the edge of those sources and groups can end
   * at, of the types they want; the first `endsLimit` of them when `complete` is false.
   */
  readonly ends: Set<number>;
  readonly complete: boolean;
}

/**
 * The sources whose answers towards some of their wanted target types can change when `edge` is
 * added or removed, each with those target types (a subset of its wanted ones): affectedSources
 * narrowed by types. For every pattern and position where the edge can be the step, the types the path
 * can still end at are read forward from the edge's far end in the graph; the walk back from its near
 * end keeps only objects of types that lead back to a source type wanting one of them. So a user's
 * membership in "All Staff" makes the user recompute only the types "All Staff" leads to, and is not
 * walked back through "All Staff"'s associations at all (no binding of a user or a system ends at a user).
 */
export function affectedSubjects(
  g: AccessGraph,
  edge: EdgeIdentity,
  wanted: WantedAnswers,
  options: AffectedSubjectsOptions = {},
): Map<string, Set<string>> {
  return affectedSubjectGroups(g, edge, wanted, { ...options, groupsOver: Infinity, endsLimit: 0 }).subjects;
}

/**
 * affectedSubjects, with the members of large groups entered by a path's first step reported as their
 * group (see groupsOver), and the objects their paths through the edge can end at (`ends`).
 */
export function affectedSubjectGroups(
  g: AccessGraph,
  edge: EdgeIdentity,
  wanted: WantedAnswers,
  options: AffectedSubjectsOptions = {},
): AffectedSubjectGroups {
  const patterns = options.patterns ?? TRAVERSAL_PATTERNS;
  const groupsOver = options.groupsOver ?? Infinity;
  const endsLimit = options.endsLimit ?? Infinity;
  const { c, index, from, to } = endsOf(g, edge);
  const found = new Map<number, Set<string>>();
  const groups = new Map<number, Set<string>>();
  const ends = new Set<number>();
  let complete = true;
  const note = (into: Map<number, Set<string>>, n: number, useful: readonly string[]): void => {
    let set = into.get(n);
    if (!set) into.set(n, (set = new Set()));
    for (const t of useful) set.add(t);
  };
  for (const pattern of patterns) {
    pattern.forEach((step, i) => {
      // (near end at position i, far end at position i + 1) for each way the edge can be this step
      const ways: [number, number][] =
        c.kind === 'association'
          ? step === 'association'
            ? [
                [from, to],
                [to, from],
              ]
            : []
          : step === 'up'
            ? [[to, from]]
            : step === 'down'
              ? [[from, to]]
              : [];
      for (const [near, far] of ways) {
        const later = pattern.slice(i + 1);
        const key = `${far} ${later.join(' ')}`;
        let cached = options.cache?.types.get(key);
        if (cached === undefined) {
          cached = endTypes(index, far, later);
          options.cache?.types.set(key, cached);
        }
        const reachable = cached;
        // Source types that want one of the end types, and the types allowed at each earlier position.
        const sources = new Map<string, string[]>();
        for (const [type, targets] of wanted) {
          const useful = targets.filter((t) => has(reachable, t));
          if (useful.length > 0) sources.set(type, useful);
        }
        if (sources.size === 0) continue;
        const allowed: TypeSet[] = [new Set(sources.keys())];
        for (let j = 0; j < i; j++) allowed.push(stepBackTypes(allowed[j]!, pattern[j]!));
        if (!has(allowed[i]!, index.typeOf(near))) continue;
        const usedTypes = new Set<string>();
        const asGroup = (group: number): boolean => {
          if (pattern[0] !== 'up' || groupsOver === Infinity) return false;
          const type = memberTypeOf(index.typeOf(group));
          const useful = type === undefined ? undefined : sources.get(type);
          if (!useful || index.degree(group, DOWN) <= groupsOver) return false;
          note(groups, group, useful);
          for (const t of useful) usedTypes.add(t);
          return true;
        };
        walkBackTyped(index, pattern, allowed, i, near, asGroup, (source) => {
          const useful = sources.get(index.typeOf(source));
          if (!useful) return;
          note(found, source, useful);
          for (const t of useful) usedTypes.add(t);
        });
        if (usedTypes.size === 0 || endsLimit <= 0 || !complete) continue;
        const endsKey = `${key} ${[...usedTypes].sort().join(',')}`;
        const known = endsLimit === Infinity ? options.cache?.ends.get(endsKey) : undefined;
        if (known) for (const n of known) ends.add(n);
        else if (endsLimit === Infinity && options.cache) {
          const these = new Set<number>();
          collectEnds(index, far, later, usedTypes, these, Infinity);
          options.cache.ends.set(endsKey, these);
          for (const n of these) ends.add(n);
        } else complete = collectEnds(index, far, later, usedTypes, ends, endsLimit);
      }
    });
  }
  const byId = (m: Map<number, Set<string>>) => new Map([...m].map(([n, types]) => [index.idOf(n), types]));
  return { subjects: byId(found), groups: byId(groups), ends, complete };
}

/** Adds to `out` the objects of the wanted types reached from `far` by the steps `later`; false when it stopped at `limit`. */
function collectEnds(
  index: TraversalIndex,
  far: number,
  later: readonly Step[],
  types: ReadonlySet<string>,
  out: Set<number>,
  limit: number,
): boolean {
  const visit = (node: number, j: number): boolean => {
    if (j === later.length) {
      if (types.has(index.typeOf(node))) out.add(node);
      return out.size < limit;
    }
    let going = true;
    index.forEachNeighbour(node, FORWARD[later[j]!], (next) => {
      if (going) going = visit(next, j + 1);
    });
    return going;
  };
  return visit(far, 0);
}

/**
 * Walks back from `node` at `position` to position 0 through objects of the allowed types. At position
 * 1, `asGroup` may take the node as standing for all its members (then they are not walked).
 */
function walkBackTyped(
  index: TraversalIndex,
  pattern: PathPattern,
  allowed: readonly TypeSet[],
  position: number,
  node: number,
  asGroup: (group: number) => boolean,
  visit: (source: number) => void,
): void {
  if (position === 0) {
    visit(node);
    return;
  }
  if (position === 1 && asGroup(node)) return;
  const types = allowed[position - 1]!;
  index.forEachNeighbour(node, BACK[pattern[position - 1]!], (prev) => {
    if (has(types, index.typeOf(prev))) walkBackTyped(index, pattern, allowed, position - 1, prev, asGroup, visit);
  });
}

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
import { PATTERNS_BY_KIND, type PathPattern, type Step } from '../model/index.ts';
import { UnknownObjectError } from '../errors.ts';
import { canonicalEdge, type AccessGraph, type EdgeIdentity } from './access-graph.ts';
import { ASSOC, DOWN, UP, type TraversalIndex, type Relation } from './traversal-index.ts';

/** Every pattern the answers use: traversals, memberof, membership (associations = [association], members = [down] are among them). */
const ALL_PATTERNS: readonly PathPattern[] = [...PATTERNS_BY_KIND.traverse, ...PATTERNS_BY_KIND.memberof, ...PATTERNS_BY_KIND.membership];

/** The relation leading from a step's end back to its start. */
const BACK: { readonly [S in Step]: Relation } = { up: DOWN, down: UP, association: ASSOC };

/** The ids of the sources whose endpoint answers adding or removing `edge` can change (never fewer, perhaps a few more). */
export function affectedSources(g: AccessGraph, edge: EdgeIdentity, patterns: readonly PathPattern[] = ALL_PATTERNS): Set<string> {
  const c = canonicalEdge(edge);
  const index = g.index;
  const from = index.nodeOf(c.from.id);
  const to = index.nodeOf(c.to.id);
  for (const [end, n] of [[c.from, from], [c.to, to]] as const) {
    if (n < 0) throw new UnknownObjectError(`No object with id ${end.id} is in the graph, so no source depends on an edge to it.`, { reference: end.id });
  }
  const out = new Set<number>();
  for (const pattern of patterns) {
    pattern.forEach((step, i) => {
      const starts: number[] =
        c.kind === 'association' ? (step === 'association' ? [from, to] : []) : step === 'up' ? [to] : step === 'down' ? [from] : [];
      for (const start of starts) walkBack(index, pattern, i, start, out);
    });
  }
  return new Set([...out].map((n) => index.ids[n]!));
}

function walkBack(index: TraversalIndex, pattern: PathPattern, position: number, node: number, out: Set<number>): void {
  if (position === 0) {
    out.add(node);
    return;
  }
  index.forEachNeighbour(node, BACK[pattern[position - 1]!], (prev) => walkBack(index, pattern, position - 1, prev, out));
}

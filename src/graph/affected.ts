/**
 * Which sources can see their answers change when one edge is added or removed, derived from the path
 * grammar: for every shape and every position where a step could use the edge, walk the steps before
 * it backwards from the end the step leaves; the objects reached at position 0 are the sources.
 *
 * For the default grammar this gives: association a–b: a, b, and the members of a or b when they are
 * groups; membership g ⊇ m: m, g itself (its members/membership answers), the objects associated
 * with g, and the members of the groups associated with g. Types are not checked, so the set may be a
 * little larger than the sources whose answers actually change, never smaller.
 */
import { SHAPES_BY_KIND, type PathShape, type Step } from '../model/index.ts';
import { UnknownObjectError } from '../errors.ts';
import { canonicalEdge, type AccessGraph, type EdgeIdentity } from './access-graph.ts';
import { ASSOC, DOWN, UP, type TraversalIndex, type Relation } from './traversal-index.ts';

/** Every shape the answers use: traversals, memberof, membership (associations = [association], members = [down] are among them). */
const ALL_SHAPES: readonly PathShape[] = [...SHAPES_BY_KIND.traverse, ...SHAPES_BY_KIND.memberof, ...SHAPES_BY_KIND.membership];

/** The relation leading from a step's end back to its start. */
const BACK: { readonly [S in Step]: Relation } = { up: DOWN, down: UP, association: ASSOC };

export function affectedSources(g: AccessGraph, edge: EdgeIdentity, shapes: readonly PathShape[] = ALL_SHAPES): Set<string> {
  const c = canonicalEdge(edge);
  const index = g.index;
  const from = index.nodeOf(c.from.id);
  const to = index.nodeOf(c.to.id);
  for (const [end, n] of [[c.from, from], [c.to, to]] as const) {
    if (n < 0) throw new UnknownObjectError(`No object with id ${end.id} is in the graph, so no source depends on an edge to it.`, { reference: end.id });
  }
  const out = new Set<number>();
  for (const shape of shapes) {
    shape.forEach((step, i) => {
      const starts: number[] =
        c.kind === 'association' ? (step === 'association' ? [from, to] : []) : step === 'up' ? [to] : step === 'down' ? [from] : [];
      for (const start of starts) walkBack(index, shape, i, start, out);
    });
  }
  return new Set([...out].map((n) => index.ids[n]!));
}

function walkBack(index: TraversalIndex, shape: PathShape, position: number, node: number, out: Set<number>): void {
  if (position === 0) {
    out.add(node);
    return;
  }
  index.forEachNeighbour(node, BACK[shape[position - 1]!], (prev) => walkBack(index, shape, position - 1, prev, out));
}

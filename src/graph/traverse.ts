/**
 * traverse(): one source's answer to a traversal endpoint or custom query, in the live API's shape;
 * bindingsOf(): the same as integer arrays for bulk work; bindingLabel() and explain().
 */
import {
  TRAVERSAL_ENDPOINTS,
  labelOfPathLengths,
  type BindingLabel,
  type GraphConnection,
  type GraphObjectWithPaths,
} from '../model/index.ts';
import { QueryError, UnknownObjectError } from '../errors.ts';
import type { AccessGraph } from './access-graph.ts';
import type { CompileFn } from './compile.ts';
import { DOWN, UP, type TraversalIndex } from './traversal-index.ts';
import { PathEnumerator, towardsFilter, type SourceBindings } from './enumerate.ts';
import { planFor, resolveQuery, type ResolvedQuery, type TraversalQuery } from './plan.ts';
import { bindingsAnswer } from './materialize.ts';

export interface TraverseOptions {
  /**
   * Builds compiledAttributes.
   * @default defaultCompile
   */
  readonly compile?: CompileFn;
  /**
   * At most this many paths per target (the shortest are kept; the binding is then truncated).
   * @default none (every path)
   */
  readonly pathCap?: number;
}

const enumerators = new WeakMap<object, PathEnumerator>();

/**
 * The enumerator (scratch buffers) of an index, shared with its family (the copies a what-if makes):
 * its buffers sized for every object are allocated once, not once per copy.
 */
export function enumeratorFor(index: TraversalIndex): PathEnumerator {
  let e = enumerators.get(index.family);
  if (!e) {
    e = new PathEnumerator(index);
    enumerators.set(index.family, e);
  }
  return e.use(index);
}

/** The integer id of a source object, with the errors the public functions promise. */
export function sourceNode(g: AccessGraph, sourceId: string, q: ResolvedQuery): number {
  const node = g.index.nodeOf(sourceId);
  if (node < 0) throw new UnknownObjectError(`No object with id ${sourceId} is in the graph.`, { reference: sourceId });
  if (q.sourceType !== undefined && g.index.typeOf(node) !== q.sourceType) {
    throw new UnknownObjectError(`No ${q.sourceType} with id ${sourceId} is in the graph (it is a ${g.index.typeOf(node)}).`, {
      reference: sourceId,
    });
  }
  return node;
}

export function checkPathCap(pathCap: number | undefined): number {
  if (pathCap === undefined) return Infinity;
  if (!(pathCap >= 1) || (Number.isFinite(pathCap) && !Number.isInteger(pathCap))) {
    throw new QueryError(`Path cap ${pathCap} is not a whole number of at least 1.`);
  }
  return pathCap;
}

/**
 * Every object the source reaches under the query, each once, with every path (hops from the source,
 * shortest first, then by hop ids) and compiledAttributes (left out when nothing compiles); targets by
 * id. An endpoint query answers exactly like that endpoint of the live API (all pages merged).
 * UnknownObjectError for an unknown source (or one of another type than the endpoint's source);
 * QueryError for a malformed query.
 */
export function traverse(g: AccessGraph, sourceId: string, query: TraversalQuery, options: TraverseOptions = {}): GraphObjectWithPaths[] {
  const q = resolveQuery(query);
  const cap = checkPathCap(options.pathCap);
  const source = sourceNode(g, sourceId, q);
  const index = g.index;
  const bindings = enumeratorFor(index).enumerate(source, planFor(index, query, q), cap);
  return bindingsAnswer(g, bindings, { compile: options.compile, withCommandFields: q.withCommandFields });
}

/** The union of a source type's traversal endpoint targets (every type it can be bound to). */
export function traversalTargetsOf(sourceType: string): string[] {
  const out = new Set<string>();
  for (const e of TRAVERSAL_ENDPOINTS) if (e.source === sourceType) for (const t of e.targets) out.add(t);
  return [...out];
}

const allTargetsQueries = new Map<string, TraversalQuery>();

/** One shared query object per source type (so its plan is cached). */
function allTargetsQuery(sourceType: string): TraversalQuery {
  let q = allTargetsQueries.get(sourceType);
  if (!q) {
    q = { targets: traversalTargetsOf(sourceType) };
    allTargetsQueries.set(sourceType, q);
  }
  return q;
}

/**
 * The integer-level answer for bulk work: all bindings of a source (by default to every type its
 * traversal endpoints reach) with paths as edge lists over `g.index`. Valid while `g.index.epoch` is unchanged.
 */
export function bindingsOf(g: AccessGraph, sourceId: string, query?: TraversalQuery, options: { pathCap?: number } = {}): SourceBindings {
  const index = g.index;
  const node = index.nodeOf(sourceId);
  if (node < 0) throw new UnknownObjectError(`No object with id ${sourceId} is in the graph.`, { reference: sourceId });
  const resolvedQuery = query ?? allTargetsQuery(index.typeOf(node));
  const q = resolveQuery(resolvedQuery);
  sourceNode(g, sourceId, q);
  return enumeratorFor(index).enumerate(node, planFor(index, resolvedQuery, q), checkPathCap(options.pathCap));
}

/**
 * bindingsOf restricted to some targets (integer ids of g.index): for each source asked, its bindings
 * to those of `targets` it reaches, each with every path, walking only what can still reach one of them (towardsFilter). For
 * many sources and a few targets, as when a revoke plan weighs what its cut could end. Valid while the
 * graph is not edited.
 */
export function bindingsTowards(g: AccessGraph, query: TraversalQuery, targets: Iterable<number>): (sourceId: string) => SourceBindings {
  const index = g.index;
  const q = resolveQuery(query);
  const plan = planFor(index, query, q);
  const filter = towardsFilter(index, plan, targets);
  return (sourceId) => enumeratorFor(index).enumerate(sourceNode(g, sourceId, q), plan, Infinity, filter);
}

/**
 * How the paths from sources of `sourceType` to any of `targets` begin, under a query (integer ids of
 * g.index throughout): `groups`, the
 * objects a path reaches by a first step up (the groups it enters through), and `direct`, the sources
 * whose path begins with another step. So the members of a group with no way to the targets but
 * through that group are its members that belong to no other of `groups` and are not `direct`.
 */
export function entrances(
  g: AccessGraph,
  query: TraversalQuery,
  targets: Iterable<number>,
  sourceType: string,
): { groups: Set<number>; direct: Set<number> } {
  const index = g.index;
  const plan = planFor(index, query, resolveQuery(query));
  const filter = towardsFilter(index, plan, targets);
  const groups = new Set<number>();
  const direct = new Set<number>();
  for (const [pattern, levels] of filter) {
    const first = pattern.rels[0]!;
    for (const m of levels[1]!) {
      if (first === UP) groups.add(m);
      else index.forEachNeighbour(m, first === DOWN ? UP : first, (n) => index.typeOf(n) === sourceType && direct.add(n));
    }
  }
  return { groups, direct };
}

/** direct / indirect / direct/indirect, from a binding's paths (docs/domain.md#direct-and-indirect; grammar.ts labelOfPathLengths). */
export function bindingLabel(paths: readonly (readonly unknown[])[]): BindingLabel {
  return labelOfPathLengths(paths.map((p) => p.length));
}

/** A binding explained: its label and each path in words, shortest first. */
export interface Explanation {
  readonly label: BindingLabel;
  readonly paths: readonly string[];
}

/**
 * Explains a binding of `sourceId` (as returned by traverse) in words, e.g.
 * `user alice → member of user_group Admins → associated with system web-1`.
 */
export function explain(g: AccessGraph, sourceId: string, binding: Pick<GraphObjectWithPaths, 'paths'>): Explanation {
  const source = g.object(sourceId);
  const words = (hops: readonly GraphConnection[]): string => {
    let prev = source;
    const parts = [`${source.type} ${source.name}`];
    for (const hop of hops) {
      const node = g.object(hop.to.id);
      const step = g.hasEdge({ kind: 'membership', from: { type: node.type, id: node.id }, to: { type: prev.type, id: prev.id } })
        ? 'member of'
        : g.hasEdge({ kind: 'membership', from: { type: prev.type, id: prev.id }, to: { type: node.type, id: node.id } })
          ? 'which contains'
          : 'associated with';
      parts.push(`${step} ${node.type} ${node.name}`);
      prev = node;
    }
    return parts.join(' → ');
  };
  return { label: bindingLabel(binding.paths), paths: binding.paths.map(words) };
}

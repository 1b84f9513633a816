/**
 * traverse(): one source's answer to a traversal endpoint or custom query, in the live API's shape;
 * bindingsOf(): the same as integer arrays for bulk work; label() and explain().
 */
import {
  TRAVERSAL_ENDPOINTS,
  bindingLabel,
  type BindingLabel,
  type GraphConnection,
  type GraphObjectWithPaths,
} from '../model/index.ts';
import { QueryError, UnknownObjectError } from '../errors.ts';
import type { AccessGraph } from './access-graph.ts';
import type { CompileFn } from './compile.ts';
import type { TraversalIndex } from './traversal-index.ts';
import { PathEnumerator, type SourceBindings } from './enumerate.ts';
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

const enumerators = new WeakMap<TraversalIndex, PathEnumerator>();

/** The enumerator (scratch buffers) of an index, made once per index. */
export function enumeratorFor(index: TraversalIndex): PathEnumerator {
  let e = enumerators.get(index);
  if (!e) {
    e = new PathEnumerator(index);
    enumerators.set(index, e);
  }
  return e;
}

/** The integer id of a source object, with the errors the public functions promise. */
export function sourceNode(g: AccessGraph, sourceId: string, q: ResolvedQuery): number {
  const node = g.index.nodeOf(sourceId);
  if (node < 0) throw new UnknownObjectError(`No object with id ${sourceId} is in the graph.`, { reference: sourceId });
  if (q.sourceType !== undefined && g.index.typeOf(node) !== q.sourceType) {
    throw new UnknownObjectError(`No ${q.sourceType} with id ${sourceId} is in the graph (it is a ${g.index.typeOf(node)}).`, { reference: sourceId });
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

/** direct / indirect / direct/indirect, from a binding's paths (DOMAIN.md; src/model/grammar.ts bindingLabel). */
export function label(paths: readonly (readonly unknown[])[]): BindingLabel {
  return bindingLabel(paths.map((p) => p.length));
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
  return { label: label(binding.paths), paths: binding.paths.map(words) };
}

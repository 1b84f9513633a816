/**
 * The whole-tenant inventory: every binding of every source of a type to the target types, streamed
 * one source at a time, so only one source's bindings are ever held.
 */
import { isGraphType, type BindingLabel, type GraphObjectWithPaths, type ObjectRef, type PathPattern } from '../model/index.ts';
import { QueryError } from '../errors.ts';
import type { AccessGraph } from './access-graph.ts';
import type { CompileFn } from './compile.ts';
import { PathEnumerator, type SourceBindings } from './enumerate.ts';
import { ConcurrentEditError } from './errors.ts';
import { buildPlan, resolveQuery, type ResolvedQuery } from './plan.ts';
import { bindingAnswer } from './materialize.ts';
import { checkPathCap } from './traverse.ts';

/** One binding of the inventory: a source and a target it reaches, in the shape of the source's traversal endpoint. */
export interface InventoryBinding {
  readonly source: ObjectRef;
  /** The target in the API's shape (paths, compiledAttributes), as the source's traversal endpoint lists it. */
  readonly target: GraphObjectWithPaths;
  readonly label: BindingLabel;
  /** True when the path cap was hit: `target.paths` holds only the first pathCap paths (the shortest). */
  readonly truncated: boolean;
}

export interface InventoryOptions {
  /**
   * At most this many paths per (source, target) pair.
   * @default none (every path)
   */
  readonly pathCap?: number;
  /**
   * Builds compiledAttributes.
   * @default defaultCompile
   */
  readonly compile?: CompileFn;
  /**
   * Path patterns.
   * @default TRAVERSAL_PATTERNS
   */
  readonly patterns?: readonly PathPattern[];
  /**
   * Allowed intermediate types.
   * @default any type
   */
  readonly via?: readonly string[];
}

function checkSourceType(g: AccessGraph, sourceType: string): void {
  if (!isGraphType(sourceType) && g.index.knownTypeCode(sourceType) < 0) {
    throw new QueryError(`${sourceType} is not an object type jcgraph knows or the graph holds.`);
  }
}

function labelOf(b: SourceBindings, i: number): BindingLabel {
  let direct = false;
  let indirect = false;
  for (let p = b.pathStart[i]!, end = b.pathStart[i + 1]!; p < end; p++) {
    if (b.hopStart[p + 1]! - b.hopStart[p]! === 1) direct = true;
    else indirect = true;
  }
  return direct && indirect ? 'direct/indirect' : direct ? 'direct' : 'indirect';
}

/**
 * Per source (in id order), its bindings as integer arrays over `g.index`. Streaming: each
 * SourceBindings is computed when the iteration reaches it. ConcurrentEditError if the graph is edited
 * meanwhile.
 */
export function inventoryBindings(
  g: AccessGraph,
  sourceType: string,
  targetTypes: readonly string[],
  options: Omit<InventoryOptions, 'compile'> = {},
): Iterable<SourceBindings> {
  checkSourceType(g, sourceType);
  const q: ResolvedQuery = resolveQuery({
    targets: targetTypes,
    ...(options.patterns ? { patterns: options.patterns } : {}),
    ...(options.via ? { via: options.via } : {}),
  });
  const cap = checkPathCap(options.pathCap);
  buildPlan(g.index, q); // validates the types now rather than at the first step of the iteration
  return {
    *[Symbol.iterator]() {
      const version = g.version;
      const index = g.index;
      const plan = buildPlan(index, q);
      const enumerator = new PathEnumerator(index); // its own scratch: traversals inside the loop stay safe
      for (const source of index.nodesOfType(sourceType)) {
        if (g.version !== version) throw new ConcurrentEditError(`The graph was edited while its ${sourceType} inventory was being read.`);
        yield enumerator.enumerate(source, plan, cap);
      }
    },
  };
}

/**
 * Every binding of every source of `sourceType` to objects of `targetTypes`, streamed: sources in id
 * order, each source's targets in id order, each with its paths in the API's shape, a label, and a
 * truncated flag when `pathCap` was hit. Holds one source's bindings at a time.
 */
export function inventory(
  g: AccessGraph,
  sourceType: string,
  targetTypes: readonly string[],
  options: InventoryOptions = {},
): Iterable<InventoryBinding> {
  const perSource = inventoryBindings(g, sourceType, targetTypes, options);
  const compile = options.compile;
  return {
    *[Symbol.iterator]() {
      const version = g.version;
      for (const b of perSource) {
        const source: ObjectRef = { type: sourceType, id: b.index.idOf(b.source) };
        for (let i = 0; i < b.size; i++) {
          if (g.version !== version)
            throw new ConcurrentEditError(`The graph was edited while its ${sourceType} inventory was being read.`);
          yield { source, target: bindingAnswer(g, b, i, { compile }), label: labelOf(b, i), truncated: b.truncated[i] === 1 };
        }
      }
    },
  };
}

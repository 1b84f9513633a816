/**
 * jcgraph's graph and traversal core.
 *
 * - {@link AccessGraph}: a tenant as a graphology MultiDirectedGraph (`model`) plus an integer traversal
 *   index (`index`) the traversals run on, kept in step with every edit (incremental overlay, rebuilt
 *   when the overlay grows large).
 * - {@link traverse}: one source's answer to a traversal endpoint or a custom query, in the live API's
 *   `GraphObjectWithPaths[]` shape; {@link answer}: any of the 88 graph endpoints by concrete path.
 * - {@link inventory}: every binding of every source of a type, streamed, with an optional path cap.
 * - {@link bindingsOf} / {@link inventoryBindings}: the same as integer arrays ({@link SourceBindings})
 *   for bulk analysis (revoke collateral, incremental what-if).
 * - {@link affectedSources}: which sources an edge edit can affect.
 * - {@link bindingLabel} / {@link explain}: direct, indirect, direct/indirect, and paths in words.
 *
 * The path patterns come from src/model/grammar.ts and the endpoints from src/model/endpoints.ts: no
 * endpoint has code of its own. compiledAttributes come from a replaceable {@link CompileFn}
 * (default: DEFAULT_COMPILE_RULE).
 */
export {
  AccessGraph,
  canonicalEdge,
  tenantIndexInputs,
  type GraphNode,
  type AccessModel,
  type ModelNodeAttributes,
  type ModelEdgeAttributes,
  type EdgeIdentity,
} from './access-graph.ts';
export { GraphDataError, ConcurrentEditError } from './errors.ts';
export {
  traverse,
  bindingsOf,
  bindingsTowards,
  entrances,
  bindingLabel,
  explain,
  traversalTargetsOf,
  type TraverseOptions,
  type Explanation,
} from './traverse.ts';
export { answer, type AnswerOptions } from './answer.ts';
export { inventory, inventoryBindings, type InventoryBinding, type InventoryOptions } from './inventory.ts';
export {
  affectedSources,
  affectedSubjects,
  affectedSubjectGroups,
  ForwardReads,
  type AffectedSubjectGroups,
  type AffectedSubjectsOptions,
  type WantedAnswers,
} from './affected.ts';
export { defaultCompile, compileWithRule, AttributeCompiler, type CompileFn, type CompileContext, type CompileHop } from './compile.ts';
export { SourceBindings, PathEnumerator, towardsFilter, type PathFilter } from './enumerate.ts';
export { bindingAnswer, bindingsAnswer, compileFromIndex, pathHops } from './materialize.ts';
export { buildPlan, resolveQuery, type TraversalQuery, type CustomQuery, type TraversalPlan } from './plan.ts';
export {
  TraversalIndex,
  buildParts,
  UP,
  DOWN,
  ASSOC,
  MEMBERSHIP_EDGE,
  ASSOCIATION_EDGE,
  type Relation,
  type Csr,
  type IndexParts,
  type NodeStore,
  type EdgeAttributeStore,
} from './traversal-index.ts';

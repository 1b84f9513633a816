/**
 * jcgraph's public library API (README.md, "Library").
 *
 * ```ts
 * import { fetchTenant, saveSnapshot, loadSnapshot, AccessGraph, answer, why, planRevoke, findings } from 'jcgraph';
 *
 * const { tenant, meta } = await fetchTenant({ apiKey: process.env.JC_API_KEY! });
 * const g = AccessGraph.fromTenant(tenant);
 * answer(g, `/users/${userId}/systems`);            // exactly what the live endpoint returns, all pages merged
 * planRevoke(g, userId, systemId, { strategy: 'least-collateral' }); // a dry run: jcgraph never writes
 * ```
 *
 * Everything throws subclasses of JcGraphError (JcApiError, SnapshotError, UnknownObjectError, …).
 */

/** Errors: match by class or `name`. */
export * from './errors.ts';

/** The domain as data: object types, association rules, the 88 graph endpoints, path grammar, compile rule. */
export * from './model/index.ts';

/** Reading a tenant over the API: paged, concurrent, rate-limit aware, complete or failing loudly. */
export {
  fetchTenant,
  fetchTenants,
  planFetch,
  DEFAULT_BASE_URL,
  JUMPCLOUD_HOSTS,
  ShapeError,
  type FetchOptions,
  type FetchResult,
  type FetchProgress,
  type FetchPhase,
  confirmLive,
  type LiveOptions,
  type LiveConfirmation,
  type LiveEdgeChange,
  type LiveScope,
  refreshTenant,
  type RefreshOptions,
  type RefreshResult,
} from './fetchers/index.ts';

/** Snapshot files (atomic, mode 0600, optionally gzipped). */
export { saveSnapshot, loadSnapshot, type Snapshot, type SnapshotMeta, type RefreshFigures } from './snapshot/index.ts';

/** The graph, traversal in the live API's shape, whole-tenant inventory. */
export {
  AccessGraph,
  GraphDataError,
  ConcurrentEditError,
  answer,
  traverse,
  inventory,
  bindingsOf,
  explain,
  label,
  affectedSources,
  defaultCompile,
  compileWithRule,
  type GraphNode,
  type TraversalQuery,
  type CustomQuery,
  type TraverseOptions,
  type AnswerOptions,
  type InventoryOptions,
  type Binding as InventoryBinding,
  type CompileFn,
  type CompileContext,
  type Explanation,
} from './graph/index.ts';

/** Analysis: why, access, who, revoke plans, offboarding, what-if, drift, findings, name resolution. */
export * from './analysis/index.ts';

/** Access-review reports (CSV, JSON, Markdown, HTML) and graph exports (GEXF, GraphML, JSON, Neo4j). */
export * from './report/index.ts';

/** Checking the engine against a live tenant's (or the simulator's) traversal endpoints. */
export * from './verify/index.ts';

/** The embedded simulated tenant: a seeded generator and a loopback server speaking the JumpCloud API. */
export {
  startSimulator,
  generateTenant,
  SimulatorError,
  PRESETS,
  FAULT_NAMES,
  type PresetName,
  type FaultName,
  type Simulator,
  type SimulatorOptions,
} from './simulator/index.ts';

/** The snapshot as a service: the read-only API replica, analysis over HTTP and the explorer (jcgraph serve). */
export { startServer, RequestError, type ServeOptions, type JcgraphServer } from './serve/index.ts';

/** The answer documents every face gives (the CLI's --json, /jcgraph/v1, the MCP tools), and the JSON writer. */
export * from './documents/index.ts';

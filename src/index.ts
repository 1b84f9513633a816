/**
 * jcgraph's public library API (docs/library.md): fetching, snapshots, the graph and analysis. Reports,
 * exports and the answer documents are `jcgraph/report`, the API replica server `jcgraph/serve`, the
 * simulated tenant `jcgraph/simulator` (ARCHITECTURE.md, "The public surface").
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

/** Errors: match by class or `name`. Every error jcgraph throws is a JcGraphError. */
export {
  JcGraphError,
  JcApiError,
  ConnectionLostError,
  SnapshotError,
  JournalError,
  UnknownObjectError,
  QueryError,
  PlanError,
  PlanFileError,
  ConfigError,
  InputError,
  CancelledError,
  type RequestOutcome,
} from './errors.ts';

/** The domain as data: object types, association rules, the 88 graph endpoints, path grammar, compile rule, coverage. */
export {
  GRAPH_TYPES,
  TYPE_INFO,
  MEMBERSHIPS,
  isGraphType,
  isGroupType,
  objectName,
  ASSOCIATION_TARGETS,
  ASSOCIATION_KINDS,
  canAssociate,
  membershipEdge,
  associationEdge,
  GRAPH_ENDPOINTS,
  TRAVERSAL_ENDPOINTS,
  matchEndpoint,
  TRAVERSAL_PATTERNS,
  DEFAULT_COMPILE_RULE,
  type GraphType,
  type TypeInfo,
  type ListEndpoint,
  type ListShape,
  type AssociationKind,
  type TenantData,
  type TenantObject,
  type TenantEdge,
  type EdgeKind,
  type ObjectRef,
  type JsonObject,
  type JsonValue,
  type GraphObject,
  type GraphObjectWithPaths,
  type GraphConnection,
  type GraphAttributes,
  type GraphEndpoint,
  type EndpointKind,
  type EndpointMatch,
  type AnswerByKind,
  type AnswerOf,
  type ConcretePath,
  type EndpointKindOf,
  type PathPattern,
  type Step,
  type BindingLabel,
  type CompileRule,
  type SudoSource,
  type GroupAttributeKey,
  type Coverage,
  type CoverageGap,
  type GapCause,
  type GapProvides,
  type GapState,
} from './model/index.ts';

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
  type FetchPlan,
  type ObjectCounts,
} from './fetchers/index.ts';

/** Snapshot files (atomic, mode 0600, optionally gzipped). */
export {
  saveSnapshot,
  loadSnapshot,
  type Snapshot,
  type SnapshotContent,
  type SnapshotMeta,
  type SaveOptions,
  type RefreshFigures,
} from './snapshot/index.ts';

/**
 * A snapshot opened as a graph through its binary index (`<snapshot>.index`, built on first use, rebuilt
 * with a notice when stale or damaged): what every CLI command does, so that one question on an xl
 * snapshot reads only what it needs. The answers equal `AccessGraph.fromTenant((await loadSnapshot(f)).tenant)`.
 */
export { openSnapshotGraph, type OpenSnapshotOptions, type OpenedSnapshot } from './snapshot-index/index.ts';

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
  bindingLabel,
  affectedSources,
  defaultCompile,
  compileWithRule,
  type GraphNode,
  type TraversalQuery,
  type CustomQuery,
  type TraverseOptions,
  type AnswerOptions,
  type InventoryOptions,
  type InventoryBinding,
  type CompileFn,
  type CompileContext,
  type Explanation,
} from './graph/index.ts';

/** Analysis: why, access, who, revoke plans, offboarding, what-if, drift, findings, name resolution, coverage. */
export {
  why,
  access,
  whoCanAccess,
  planRevoke,
  planOffboard,
  describePath,
  REVOKE_STRATEGIES,
  whatIf,
  whatIfEach,
  whatIfSample,
  WhatIfSession,
  resolveChanges,
  makeEdge,
  drift,
  diffTenants,
  sudoOf,
  findings,
  resolveObject,
  resolveEdgeSpec,
  formatReference,
  searchObjects,
  formatOperation,
  coverageVerdict,
  type Binding,
  type AccessPath,
  type NamedRef,
  type WhyAnswer,
  type WhyOptions,
  type WhyPath,
  type AttributeSource,
  type AccessOptions,
  type RevokeStrategy,
  type RevokeOptions,
  type RevokePlan,
  type PlanStep,
  type Collateral,
  type SurvivingBinding,
  type OffboardPlan,
  type OffboardStep,
  type Change,
  type ChangeSpec,
  type EdgeRef,
  type ChangedBinding,
  type SubjectDelta,
  type SubjectDeltaSample,
  type WhatIfResult,
  type WhatIfSummary,
  type WhatIfTotals,
  type DriftReport,
  type PathChange,
  type AttributeChange,
  type SudoGain,
  type UserSudoGain,
  type SudoValue,
  type TenantDiff,
  type ObjectChange,
  type ObjectSummary,
  type EdgeAttributeChange,
  type Findings,
  type FindingsOptions,
  type BlastRadiusEntry,
  type DirectlyBoundUser,
  type InactiveUser,
  type PrivilegedFindings,
  type PrivilegedGrant,
  type SudoGrant,
  type RedundantBinding,
  type UserSudo,
  type NamedObject,
  type ObjectDirectory,
  type SearchHit,
  type SearchResult,
  type SearchOptions,
  type ApiOperation,
  type GraphOperationBody,
  type CoverageQuestion,
  type CoverageVerdict,
} from './analysis/index.ts';

/** Plan files (`jcgraph-plan`): a revoke, an offboarding or any analysis steps, with what `applyPlan` needs to act on them safely. */
export {
  PLAN_FORMAT,
  PLAN_VERSION,
  planFileFromRevoke,
  planFileFromOffboard,
  planFileFromSteps,
  readPlanFile,
  writePlanFile,
  type PlanFile,
  type PlanFileStep,
  type PlanAction,
  type PlanChange,
  type PlanPrecondition,
  type PlanRequest,
  type PlanSnapshot,
  type PlanQuestion,
  type PlanBinding,
  type PlanVerification,
  type PlanContext,
  type AnalysisStep,
} from './plan/index.ts';

/** Acting on a plan file: checked live, sent through a writer client that sends nothing else, journaled, verified, undoable. */
export {
  applyPlan,
  undoApply,
  readApplyJournal,
  type ApplyOptions,
  type RunOptions,
  type ApplyProgress,
  type ApplyEvidence,
  type ApplyResult,
  type EvidenceStep,
  type StepState,
  type ApplyJournal,
  type ApplyJournalEvent,
  type ApplyJournalHeader,
  type ApplyRun,
  type VerifiedState,
  type VerificationResult,
  type VerificationDifference,
} from './apply/index.ts';

/** Checking the engine against a live tenant's (or the simulator's) traversal endpoints. */
export {
  verifyTenant,
  VERIFY_ENDPOINTS,
  type VerifyTenantOptions,
  type VerifyOptions,
  type VerifyReport,
  type GraphVerifyReport,
  type EndpointReport,
  type VerifyTotals,
  type PathDifference,
  type AttributeDifference,
} from './verify/index.ts';

/**
 * Access analysis on an AccessGraph: why, access/who, revoke plans and offboarding, what-if, drift and
 * findings, each explained by paths. Offline and read-only: plans are dry runs.
 */
export { reachableTypes, type NamedRef, type AccessPath, type Binding } from './bindings.ts';
export { makeEdge, type EdgeRef } from './edges.ts';
export { formatReference, resolveObject, resolveEdgeSpec, type NamedObject, type ObjectDirectory } from './resolve.ts';
export { searchObjects, type SearchHit, type SearchResult, type SearchOptions } from './search.ts';
export { formatOperation, exemptionOperation, suspendOperation, type GraphOperationBody, type ApiOperation } from './operations.ts';
export { why, type WhyPath, type AttributeSource, type WhyAnswer, type WhyOptions } from './why.ts';
export { access, whoCanAccess, WHO_TYPES, type AccessOptions } from './access.ts';
export { type ChangedBinding, type SubjectDelta, type SubjectDeltaSample, type WhatIfTotals } from './delta.ts';
export { whatIf, whatIfEach, whatIfSample, type Change, type WhatIfResult, type WhatIfSummary, WhatIfSession } from './whatif.ts';
export { checkChangeSpec, resolveChanges, type ChangeSpec } from './change-spec.ts';
export {
  describePath,
  planRevoke,
  REVOKE_STRATEGIES,
  type RevokeStrategy,
  type RevokeOptions,
  type PlanStep,
  type RevokePlan,
} from './revoke.ts';
export {
  planOffboard,
  type OffboardStep,
  type SuspendStep,
  type OffboardPlan,
  type OffboardOptions,
  type RuleKeptMembership,
} from './offboard.ts';
export {
  type SurvivingBinding,
  type Collateral,
  type Exemption,
  type RuleMatch,
  type RemoveStep,
  type ExemptStep,
  type EdgeCutStep,
  type EdgeStepFields,
} from './plan-steps.ts';
export { RuleEffects, expandRules, type RuleExpansion, type RuleMembershipChange } from './rule-effects.ts';
export {
  diffTenants,
  type ObjectSummary,
  type ObjectChange,
  type EdgeAttributeChange,
  type RuleChange,
  type TenantDiff,
} from './tenant-diff.ts';
export {
  sudoOf,
  drift,
  type SudoValue,
  type SudoGain,
  type UserSudoGain,
  type PathChange,
  type AttributeChange,
  type DriftReport,
} from './drift.ts';
export {
  findings,
  type BlastRadiusEntry,
  type DirectlyBoundUser,
  type DynamicGroupFindings,
  type InactiveUser,
  type PrivilegedFindings,
  type PrivilegedGrant,
  type SudoGrant,
  type RedundantBinding,
  type UserSudo,
  type Findings,
  type FindingsOptions,
} from './findings/index.ts';
export { coverageVerdict, type CoverageQuestion, type CoverageVerdict } from './coverage.ts';
export {
  groupRule,
  membershipSource,
  dynamicGroups,
  ruleMemberships,
  pendingDifferences,
  cannotEvaluateNote,
  ruleSummary,
  type MembershipSource,
  type DynamicGroup,
  type RuleMembership,
  type RuleSummary,
} from './dynamic-groups.ts';

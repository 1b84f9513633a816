/**
 * Plan files (`jcgraph-plan`, version 1): what `jcgraph apply` acts on. Built from revoke and offboarding
 * plans or any list of analysis steps, with the snapshot they were made on, each step's request,
 * precondition, inverse and verification targets, and a digest; written and read through src/io. Pure
 * data and files: nothing here talks to a tenant.
 */
export {
  PLAN_FORMAT,
  PLAN_VERSION,
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
} from './format.ts';
export {
  planFileFromRevoke,
  planFileFromOffboard,
  planFileFromSteps,
  planSnapshotOf,
  traversalBinding,
  type AnalysisStep,
  type PlanContext,
} from './build.ts';
export { planDigest } from './digest.ts';
export { planChanges } from './changes.ts';
export { describeStep, describeQuestion, describeObject } from './describe.ts';
export { writePlanFile, readPlanFile, parsePlan } from './file.ts';

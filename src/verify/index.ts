/**
 * verify: the engine's answers against a live tenant's (or the simulator's) on a seeded sample of every
 * endpoint with paths.
 *
 * ```ts
 * const report = await verifyTenant({ apiKey: process.env.JC_API_KEY!, sample: 10, seed: 1 });
 * if (!report.agree) for (const e of report.endpoints) console.log(e.endpoint, e.pathDifferences, e.attributeDifferences);
 * ```
 */
export {
  verifyTenant,
  verifyGraph,
  sampleSources,
  VERIFY_ENDPOINTS,
  DEFAULT_SAMPLE,
  DEFAULT_SEED,
  type VerifyOptions,
  type VerifyTenantOptions,
  type VerifyReport,
  type GraphVerifyReport,
  type EndpointReport,
  type VerifyTotals,
  type SkippedSource,
} from './verify.ts';
export {
  compareAnswers,
  normalizeAttributes,
  type PathDifference,
  type AttributeDifference,
  type HopView,
  type PathView,
  type AnswerComparison,
} from './compare.ts';
export { verifyDynamicGroups, type DynamicGroupsReport, type RuleDifference, type UnevaluatedGroup } from './dynamic-groups.ts';

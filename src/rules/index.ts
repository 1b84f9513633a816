/**
 * Access rules as code: a rule file (YAML, with a JSON Schema beside it) of forbid, exclusive,
 * only_through, require and none rules with their exceptions, checked against a graph over the streaming
 * inventory, with fix plans, what a change does to the violations, and outputs for CI and SIEMs.
 */
export { RuleFileError, type SourcePosition } from './errors.ts';
export {
  RULE_KINDS,
  SEVERITIES,
  type Severity,
  type RuleKind,
  type Rule,
  type RuleFile,
  type RuleException,
  type Selector,
  type FieldValue,
  type GroupName,
  type ForbidRule,
  type ExclusiveRule,
  type OnlyThroughRule,
  type RequireRule,
  type NoneRule,
} from './types.ts';
export { parseRuleFile, readRuleFile, SELECTOR_FIELDS } from './parse.ts';
export { SelectorMatcher, checkNamesExist, globPattern, selectorTypes } from './selector.ts';
export {
  check,
  checkSubjects,
  severityRank,
  RuleEvaluator,
  type CheckResult,
  type CheckOptions,
  type Violation,
  type ExcusedViolation,
  type RuleOutcome,
  type RuleRef,
  type ExceptionRef,
} from './evaluate.ts';
export {
  newViolations,
  changeViolations,
  ruleScope,
  snapshotScope,
  recheck,
  type ViolationChanges,
  type RuleScope,
  type NewViolationsOptions,
} from './compare.ts';
export { FixShared, planFix, type Fix, type FixPlan, type FixStrategy, type FixOptions } from './fix.ts';
export { fixPlanFile, type FixPlanFile } from './plan-file.ts';
export { rulesAffectedByGaps, type RuleGaps } from './coverage.ts';
export { checkReport, failing, fixable, unplannedNote, DEFAULT_FIX_LIMIT, type CheckReport, type CheckReportOptions } from './report.ts';
export { sarifLog, writeSarifLog, violationFingerprint, SARIF_SCHEMA_URI } from './sarif.ts';
export { junitXml, writeJunitXml, xmlText } from './junit.ts';
export {
  complianceFinding,
  ocsfFinding,
  ocsfResource,
  violationDetail,
  OCSF_VERSION,
  COMPLIANCE_FINDING,
  DETECTION_FINDING,
} from './ocsf.ts';

/**
 * Access rules as code: a rule file (YAML, with a JSON Schema beside it) of forbid, exclusive,
 * only_through, require and none rules with their exceptions, and the selectors that pick their subjects
 * and resources on a graph.
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

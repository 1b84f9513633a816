/**
 * A check with everything its outputs show: the result, the fix plans of the first violations of each
 * rule, and the rules a partial snapshot could be hiding violations of.
 *
 * Fix plans are the costly part (each is a revoke search and a what-if of the file's rules), so only the
 * first `fixLimit` fixable violations of each rule get one: the cost is bounded by the rule file, not by
 * the organization. Every output says which violations were left without a plan and the `--fix-limit`
 * that would plan them all (unplannedNote).
 */
import { WhatIfSession } from '../analysis/whatif.ts';
import { bindingKey } from '../analysis/bindings.ts';
import type { AccessGraph } from '../graph/index.ts';
import type { Coverage } from '../model/index.ts';
import { rulesAffectedByGaps, type RuleGaps } from './coverage.ts';
import { check, severityRank, type CheckResult, type Violation } from './evaluate.ts';
import { FixShared, planFix, type Fix } from './fix.ts';
import type { RuleFile, Severity } from './types.ts';

export interface CheckReport extends CheckResult {
  /** The rule file as named. */
  readonly file: string;
  /** Where the organization came from (`snapshot acme.json`, `simulated small:1`). */
  readonly source: string;
  /** Fix plans (or why there is none) by violation key, for the first `fixLimit` fixable violations of each rule. */
  readonly fixes: ReadonlyMap<string, Fix>;
  /** Fix plans asked for per rule. */
  readonly fixLimit: number;
  /** Violations that could have a fix plan but were past their rule's limit. */
  readonly unplanned: number;
  /** The `fixLimit` that would plan every fixable violation (the most any rule has). */
  readonly fixLimitForAll: number;
  /** Rules the snapshot's gaps could be hiding violations of (empty for a complete snapshot). */
  readonly gaps: readonly RuleGaps[];
}

export interface CheckReportOptions {
  /**
   * The time exceptions are judged at, in milliseconds since the epoch.
   * @default Date.now()
   */
  readonly now?: number;
  /**
   * How many violations of each rule get a fix plan (the first, in the check's order).
   * @default DEFAULT_FIX_LIMIT (3)
   */
  readonly fixLimit?: number;
  /**
   * The snapshot's coverage.
   * @default complete
   */
  readonly coverage?: Coverage;
  /**
   * Where the organization came from, for headings.
   * @default 'the organization'
   */
  readonly source?: string;
}

/** Fix plans per rule when nothing says otherwise. */
export const DEFAULT_FIX_LIMIT = 3;

/** Whether a violation is of a kind a removal can fix (forbid, none, exclusive). */
export function fixable(v: Violation): boolean {
  return v.finding === 'forbid' || v.finding === 'none' || v.finding === 'exclusive';
}

/** Whether a violation is of one binding (forbid, none, only_through): it has `binding`, from `subject` to `resource`. */
function hasBinding(v: Violation): boolean {
  return v.finding === 'forbid' || v.finding === 'none' || v.finding === 'only_through';
}

/** Checks a rule file and plans the fixes of its first violations. */
export function checkReport(g: AccessGraph, file: RuleFile, options: CheckReportOptions = {}): CheckReport {
  const now = options.now ?? Date.now();
  // Lazy: the violations of a large organization are many (about a million on the bench's xl), and
  // outputs read their paths one violation at a time.
  const result = check(g, file, { now, lazyPaths: true });
  const limit = options.fixLimit ?? DEFAULT_FIX_LIMIT;
  const fixes = new Map<string, Fix>();
  const perRule = new Map<string, number>();
  for (const v of result.violations) if (fixable(v)) perRule.set(v.rule.id, (perRule.get(v.rule.id) ?? 0) + 1);
  const chosen: Violation[] = [];
  const taken = new Map<string, number>();
  for (const v of result.violations) {
    if (!fixable(v) || (taken.get(v.rule.id) ?? 0) >= limit) continue;
    taken.set(v.rule.id, (taken.get(v.rule.id) ?? 0) + 1);
    chosen.push(v);
  }
  if (chosen.length > 0) {
    // A binding that breaks a rule itself is not counted as collateral of another's fix.
    // (The violations of a binding are those of forbid, none and only_through rules; read from their ends, not their lazy binding.)
    const atFault = new Set<string>();
    for (const v of result.violations) if (hasBinding(v)) atFault.add(bindingKey(v.subject!.id, v.resource!.id));
    const session = new WhatIfSession(g);
    const shared = new FixShared();
    for (const v of chosen) fixes.set(v.key, planFix(g, file, v, { now, session, atFault, checked: result, shared }));
  }
  const fixableCount = [...perRule.values()].reduce((a, b) => a + b, 0);
  return {
    ...result,
    file: file.file,
    source: options.source ?? 'the organization',
    fixes,
    fixLimit: limit,
    unplanned: fixableCount - chosen.length,
    fixLimitForAll: Math.max(0, ...perRule.values()),
    gaps: rulesAffectedByGaps(file, options.coverage),
  };
}

/**
 * Why a violation has no fix plan when it is of a fixable kind but past its rule's limit (undefined
 * otherwise): what every output says in place of a plan, so a capped report never reads as "no fix".
 */
export function unplannedNote(report: CheckReport, v: Violation): string | undefined {
  if (!fixable(v) || report.fixes.has(v.key)) return undefined;
  return `not planned: past the first ${report.fixLimit} of rule ${v.rule.id} (--fix-limit ${report.fixLimitForAll} plans every one)`;
}

/** The violations at or above a severity. */
export function failing(violations: readonly Violation[], threshold: Severity): Violation[] {
  return violations.filter((v) => severityRank(v.rule.severity) >= severityRank(threshold));
}

/**
 * A check with everything its outputs show: the result, the fix plans of the first violations (most
 * severe first), and the rules a partial snapshot could be hiding violations of.
 */
import { WhatIfSession } from '../analysis/whatif.ts';
import { bindingKey } from '../analysis/bindings.ts';
import type { AccessGraph } from '../graph/index.ts';
import type { Coverage } from '../model/index.ts';
import { rulesAffectedByGaps, type RuleGaps } from './coverage.ts';
import { check, severityRank, type CheckResult, type Violation } from './evaluate.ts';
import { planFix, type Fix } from './fix.ts';
import type { RuleFile, Severity } from './types.ts';

export interface CheckReport extends CheckResult {
  /** The rule file as named. */
  readonly file: string;
  /** Where the organization came from (`snapshot acme.json`, `simulated small:1`). */
  readonly source: string;
  /** Fix plans (or why there is none) by violation key, for the first `fixLimit` violations that can have one. */
  readonly fixes: ReadonlyMap<string, Fix>;
  /** Violations that could have a fix plan but were past the limit. */
  readonly unplanned: number;
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
   * How many violations get a fix plan (most severe first).
   * @default 20
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

/** Whether a violation is of a kind a removal can fix (forbid, none, exclusive). */
export function fixable(v: Violation): boolean {
  return v.finding === 'forbid' || v.finding === 'none' || v.finding === 'exclusive';
}

/** Checks a rule file and plans the fixes of its first violations. */
export function checkReport(g: AccessGraph, file: RuleFile, options: CheckReportOptions = {}): CheckReport {
  const now = options.now ?? Date.now();
  const result = check(g, file, { now });
  const limit = options.fixLimit ?? 20;
  const session = new WhatIfSession(g);
  const fixes = new Map<string, Fix>();
  const candidates = result.violations.filter(fixable);
  // A binding that breaks a rule itself is not counted as collateral of another's fix.
  const atFault = new Set(result.violations.flatMap((v) => (v.binding ? [bindingKey(v.binding.subject.id, v.binding.target.id)] : [])));
  for (const v of candidates.slice(0, limit)) fixes.set(v.key, planFix(g, file, v, { now, session, atFault }));
  return {
    ...result,
    file: file.file,
    source: options.source ?? 'the organization',
    fixes,
    unplanned: Math.max(0, candidates.length - limit),
    gaps: rulesAffectedByGaps(file, options.coverage),
  };
}

/** The violations at or above a severity. */
export function failing(violations: readonly Violation[], threshold: Severity): Violation[] {
  return violations.filter((v) => severityRank(v.rule.severity) >= severityRank(threshold));
}

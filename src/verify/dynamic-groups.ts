/**
 * verify's dynamic-group check: for every dynamic user and system group of a fresh fetch, the members its
 * rule gives on the fetched records (after exemptions) against the members the API lists. A difference
 * means the rule and the membership disagree: a run of the rule is pending (JumpCloud re-evaluates
 * nightly), or jcgraph reads the rule wrongly (docs/rules.md#reading-a-rule says how to correct that).
 * Members added by hand to a review-required group are no difference (the rule keeps them).
 */
import { cannotEvaluateNote, pendingDifferences, ruleMemberships, type NamedRef } from '../analysis/index.ts';
import type { AccessGraph } from '../graph/index.ts';
import type { Coverage } from '../model/index.ts';

/** A dynamic group whose rule and listed members disagree. */
export interface RuleDifference {
  readonly group: NamedRef;
  readonly method: string;
  /** The rule in words. */
  readonly rule: string;
  /** Objects the rule gives the group that the API does not list. */
  readonly missing: readonly NamedRef[];
  /** Members the API lists that the rule does not give (automated groups only). */
  readonly extra: readonly NamedRef[];
}

/** A dynamic group jcgraph cannot evaluate, with the sentence that says so. */
export interface UnevaluatedGroup {
  readonly group: NamedRef;
  readonly reason: string;
}

export interface DynamicGroupsReport {
  /** Dynamic user and system groups in the fetch. */
  readonly groups: number;
  /** Those compared (their rule evaluates). */
  readonly compared: number;
  readonly agreeing: number;
  readonly differences: readonly RuleDifference[];
  readonly cannotEvaluate: readonly UnevaluatedGroup[];
  /** Why nothing was compared (a fetch that could not read everything), when so. */
  readonly skipped?: string;
}

/** Compares every dynamic group's rule with its listed members; nothing when the fetch behind the graph has gaps. */
export function verifyDynamicGroups(graph: AccessGraph, coverage?: Coverage): DynamicGroupsReport {
  const memberships = ruleMemberships(graph);
  const cannotEvaluate = memberships
    .filter((m) => m.given === undefined)
    .map((m) => ({ group: m.group, reason: cannotEvaluateNote(m.group, m.rule) }));
  const evaluated = memberships.filter((m) => m.given !== undefined);
  if (coverage && !coverage.complete && coverage.gaps.length > 0) {
    const skipped = `the fresh fetch did not read everything (${coverage.gaps.length} collections): a group's members or records may be missing`;
    return { groups: memberships.length, compared: 0, agreeing: 0, differences: [], cannotEvaluate, skipped };
  }
  const differences: RuleDifference[] = [];
  for (const m of evaluated) {
    const { adds, removes } = pendingDifferences(m);
    if (adds.length + removes.length > 0)
      differences.push({ group: m.group, method: m.rule.method, rule: m.rule.text, missing: adds, extra: removes });
  }
  return {
    groups: memberships.length,
    compared: evaluated.length,
    agreeing: evaluated.length - differences.length,
    differences,
    cannotEvaluate,
  };
}

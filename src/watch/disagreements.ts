/**
 * Dynamic groups whose rule and listed members disagree in a way the tenant will change by itself
 * (src/analysis/dynamic-groups.ts pendingDifferences): an object the rule adds that the group does not
 * list (a removal by hand that will not hold, or a run pending), and in a DYNAMIC_AUTOMATED group a listed
 * member the rule removes. Hand-added members of a review-required group are not a disagreement, nor is
 * a group whose rule jcgraph cannot evaluate. The watch says each disagreement once, when it appears.
 */
import { pendingDifferences, ruleMemberships } from '../analysis/dynamic-groups.ts';
import type { NamedRef } from '../analysis/bindings.ts';
import type { AccessGraph } from '../graph/index.ts';
import type { JsonObject } from '../model/index.ts';
import { detectionFinding } from './lines.ts';

/** One member on which a dynamic group's rule and its listed members disagree. */
export interface RuleDisagreement {
  readonly group: NamedRef;
  readonly member: NamedRef;
  /** `adds`: the rule gives the member, the group does not list it; `removes`: the other way round. */
  readonly way: 'adds' | 'removes';
  /** The group's rule in words. */
  readonly rule: string;
}

/** Every disagreement of the graph's dynamic groups, by `group|member|way`. */
export function ruleDisagreements(g: AccessGraph): Map<string, RuleDisagreement> {
  const out = new Map<string, RuleDisagreement>();
  for (const m of ruleMemberships(g)) {
    const { adds, removes } = pendingDifferences(m);
    for (const [way, members] of [
      ['adds', adds],
      ['removes', removes],
    ] as const)
      for (const member of members) out.set(`${m.group.id}|${member.id}|${way}`, { group: m.group, member, way, rule: m.rule.text });
  }
  return out;
}

/** Detection Findings (class 2004) for the disagreements of `now` that `before` did not have. */
export function disagreementFindings(
  before: ReadonlyMap<string, RuleDisagreement>,
  now: ReadonlyMap<string, RuleDisagreement>,
  options: { readonly time: number; readonly productVersion: string },
): JsonObject[] {
  const out: JsonObject[] = [];
  for (const [key, d] of now) {
    if (before.has(key)) continue;
    out.push(
      detectionFinding({
        kind: 'dynamic-group-disagrees',
        severity: 'medium',
        title:
          d.way === 'adds'
            ? `the group's rule (${d.rule}) gives it this member, which it does not list`
            : `the group's rule (${d.rule}) removes this member, which it lists`,
        subject: d.group,
        resource: d.member,
        paths: [],
        time: options.time,
        productVersion: options.productVersion,
      }),
    );
  }
  return out;
}

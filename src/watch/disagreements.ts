/**
 * Dynamic groups whose rule and listed members disagree in a way the tenant will change by itself
 * (src/analysis/dynamic-groups.ts pendingDifferences): an object the rule adds that the group does not
 * list (a removal by hand that will not hold, or a run pending), and in a DYNAMIC_AUTOMATED group a listed
 * member the rule removes. Hand-added members of a review-required group are not a disagreement, nor is
 * a group whose rule jcgraph cannot evaluate. The watch says each disagreement once, when it appears.
 */
import { dynamicGroups, pendingDifferences, ruleMembership, RuleCandidates, type RuleMembership } from '../analysis/dynamic-groups.ts';
import type { NamedRef } from '../analysis/bindings.ts';
import type { TenantDiff } from '../analysis/tenant-diff.ts';
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

function addDisagreements(out: Map<string, RuleDisagreement>, m: RuleMembership): void {
  const { adds, removes } = pendingDifferences(m);
  for (const [way, members] of [
    ['adds', adds],
    ['removes', removes],
  ] as const)
    for (const member of members) out.set(`${m.group.id}|${member.id}|${way}`, { group: m.group, member, way, rule: m.rule.text });
}

/** Every disagreement of the graph's dynamic groups, by `group|member|way`. */
export function ruleDisagreements(g: AccessGraph): Map<string, RuleDisagreement> {
  return updatedDisagreements(g);
}

/**
 * The disagreements of `g` (the graph of a tenant that `diff` made from an earlier one whose
 * disagreements were `before`), evaluating again only the groups the differences can touch: a group's
 * disagreements follow from its record (the rule), the members it lists and the records of the objects of
 * its member type, so a group is evaluated again when it was added or its record changed, a membership of
 * it was added or removed, or an object of its member type was added, removed or changed. The others keep
 * theirs. Without `before` and `diff`, every group is evaluated.
 */
export function updatedDisagreements(
  g: AccessGraph,
  since?: { readonly before: ReadonlyMap<string, RuleDisagreement>; readonly diff: TenantDiff },
): Map<string, RuleDisagreement> {
  const out = new Map<string, RuleDisagreement>();
  let stale: (group: string, memberType: string) => boolean = () => true;
  if (since) {
    const { before, diff } = since;
    const groups = new Set([...diff.objectsAdded, ...diff.objectsRemoved, ...diff.objectsChanged].map((o) => o.id));
    for (const e of [...diff.edgesAdded, ...diff.edgesRemoved]) if (e.kind === 'membership') groups.add(e.from.id);
    const memberTypes = new Set([...diff.objectsAdded, ...diff.objectsRemoved, ...diff.objectsChanged].map((o) => o.type));
    stale = (group, memberType) => groups.has(group) || memberTypes.has(memberType);
    for (const [key, d] of before) if (!stale(d.group.id, d.member.type)) out.set(key, d);
  }
  const candidates = new RuleCandidates(g);
  for (const d of dynamicGroups(g)) if (stale(d.group.id, d.rule.memberType)) addDisagreements(out, ruleMembership(g, d, candidates));
  return out;
}

/** Detection Findings (class 2004) for the disagreements of `now` that `before` did not have. */
export function disagreementFindings(
  before: ReadonlyMap<string, RuleDisagreement>,
  now: ReadonlyMap<string, RuleDisagreement>,
  options: { readonly time: number; readonly since?: string; readonly productVersion: string },
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
        ...(options.since !== undefined ? { since: options.since } : {}),
        productVersion: options.productVersion,
      }),
    );
  }
  return out;
}

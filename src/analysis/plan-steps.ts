/**
 * The steps of revoke and offboarding plans, and what each does to the tenant, dynamic groups included.
 *
 * A step ends one edge. An association, and a membership its group's rule does not produce (a static
 * group, or a member added by hand), is a **removal** (`action: 'remove'`, the members/associations
 * POST). A membership the group's rule produces cannot be removed: the rule adds it back
 * (docs/domain.md#dynamic-groups). Its step is an **exemption** (`action: 'exempt'`): the group's PUT
 * with the record as read and the member appended to `memberQueryExemptions`. The rule stays; only this
 * member is exempted. In an automated group the rule's next run removes the member; in a review-required
 * group (whose rule never removes a member) the exemption is followed by the removal, which now holds.
 * A membership of a dynamic group whose rule jcgraph cannot evaluate is a removal that says so.
 *
 * The exemption ends exactly the member's paths through the group, as the removal would: collateral is
 * the same, and so is what the cut is priced at (docs/rules.md#revoke-search).
 */
import { filterText, matchingFilters, type GroupRule, type JsonObject, type JsonValue, type ObjectRef } from '../model/index.ts';
import type { AccessGraph } from '../graph/index.ts';
import { bindingKey, namedRef, type AccessPath, type Binding, type NamedRef } from './bindings.ts';
import { cannotEvaluateNote, membershipSource, type MembershipSource } from './dynamic-groups.ts';
import { edgeKey, type EdgeRef } from './edges.ts';
import { edgeOperation, exemptionOperation, type ApiOperation } from './operations.ts';
import type { RuleEffects } from './rule-effects.ts';
import type { SubjectDelta } from './delta.ts';

/** A binding that used a removed edge and survives through other paths. */
export interface SurvivingBinding {
  readonly subject: NamedRef;
  readonly target: NamedRef;
  /** The paths it keeps. */
  readonly paths: readonly AccessPath[];
  /** The paths it loses. */
  readonly lostPaths: readonly AccessPath[];
}

export interface Collateral {
  /** Other bindings the removals end (other subjects', and the subject's other bindings). */
  readonly lost: readonly Binding[];
  /** Bindings that used a removed edge but keep access through other paths. */
  readonly surviving: readonly SurvivingBinding[];
}

/** An attribute value of the member that its group's rule matches: what to change where an exemption is not wanted. */
export interface RuleMatch {
  /** The record field (`department`; `state` for the rule's userState). */
  readonly field: string;
  readonly value: JsonValue;
  /** The filter it satisfies, in words (`department eq "Engineering"`). */
  readonly filter: string;
}

/** What an exemption step exempts, from which rule, and how the membership then ends. */
export interface Exemption {
  readonly group: NamedRef;
  readonly member: NamedRef;
  /** DYNAMIC_AUTOMATED or DYNAMIC_REVIEW_REQUIRED. */
  readonly method: string;
  /** The group's rule in words; it stays as it is. */
  readonly rule: string;
  /** The group's record as read: the PUT sends it back (its PUT fields) with the member appended to its exemptions. */
  readonly record: JsonObject;
  /**
   * What ends the membership once the member is exempt: the rule's own run (automated), or the removal
   * in the next step (review required); `not-a-member`: the member is not in the group, and the
   * exemption keeps the rule from adding it (an offboarded user a rule would take in once suspended).
   */
  readonly removedBy: 'rule' | 'next-step' | 'not-a-member';
  /** Where an exemption is not wanted: the member's attribute values the rule matches. */
  readonly matchedBy: readonly RuleMatch[];
}

export interface EdgeStepFields {
  readonly edge: EdgeRef;
  readonly edgeKey: string;
  /** Names of the edge's ends (group, member for a membership). */
  readonly from: NamedRef;
  readonly to: NamedRef;
  /** The dry-run API call. */
  readonly operation: ApiOperation;
  readonly collateral: Collateral;
  /** What the step needs said: a removal that holds because the previous step exempted the member, or a rule jcgraph cannot evaluate. */
  readonly note?: string;
}

/** Removes a membership or an association (the members/associations POST). */
export interface RemoveStep extends EdgeStepFields {
  readonly action: 'remove';
}

/** Exempts a member from its dynamic group's rule (the group's PUT). */
export interface ExemptStep extends EdgeStepFields {
  readonly action: 'exempt';
  readonly exemption: Exemption;
}

/** A step that ends one edge. */
export type EdgeCutStep = RemoveStep | ExemptStep;

/** How one edge of a cut ends: a removal, or an exemption (then, in a review-required group, the removal). */
export interface EdgeCut {
  readonly edge: EdgeRef;
  readonly key: string;
  /** For a membership: where it comes from. */
  readonly source?: MembershipSource;
}

/** Where each membership among `edges` comes from (associations are left out). */
export function membershipSources(g: AccessGraph, edges: Iterable<EdgeRef>): Map<string, MembershipSource> {
  const out = new Map<string, MembershipSource>();
  for (const e of edges) {
    const source = membershipSource(g, e);
    if (source) out.set(edgeKey(e), source);
  }
  return out;
}

/** Whether cutting this edge needs an exemption (its group's rule produces it). */
export function needsExemption(source: MembershipSource | undefined): boolean {
  return source?.origin === 'rule';
}

/** `user_group:Engineering adds user:jana by its rule department eq "Engineering"`. */
export function ruleSentence(source: MembershipSource, format: (r: NamedRef) => string): string {
  return `${format(source.group)} adds ${format(source.member)} by its rule ${source.rule?.text ?? ''}`;
}

function exemptionOf(
  g: AccessGraph,
  source: MembershipSource,
  rule: GroupRule,
  memberRecord = g.object(source.member.id).record,
): Exemption {
  const matchedBy = rule.query.readable
    ? matchingFilters(rule.query.filters, memberRecord, rule.memberType).map((m) => ({
        field: m.recordField,
        value: m.recordValue as JsonValue,
        filter: filterText(m.filter),
      }))
    : [];
  return {
    group: source.group,
    member: source.member,
    method: rule.method,
    rule: rule.text,
    record: g.object(source.group.id).record,
    removedBy: rule.method === 'DYNAMIC_AUTOMATED' ? 'rule' : 'next-step',
    matchedBy,
  };
}

/** The exemption that keeps a rule from adding `member` to `group` (not a member yet): no removal follows. */
export function preventiveExemption(g: AccessGraph, source: MembershipSource, rule: GroupRule, memberRecord: JsonObject): ExemptStep {
  const edge: EdgeRef = {
    kind: 'membership',
    from: { type: source.group.type, id: source.group.id },
    to: { type: source.member.type, id: source.member.id },
  };
  const exemption = { ...exemptionOf(g, source, rule, memberRecord), removedBy: 'not-a-member' as const, matchedBy: [] };
  return {
    edge,
    edgeKey: edgeKey(edge),
    from: source.group,
    to: source.member,
    action: 'exempt',
    operation: exemptionOperation(edge.from, exemption.record, edge.to),
    collateral: { lost: [], surviving: [] },
    exemption,
  };
}

/**
 * The steps that end one edge: its removal; or, for a membership its group's rule produces, its
 * exemption (followed by the removal in a review-required group). `preferredEnds` choose the side an
 * association is removed from; `collateral` is given to the step that ends the edge.
 */
export function stepsForEdge(
  g: AccessGraph,
  cut: EdgeCut,
  preferredEnds: readonly string[],
  collateral: Collateral,
  memberRecord?: JsonObject,
): EdgeCutStep[] {
  const { edge, key, source } = cut;
  const base = { edge, edgeKey: key, from: namedRef(g, edge.from.id), to: namedRef(g, edge.to.id) };
  const none: Collateral = { lost: [], surviving: [] };
  if (source?.origin === 'rule' && source.rule) {
    const exemption = exemptionOf(g, source, source.rule, memberRecord);
    const exempt: ExemptStep = {
      ...base,
      action: 'exempt',
      operation: exemptionOperation(edge.from, exemption.record, edge.to),
      collateral: exemption.removedBy === 'rule' ? collateral : none,
      exemption,
    };
    if (exemption.removedBy === 'rule') return [exempt];
    const removal: RemoveStep = {
      ...base,
      action: 'remove',
      operation: edgeOperation('remove', edge, preferredEnds),
      collateral,
      note: `holds: the previous step exempted ${source.member.type}:${source.member.name} from the rule`,
    };
    return [exempt, removal];
  }
  return [
    {
      ...base,
      action: 'remove',
      operation: edgeOperation('remove', edge, preferredEnds),
      collateral,
      ...(source?.origin === 'unknown' && source.rule
        ? { note: `${cannotEvaluateNote(source.group, source.rule)}: this removal may not hold` }
        : {}),
    },
  ];
}

/**
 * Several exemptions from one group (a plan for many bindings): each PUT sends the record as read with
 * every member the plan exempts from that group, the same body for all of them. A PUT with only its own
 * member would drop the exemptions sent before it (the rule would take those members back); with the same
 * body, whichever is sent first makes them all, and the others find the record as they would leave it.
 * Each step still expects the record as read, and still ends its own member's membership.
 */
export function sharedExemptions<T extends EdgeCutStep>(steps: readonly T[]): T[] {
  const members = new Map<string, ObjectRef[]>();
  for (const s of steps)
    if (s.action === 'exempt')
      members.set(s.edge.from.id, [...(members.get(s.edge.from.id) ?? []), { id: s.edge.to.id, type: s.edge.to.type }]);
  return steps.map((s) => {
    const all = s.action === 'exempt' ? members.get(s.edge.from.id) : undefined;
    if (s.action !== 'exempt' || !all || all.length < 2) return s;
    const current = s.exemption.record['memberQueryExemptions'];
    const earlier = all.slice(0, -1).map((m): JsonObject => ({ id: m.id, type: m.type }));
    const record = { ...s.exemption.record, memberQueryExemptions: [...(Array.isArray(current) ? current : []), ...earlier] };
    return { ...s, operation: exemptionOperation(s.edge.from, record, all[all.length - 1]!) };
  });
}

/** What the tenant does when the steps of a cut are sent: the exemptions and removals, and the rules' runs they set off. */
export function applyCut(effects: RuleEffects, cut: EdgeCut): void {
  const { edge, source } = cut;
  if (source?.origin === 'rule') {
    effects.exempt(edge.from.id, edge.to);
    if (source.rule?.method !== 'DYNAMIC_AUTOMATED') effects.removeEdge(edge);
  } else {
    effects.removeEdge(edge);
  }
}

/** Plan-level collateral from a what-if of the plan's effects (re-traversal); `revokedKey` is left out of `lost`. */
export function collateralOf(deltas: readonly SubjectDelta[], revokedKey: string | undefined): Collateral {
  const lost: Binding[] = [];
  const surviving: SurvivingBinding[] = [];
  for (const d of deltas) {
    for (const b of d.lost) if (bindingKey(b.subject.id, b.target.id) !== revokedKey) lost.push(b);
    for (const c of d.changed) {
      const kept = new Set(c.after.paths.map((p) => p.edgeKeys.join('\u0000')));
      surviving.push({
        subject: c.after.subject,
        target: c.after.target,
        paths: c.after.paths,
        lostPaths: c.before.paths.filter((p) => !kept.has(p.edgeKeys.join('\u0000'))),
      });
    }
  }
  return { lost, surviving };
}

/** The part of a plan's collateral that runs through one edge. */
export function stepCollateral(plan: Collateral, key: string): Collateral {
  return {
    lost: plan.lost.filter((b) => b.paths.some((p) => p.edgeKeys.includes(key))),
    surviving: plan.surviving.filter((s) => s.lostPaths.some((p) => p.edgeKeys.includes(key))),
  };
}

/**
 * Dynamic groups on a graph: each user or system group's rule (src/model/member-query-group.ts), where a
 * membership comes from (the rule, the admin's hand, or a rule jcgraph cannot evaluate), and, for a
 * dynamic group, the members its rule gives on the graph's records against the members the API lists.
 *
 * Records are read from the graph (a snapshot index decodes them when asked), so asking about one
 * membership costs two records; comparing every dynamic group reads each member type's records once.
 */
import {
  RULE_GROUP_MEMBERS,
  groupRuleOf,
  isEvaluable,
  membershipOrigin,
  ruleAdds,
  type GroupRule,
  type MembershipOrigin,
  type RuleCandidate,
} from '../model/index.ts';
import type { AccessGraph } from '../graph/index.ts';
import { namedRef, type NamedRef } from './bindings.ts';
import type { EdgeRef } from './edges.ts';
import { formatReference } from './resolve.ts';

/** The rule of a user or system group; undefined for any other object. */
export function groupRule(g: AccessGraph, groupId: string): GroupRule | undefined {
  const o = g.object(groupId);
  return RULE_GROUP_MEMBERS[o.type] ? groupRuleOf(o.type, o.record) : undefined;
}

/**
 * What every answer that depends on a group whose rule jcgraph cannot evaluate says (with the reason):
 * `membership of user_group:"All Staff" is computed by a rule jcgraph cannot evaluate (…)`.
 */
export function cannotEvaluateNote(group: NamedRef, rule: GroupRule): string {
  return `membership of ${formatReference(group)} is computed by a rule jcgraph cannot evaluate (${rule.cannotEvaluate ?? rule.text})`;
}

/** Where one membership comes from. */
export interface MembershipSource {
  readonly group: NamedRef;
  readonly member: NamedRef;
  readonly origin: MembershipOrigin;
  /** The group's rule, for a dynamic group. */
  readonly rule?: GroupRule;
}

/** The source of a membership edge (group → member); undefined for an association. */
export function membershipSource(g: AccessGraph, edge: EdgeRef): MembershipSource | undefined {
  if (edge.kind !== 'membership') return undefined;
  const group = namedRef(g, edge.from.id);
  const member = namedRef(g, edge.to.id);
  const rule = groupRule(g, edge.from.id);
  if (!rule?.dynamic) return { group, member, origin: 'hand' };
  return { group, member, origin: membershipOrigin(rule, { id: member.id, record: g.object(member.id).record }), rule };
}

/** A dynamic group with its rule. */
export interface DynamicGroup {
  readonly group: NamedRef;
  readonly rule: GroupRule;
}

/** Every dynamic user and system group of the graph, in the graph's order. */
export function dynamicGroups(g: AccessGraph): DynamicGroup[] {
  const out: DynamicGroup[] = [];
  for (const type of Object.keys(RULE_GROUP_MEMBERS)) {
    for (const o of g.objects(type)) {
      const rule = groupRuleOf(type, o.record);
      if (rule?.dynamic) out.push({ group: { type: o.type, id: o.id, name: o.name }, rule });
    }
  }
  return out;
}

/** The members a group lists, by id. */
export function listedMembers(g: AccessGraph, groupId: string): Set<string> {
  const out = new Set<string>();
  for (const e of g.edgesOf(groupId)) if (e.kind === 'membership' && e.from.id === groupId) out.add(e.to.id);
  return out;
}

/** A dynamic group's rule against its listed members. */
export interface RuleMembership extends DynamicGroup {
  /** Members the API lists. */
  readonly listed: number;
  /** Objects the rule gives the group (matching, not exempt); undefined when it cannot be evaluated. */
  readonly given?: number;
  /** Objects the rule adds that the group does not list (a removal that will not hold, or a run pending). */
  readonly missing: readonly NamedRef[];
  /**
   * Listed members the rule does not give: AUTOMATED, members its next run removes; REVIEW_REQUIRED,
   * members added by hand (which the rule keeps), or suggestions to remove awaiting review.
   */
  readonly notGiven: readonly NamedRef[];
}

/** Reads each member type's records once, for comparing many groups. */
export class RuleCandidates {
  private readonly byType = new Map<string, RuleCandidate[]>();
  constructor(private readonly g: AccessGraph) {}

  /** Every object of `type` with its record. */
  of(type: string): readonly RuleCandidate[] {
    let list = this.byType.get(type);
    if (!list) this.byType.set(type, (list = [...this.g.objects(type)].map((o) => ({ id: o.id, record: o.record }))));
    return list;
  }
}

/** One dynamic group's rule against its members, on the graph's records (candidates read once across calls). */
export function ruleMembership(g: AccessGraph, group: DynamicGroup, candidates = new RuleCandidates(g)): RuleMembership {
  const listed = listedMembers(g, group.group.id);
  const name = (id: string): NamedRef => namedRef(g, id);
  if (!isEvaluable(group.rule)) return { ...group, listed: listed.size, missing: [], notGiven: [] };
  const given = new Set<string>();
  for (const c of candidates.of(group.rule.memberType)) if (ruleAdds(group.rule, c)) given.add(c.id);
  const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return {
    ...group,
    listed: listed.size,
    given: given.size,
    missing: [...given]
      .filter((id) => !listed.has(id))
      .sort(byId)
      .map(name),
    notGiven: [...listed]
      .filter((id) => !given.has(id))
      .sort(byId)
      .map(name),
  };
}

/** Every dynamic group's rule against its members. */
export function ruleMemberships(g: AccessGraph): RuleMembership[] {
  const candidates = new RuleCandidates(g);
  return dynamicGroups(g).map((d) => ruleMembership(g, d, candidates));
}

/**
 * Where the rule and the listed members disagree in a way the tenant will change by itself: objects the
 * rule adds that are not listed, and (AUTOMATED only) listed members it removes. Hand-added members of a
 * REVIEW_REQUIRED group are not a difference.
 */
export function pendingDifferences(m: RuleMembership): { readonly adds: readonly NamedRef[]; readonly removes: readonly NamedRef[] } {
  return { adds: m.missing, removes: m.rule.method === 'DYNAMIC_AUTOMATED' ? m.notGiven : [] };
}

/** A group's rule as a person reads it: what the explorer's group page and the object document show. */
export interface RuleSummary {
  readonly method: string;
  readonly dynamic: boolean;
  /** The rule in words (`department eq "Engineering"`), or why it is unreadable. */
  readonly rule: string;
  /** Exempted objects, named; one no longer in the organization is named by its id, with `gone`. */
  readonly exemptions: readonly (NamedRef & { readonly gone?: true })[];
  readonly errorFlags: readonly string[];
  /** For a dynamic group jcgraph cannot evaluate: the sentence every answer about it says. */
  readonly cannotEvaluate?: string;
}

/** The rule of a user or system group, named and in words; undefined for any other object. */
export function ruleSummary(g: AccessGraph, groupId: string): RuleSummary | undefined {
  const rule = groupRule(g, groupId);
  if (!rule) return undefined;
  const group = namedRef(g, groupId);
  return {
    method: rule.method,
    dynamic: rule.dynamic,
    rule: rule.text,
    exemptions: rule.exemptions.map((e) => (g.hasObject(e.id) ? namedRef(g, e.id) : { type: e.type, id: e.id, name: e.id, gone: true })),
    errorFlags: rule.errorFlags,
    ...(rule.dynamic && !isEvaluable(rule) ? { cannotEvaluate: cannotEvaluateNote(group, rule) } : {}),
  };
}

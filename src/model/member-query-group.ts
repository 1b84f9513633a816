/**
 * What a dynamic group's rule does to its members: the group's `membershipMethod`, `memberQuery`,
 * `memberQueryExemptions` and `memberQueryErrorFlags` (v2 `UserGroup` / `SystemGroup`) read as one
 * `GroupRule`, the members the rule gives the group on a set of records, and whether a membership is
 * the rule's (rule-produced, so a removal does not hold) or the admin's.
 *
 * Semantics (the contract jcgraph and its simulator share; RULE marks a choice where the sources are
 * silent; docs/rules.md#what-a-rule-does-to-its-group):
 * - `DYNAMIC_AUTOMATED`: the members are every object of the member type the rule matches, minus the
 *   exemptions (non-matching members are removed, matching ones added).
 * - `DYNAMIC_REVIEW_REQUIRED` (RULE): the rule adds every matching, non-exempt object (as if the admin
 *   approved the suggestion, which is what makes a manual removal not hold) and never removes a member,
 *   so members added by hand stay.
 * - `STATIC`, `NOTSET` (or no method): no rule runs.
 * - A group whose rule is unreadable, or which the tenant flags in error (`memberQueryErrorFlags`), or
 *   whose method or exemptions jcgraph cannot read, cannot be evaluated: its membership is whatever the
 *   API lists, and every answer that depends on it says so.
 * - A membership is rule-produced when its group is dynamic with a rule jcgraph evaluates, the rule
 *   matches the member, and the member is not exempt.
 */
import { filtersMatch, memberQueryText, readMemberQuery, type MemberQueryReading, type RuleMemberType } from './member-query.ts';
import { isJsonObject, type JsonObject, type JsonValue } from './tenant.ts';

export const MEMBERSHIP_METHODS = ['NOTSET', 'STATIC', 'DYNAMIC_REVIEW_REQUIRED', 'DYNAMIC_AUTOMATED'] as const;
/** How a group's members are decided (the spec's GroupMembershipMethodType). */
export type MembershipMethod = (typeof MEMBERSHIP_METHODS)[number];

/** An object a rule must not add (the spec's MemberQueryExemption). */
export interface MemberQueryExemption {
  readonly id: string;
  readonly type: string;
}

/** The group types a rule can fill, and the type of their members. */
export const RULE_GROUP_MEMBERS: Readonly<Record<string, RuleMemberType>> = { user_group: 'user', system_group: 'system' };

/** A group's rule as its record holds it. */
export interface GroupRule {
  /** The method as read (a value jcgraph does not know is kept as read, and the rule cannot be evaluated). */
  readonly method: string;
  /** DYNAMIC_AUTOMATED or DYNAMIC_REVIEW_REQUIRED (or a method jcgraph does not know): the tenant computes members. */
  readonly dynamic: boolean;
  readonly memberType: RuleMemberType;
  readonly query: MemberQueryReading;
  readonly exemptions: readonly MemberQueryExemption[];
  readonly errorFlags: readonly string[];
  /** Why jcgraph cannot evaluate this dynamic group's rule; undefined when it can (or the group is static). */
  readonly cannotEvaluate?: string;
  /** The rule in words: `department eq "Engineering"`. */
  readonly text: string;
}

/** A member as a rule sees it. */
export interface RuleCandidate {
  readonly id: string;
  readonly record: JsonObject;
}

function readExemptions(value: JsonValue | undefined): MemberQueryExemption[] | string {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return 'its memberQueryExemptions is not a list';
  const out: MemberQueryExemption[] = [];
  for (const item of value) {
    if (!isJsonObject(item) || typeof item['id'] !== 'string') return 'an entry of its memberQueryExemptions has no id';
    out.push({ id: item['id'], type: typeof item['type'] === 'string' ? item['type'] : '' });
  }
  return out;
}

function readErrorFlags(value: JsonValue | undefined): string[] | string {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return 'its memberQueryErrorFlags is not a list';
  return value.map((f) => (typeof f === 'string' ? f : JSON.stringify(f)));
}

/** The rule of a user or system group's record; undefined for any other type (no rule fills it). */
export function groupRuleOf(groupType: string, record: JsonObject): GroupRule | undefined {
  const memberType = RULE_GROUP_MEMBERS[groupType];
  if (!memberType) return undefined;
  const rawMethod = record['membershipMethod'];
  const method = typeof rawMethod === 'string' ? rawMethod : 'NOTSET';
  const known = (MEMBERSHIP_METHODS as readonly string[]).includes(method);
  const dynamic = method.startsWith('DYNAMIC') || !known;
  const query = readMemberQuery(record['memberQuery'], memberType);
  const exemptions = readExemptions(record['memberQueryExemptions']);
  const errorFlags = readErrorFlags(record['memberQueryErrorFlags']);
  let cannotEvaluate: string | undefined;
  if (dynamic) {
    if (!known) cannotEvaluate = `its membershipMethod ${JSON.stringify(method)} is not one jcgraph knows`;
    else if (typeof errorFlags === 'string') cannotEvaluate = errorFlags;
    else if (errorFlags.length > 0) cannotEvaluate = `the tenant flags its rule in error (${errorFlags.join(', ')})`;
    else if (!query.readable) cannotEvaluate = query.reason;
    else if (typeof exemptions === 'string') cannotEvaluate = exemptions;
  }
  return {
    method,
    dynamic,
    memberType,
    query,
    exemptions: typeof exemptions === 'string' ? [] : exemptions,
    errorFlags: typeof errorFlags === 'string' ? [] : errorFlags,
    ...(cannotEvaluate !== undefined ? { cannotEvaluate } : {}),
    text: memberQueryText(query),
  };
}

/** Whether the rule evaluates: a dynamic group jcgraph can compute. */
export function isEvaluable(rule: GroupRule): boolean {
  return rule.dynamic && rule.cannotEvaluate === undefined && rule.query.readable;
}

/** Whether the group's exemptions name this member. */
export function isExempt(rule: GroupRule, memberId: string): boolean {
  return rule.exemptions.some((e) => e.id === memberId);
}

/** Whether the rule adds this member (evaluable, matching, not exempt): a membership it produces. */
export function ruleAdds(rule: GroupRule, member: RuleCandidate): boolean {
  return (
    isEvaluable(rule) &&
    rule.query.readable &&
    !isExempt(rule, member.id) &&
    filtersMatch(rule.query.filters, member.record, rule.memberType)
  );
}

/** Where a membership comes from: the group's rule, the admin's hand, or jcgraph cannot tell (the rule cannot be evaluated). */
export type MembershipOrigin = 'rule' | 'hand' | 'unknown';

/** The origin of `member`'s membership of the group whose rule this is. */
export function membershipOrigin(rule: GroupRule, member: RuleCandidate): MembershipOrigin {
  if (!rule.dynamic) return 'hand';
  if (!isEvaluable(rule)) return 'unknown';
  return ruleAdds(rule, member) ? 'rule' : 'hand';
}

/**
 * The members the group has once its rule has run over `candidates` (every object of its member type),
 * starting from `current`: AUTOMATED, the matching non-exempt candidates; REVIEW_REQUIRED, `current`
 * plus those; static, `current`. Undefined when the rule cannot be evaluated (the tenant's answer is
 * unknown).
 */
export function membersByRule(rule: GroupRule, current: ReadonlySet<string>, candidates: Iterable<RuleCandidate>): Set<string> | undefined {
  if (!rule.dynamic) return new Set(current);
  if (!isEvaluable(rule)) return undefined;
  const out = rule.method === 'DYNAMIC_AUTOMATED' ? new Set<string>() : new Set(current);
  for (const c of candidates) if (ruleAdds(rule, c)) out.add(c.id);
  return out;
}

/**
 * Whether the group, once its rule runs, has `member` (currently a member or not): undefined when the
 * rule cannot be evaluated. The one-object form of membersByRule.
 */
export function keepsMember(rule: GroupRule, member: RuleCandidate, isMember: boolean): boolean | undefined {
  if (!rule.dynamic) return isMember;
  if (!isEvaluable(rule)) return undefined;
  if (ruleAdds(rule, member)) return true;
  return rule.method === 'DYNAMIC_AUTOMATED' ? false : isMember;
}

/** The fields of a group a PUT takes (the spec's UserGroupPut / SystemGroupPut), in the order they are sent. */
export const GROUP_PUT_FIELDS = [
  'name',
  'description',
  'email',
  'attributes',
  'memberQuery',
  'membershipMethod',
  'memberSuggestionsNotify',
  'memberQueryExemptions',
] as const;

/**
 * The body of the PUT that exempts a member: the group's record as read, cut to the PUT's fields, with
 * `exemption` appended to `memberQueryExemptions` (`name` is required, so the whole group is sent).
 */
export function exemptionBody(record: JsonObject, exemption: MemberQueryExemption): JsonObject {
  const body: JsonObject = {};
  for (const field of GROUP_PUT_FIELDS) {
    const value = record[field];
    if (value !== undefined) body[field] = value;
  }
  const current = Array.isArray(record['memberQueryExemptions']) ? record['memberQueryExemptions'] : [];
  body['memberQueryExemptions'] = [...current, { id: exemption.id, type: exemption.type }];
  return body;
}

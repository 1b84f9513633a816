/**
 * What running the rules changes: the memberships a group's rule adds and removes now, for the whole group
 * (its rule, exemptions or members changed) or for one object (a user or device created or edited). A
 * running rule adds every object it wants that is not a member; a DYNAMIC_AUTOMATED rule also removes
 * every member it does not want. Frozen rules and static groups change nothing.
 */
import type { JsonObject, ObjectRef, TenantData, TenantObject } from '../../model/index.ts';
import { type GroupRule, groupRule, ruleWants } from './group-rule.ts';

/** A membership a rule adds or removes. */
export interface RuleMembershipChange {
  readonly op: 'add' | 'remove';
  readonly group: ObjectRef;
  readonly member: ObjectRef;
}

/** What the rules read of an organization: its objects by type and its memberships. */
export interface RuleView {
  /** Every object of a type (users, systems, user groups, system groups). */
  objectsOf(type: string): Iterable<TenantObject>;
  isMember(group: ObjectRef, member: ObjectRef): boolean;
  /** The direct members of a group. */
  membersOf(group: ObjectRef): Iterable<ObjectRef>;
}

const RULES = new WeakMap<JsonObject, GroupRule>();

/** A group's rule, read once per record object (a record changes by being replaced). */
export function ruleOf(group: TenantObject): GroupRule {
  let rule = RULES.get(group.record);
  if (!rule) {
    rule = groupRule(group.type, group.record);
    RULES.set(group.record, rule);
  }
  return rule;
}

function ref(o: ObjectRef): ObjectRef {
  return { type: o.type, id: o.id };
}

/** The changes one group's rule makes now, over every object of its member type and every member. */
export function groupRuleChanges(view: RuleView, group: TenantObject): RuleMembershipChange[] {
  const rule = ruleOf(group);
  if (rule.state !== 'running') return [];
  const out: RuleMembershipChange[] = [];
  const wanted = new Set<string>();
  // The members read once, not asked one by one: a company-wide group holds most of the organization.
  const members = [...view.membersOf(group)];
  const memberIds = new Set(members.filter((m) => m.type === rule.memberType).map((m) => m.id));
  for (const object of view.objectsOf(rule.memberType)) {
    if (!ruleWants(rule, object, object.record)) continue;
    wanted.add(object.id);
    if (!memberIds.has(object.id)) out.push({ op: 'add', group: ref(group), member: ref(object) });
  }
  if (rule.method === 'DYNAMIC_AUTOMATED') {
    for (const member of members) {
      if (!wanted.has(member.id)) out.push({ op: 'remove', group: ref(group), member: ref(member) });
    }
  }
  return out;
}

/** What one group's rule does about one object: add it, take it out (DYNAMIC_AUTOMATED only), or nothing. */
export function pairRuleChange(view: RuleView, group: TenantObject, object: TenantObject): RuleMembershipChange | undefined {
  const rule = ruleOf(group);
  if (rule.state !== 'running' || object.type !== rule.memberType) return undefined;
  const wants = ruleWants(rule, object, object.record);
  const member = view.isMember(group, object);
  if (wants && !member) return { op: 'add', group: ref(group), member: ref(object) };
  if (!wants && member && rule.method === 'DYNAMIC_AUTOMATED') return { op: 'remove', group: ref(group), member: ref(object) };
  return undefined;
}

/** The changes the rules of every group of the object's type make for that one object (created or edited). */
export function memberRuleChanges(view: RuleView, object: TenantObject): RuleMembershipChange[] {
  const groupType = object.type === 'user' ? 'user_group' : object.type === 'system' ? 'system_group' : undefined;
  if (groupType === undefined) return [];
  const out: RuleMembershipChange[] = [];
  for (const group of view.objectsOf(groupType)) {
    const change = pairRuleChange(view, group, object);
    if (change) out.push(change);
  }
  return out;
}

/** The changes every group's rule would make now: none, for an organization its rules have caught up with. */
export function allRuleChanges(view: RuleView): RuleMembershipChange[] {
  const out: RuleMembershipChange[] = [];
  for (const type of ['user_group', 'system_group']) for (const group of view.objectsOf(type)) out.push(...groupRuleChanges(view, group));
  return out;
}

/** A RuleView of a TenantData, built once. */
export function tenantRuleView(tenant: TenantData): RuleView {
  const byType = new Map<string, TenantObject[]>();
  for (const o of tenant.objects) {
    let list = byType.get(o.type);
    if (!list) byType.set(o.type, (list = []));
    list.push(o);
  }
  const members = new Map<string, ObjectRef[]>();
  const memberships = new Set<string>();
  for (const e of tenant.edges) {
    if (e.kind !== 'membership') continue;
    const key = `${e.from.type}:${e.from.id}`;
    let list = members.get(key);
    if (!list) members.set(key, (list = []));
    list.push(e.to);
    memberships.add(`${key}>${e.to.type}:${e.to.id}`);
  }
  return {
    objectsOf: (type) => byType.get(type) ?? [],
    isMember: (group, member) => memberships.has(`${group.type}:${group.id}>${member.type}:${member.id}`),
    membersOf: (group) => members.get(`${group.type}:${group.id}`) ?? [],
  };
}

/**
 * What the tenant's dynamic-group rules do after a change: the memberships they add and remove once a
 * group, an object's attributes or the set of objects changes, as the plain edge changes a what-if
 * applies (Change). JumpCloud re-evaluates a group whenever it changes ("rules or otherwise"), whenever
 * an attribute of a user or device changes, and whenever one is created (docs/domain.md#dynamic-groups);
 * the semantics are the shared ones (docs/rules.md#what-a-rule-does-to-its-group).
 *
 * A RuleEffects holds the organization as the changes so far leave it (records and groups replaced,
 * memberships added and removed, objects added and removed) over an unchanged graph, and turns each
 * change into the edge changes it and the rules' runs make, in order. Groups whose rule jcgraph cannot
 * evaluate are left as they are, and each is noted once with the sentence that says so.
 *
 * Re-evaluating a group reads every object of its member type, yet on a graph most of them are left as
 * they are. So what the graph itself says of a group (which of its candidates the rule would add or
 * remove, exemptions aside) is worked out once per graph and version (GraphRuleFacts) and shared by
 * every RuleEffects over it (a check's fix plans make one per revoke plan); a re-evaluation then runs the
 * rule only for those, for the group's exempt objects, and for the objects whose record or membership of
 * the group the changes so far touched. Every other candidate is one the rule provably leaves alone:
 * same record, same membership, not exempt, and the graph's own evaluation leaves it. `reuse: false`
 * runs the rule for every candidate (the plain way; a property test compares the two).
 */
import {
  RULE_GROUP_MEMBERS,
  edgeKey,
  groupRuleOf,
  isEvaluable,
  keepsMember,
  membershipEdge,
  objectName,
  type GroupRule,
  type JsonObject,
  type ObjectRef,
  type TenantObject,
} from '../model/index.ts';
import type { AccessGraph } from '../graph/index.ts';
import type { NamedRef } from './bindings.ts';
import { cannotEvaluateNote } from './dynamic-groups.ts';
import type { EdgeRef } from './edges.ts';
import type { Change } from './whatif.ts';

/** What-if changes with what the rules do after them: the plain changes to apply, the rules' own, and what jcgraph cannot tell. */
export interface RuleExpansion {
  /** Edge and object changes only, in order, the rules' runs included. */
  readonly changes: readonly Change[];
  readonly ruleChanges: readonly RuleMembershipChange[];
  readonly notes: readonly string[];
}

/**
 * A what-if's changes with the memberships the rules change after them: setting an object's attributes
 * re-evaluates every dynamic group for it, setting a group's rule re-evaluates the group, and an added
 * user or system is evaluated by every group (a joiner). Edges added and removed are taken as given (a
 * what-if's hypothesis), a removal a rule would undo noted.
 */
export function expandRules(g: AccessGraph, changes: readonly Change[]): RuleExpansion {
  const effects = new RuleEffects(g);
  for (const c of changes) {
    switch (c.op) {
      case 'remove-edge':
        effects.removeEdgeAsGiven(c.edge);
        break;
      case 'add-edge':
        effects.addEdgeAsGiven(c.edge, c.attributes ?? null);
        break;
      case 'remove-object':
        effects.removeObject(c.id);
        break;
      case 'add-object':
        effects.addObject(c.object);
        break;
      case 'set':
        effects.setFields(c.id, c.fields);
        break;
    }
  }
  return { changes: effects.changes, ruleChanges: effects.ruleChanges, notes: effects.notes };
}

/** Whether running the rules could change anything: an object's attributes set, or an object added. */
export function needsRules(changes: readonly Change[]): boolean {
  return changes.some((c) => c.op === 'set' || c.op === 'add-object');
}

/** A membership a rule's run adds or removes, with the rule that does it. */
export interface RuleMembershipChange {
  readonly op: 'add' | 'remove';
  readonly group: NamedRef;
  readonly member: NamedRef;
  /** The group's rule in words. */
  readonly rule: string;
}

/** The candidates of one member type on a graph, in the graph's order, each one's place in it, and their records. */
interface Candidates {
  readonly ids: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  readonly records: readonly JsonObject[];
}

/** What a graph (at one version) says of its dynamic groups, worked out once and shared by every RuleEffects over it. */
class GraphRuleFacts {
  private readonly candidates = new Map<string, Candidates>();
  /** By group and rule (exemptions aside): the places of the candidates the rule would add or remove. */
  private readonly unsettled = new Map<string, readonly number[]>();

  constructor(
    private readonly g: AccessGraph,
    readonly version: number,
  ) {}

  /** Every object of a member type on the graph, in its order. */
  candidatesOf(type: string): Candidates {
    let found = this.candidates.get(type);
    if (!found) {
      const objects = [...this.g.objects(type)];
      const ids = objects.map((o) => o.id);
      found = { ids, index: new Map(ids.map((id, i) => [id, i])), records: objects.map((o) => o.record) };
      this.candidates.set(type, found);
    }
    return found;
  }

  /**
   * The places of the candidates whose membership of `groupId` on the graph differs from what `rule`,
   * run with no exemption, gives them (an evaluable dynamic rule): the only ones a run of the rule over
   * the unchanged graph can change, besides the exempt ones.
   */
  unsettledOf(groupId: string, rule: GroupRule): readonly number[] {
    const key = `${groupId}\u0000${rule.method}\u0000${rule.memberType}\u0000${JSON.stringify(rule.query)}`;
    let found = this.unsettled.get(key);
    if (!found) {
      const members = new Set<string>();
      for (const e of this.g.edgesOf(groupId)) if (e.kind === 'membership' && e.from.id === groupId) members.add(e.to.id);
      const bare: GroupRule = { ...rule, exemptions: [] };
      const out: number[] = [];
      const { ids, records } = this.candidatesOf(rule.memberType);
      for (let i = 0; i < ids.length; i++) {
        const member = members.has(ids[i]!);
        if (keepsMember(bare, { id: ids[i]!, record: records[i]! }, member) !== member) out.push(i);
      }
      this.unsettled.set(key, (found = out));
    }
    return found;
  }
}

const factsByGraph = new WeakMap<AccessGraph, GraphRuleFacts>();

/** The graph's rule facts at its current version (made again after an edit). */
function graphRuleFacts(g: AccessGraph): GraphRuleFacts {
  let facts = factsByGraph.get(g);
  if (facts?.version !== g.version) factsByGraph.set(g, (facts = new GraphRuleFacts(g, g.version)));
  return facts;
}

/** How a RuleEffects re-evaluates a group. */
export interface RuleEffectsOptions {
  /**
   * Whether a group's re-evaluation runs the rule only for the objects it can change (from the graph's
   * own evaluation, shared by every RuleEffects over the graph); false runs it for every object.
   * @default true
   */
  readonly reuse?: boolean;
}

/** The organization as a sequence of changes leaves it, and the edge changes they and the rules make. */
export class RuleEffects {
  /** The edge and object changes so far, rules' runs included, in order: what a what-if applies. */
  readonly changes: Change[] = [];
  /** The memberships the rules' runs added or removed (not those changed by hand). */
  readonly ruleChanges: RuleMembershipChange[] = [];
  /** The cannot-evaluate sentence of each group whose rule a change would have run but jcgraph cannot evaluate. */
  readonly notes: string[] = [];
  private readonly records = new Map<string, JsonObject>();
  private readonly addedObjects = new Map<string, TenantObject>();
  private readonly removedObjects = new Set<string>();
  private readonly addedEdges = new Set<string>();
  private readonly removedEdges = new Set<string>();
  private groupIds: Map<string, string[]> | undefined;
  private readonly candidateIds = new Map<string, string[]>();
  private readonly noted = new Set<string>();
  /** By group: the members whose membership of it the changes so far added or removed. */
  private readonly touchedMembers = new Map<string, Set<string>>();
  private readonly facts: GraphRuleFacts | undefined;

  constructor(
    private readonly g: AccessGraph,
    options: RuleEffectsOptions = {},
  ) {
    this.facts = (options.reuse ?? true) ? graphRuleFacts(g) : undefined;
  }

  /** Whether the object exists once the changes so far are made. */
  hasObject(id: string): boolean {
    return this.addedObjects.has(id) || (!this.removedObjects.has(id) && this.g.hasObject(id));
  }

  /** The object's record once the changes so far are made. */
  record(id: string): JsonObject {
    return this.records.get(id) ?? this.addedObjects.get(id)?.record ?? this.g.object(id).record;
  }

  private typeOf(id: string): string {
    return this.addedObjects.get(id)?.type ?? this.g.object(id).type;
  }

  private named(id: string): NamedRef {
    const added = this.addedObjects.get(id);
    if (added) return { type: added.type, id, name: objectName(added.type, added.record, id) };
    const o = this.g.object(id);
    return { type: o.type, id, name: o.name };
  }

  /** Whether the edge exists once the changes so far are made. */
  hasEdge(edge: EdgeRef): boolean {
    if (!this.hasObject(edge.from.id) || !this.hasObject(edge.to.id)) return false;
    const key = edgeKey(edge);
    if (this.addedEdges.has(key)) return true;
    if (this.removedEdges.has(key)) return false;
    return this.g.hasObject(edge.from.id) && this.g.hasObject(edge.to.id) && this.g.hasEdge(edge);
  }

  /** Whether `memberId` is a member of `groupId` once the changes so far are made. */
  isMember(groupId: string, memberId: string): boolean {
    return this.hasEdge(membershipEdge(this.ref(groupId), this.ref(memberId)));
  }

  private ref(id: string): ObjectRef {
    return { type: this.typeOf(id), id };
  }

  /** The rule of a user or system group as the changes so far leave its record. */
  rule(groupId: string): GroupRule | undefined {
    return groupRuleOf(this.typeOf(groupId), this.record(groupId));
  }

  /** Removes an edge (by hand; nothing when a rule's run has removed it already); a membership of a dynamic group then has the group re-evaluated. */
  removeEdge(edge: EdgeRef): void {
    if (this.hasEdge(edge)) this.dropEdge(edge);
    if (edge.kind === 'membership') this.settleGroup(edge.from.id);
  }

  /**
   * Removes an edge as given, no rule run after it (a what-if's hypothesis): a removal the group's rule
   * would undo is noted. Nothing when a rule's run removed it already; an edge that never was is passed
   * on, for the what-if to refuse.
   */
  removeEdgeAsGiven(edge: EdgeRef): void {
    if (!this.hasEdge(edge) && this.g.hasObject(edge.from.id) && this.g.hasObject(edge.to.id) && this.g.hasEdge(edge)) return;
    if (edge.kind === 'membership' && this.hasObject(edge.from.id) && this.hasObject(edge.to.id)) {
      const rule = this.rule(edge.from.id);
      if (rule && isEvaluable(rule) && keepsMember(rule, { id: edge.to.id, record: this.record(edge.to.id) }, true)) {
        this.notes.push(
          `removing ${edge.to.type}:${this.named(edge.to.id).name} from ${edge.from.type}:${this.named(edge.from.id).name} would not hold: the group's rule (${rule.text}) adds the membership back`,
        );
      }
    }
    this.dropEdge(edge);
  }

  /** Adds an edge as given, no rule run after it: nothing when a rule's run added it already; an edge already there is passed on, for the what-if to refuse. */
  addEdgeAsGiven(edge: EdgeRef, attributes: JsonObject | null): void {
    if (this.hasEdge(edge) && !(this.g.hasObject(edge.from.id) && this.g.hasObject(edge.to.id) && this.g.hasEdge(edge))) return;
    this.putEdge(edge, attributes);
  }

  /** Replaces fields of an object's record; every dynamic group is re-evaluated for it (a group's own record: the group is). */
  setFields(id: string, fields: JsonObject): void {
    this.records.set(id, { ...this.record(id), ...fields });
    if (RULE_GROUP_MEMBERS[this.typeOf(id)]) this.settleGroup(id);
    else this.settleObject(id);
  }

  /** Exempts a member from a group's rule (its exemptions gain it); the group is re-evaluated. */
  exempt(groupId: string, member: ObjectRef): void {
    const current = this.record(groupId)['memberQueryExemptions'];
    const exemptions = Array.isArray(current) ? current : [];
    this.setFields(groupId, { memberQueryExemptions: [...exemptions, { id: member.id, type: member.type }] });
  }

  /** Adds an object; every dynamic group is evaluated for it (a user or device created). */
  addObject(object: TenantObject): void {
    this.addedObjects.set(object.id, object);
    this.removedObjects.delete(object.id);
    this.changes.push({ op: 'add-object', object });
    this.candidateIds.delete(object.type);
    this.settleObject(object.id);
  }

  /** Removes an object and its edges; no rule adds it back. */
  removeObject(id: string): void {
    const type = this.typeOf(id);
    this.changes.push({ op: 'remove-object', id });
    this.removedObjects.add(id);
    this.addedObjects.delete(id);
    this.candidateIds.delete(type);
  }

  private dropEdge(edge: EdgeRef): void {
    const key = edgeKey(edge);
    if (this.addedEdges.has(key)) this.addedEdges.delete(key);
    else this.removedEdges.add(key);
    this.touch(edge);
    this.changes.push({ op: 'remove-edge', edge });
  }

  private putEdge(edge: EdgeRef, attributes: JsonObject | null): void {
    const key = edgeKey(edge);
    if (this.removedEdges.has(key)) this.removedEdges.delete(key);
    else this.addedEdges.add(key);
    this.touch(edge);
    this.changes.push({ op: 'add-edge', edge, attributes });
  }

  private touch(edge: EdgeRef): void {
    if (edge.kind !== 'membership') return;
    const members = this.touchedMembers.get(edge.from.id);
    if (members) members.add(edge.to.id);
    else this.touchedMembers.set(edge.from.id, new Set([edge.to.id]));
  }

  /** The dynamic groups (ids) that hold members of `memberType`, existing once the changes so far are made. */
  private groupsFor(memberType: string): string[] {
    if (!this.groupIds) {
      this.groupIds = new Map();
      for (const [groupType, type] of Object.entries(RULE_GROUP_MEMBERS))
        this.groupIds.set(
          type,
          [...this.g.objects(groupType)].map((o) => o.id),
        );
    }
    const added = [...this.addedObjects.values()].filter((o) => RULE_GROUP_MEMBERS[o.type] === memberType).map((o) => o.id);
    return [...(this.groupIds.get(memberType) ?? []), ...added].filter((id) => this.hasObject(id));
  }

  private note(groupId: string, rule: GroupRule): void {
    if (this.noted.has(groupId)) return;
    this.noted.add(groupId);
    this.notes.push(cannotEvaluateNote(this.named(groupId), rule));
  }

  /** Runs `groupId`'s rule for one object: adds or removes the membership as the rule says. */
  private settle(groupId: string, rule: GroupRule, memberId: string): void {
    const member = this.isMember(groupId, memberId);
    const keeps = keepsMember(rule, { id: memberId, record: this.record(memberId) }, member);
    if (keeps === undefined || keeps === member) return;
    const edge = membershipEdge(this.ref(groupId), this.ref(memberId));
    if (keeps) this.putEdge(edge, null);
    else this.dropEdge(edge);
    this.ruleChanges.push({ op: keeps ? 'add' : 'remove', group: this.named(groupId), member: this.named(memberId), rule: rule.text });
  }

  /** Every dynamic group re-evaluated for one object (its attributes changed, or it was created). */
  settleObject(id: string): void {
    const memberType = this.typeOf(id);
    for (const groupId of this.groupsFor(memberType)) {
      const rule = this.rule(groupId);
      if (!rule?.dynamic) continue;
      if (!isEvaluable(rule)) {
        this.note(groupId, rule); // whether it would take the object in or let it go, jcgraph cannot tell
        continue;
      }
      this.settle(groupId, rule, id);
    }
  }

  /** A dynamic group re-evaluated for every object of its member type (the group changed). */
  settleGroup(groupId: string): void {
    const rule = this.rule(groupId);
    if (!rule?.dynamic) return;
    if (!isEvaluable(rule)) return this.note(groupId, rule);
    const some = this.candidatesToSettle(groupId, rule);
    for (const id of some ?? this.candidatesOf(rule.memberType)) this.settle(groupId, rule, id);
  }

  /**
   * The candidates of a group's re-evaluation the rule can change, in candidate order; undefined when
   * every one must be run (no shared facts; the group or an object of its member type added or removed).
   * A candidate left out has its record and its membership as on the graph, is not exempt, and the
   * graph's own evaluation leaves it: settle would do nothing for it.
   */
  private candidatesToSettle(groupId: string, rule: GroupRule): string[] | undefined {
    const facts = this.facts;
    if (!facts || this.addedObjects.size > 0 || this.removedObjects.size > 0 || !this.g.hasObject(groupId)) return undefined;
    const { ids, index } = facts.candidatesOf(rule.memberType);
    const places = new Set(facts.unsettledOf(groupId, rule));
    const add = (id: string): void => {
      const at = index.get(id);
      if (at !== undefined) places.add(at);
    };
    for (const e of rule.exemptions) add(e.id);
    for (const id of this.touchedMembers.get(groupId) ?? []) add(id);
    for (const id of this.records.keys()) add(id);
    return [...places].sort((a, b) => a - b).map((at) => ids[at]!);
  }

  /** Every object of a member type once the changes so far are made. */
  private candidatesOf(type: string): string[] {
    let ids = this.candidateIds.get(type);
    if (!ids) {
      const all = this.facts ? this.facts.candidatesOf(type).ids : [...this.g.objects(type)].map((o) => o.id);
      ids = all.filter((id) => !this.removedObjects.has(id));
      for (const o of this.addedObjects.values()) if (o.type === type) ids.push(o.id);
      this.candidateIds.set(type, ids);
    }
    return ids;
  }
}

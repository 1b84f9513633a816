/**
 * Offboarding a user: every binding, a step for every membership and association of the user (every
 * path starts with one of them, so ending them all ends all access and touches no other subject's
 * paths; memberships that grant nothing are ended too), and a re-traversal check that nothing remains.
 *
 * Dynamic groups (plan-steps.ts): a membership the group's rule produces is ended by an exemption (and,
 * in a review-required group, the removal after it); one whose rule jcgraph cannot evaluate by a removal
 * that says so. With `suspend`, the plan first suspends the user (`PUT /api/systemusers/{id}
 * {"state":"SUSPENDED"}`) and works out what that does: a group whose rule stops matching a suspended
 * user (`userState eq "active"`) drops the membership by itself, with no step, and the plan says so;
 * a group whose rule would take the suspended user in gets an exemption before the suspension; the
 * other memberships need exemptions or removals as above. With `exemptions: false`, memberships a rule
 * keeps are left, listed as not revocable without changing a rule, and show in `remaining`.
 */
import { QueryError } from '../errors.ts';
import { isEvaluable, membershipOrigin, ruleAdds, type JsonObject } from '../model/index.ts';
import type { AccessGraph } from '../graph/index.ts';
import { access } from './access.ts';
import { namedRef, type Binding, type NamedRef } from './bindings.ts';
import type { SubjectDelta } from './delta.ts';
import type { MembershipSource } from './dynamic-groups.ts';
import { edgeKey, touches, type EdgeRef } from './edges.ts';
import { suspendOperation, type ApiOperation } from './operations.ts';
import {
  applyCut,
  collateralOf,
  preventiveExemption,
  stepCollateral,
  stepsForEdge,
  type Collateral,
  type EdgeCutStep,
  type ExemptStep,
} from './plan-steps.ts';
import { formatReference } from './resolve.ts';
import { RuleEffects, type RuleMembershipChange } from './rule-effects.ts';
import { WhatIfSession } from './whatif.ts';

/** Suspends the user (offboarding with `suspend`). */
export interface SuspendStep {
  readonly action: 'suspend';
  readonly user: NamedRef;
  readonly operation: ApiOperation;
  /** The user's state fields as read. */
  readonly before: JsonObject;
  /** The fields the step sets. */
  readonly after: JsonObject;
  /** The user's bindings (target ids) one of whose paths starts with a membership the rules then drop. */
  readonly ends: readonly string[];
  readonly collateral: Collateral;
}

/** One step of an offboarding plan: a removal, an exemption, or the suspension. */
export type OffboardStep =
  | (EdgeCutStep & {
      /** The user's bindings (target ids) one of whose paths starts with this edge; empty for cleanup-only steps. */
      readonly ends: readonly string[];
    })
  | SuspendStep;

export interface OffboardOptions {
  /**
   * Reuse a session (one clone of the graph) across plans.
   * @default a new session
   */
  readonly session?: WhatIfSession;
  /**
   * Suspend the user first, and let the rules that stop matching a suspended user drop its memberships.
   * @default false
   */
  readonly suspend?: boolean;
  /**
   * Whether the plan may exempt the user from dynamic groups' rules (false: memberships a rule keeps stay).
   * @default true
   */
  readonly exemptions?: boolean;
}

/** A membership of the user a dynamic group's rule decides, with the rule in words. */
export interface RuleKeptMembership {
  readonly group: NamedRef;
  readonly rule: string;
}

export interface OffboardPlan {
  readonly user: NamedRef;
  /** Every binding of the user, of every type. */
  readonly bindings: readonly Binding[];
  /** The steps, in order: exemptions a suspension needs first, the suspension, then one (or two) per edge of the user. */
  readonly steps: readonly OffboardStep[];
  readonly collateral: Collateral;
  /** Bindings the user still has after the plan, by re-traversal (empty when the plan is complete). */
  readonly remaining: readonly Binding[];
  /** Whether the plan suspends the user. */
  readonly suspend: boolean;
  /** Whether the plan was allowed to exempt the user from dynamic groups' rules. */
  readonly exemptions: boolean;
  /** Memberships the groups' rules drop by themselves once the user is suspended: no step needed. */
  readonly droppedByRule: readonly RuleKeptMembership[];
  /** Memberships a rule keeps that the plan may not exempt: not revocable without changing a rule. */
  readonly keptByRule: readonly RuleKeptMembership[];
  /** Other memberships the rules add or remove as the plan's changes make the tenant re-evaluate groups. */
  readonly ruleEffects: readonly RuleMembershipChange[];
  /** What the answer depends on and jcgraph cannot tell: groups whose rule it cannot evaluate. */
  readonly notes: readonly string[];
}

const STATE_FIELDS = ['state', 'suspended'] as const;

/** A membership's source as the changes so far leave the user's record and the group's rule. */
function sourceNow(g: AccessGraph, effects: RuleEffects, edge: EdgeRef): MembershipSource | undefined {
  if (edge.kind !== 'membership') return undefined;
  const group = namedRef(g, edge.from.id);
  const member = namedRef(g, edge.to.id);
  const rule = effects.rule(edge.from.id);
  if (!rule?.dynamic) return { group, member, origin: 'hand' };
  return { group, member, origin: membershipOrigin(rule, { id: member.id, record: effects.record(member.id) }), rule };
}

/**
 * Offboarding a user: every binding, the steps that end every membership and association of the user
 * (exemptions where a dynamic group's rule would add a membership back), optionally the suspension, and a
 * re-traversal (with the rules run again) that nothing remains.
 */
export function planOffboard(g: AccessGraph, userId: string, options: OffboardOptions = {}): OffboardPlan {
  const user = namedRef(g, userId);
  if (user.type !== 'user') throw new QueryError(`Offboarding is for users; ${formatReference(user)} is a ${user.type}.`);
  const suspend = options.suspend ?? false;
  const allowExemptions = options.exemptions ?? true;
  const bindings = access(g, userId);
  const edges = g.edgesOf(userId).filter((e) => touches(e, userId));
  const startsWith = (keys: ReadonlySet<string>): string[] =>
    bindings.filter((b) => b.paths.some((p) => keys.has(p.edgeKeys[0] as string))).map((b) => b.target.id);
  const effects = new RuleEffects(g);
  const first: ExemptStep[] = [];
  let suspension: Omit<SuspendStep, 'ends' | 'collateral'> | undefined;
  const droppedByRule: RuleKeptMembership[] = [];
  const dropped = new Set<string>();
  if (suspend) {
    const record = g.object(userId).record;
    const after: JsonObject = { state: 'SUSPENDED' };
    const suspended: JsonObject = { ...record, state: 'SUSPENDED', suspended: true };
    // A rule that would take the suspended user in: exempt the user first (when allowed).
    for (const group of [...g.objects('user_group')]) {
      const rule = effects.rule(group.id);
      if (!rule || !isEvaluable(rule) || effects.isMember(group.id, userId) || !ruleAdds(rule, { id: userId, record: suspended })) continue;
      if (!allowExemptions) continue; // the rule's run adds it: ruleEffects and remaining say so
      const source: MembershipSource = { group: namedRef(g, group.id), member: user, origin: 'rule', rule };
      first.push(preventiveExemption(g, source, rule, suspended));
      effects.exempt(group.id, user);
    }
    const before: JsonObject = {};
    for (const f of STATE_FIELDS) if (record[f] !== undefined) before[f] = record[f];
    suspension = { action: 'suspend', user, operation: suspendOperation(userId), before, after };
    const ruleChangesBefore = effects.ruleChanges.length;
    effects.setFields(userId, { state: 'SUSPENDED', suspended: true });
    for (const c of effects.ruleChanges.slice(ruleChangesBefore)) {
      if (c.op !== 'remove' || c.member.id !== userId) continue;
      droppedByRule.push({ group: c.group, rule: c.rule });
      dropped.add(edgeKey({ kind: 'membership', from: c.group, to: c.member }));
    }
  }
  const keptByRule: RuleKeptMembership[] = [];
  const cuts = edges
    .filter((edge) => effects.hasEdge(edge))
    .map((edge) => ({ edge: { kind: edge.kind, from: edge.from, to: edge.to }, key: edgeKey(edge), source: sourceNow(g, effects, edge) }))
    .filter((cut) => {
      if (allowExemptions || cut.source?.origin !== 'rule') return true;
      keptByRule.push({ group: cut.source.group, rule: cut.source.rule?.text ?? '' });
      return false;
    })
    .map((cut) => ({ ...cut, ends: startsWith(new Set([cut.key])) }))
    .sort((a, b) => b.ends.length - a.ends.length || (a.key < b.key ? -1 : 1));
  for (const cut of cuts) applyCut(effects, cut);
  const session = options.session ?? new WhatIfSession(g);
  // The user's own deltas are its bindings, listed already: counted, not built again.
  const deltas: SubjectDelta[] = [];
  session.evaluateSample(
    effects.changes,
    (id) => (id === userId ? 0 : Infinity),
    (d) => deltas.push(d),
  );
  const remaining = session.withChanges(effects.changes, (after) => access(after, userId));
  const collateral = collateralOf(deltas, undefined);
  const own = {
    lost: collateral.lost.filter((b) => b.subject.id !== userId),
    surviving: collateral.surviving.filter((s) => s.subject.id !== userId),
  };
  const none: Collateral = { lost: [], surviving: [] };
  const userRecord = effects.record(userId);
  const steps: OffboardStep[] = [
    ...first.map((s) => ({ ...s, ends: [] })),
    ...(suspension ? [{ ...suspension, ends: startsWith(dropped), collateral: none }] : []),
    ...cuts.flatMap((cut) =>
      stepsForEdge(g, cut, [userId], stepCollateral(own, cut.key), userRecord).map((s) => ({
        ...s,
        ends: s.action === 'exempt' && s.exemption.removedBy === 'next-step' ? [] : cut.ends,
      })),
    ),
  ];
  const cutKeys = new Set([...cuts.map((c) => c.key), ...dropped]);
  return {
    user,
    bindings,
    steps,
    collateral: own,
    remaining,
    suspend,
    exemptions: allowExemptions,
    droppedByRule,
    keptByRule,
    ruleEffects: effects.ruleChanges.filter((c) => !cutKeys.has(edgeKey({ kind: 'membership', from: c.group, to: c.member }))),
    notes: effects.notes,
  };
}

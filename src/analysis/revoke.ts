/**
 * Revoke plans: which memberships and associations to remove so that a subject no longer reaches a
 * resource, as dry-run API operations, with the collateral of each step and of the whole plan.
 *
 * The plan is a cut of the binding's paths (mincut.ts: a minimum edge cut of their union is a minimum
 * hitting set). Strategies:
 * - `fewest-changes`: a minimum-cardinality cut; among the minimum cuts (up to a cap), the one with the
 *   least collateral, then the first by edge keys.
 * - `least-collateral`: the cut whose removals take the least other access away. Candidates: every
 *   minimal cut of the union (up to a cap; `exhaustive` says whether all were seen), every minimum cut,
 *   the subject-only cut, and two weighted minimum cuts (weights from how many other bindings use each
 *   edge, and how many a lone removal would cut). The lowest collateral wins, ties by fewer steps.
 *   The fewest-changes plan is always a candidate, so this never reports more collateral than it.
 * - `subject-only`: the subject's own edges on the paths (its memberships and direct associations).
 *
 * Collateral is the bindings (bindings.ts) other than the revoked one that the plan ends. Candidates are
 * scored exactly from the complete paths of every binding that crosses an edge of the union (removing
 * edges only ever removes paths, so a binding is lost exactly when every one of its paths loses an
 * edge); the chosen plan's collateral is then computed again by re-traversal of the affected subjects on
 * a copy of the graph with the removals applied (what-if), and that is what the plan reports.
 *
 * Protected edges are never removed. When every cut needs one, PlanError names the paths made only of
 * protected edges (for subject-only: the protected edges of the subject).
 *
 * Dynamic groups (plan-steps.ts): a membership its group's rule produces is cut by an exemption, not a
 * removal (the rule would add it back). An exemption ends exactly the member's paths through the group,
 * as a removal would, so it is priced as one: fewest-changes counts the memberships and associations a
 * plan ends, least-collateral what else they take away, and subject-only cuts the subject's own edges
 * whatever they take; where cuts tie on a strategy's measure and on the number of edges, the one with
 * fewer exemptions wins (an exemption is a lasting exception to a rule; removing a hand-made edge is
 * not). With `exemptions: false` such memberships are not cut at all: when every cut needs one, PlanError
 * says the access is not revocable without changing a rule, naming the groups and rules. The plan's
 * effect is computed with the rules run again (rule-effects.ts): an exemption makes the tenant
 * re-evaluate its group, so a pending difference of that group shows in the collateral, and the plan
 * lists what the rules add or remove besides.
 */
import { PlanError, QueryError } from '../errors.ts';
import { membershipEdge } from '../model/index.ts';
import type { AccessGraph } from '../graph/index.ts';
import {
  bindingBetween,
  namedRef,
  reachableTypes,
  reversePath,
  universeKey,
  type AccessPath,
  type Binding,
  type NamedRef,
} from './bindings.ts';
import { cannotEvaluateNote, groupRule, type MembershipSource } from './dynamic-groups.ts';
import { edgeKey, type EdgeRef } from './edges.ts';
import { collateralScorer, cutCollateral, exposure } from './exposure.ts';
import { minimalCuts, minimumCut, minimumCuts, uncuttablePaths, type CutPath } from './mincut.ts';
import {
  applyCut,
  collateralOf,
  membershipSources,
  needsExemption,
  ruleSentence,
  stepCollateral,
  stepsForEdge,
  type Collateral,
  type EdgeCutStep,
} from './plan-steps.ts';
import { formatReference } from './resolve.ts';
import { RuleEffects, type RuleMembershipChange } from './rule-effects.ts';
import { WhatIfSession } from './whatif.ts';

export type { Collateral, SurvivingBinding, Exemption, RuleMatch, RemoveStep, ExemptStep, EdgeCutStep } from './plan-steps.ts';
export type { RuleMembershipChange } from './rule-effects.ts';
export { planOffboard, type OffboardStep, type SuspendStep, type OffboardPlan, type OffboardOptions } from './offboard.ts'; // planOffboard lived here

export const REVOKE_STRATEGIES = ['fewest-changes', 'least-collateral', 'subject-only'] as const;
export type RevokeStrategy = (typeof REVOKE_STRATEGIES)[number];

export interface RevokeOptions {
  /**
   * How to choose among the cuts: fewest changes, or least collateral access lost.
   * @default 'fewest-changes'
   */
  readonly strategy?: RevokeStrategy;
  /**
   * Edges no plan may remove.
   * @default none
   */
  readonly protectedEdges?: readonly EdgeRef[];
  /**
   * Reuse a session (one clone of the graph) across plans.
   * @default a new session
   */
  readonly session?: WhatIfSession;
  /**
   * How many minimal cuts least-collateral enumerates at most.
   * @default 2000
   */
  readonly candidateCap?: number;
  /**
   * Whether a plan may exempt a member from a dynamic group's rule. False: memberships a rule produces
   * are never cut, and a binding every cut of which needs one is not revocable without changing a rule.
   * @default true
   */
  readonly exemptions?: boolean;
}

/**
 * One step of a revoke plan: a removal, or an exemption from a dynamic group's rule (plan-steps.ts).
 * `cutsPaths`: the revoked binding's paths it cuts (an exemption followed by a removal: the removal's).
 */
export type PlanStep = EdgeCutStep & { readonly cutsPaths: readonly number[] };

export interface RevokePlan {
  readonly subject: NamedRef;
  readonly resource: NamedRef;
  readonly strategy: RevokeStrategy;
  /** False when the subject does not reach the resource: nothing to revoke, no steps. */
  readonly reached: boolean;
  /** The paths being cut, read from the subject to the resource. */
  readonly paths: readonly AccessPath[];
  readonly protectedEdges: readonly string[];
  readonly steps: readonly PlanStep[];
  readonly collateral: Collateral;
  /** Re-traversal after applying the plan found no path from the subject to the resource. */
  readonly verified: boolean;
  /** How many candidate cuts were scored, and whether every minimal cut was among them (least-collateral). */
  readonly search: { readonly candidates: number; readonly exhaustive: boolean };
  /** Whether the plan was allowed to exempt members from dynamic groups' rules. */
  readonly exemptions: boolean;
  /** Memberships the rules add or remove when the plan's changes make the tenant re-evaluate a group, besides the cut itself. */
  readonly ruleEffects: readonly RuleMembershipChange[];
  /** What the answer depends on and jcgraph cannot tell: groups on the paths whose rule it cannot evaluate. */
  readonly notes: readonly string[];
}

/** `user:jdoe → user_group:Engineering → system:web-01` */
export function describePath(path: AccessPath): string {
  return path.objects.map(formatReference).join(' → ');
}

/** The binding being revoked, read from subject to resource, and which side it was asked from. */
function bindingToRevoke(g: AccessGraph, subjectId: string, resourceId: string): Binding | undefined {
  const subject = g.object(subjectId);
  const resource = g.object(resourceId);
  if (reachableTypes(subject.type).includes(resource.type)) return bindingBetween(g, subjectId, resourceId);
  if (reachableTypes(resource.type).includes(subject.type)) {
    const b = bindingBetween(g, resourceId, subjectId);
    return b && { ...b, subject: b.target, target: b.subject, paths: b.paths.map(reversePath) };
  }
  throw new QueryError(
    `No traversal joins a ${subject.type} and a ${resource.type}, so there is no access from ${subject.name} to ${resource.name} to revoke.`,
  );
}

/**
 * The strategy's way of weighing cuts. fewest-changes compares a few minimum cuts: each is weighed on its
 * own (cutCollateral), stopping as soon as it cannot beat the best so far. least-collateral weighs many
 * candidates and needs per-edge weights: the whole union's exposure, computed once.
 */
function cutScores(
  g: AccessGraph,
  strategy: RevokeStrategy,
  unionEdges: ReadonlyMap<string, EdgeRef>,
  revokedKey: string | undefined,
): CutScores {
  if (strategy === 'fewest-changes') {
    return {
      bound: (cut) =>
        cutCollateral(
          g,
          cut.map((k) => unionEdges.get(k) as EdgeRef),
          revokedKey,
          { endsLimit: SAMPLE_ENDS },
        ),
      within: (cut, budget) =>
        cutCollateral(
          g,
          cut.map((k) => unionEdges.get(k) as EdgeRef),
          revokedKey,
          { budget },
        ).lost,
      exposureOf: () => 0,
    };
  }
  let exposed: { score: (cut: readonly string[]) => number; perEdge: ReadonlyMap<string, number> } | undefined;
  const whole = () => {
    if (!exposed) {
      const e = exposure(g, [...unionEdges.values()], revokedKey);
      exposed = { score: collateralScorer(e), perEdge: e.perEdge };
    }
    return exposed;
  };
  return {
    bound: (cut) => ({ lost: whole().score(cut), complete: true }),
    within: (cut) => whole().score(cut),
    exposureOf: (e) => whole().perEdge.get(e) ?? 0,
  };
}

function compareCuts(a: readonly string[], b: readonly string[]): number {
  const x = a.join('\u0000');
  const y = b.join('\u0000');
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Why a cut may not use an edge: the caller's protection, or a membership a rule produces when exemptions are not allowed. */
interface Blocked {
  readonly keys: ReadonlySet<string>;
  readonly protectedKeys: ReadonlySet<string>;
  /** Memberships a rule produces that the plan may not exempt (exemptions: false). */
  readonly ruleBound: ReadonlyMap<string, MembershipSource>;
}

const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);

/** The rule-produced memberships among `keys`, in words, and the closing sentence; empty when none. */
function ruleWords(keys: readonly string[], blocked: Blocked): string {
  const rules = [...new Set(keys.filter((k) => blocked.ruleBound.has(k)))].map((k) =>
    ruleSentence(blocked.ruleBound.get(k)!, formatReference),
  );
  return rules.length === 0 ? '' : ` (${rules.join('; ')}); it is not revocable without changing a rule`;
}

function blockedMessage(subject: NamedRef, resource: NamedRef, paths: readonly AccessPath[], blocked: Blocked): string {
  const cutPaths = paths.map(toCutPath);
  const stuck = uncuttablePaths(cutPaths, blocked.keys).map((p) => paths[cutPaths.indexOf(p)] as AccessPath);
  const list = stuck.map(describePath).join('; ');
  const keys = stuck.flatMap((p) => p.edgeKeys);
  const byRule = keys.some((k) => blocked.ruleBound.has(k));
  const byProtection = keys.some((k) => blocked.protectedKeys.has(k));
  const what = [byProtection ? 'protected edges' : '', byRule ? 'memberships that dynamic-group rules produce' : '']
    .filter(Boolean)
    .join(' and ');
  const without = [byProtection ? 'removing a protected edge' : '', byRule ? 'an exemption (exemptions are not allowed)' : '']
    .filter(Boolean)
    .join(' or ');
  return `No plan can revoke ${formatReference(subject)}'s access to ${formatReference(resource)} without ${without}: ${plural(stuck.length, 'the path', 'the paths')} ${list} ${plural(stuck.length, 'is', 'are')} made only of ${what}${ruleWords(keys, blocked)}.`;
}

function toCutPath(p: AccessPath): CutPath {
  return { nodes: p.objects.map((o) => o.id), edges: p.edgeKeys };
}

interface ChosenCut {
  readonly cut: readonly string[];
  readonly candidates: number;
  readonly exhaustive: boolean;
}

/** How many of the objects a cut's edges lead to are weighed first, for a lower bound (see cutScores). */
const SAMPLE_ENDS = 64;

/** How a strategy weighs cuts: the collateral of a cut, exact up to a budget (above it, any larger number). */
interface CutScores {
  /** A lower bound of a cut's collateral, cheap to find; exact when complete. */
  bound(cut: readonly string[]): { lost: number; complete: boolean };
  within(cut: readonly string[], budget: number): number;
  /** Bindings with a path through an edge (least-collateral's weights). */
  exposureOf(edge: string): number;
}

function chooseCut(
  strategy: RevokeStrategy,
  subject: NamedRef,
  resource: NamedRef,
  paths: readonly AccessPath[],
  blocked: Blocked,
  exempting: ReadonlySet<string>,
  scores: CutScores,
  candidateCap: number,
): ChosenCut {
  const cutPaths = paths.map(toCutPath);
  const options = { protectedEdges: blocked.keys };
  const score = (cut: readonly string[]): number => scores.within(cut, Infinity);
  const exemptionsIn = (cut: readonly string[]): number => cut.reduce((n, k) => n + (exempting.has(k) ? 1 : 0), 0);
  // The least collateral, then the fewest steps, then the fewest exemptions, then the first by edge keys.
  // Cuts are taken in the order of a cheap lower bound of their collateral; one is weighed whole only
  // while it can still win, and then only up to the best collateral seen so far.
  const best = (cuts: readonly (readonly string[])[]): readonly string[] => {
    const bounded = cuts.map((cut) => ({ cut, bound: scores.bound(cut) })).sort((a, b) => a.bound.lost - b.bound.lost);
    let chosen: { cut: readonly string[]; lost: number } | undefined;
    for (const { cut, bound } of bounded) {
      if (chosen && bound.lost > chosen.lost) break;
      const lost = bound.complete ? bound.lost : scores.within(cut, chosen ? chosen.lost : Infinity);
      const better = (c: { cut: readonly string[]; lost: number }): boolean =>
        (lost - c.lost || cut.length - c.cut.length || exemptionsIn(cut) - exemptionsIn(c.cut) || compareCuts(cut, c.cut)) < 0;
      if (!chosen || better(chosen)) chosen = { cut, lost };
    }
    return chosen!.cut;
  };
  const subjectCut = [...new Set(paths.map((p) => p.edgeKeys[0] as string))].sort();
  if (strategy === 'subject-only') {
    const stuck = subjectCut.filter((k) => blocked.keys.has(k));
    if (stuck.length > 0) {
      const through = paths.filter((p) => stuck.includes(p.edgeKeys[0] as string)).map(describePath);
      const why = [
        stuck.some((k) => blocked.protectedKeys.has(k)) ? 'protected' : '',
        stuck.some((k) => blocked.ruleBound.has(k)) ? 'produced by a dynamic-group rule and exemptions are not allowed' : '',
      ]
        .filter(Boolean)
        .join(', or ');
      throw new PlanError(
        `No subject-only plan can revoke ${formatReference(subject)}'s access to ${formatReference(resource)}: the subject's own ${plural(stuck.length, 'edge', 'edges')} on ${through.join('; ')} ${plural(stuck.length, 'is', 'are')} ${why}${ruleWords(stuck, blocked)}.`,
      );
    }
    return { cut: subjectCut, candidates: 1, exhaustive: true };
  }
  // Up to 256 minimum cuts, ties broken by collateral; least-collateral scores up to candidateCap (docs/rules.md#revoke-search).
  const minimum = minimumCuts(cutPaths, options, 256);
  if (minimum.length === 0) throw new PlanError(blockedMessage(subject, resource, paths, blocked));
  if (strategy === 'fewest-changes') return { cut: best(minimum), candidates: minimum.length, exhaustive: true };
  const minimal = minimalCuts(cutPaths, options, candidateCap);
  const edgeCount = new Set(cutPaths.flatMap((p) => p.edges)).size + 1;
  const weighted = [
    minimumCut(cutPaths, options, (e) => 1 + edgeCount * scores.exposureOf(e)),
    minimumCut(cutPaths, options, (e) => 1 + edgeCount * score([e])),
  ].flatMap((o) => (o.ok ? [o.edges] : []));
  const fewest = best(minimum);
  const candidates = new Map<string, readonly string[]>();
  for (const cut of [
    fewest,
    ...minimum,
    ...minimal.cuts,
    ...weighted,
    ...(subjectCut.some((k) => blocked.keys.has(k)) ? [] : [subjectCut]),
  ]) {
    const sorted = [...cut].sort();
    candidates.set(sorted.join('\u0000'), sorted);
  }
  return { cut: best([...candidates.values()]), candidates: candidates.size, exhaustive: minimal.exhaustive };
}

/** An edge of the chosen cut, where it sits on the paths, and the paths it cuts. */
interface CutEdge {
  readonly key: string;
  readonly edge: EdgeRef;
  /** Prefer the subject's side, then the end nearer the subject along the path. */
  readonly preferred: readonly string[];
  readonly position: number;
  readonly cuts: readonly number[];
}

/** The cut's edges in path order (nearest the subject first), each with the paths it cuts. */
function cutEdges(subject: NamedRef, paths: readonly AccessPath[], cut: readonly string[]): CutEdge[] {
  const chosen = new Set(cut);
  const found = new Map<string, { edge: EdgeRef; position: number; preferred: string[]; cuts: number[] }>();
  paths.forEach((p, pathIndex) => {
    p.edgeKeys.forEach((k, i) => {
      if (!chosen.has(k)) return;
      let step = found.get(k);
      if (!step) {
        const edge = p.edges[i] as EdgeRef;
        const preferred = [subject.id, (p.objects[i] as NamedRef).id, (p.objects[i + 1] as NamedRef).id];
        found.set(k, (step = { edge, position: i, preferred, cuts: [] }));
      }
      step.position = Math.min(step.position, i);
      step.cuts.push(pathIndex);
    });
  });
  return [...found.entries()].sort(([ka, a], [kb, b]) => a.position - b.position || (ka < kb ? -1 : 1)).map(([key, s]) => ({ key, ...s }));
}

/** Groups on the paths whose rule jcgraph cannot evaluate, each with the sentence that says so. */
function unevaluatedGroups(g: AccessGraph, paths: readonly AccessPath[]): string[] {
  const notes = new Map<string, string>();
  for (const p of paths) {
    for (const o of p.objects) {
      if (notes.has(o.id)) continue;
      const rule = groupRule(g, o.id);
      if (rule?.dynamic && rule.cannotEvaluate !== undefined) notes.set(o.id, cannotEvaluateNote(o, rule));
    }
  }
  return [...notes.values()];
}

/** A plan that ends every path from `subjectId` to `resourceId`. Dry run: nothing is written anywhere. */
export function planRevoke(g: AccessGraph, subjectId: string, resourceId: string, options: RevokeOptions = {}): RevokePlan {
  const strategy = options.strategy ?? 'fewest-changes';
  if (!(REVOKE_STRATEGIES as readonly string[]).includes(strategy)) {
    throw new QueryError(`Revoke strategy "${strategy}" is not one of ${REVOKE_STRATEGIES.join(', ')}.`);
  }
  const allowExemptions = options.exemptions ?? true;
  const subject = namedRef(g, subjectId);
  const resource = namedRef(g, resourceId);
  const protectedKeys = new Set((options.protectedEdges ?? []).map(edgeKey));
  const binding = bindingToRevoke(g, subjectId, resourceId);
  const base = { subject, resource, strategy, protectedEdges: [...protectedKeys].sort(), exemptions: allowExemptions };
  if (!binding) {
    return {
      ...base,
      reached: false,
      paths: [],
      steps: [],
      collateral: { lost: [], surviving: [] },
      verified: true,
      search: { candidates: 0, exhaustive: true },
      ruleEffects: [],
      notes: [],
    };
  }
  const paths = binding.paths;
  const revokedKey = universeKey(subject, resource);
  const unionEdges = new Map<string, EdgeRef>();
  for (const p of paths) p.edges.forEach((e, i) => unionEdges.set(p.edgeKeys[i] as string, e));
  const sources = membershipSources(g, unionEdges.values());
  const exempting = new Set([...sources].filter(([, s]) => needsExemption(s)).map(([k]) => k));
  const ruleBound = new Map(allowExemptions ? [] : [...sources].filter(([k]) => exempting.has(k)));
  const blocked: Blocked = { keys: new Set([...protectedKeys, ...ruleBound.keys()]), protectedKeys, ruleBound };
  const chosen = chooseCut(
    strategy,
    subject,
    resource,
    paths,
    blocked,
    exempting,
    cutScores(g, strategy, unionEdges, revokedKey),
    options.candidateCap ?? 2_000,
  );
  const edges = cutEdges(subject, paths, chosen.cut);
  // What the tenant does: each step in order, and the rules' runs they set off.
  const effects = new RuleEffects(g);
  for (const e of edges) applyCut(effects, { edge: e.edge, key: e.key, source: sources.get(e.key) });
  const session = options.session ?? new WhatIfSession(g);
  const result = session.evaluate(effects.changes);
  const verified = session.withChanges(effects.changes, (after) => bindingToRevoke(after, subjectId, resourceId) === undefined);
  const collateral = collateralOf(result.subjects, revokedKey);
  const steps = edges.flatMap((e) =>
    stepsForEdge(g, { edge: e.edge, key: e.key, source: sources.get(e.key) }, e.preferred, stepCollateral(collateral, e.key)).map(
      (s): PlanStep => ({ ...s, cutsPaths: s.action === 'exempt' && s.exemption.removedBy === 'next-step' ? [] : e.cuts }),
    ),
  );
  const cut = new Set(chosen.cut);
  return {
    ...base,
    reached: true,
    paths,
    steps,
    collateral,
    verified,
    search: { candidates: chosen.candidates, exhaustive: chosen.exhaustive },
    ruleEffects: effects.ruleChanges.filter((c) => !cut.has(edgeKey(membershipEdge(c.group, c.member)))),
    notes: [...new Set([...unevaluatedGroups(g, paths), ...effects.notes])],
  };
}

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
 */
import { PlanError, QueryError } from '../errors.ts';
import type { AccessGraph } from '../graph/index.ts';
import { access } from './access.ts';
import {
  bindingBetween,
  bindingKey,
  namedRef,
  reachableTypes,
  reversePath,
  universeKey,
  type AccessPath,
  type Binding,
  type NamedRef,
} from './bindings.ts';
import { edgeKey, touches, type EdgeRef } from './edges.ts';
import { collateralScorer, cutCollateral, exposure } from './exposure.ts';
import { minimalCuts, minimumCut, minimumCuts, uncuttablePaths, type CutPath } from './mincut.ts';
import { edgeOperation, type ApiOperation } from './operations.ts';
import { formatReference } from './resolve.ts';
import type { SubjectDelta } from './delta.ts';
import { WhatIfSession, type Change } from './whatif.ts';

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
}

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

export interface PlanStep {
  readonly edge: EdgeRef;
  readonly edgeKey: string;
  /** Names of the edge's ends (group, member for a membership). */
  readonly from: NamedRef;
  readonly to: NamedRef;
  /** The dry-run API call. */
  readonly operation: ApiOperation;
  /** Indexes of the revoked binding's paths that this step cuts. */
  readonly cutsPaths: readonly number[];
  readonly collateral: Collateral;
}

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

function protectedMessage(subject: NamedRef, resource: NamedRef, paths: readonly AccessPath[], protectedKeys: ReadonlySet<string>): string {
  const cutPaths = paths.map(toCutPath);
  const stuck = uncuttablePaths(cutPaths, protectedKeys).map((p) => paths[cutPaths.indexOf(p)] as AccessPath);
  const list = stuck.map(describePath).join('; ');
  return `No plan can revoke ${formatReference(subject)}'s access to ${formatReference(resource)} without removing a protected edge: ${stuck.length === 1 ? 'the path' : 'the paths'} ${list} ${stuck.length === 1 ? 'is' : 'are'} made only of protected edges.`;
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
  protectedKeys: ReadonlySet<string>,
  scores: CutScores,
  candidateCap: number,
): ChosenCut {
  const cutPaths = paths.map(toCutPath);
  const options = { protectedEdges: protectedKeys };
  const score = (cut: readonly string[]): number => scores.within(cut, Infinity);
  // The least collateral, then the fewest steps, then the first by edge keys. Cuts are taken in the order
  // of a cheap lower bound of their collateral; one is weighed whole only while it can still win, and
  // then only up to the best collateral seen so far.
  const best = (cuts: readonly (readonly string[])[]): readonly string[] => {
    const bounded = cuts.map((cut) => ({ cut, bound: scores.bound(cut) })).sort((a, b) => a.bound.lost - b.bound.lost);
    let chosen: { cut: readonly string[]; lost: number } | undefined;
    for (const { cut, bound } of bounded) {
      if (chosen && bound.lost > chosen.lost) break;
      const lost = bound.complete ? bound.lost : scores.within(cut, chosen ? chosen.lost : Infinity);
      if (!chosen || lost < chosen.lost || (lost === chosen.lost && (cut.length - chosen.cut.length || compareCuts(cut, chosen.cut)) < 0))
        chosen = { cut, lost };
    }
    return chosen!.cut;
  };
  const subjectCut = [...new Set(paths.map((p) => p.edgeKeys[0] as string))].sort();
  if (strategy === 'subject-only') {
    const blocked = subjectCut.filter((k) => protectedKeys.has(k));
    if (blocked.length > 0) {
      const through = paths.filter((p) => blocked.includes(p.edgeKeys[0] as string)).map(describePath);
      throw new PlanError(
        `No subject-only plan can revoke ${formatReference(subject)}'s access to ${formatReference(resource)}: the subject's own ${blocked.length === 1 ? 'edge' : 'edges'} on ${through.join('; ')} ${blocked.length === 1 ? 'is' : 'are'} protected.`,
      );
    }
    return { cut: subjectCut, candidates: 1, exhaustive: true };
  }
  // Up to 256 minimum cuts, ties broken by collateral; least-collateral scores up to candidateCap (docs/rules.md#revoke-search).
  const minimum = minimumCuts(cutPaths, options, 256);
  if (minimum.length === 0) throw new PlanError(protectedMessage(subject, resource, paths, protectedKeys));
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
    ...(subjectCut.some((k) => protectedKeys.has(k)) ? [] : [subjectCut]),
  ]) {
    const sorted = [...cut].sort();
    candidates.set(sorted.join('\u0000'), sorted);
  }
  return { cut: best([...candidates.values()]), candidates: candidates.size, exhaustive: minimal.exhaustive };
}

/** Plan-level and per-step collateral from a what-if of the removals (re-traversal). */
function collateralOf(deltas: readonly SubjectDelta[], revokedKey: string | undefined): Collateral {
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

function stepCollateral(plan: Collateral, key: string): Collateral {
  return {
    lost: plan.lost.filter((b) => b.paths.some((p) => p.edgeKeys.includes(key))),
    surviving: plan.surviving.filter((s) => s.lostPaths.some((p) => p.edgeKeys.includes(key))),
  };
}

/** Builds the steps of a cut, in path order (nearest the subject first), with operations and collateral. */
function planSteps(
  g: AccessGraph,
  subject: NamedRef,
  paths: readonly AccessPath[],
  cut: readonly string[],
  collateral: Collateral,
): PlanStep[] {
  const chosen = new Set(cut);
  const found = new Map<string, { edge: EdgeRef; position: number; preferred: string[]; cuts: number[] }>();
  paths.forEach((p, pathIndex) => {
    p.edgeKeys.forEach((k, i) => {
      if (!chosen.has(k)) return;
      let step = found.get(k);
      if (!step) {
        const edge = p.edges[i] as EdgeRef;
        // Prefer the subject's side, then the end nearer the subject along the path.
        const preferred = [subject.id, (p.objects[i] as NamedRef).id, (p.objects[i + 1] as NamedRef).id];
        found.set(k, (step = { edge, position: i, preferred, cuts: [] }));
      }
      step.position = Math.min(step.position, i);
      step.cuts.push(pathIndex);
    });
  });
  return [...found.entries()]
    .sort(([ka, a], [kb, b]) => a.position - b.position || (ka < kb ? -1 : 1))
    .map(([key, s]) => ({
      edge: s.edge,
      edgeKey: key,
      from: namedRef(g, s.edge.from.id),
      to: namedRef(g, s.edge.to.id),
      operation: edgeOperation('remove', s.edge, s.preferred),
      cutsPaths: s.cuts,
      collateral: stepCollateral(collateral, key),
    }));
}

/** A plan that ends every path from `subjectId` to `resourceId`. Dry run: nothing is written anywhere. */
export function planRevoke(g: AccessGraph, subjectId: string, resourceId: string, options: RevokeOptions = {}): RevokePlan {
  const strategy = options.strategy ?? 'fewest-changes';
  if (!(REVOKE_STRATEGIES as readonly string[]).includes(strategy)) {
    throw new QueryError(`Revoke strategy "${strategy}" is not one of ${REVOKE_STRATEGIES.join(', ')}.`);
  }
  const subject = namedRef(g, subjectId);
  const resource = namedRef(g, resourceId);
  const protectedKeys = new Set((options.protectedEdges ?? []).map(edgeKey));
  const binding = bindingToRevoke(g, subjectId, resourceId);
  const base = { subject, resource, strategy, protectedEdges: [...protectedKeys].sort() };
  if (!binding) {
    return {
      ...base,
      reached: false,
      paths: [],
      steps: [],
      collateral: { lost: [], surviving: [] },
      verified: true,
      search: { candidates: 0, exhaustive: true },
    };
  }
  const paths = binding.paths;
  const revokedKey = universeKey(subject, resource);
  const unionEdges = new Map<string, EdgeRef>();
  for (const p of paths) p.edges.forEach((e, i) => unionEdges.set(p.edgeKeys[i] as string, e));
  const chosen = chooseCut(
    strategy,
    subject,
    resource,
    paths,
    protectedKeys,
    cutScores(g, strategy, unionEdges, revokedKey),
    options.candidateCap ?? 2_000,
  );
  const changes: Change[] = chosen.cut.map((k) => ({ op: 'remove-edge', edge: unionEdges.get(k) as EdgeRef }));
  const session = options.session ?? new WhatIfSession(g);
  const result = session.evaluate(changes);
  const verified = session.withChanges(changes, (after) => bindingToRevoke(after, subjectId, resourceId) === undefined);
  const collateral = collateralOf(result.subjects, revokedKey);
  return {
    ...base,
    reached: true,
    paths,
    steps: planSteps(g, subject, paths, chosen.cut, collateral),
    collateral,
    verified,
    search: { candidates: chosen.candidates, exhaustive: chosen.exhaustive },
  };
}

export interface OffboardStep extends Omit<PlanStep, 'cutsPaths'> {
  /** The user's bindings (target ids) one of whose paths starts with this edge; empty for cleanup-only steps. */
  readonly ends: readonly string[];
}

export interface OffboardPlan {
  readonly user: NamedRef;
  /** Every binding of the user, of every type. */
  readonly bindings: readonly Binding[];
  /** Every membership and association of the user: removing them all ends every binding. */
  readonly steps: readonly OffboardStep[];
  readonly collateral: Collateral;
  /** Bindings the user still has after the plan, by re-traversal (empty when the plan is complete). */
  readonly remaining: readonly Binding[];
}

/**
 * Offboarding a user: every binding, the removal of every membership and association of the user
 * (every path starts with one of them, so this ends all access and touches no other subject's paths,
 * and it also clears memberships that grant nothing), and a re-traversal check that nothing remains.
 */
export function planOffboard(g: AccessGraph, userId: string, options: { session?: WhatIfSession } = {}): OffboardPlan {
  const user = namedRef(g, userId);
  if (user.type !== 'user') throw new QueryError(`Offboarding is for users; ${formatReference(user)} is a ${user.type}.`);
  const bindings = access(g, userId);
  const edges = g.edgesOf(userId).filter((e) => touches(e, userId));
  const changes: Change[] = edges.map((edge) => ({ op: 'remove-edge', edge }));
  const session = options.session ?? new WhatIfSession(g);
  // The user's own deltas are its bindings, listed already: counted, not built again.
  const deltas: SubjectDelta[] = [];
  session.evaluateSample(
    changes,
    (id) => (id === userId ? 0 : Infinity),
    (d) => deltas.push(d),
  );
  const remaining = session.withChanges(changes, (after) => access(after, userId));
  const collateral = collateralOf(deltas, undefined);
  const own = {
    lost: collateral.lost.filter((b) => b.subject.id !== userId),
    surviving: collateral.surviving.filter((s) => s.subject.id !== userId),
  };
  const steps = edges
    .map((edge) => {
      const key = edgeKey(edge);
      return {
        edge: { kind: edge.kind, from: edge.from, to: edge.to },
        edgeKey: key,
        from: namedRef(g, edge.from.id),
        to: namedRef(g, edge.to.id),
        operation: edgeOperation('remove', edge, [userId]),
        ends: bindings.filter((b) => b.paths.some((p) => p.edgeKeys[0] === key)).map((b) => b.target.id),
        collateral: stepCollateral(own, key),
      };
    })
    .sort((a, b) => b.ends.length - a.ends.length || (a.edgeKey < b.edgeKey ? -1 : 1));
  return { user, bindings, steps, collateral: own, remaining };
}

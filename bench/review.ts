/**
 * The review phase of the bench: what closing an access review costs, and what its one plan is worth.
 * On a generated tenant, 1,000 bindings of users are decided revoke and 10,000 keep (a seeded shuffle of
 * every user binding; on a tenant of fewer than 40,000, a 40th of them revoke and ten times that keep), and the campaign's plan is computed as `review
 * close` computes it (planRemediation), in process on a graph already loaded, with no exemptions: the
 * memberships a dynamic group's rule produces, or that of a rule jcgraph cannot evaluate, are left
 * uncut, so that the single-pair plans below (removals only) are a rival on the same terms.
 *
 *   node --import tsx bench/phases.ts review '{"preset":"large","seed":1}'
 *
 * Figures: reviewCloseSeconds (median of the runs; target ≤ 10 on large), and
 * reviewCollateralVsSinglePlans: the plan's collateral ÷ that of the single-pair least-collateral plans
 * (`revoke --strategy least-collateral --no-exemptions`, the same edges protected) applied one after the
 * other on the organization as the plans before left it, for the same revokes (those the plan does not
 * leave out as conflicts) (target ≤ 1.0). 1 when both are 0; null when the single-pair plans end a kept
 * binding (they are then no rival), or have no collateral while the plan has some (the figures show it).
 */
import { planRevoke, WhatIfSession, type Change } from '../src/analysis/index.ts';
import { planRemediation, type BindingPair, type RemediationPlan } from '../src/analysis/remediation.ts';
import { bindingKey, BINDING_TARGETS } from '../src/analysis/bindings.ts';
import type { EdgeRef } from '../src/analysis/edges.ts';
import { AccessGraph, inventoryBindings } from '../src/graph/index.ts';
import { membershipSource } from '../src/analysis/dynamic-groups.ts';
import { generateTenant, type PresetName } from '../src/simulator/index.ts';
import { peakRssMiB, timed } from './harness.ts';

export interface ReviewBenchOptions {
  readonly preset: PresetName;
  readonly seed: number;
  /**
   * Bindings decided revoke.
   * @default 1000
   */
  readonly revokes?: number;
  /**
   * Bindings decided keep.
   * @default 10000
   */
  readonly keeps?: number;
  /**
   * Timed runs of the close.
   * @default 1
   */
  readonly runs?: number;
}

export interface ReviewBenchFigures {
  readonly userBindings: number;
  readonly revokes: number;
  readonly keeps: number;
  /** Median of the runs (target ≤ 10 on large, in process). */
  readonly reviewCloseSeconds: number;
  readonly runs: number;
  readonly plan: {
    readonly changes: number;
    readonly revoked: number;
    readonly conflicts: number;
    readonly collateral: number;
    readonly verified: boolean;
    readonly exhaustive: boolean;
    readonly chosen: string;
  };
  readonly singlePlans: {
    /** Revokes planned one by one (the others were already ended by an earlier plan). */
    readonly planned: number;
    /** Revokes no single-pair plan could end without a protected edge. */
    readonly refused: number;
    readonly changes: number;
    readonly collateral: number;
    /** Kept bindings they end (a rival only when 0). */
    readonly keptEnded: number;
    readonly seconds: number;
  };
  /** The plan's collateral ÷ the single-pair plans' (target ≤ 1.0). */
  readonly reviewCollateralVsSinglePlans: number | null;
  readonly peakRssMiB: number;
}

/** Every user binding, shuffled by a seeded generator (the same seed, the same decisions). */
function shuffledUserBindings(g: AccessGraph, seed: number): BindingPair[] {
  const all: BindingPair[] = [];
  for (const b of inventoryBindings(g, 'user', BINDING_TARGETS['user'] ?? [])) {
    const subject = b.index.idOf(b.source);
    for (let i = 0; i < b.size; i++) all.push({ subject, target: b.index.idOf(b.targets[i]!) });
  }
  let x = seed >>> 0 || 1;
  const next = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all;
}

/** What the single-pair least-collateral plans, applied one after the other, end besides the decisions. */
function singlePairPlans(
  g: AccessGraph,
  revokes: readonly BindingPair[],
  keeps: readonly BindingPair[],
  protectedEdges: readonly EdgeRef[],
): ReviewBenchFigures['singlePlans'] {
  const { ms, value } = timed(() => {
    const current = g.clone();
    const removals: EdgeRef[] = [];
    let planned = 0;
    let refused = 0;
    for (const r of revokes) {
      let plan;
      try {
        plan = planRevoke(current, r.subject, r.target, { strategy: 'least-collateral', exemptions: false, protectedEdges });
      } catch {
        refused++;
        continue;
      }
      if (!plan.reached) continue; // an earlier plan ended it
      planned++;
      for (const step of plan.steps) {
        current.removeEdge(step.edge);
        removals.push(step.edge);
      }
    }
    const revoked = new Set(revokes.map((p) => bindingKey(p.subject, p.target)));
    const kept = new Set(keeps.map((p) => bindingKey(p.subject, p.target)));
    let collateral = 0;
    let keptEnded = 0;
    const changes: Change[] = removals.map((edge) => ({ op: 'remove-edge', edge }));
    new WhatIfSession(g).evaluateEach(changes, (delta) => {
      for (const b of delta.lost) {
        const key = bindingKey(b.subject.id, b.target.id);
        if (kept.has(key)) keptEnded++;
        else if (!revoked.has(key)) collateral++;
      }
    });
    return { planned, refused, changes: removals.length, collateral, keptEnded };
  });
  return { ...value, seconds: ms / 1000 };
}

export function runReviewBench(options: ReviewBenchOptions): ReviewBenchFigures {
  const tenant = generateTenant({ preset: options.preset, seed: options.seed });
  const g = AccessGraph.fromTenant(tenant);
  const all = shuffledUserBindings(g, options.seed);
  // A smaller tenant gets as many decisions as its bindings allow, revoke and keep in the same ratio, at
  // most a quarter of them kept (deciding nearly every binding keep leaves no revoke a cut).
  const revokeCount = Math.min(options.revokes ?? 1000, Math.floor(all.length / 40));
  const keepCount = Math.min(options.keeps ?? 10_000, revokeCount * 10);
  const revoke = all.slice(0, revokeCount);
  const keep = all.slice(revokeCount, revokeCount + keepCount);
  // A membership a rule produces (an exemption would cut it) or that jcgraph cannot evaluate: left uncut.
  const uncuttable = (edge: EdgeRef): string | undefined => {
    const origin = edge.kind === 'membership' ? membershipSource(g, edge)?.origin : undefined;
    return origin === 'rule' || origin === 'unknown' ? `held by a dynamic group's rule (${origin})` : undefined;
  };
  const runs = options.runs ?? 1;
  const ms: number[] = [];
  let plan: RemediationPlan | undefined;
  for (let i = 0; i < runs; i++) {
    const t = timed(() => planRemediation(g, { revoke, keep }, { uncuttable }));
    ms.push(t.ms);
    plan = t.value;
  }
  ms.sort((a, b) => a - b);
  const result = plan!;
  // The same revokes as the plan carries out (its conflicts have no single-pair plan that keeps the kept).
  const conflicts = new Set(result.conflicts.map((c) => bindingKey(c.revoke.subject.id, c.revoke.target.id)));
  const carried = revoke.filter((p) => !conflicts.has(bindingKey(p.subject, p.target)));
  const protectedEdges = tenant.edges
    .filter((e) => e.kind === 'membership')
    .map((e): EdgeRef => ({ kind: e.kind, from: e.from, to: e.to }))
    .filter((e) => uncuttable(e) !== undefined);
  const singlePlans = singlePairPlans(g, carried, keep, protectedEdges);
  const collateral = result.collateral.lost.length;
  return {
    userBindings: all.length,
    revokes: revoke.length,
    keeps: keep.length,
    reviewCloseSeconds: ms[Math.floor(ms.length / 2)]! / 1000,
    runs,
    plan: {
      changes: result.steps.length,
      revoked: result.revoked.length,
      conflicts: result.conflicts.length,
      collateral,
      verified: result.verified,
      exhaustive: result.search.exhaustive,
      chosen: result.search.chosen,
    },
    singlePlans,
    reviewCollateralVsSinglePlans:
      singlePlans.keptEnded > 0
        ? null
        : singlePlans.collateral > 0
          ? collateral / singlePlans.collateral
          : collateral === 0
            ? 1 // both none: the plan is no worse
            : null, // the plan has some and they none: worse, as the raw figures show
    peakRssMiB: peakRssMiB(),
  };
}

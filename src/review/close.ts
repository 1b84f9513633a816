/**
 * `review close`: one remediation plan for the whole campaign (src/analysis/remediation.ts), written as a
 * `jcgraph-plan` file through src/plan, and the campaign closed with what it decided and what the plan
 * does.
 *
 * Which decisions bind the plan: every `revoke` is ended; every explicit `keep` must survive. Items nobody
 * decided are recorded as `--unreviewed` says: `keep` and `flag` are only recorded (they do not bind the
 * plan: such bindings are collateral to keep low, and every one the plan ends is listed), `revoke` also
 * ends them (a campaign whose policy revokes what nobody vouched for does revoke it; a rule chosen:
 * docs/rules.md#access-review-unreviewed-items). Flagged items are collateral too. A revoke whose every
 * cut ends a kept binding is a conflict: left out of the plan and listed with both bindings. A membership
 * a dynamic group's rule produces is cut by an exemption, as `jcgraph revoke` cuts it (plan-steps.ts).
 */
import type { AccessGraph } from '../graph/index.ts';
import { formatEdgeSpec } from '../analysis/resolve.ts';
import type { Binding, ExemptStep, NamedRef } from '../analysis/index.ts';
import { bindingKey } from '../analysis/bindings.ts';
import { planRemediation, type RemediationOptions, type RemediationPlan } from '../analysis/remediation.ts';
import { planFileFromSteps, type AnalysisStep, type PlanFile, type PlanSnapshot } from '../plan/index.ts';
import { ReviewError } from '../errors.ts';
import type { Campaign, CampaignItem, ClosedBinding, CollateralBinding, DecisionValue } from './format.ts';

/** What `review close` is given. */
export interface CloseOptions {
  /** What to record for the items nobody decided (`revoke`: the plan ends them too). */
  readonly unreviewed: DecisionValue;
  /** The plan file's name as the user gave it (recorded in the campaign). */
  readonly planPath: string;
  /** The snapshot the plan names (the campaign's). */
  readonly snapshot: PlanSnapshot;
  /**
   * When the campaign closes.
   * @default now
   */
  readonly now?: Date;
  /**
   * How the plan is searched.
   * @default the remediation defaults
   */
  readonly remediation?: RemediationOptions;
}

/** A closed campaign, its plan file and the remediation behind it. */
export interface ClosedCampaign {
  readonly campaign: Campaign;
  readonly plan: PlanFile;
  readonly remediation: RemediationPlan;
}

/** Closes a campaign on `g` (the graph of its snapshot): the plan, and the campaign with `closed` set. */
export function closeCampaign(g: AccessGraph, campaign: Campaign, options: CloseOptions): ClosedCampaign {
  if (campaign.closed)
    throw new ReviewError(`Campaign ${campaign.id} was closed at ${campaign.closed.closedAt} with the plan ${campaign.closed.plan.path}.`);
  const decisions = new Map(campaign.decisions.map((d) => [d.item, d]));
  const outcome = (item: CampaignItem): DecisionValue | 'unreviewed' => decisions.get(item.id)?.decision ?? 'unreviewed';
  const pair = (item: CampaignItem) => ({ subject: item.user.id, target: item.resource.id });
  const revokes = campaign.items.filter((i) => outcome(i) === 'revoke' || (outcome(i) === 'unreviewed' && options.unreviewed === 'revoke'));
  const keeps = campaign.items.filter((i) => outcome(i) === 'keep');
  const remediation = planRemediation(g, { revoke: revokes.map(pair), keep: keeps.map(pair) }, options.remediation);
  const byKey = new Map(campaign.items.map((i) => [bindingKey(i.user.id, i.resource.id), i]));
  const closed = (b: { readonly subject: NamedRef; readonly target: NamedRef }): ClosedBinding => {
    const item = byKey.get(bindingKey(b.subject.id, b.target.id));
    return { subject: b.subject, target: b.target, ...(item ? { item: item.id } : {}) };
  };
  const collateral: CollateralBinding[] = remediation.collateral.lost.map((b: Binding) => {
    const c = closed(b);
    const item = c.item !== undefined ? byKey.get(bindingKey(b.subject.id, b.target.id)) : undefined;
    const status = item === undefined ? 'outside the campaign' : outcome(item) === 'flag' ? 'flag' : 'unreviewed';
    return { ...c, status };
  });
  const steps = remediation.steps.map((s): AnalysisStep | ExemptStep =>
    s.action === 'exempt'
      ? s
      : { action: 'remove', edge: s.edge, from: s.from, to: s.to, operation: s.operation, collateral: s.collateral },
  );
  const revokedCount = remediation.revoked.length;
  const plan = planFileFromSteps(g, steps, {
    snapshot: options.snapshot,
    ...(options.now ? { madeAt: options.now.toISOString() } : {}),
    command: 'review close',
    description: `access review campaign ${campaign.id}: end ${revokedCount} ${revokedCount === 1 ? 'binding' : 'bindings'} decided revoke, keep ${keeps.length} decided keep`,
  });
  const counts = { keep: 0, revoke: 0, flag: 0, unreviewed: 0 };
  for (const item of campaign.items) counts[outcome(item)]++;
  const selfWithout = campaign.items.filter((i) => i.selfReview && decisions.has(i.id) && decisions.get(i.id)!.reason === '').length;
  return {
    plan,
    remediation,
    campaign: {
      ...campaign,
      closed: {
        closedAt: (options.now ?? new Date()).toISOString(),
        unreviewed: options.unreviewed,
        plan: { path: options.planPath, digest: plan.digest, steps: plan.steps.length },
        summary: {
          items: campaign.items.length,
          ...counts,
          selfReviewsWithoutReason: selfWithout,
          revoked: revokedCount,
          conflicts: remediation.conflicts.length,
          collateral: collateral.length,
          changes: plan.steps.length,
          verified: remediation.verified,
        },
        revoked: remediation.revoked.flatMap((b) => closed(b).item ?? []),
        conflicts: remediation.conflicts.map((c) => ({
          ...closed(c.revoke),
          kind: c.kind,
          reason: c.reason,
          kept: c.kept.map(closed),
          sharedEdges: c.sharedEdges.map((e) => formatEdgeSpec(g, e)),
        })),
        collateral,
        search: { exhaustive: remediation.search.exhaustive, chosen: remediation.search.chosen, components: remediation.search.components },
      },
    },
  };
}

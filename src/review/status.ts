/**
 * `review status`: how far a campaign is, per reviewer: items decided of their total, how many of each
 * decision, the items flagged (with the reviewer's reason), and the self-reviews decided without a reason.
 */
import type { NamedRef } from '../analysis/index.ts';
import type { Campaign, CampaignItem, Decision, DecisionValue } from './format.ts';
import { itemsByReviewer } from './start.ts';

/** An item named for a list. */
export interface StatusItem {
  readonly item: string;
  readonly user: NamedRef;
  readonly resource: NamedRef;
  readonly reason: string;
}

/** One reviewer's progress. */
export interface ReviewerStatus {
  readonly reviewer: string;
  readonly total: number;
  readonly decided: number;
  readonly decisions: Readonly<Record<DecisionValue, number>>;
  readonly flagged: readonly StatusItem[];
  /** Self-reviews decided without a reason. */
  readonly selfReviewsWithoutReason: readonly StatusItem[];
  /** When this reviewer's last decision was imported. */
  readonly lastImport?: string;
}

/** A campaign's progress. */
export interface CampaignStatus {
  readonly campaign: string;
  readonly startedAt: string;
  readonly orgId: string;
  readonly snapshotSha256: string;
  /** Set for a partial snapshot. */
  readonly partialNotice?: string;
  readonly closedAt?: string;
  readonly total: number;
  readonly decided: number;
  readonly decisions: Readonly<Record<DecisionValue, number>>;
  readonly reviewers: readonly ReviewerStatus[];
}

function named(item: CampaignItem, decision: Decision): StatusItem {
  return {
    item: item.id,
    user: { type: 'user', id: item.user.id, name: item.user.name },
    resource: item.resource,
    reason: decision.reason,
  };
}

/** The progress of a campaign. */
export function campaignStatus(campaign: Campaign): CampaignStatus {
  const decided = new Map(campaign.decisions.map((d) => [d.item, d]));
  const totals = { keep: 0, revoke: 0, flag: 0 };
  const reviewers: ReviewerStatus[] = [];
  for (const [reviewer, items] of itemsByReviewer(campaign.items)) {
    const counts = { keep: 0, revoke: 0, flag: 0 };
    const flagged: StatusItem[] = [];
    const selfWithout: StatusItem[] = [];
    let done = 0;
    let lastImport: string | undefined;
    for (const item of items) {
      const d = decided.get(item.id);
      if (!d) continue;
      done++;
      counts[d.decision]++;
      totals[d.decision]++;
      if (d.decision === 'flag') flagged.push(named(item, d));
      if (item.selfReview && d.reason === '') selfWithout.push(named(item, d));
      if (lastImport === undefined || d.importedAt > lastImport) lastImport = d.importedAt;
    }
    reviewers.push({
      reviewer,
      total: items.length,
      decided: done,
      decisions: counts,
      flagged,
      selfReviewsWithoutReason: selfWithout,
      ...(lastImport !== undefined ? { lastImport } : {}),
    });
  }
  return {
    campaign: campaign.id,
    startedAt: campaign.startedAt,
    orgId: campaign.snapshot.orgId,
    snapshotSha256: campaign.snapshot.sha256,
    ...(campaign.snapshot.partialNotice ? { partialNotice: campaign.snapshot.partialNotice } : {}),
    ...(campaign.closed ? { closedAt: campaign.closed.closedAt } : {}),
    total: campaign.items.length,
    decided: decided.size,
    decisions: totals,
    reviewers,
  };
}

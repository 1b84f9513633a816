/**
 * `GET /jcgraph/v1/campaign`: the access-review campaign `jcgraph serve --campaign DIR` was given, read-only:
 * its id, scope, snapshot identity and per-reviewer progress, and its items with the decision in force
 * on each (decision, reviewer, time, reason), paged with `skip` and `limit` and filtered by `decision`
 * and `reviewer`. The answer is made from the campaign file as read at start; nothing here writes it.
 */
import type { NamedRef } from '../analysis/index.ts';
import { campaignStatus, DECISIONS, type Campaign, type DecisionValue } from '../review/index.ts';
import { badParameter } from './errors.ts';

/** The `decision` filter's values: a decision, or `undecided` for the items nobody has decided yet. */
export const CAMPAIGN_DECISION_FILTERS = [...DECISIONS, 'undecided'] as const;
/** One `decision` filter value. */
export type CampaignDecisionFilter = (typeof CAMPAIGN_DECISION_FILTERS)[number];

/** Which page of which items to answer. */
export interface CampaignPageRequest {
  /** Items left out before the page. */
  readonly skip: number;
  /** Items in the page at most. */
  readonly limit: number;
  /**
   * Only items with this decision in force (`undecided`: none).
   * @default every item
   */
  readonly decision?: CampaignDecisionFilter;
  /**
   * Only items this reviewer reviews (the campaign's name for them, exactly).
   * @default every reviewer
   */
  readonly reviewer?: string;
}

/** An item as the route answers it. */
export interface CampaignItemAnswer {
  readonly id: string;
  readonly user: NamedRef & { readonly email: string };
  readonly resource: NamedRef;
  readonly label: string;
  /** Who reviews it, and where that assignment came from. */
  readonly reviewer: { readonly name: string; readonly source: string };
  /** The decision in force, or null when nobody has decided it. */
  readonly decision: {
    readonly decision: DecisionValue;
    readonly reviewer: string;
    readonly decidedAt: string;
    readonly reason: string;
  } | null;
}

/** The route's answer. */
export interface CampaignAnswer {
  readonly campaign: string;
  readonly startedAt: string;
  readonly closedAt: string | null;
  readonly scope: Campaign['scope'];
  readonly snapshot: {
    readonly sha256: string;
    readonly orgId: string;
    readonly apiHost: string;
    readonly startedAt: string;
    readonly fetchedAt: string;
    readonly complete: boolean;
  };
  readonly progress: {
    readonly total: number;
    readonly decided: number;
    readonly decisions: Readonly<Record<DecisionValue, number>>;
    readonly reviewers: readonly {
      readonly reviewer: string;
      readonly total: number;
      readonly decided: number;
      readonly decisions: Readonly<Record<DecisionValue, number>>;
    }[];
  };
  /** Items that pass the filters (all pages). */
  readonly total: number;
  readonly skip: number;
  readonly limit: number;
  readonly items: readonly CampaignItemAnswer[];
}

/** Reads the `decision` filter; a 400 naming it for anything else. */
export function checkDecisionFilter(value: string | undefined): CampaignDecisionFilter | undefined {
  if (value === undefined) return undefined;
  if ((CAMPAIGN_DECISION_FILTERS as readonly string[]).includes(value)) return value as CampaignDecisionFilter;
  throw badParameter('decision', `The query parameter decision must be one of ${CAMPAIGN_DECISION_FILTERS.join(', ')}, not "${value}".`);
}

/** One page of a campaign's items with their decisions, and the campaign's identity and progress. */
export function campaignAnswer(campaign: Campaign, request: CampaignPageRequest): CampaignAnswer {
  const status = campaignStatus(campaign);
  const inForce = new Map(campaign.decisions.map((d) => [d.item, d]));
  const items: CampaignItemAnswer[] = [];
  for (const item of campaign.items) {
    if (request.reviewer !== undefined && item.reviewer.name !== request.reviewer) continue;
    const d = inForce.get(item.id);
    if (request.decision !== undefined && (d?.decision ?? 'undecided') !== request.decision) continue;
    items.push({
      id: item.id,
      user: { type: 'user', id: item.user.id, name: item.user.name, email: item.user.email },
      resource: item.resource,
      label: item.label,
      reviewer: { name: item.reviewer.name, source: item.reviewer.source },
      decision: d ? { decision: d.decision, reviewer: d.reviewer, decidedAt: d.decidedAt, reason: d.reason } : null,
    });
  }
  const s = campaign.snapshot;
  return {
    campaign: campaign.id,
    startedAt: campaign.startedAt,
    closedAt: campaign.closed?.closedAt ?? null,
    scope: { given: campaign.scope.given, description: campaign.scope.description },
    snapshot: {
      sha256: s.sha256,
      orgId: s.orgId,
      apiHost: s.apiHost,
      startedAt: s.startedAt,
      fetchedAt: s.fetchedAt,
      complete: s.complete,
    },
    progress: {
      total: status.total,
      decided: status.decided,
      decisions: status.decisions,
      reviewers: status.reviewers.map((r) => ({ reviewer: r.reviewer, total: r.total, decided: r.decided, decisions: r.decisions })),
    },
    total: items.length,
    skip: request.skip,
    limit: request.limit,
    items: items.slice(request.skip, request.skip + request.limit),
  };
}

/**
 * `review start --previous DIR`: the next review, told against the last one. Each item of the new
 * campaign is marked new when its binding did not exist at the previous campaign's snapshot (its whole
 * graph when that snapshot is at hand, else the previous population only); an item whose binding the
 * previous campaign decided, and which reaches its resource the same way (equal path digests), carries
 * that decision as a suggestion, never as a decision; and a binding decided revoke last time (and not
 * left out of its plan as a conflict) that is present again is listed as come back.
 */
import type { AccessGraph } from '../graph/index.ts';
import { bindingKey } from '../analysis/bindings.ts';
import { ReviewError } from '../errors.ts';
import type { Campaign, CampaignItem, PreviousCampaign } from './format.ts';
import { bindingKeys } from './post-check.ts';

/** The new campaign's items marked against the previous campaign, and what was found. */
export interface ComparedCampaign {
  readonly items: readonly CampaignItem[];
  readonly previous: PreviousCampaign;
}

/**
 * Marks `campaign`'s items against `previous` (see the module doc). `previousGraph`: the graph of the
 * previous campaign's snapshot, when it is at hand. ReviewError when the previous campaign is of
 * another organization or API host.
 */
export function compareWithPrevious(campaign: Campaign, previous: Campaign, previousGraph?: AccessGraph): ComparedCampaign {
  if (previous.snapshot.orgId !== campaign.snapshot.orgId || previous.snapshot.apiHost !== campaign.snapshot.apiHost)
    throw new ReviewError(
      `The previous campaign ${previous.id} is of ${previous.snapshot.orgId || "the key's own organization"} at ${previous.snapshot.apiHost}, not of this snapshot's ${campaign.snapshot.orgId || "the key's own organization"} at ${campaign.snapshot.apiHost}.`,
    );
  const keyOf = (i: CampaignItem): string => bindingKey(i.user.id, i.resource.id);
  const existed: ReadonlySet<string> = previousGraph ? new Set(bindingKeys(previousGraph).keys()) : new Set(previous.items.map(keyOf));
  const previousItems = new Map(previous.items.map((i) => [keyOf(i), i]));
  const decided = new Map(previous.decisions.map((d) => [d.item, d]));
  const leftOut = new Set((previous.closed?.conflicts ?? []).flatMap((c) => (c.item !== undefined ? [c.item] : [])));
  let newBindings = 0;
  let suggestions = 0;
  const cameBack: PreviousCampaign['cameBack'][number][] = [];
  const items = campaign.items.map((item): CampaignItem => {
    const key = keyOf(item);
    const isNew = !existed.has(key);
    if (isNew) newBindings++;
    const before = previousItems.get(key);
    const decision = before ? decided.get(before.id) : undefined;
    if (before && decision?.decision === 'revoke' && !leftOut.has(before.id))
      cameBack.push({
        user: { type: item.user.type, id: item.user.id, name: item.user.name },
        resource: item.resource,
        item: item.id,
        previousItem: before.id,
        reviewer: decision.reviewer,
        reason: decision.reason,
      });
    // Only a binding reached the same way as when it was decided: new paths deserve a new look.
    const suggest = before !== undefined && decision !== undefined && before.pathsDigest === item.pathsDigest;
    if (suggest) suggestions++;
    return {
      ...item,
      ...(isNew ? { newSinceLast: true } : {}),
      ...(suggest
        ? {
            suggestion: {
              decision: decision.decision,
              reason: decision.reason,
              reviewer: decision.reviewer,
              decidedAt: decision.decidedAt,
              campaign: previous.id,
            },
          }
        : {}),
    };
  });
  return {
    items,
    previous: {
      id: previous.id,
      snapshotSha256: previous.snapshot.sha256,
      snapshotStartedAt: previous.snapshot.startedAt,
      comparedWith: previousGraph ? 'snapshot' : 'population',
      newBindings,
      suggestions,
      cameBack,
    },
  };
}

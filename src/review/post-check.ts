/**
 * The post-remediation check: a snapshot fetched after the plan was applied, against the campaign.
 * Every binding the plan ended on a revoke decision must be absent, every binding decided keep present;
 * the collateral the plan listed should be gone, the conflicts it left out still there; and everything
 * else that changed between the campaign's snapshot and this one (bindings gained, bindings lost that the
 * plan did not end) is listed, since an auditor asks what else moved meanwhile.
 */
import { inventoryBindings, type AccessGraph } from '../graph/index.ts';
import { BINDING_SUBJECT_TYPES, BINDING_TARGETS, bindingKey, namedRef, type NamedRef } from '../analysis/bindings.ts';
import type { Campaign, CampaignItem } from './format.ts';

/** One binding checked, and whether the fresh snapshot has it. */
export interface CheckedBinding {
  readonly subject: NamedRef;
  readonly target: NamedRef;
  readonly item?: string;
  readonly present: boolean;
}

/** A binding that changed otherwise, named from the snapshot that has it. */
export interface OtherChange {
  readonly subject: NamedRef;
  readonly target: NamedRef;
  readonly change: 'gained' | 'lost';
}

/** The check's result. */
export interface PostRemediationCheck {
  /** The fresh snapshot: as named, its SHA-256, organization, fetch start and completeness. */
  readonly snapshot: {
    readonly path: string;
    readonly sha256: string;
    readonly orgId: string;
    readonly startedAt: string;
    readonly complete: boolean;
  };
  /**
   * Every revoked binding is absent and every kept one present, in a complete snapshot (a partial one
   * cannot show a binding absent: what it could not read may hold it).
   */
  readonly passed: boolean;
  /** Bindings the plan ended on a revoke decision: each must be absent. */
  readonly revoked: readonly CheckedBinding[];
  /** Bindings decided keep: each must be present. */
  readonly kept: readonly CheckedBinding[];
  /** The plan's collateral: expected absent (present: someone put it back, or the plan was not applied). */
  readonly collateral: readonly CheckedBinding[];
  /** Revokes the plan left out (conflicts): expected still present. */
  readonly conflicts: readonly CheckedBinding[];
  /** Everything else that differs between the campaign's snapshot and this one. */
  readonly otherChanges: readonly OtherChange[];
}

/** Every binding of the universe in a graph: its key, and its subject and target ids. */
export function bindingKeys(g: AccessGraph): Map<string, readonly [string, string]> {
  const out = new Map<string, readonly [string, string]>();
  for (const type of BINDING_SUBJECT_TYPES) {
    for (const b of inventoryBindings(g, type, BINDING_TARGETS[type] ?? [])) {
      const ix = b.index;
      const subject = ix.idOf(b.source);
      for (let i = 0; i < b.size; i++) {
        const target = ix.idOf(b.targets[i]!);
        out.set(bindingKey(subject, target), [subject, target]);
      }
    }
  }
  return out;
}

/** The check of a closed campaign (`before`: the campaign's snapshot; `after`: the fresh one). */
export function postRemediationCheck(
  campaign: Campaign,
  before: AccessGraph,
  after: AccessGraph,
  snapshot: PostRemediationCheck['snapshot'],
): PostRemediationCheck {
  const closed = campaign.closed;
  const byId = new Map(campaign.items.map((i) => [i.id, i]));
  const was = bindingKeys(before);
  const now = bindingKeys(after);
  const itemCheck = (item: CampaignItem): CheckedBinding => ({
    subject: { type: 'user', id: item.user.id, name: item.user.name },
    target: item.resource,
    item: item.id,
    present: now.has(bindingKey(item.user.id, item.resource.id)),
  });
  const revoked = (closed?.revoked ?? []).flatMap((id) => (byId.has(id) ? [itemCheck(byId.get(id)!)] : []));
  const keptIds = new Set(campaign.decisions.filter((d) => d.decision === 'keep').map((d) => d.item));
  const kept = campaign.items.filter((i) => keptIds.has(i.id)).map(itemCheck);
  const named = (b: { readonly subject: NamedRef; readonly target: NamedRef; readonly item?: string }): CheckedBinding => ({
    subject: b.subject,
    target: b.target,
    ...(b.item !== undefined ? { item: b.item } : {}),
    present: now.has(bindingKey(b.subject.id, b.target.id)),
  });
  const collateral = (closed?.collateral ?? []).map(named);
  const conflicts = (closed?.conflicts ?? []).map(named);
  const expectedGone = new Set([...revoked, ...collateral].map((b) => bindingKey(b.subject.id, b.target.id)));
  const otherChanges: OtherChange[] = [];
  const refIn = (g: AccessGraph, id: string): NamedRef => namedRef(g, id);
  for (const [key, [s, t]] of [...was].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (now.has(key) || expectedGone.has(key)) continue;
    otherChanges.push({ subject: refIn(before, s), target: refIn(before, t), change: 'lost' });
  }
  for (const [key, [s, t]] of [...now].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (was.has(key)) continue;
    otherChanges.push({ subject: refIn(after, s), target: refIn(after, t), change: 'gained' });
  }
  return {
    snapshot,
    passed: snapshot.complete && revoked.every((b) => !b.present) && kept.every((b) => b.present),
    revoked,
    kept,
    collateral,
    conflicts,
    otherChanges,
  };
}

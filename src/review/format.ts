/**
 * The campaign file, `DIR/campaign.json` (format `jcgraph-campaign`, version 1): everything an access
 * review holds, from the population frozen at `review start` to the decisions imported since and how
 * the campaign was closed. Every other file of the campaign (the worksheets, the plan, the evidence) is
 * made from it; it is written atomically with mode 0600 (it names who can reach what).
 *
 *   {"format":"jcgraph-campaign","version":1,"id":"c-…","startedAt":"…","tool":{…},"snapshot":{…},
 *    "scope":{…},"reviewers":{…},"counts":{…},"items":[{…},…],"decisions":[…],"imports":[…],
 *    "previous":{…},"closed":{…}}
 */
import type { BindingLabel } from '../model/index.ts';
import type { NamedRef } from '../analysis/index.ts';

/** The `format` of every campaign file. */
export const CAMPAIGN_FORMAT = 'jcgraph-campaign';
/** The version this jcgraph writes and reads. */
export const CAMPAIGN_VERSION = 1;

/** What a reviewer can decide about an item. */
export const DECISIONS = ['keep', 'revoke', 'flag'] as const;
/** `keep` (the access stays), `revoke` (it goes), `flag` (the reviewer cannot decide and says why). */
export type DecisionValue = (typeof DECISIONS)[number];

/** The snapshot the population was taken from, and how complete it was. */
export interface CampaignSnapshot {
  /** The snapshot file as it was named at `review start` (the hash identifies it). */
  readonly path: string;
  /** The same, as an absolute path (where `review close` looks for it first). */
  readonly location: string;
  /** SHA-256 of the snapshot file's bytes, in hex. */
  readonly sha256: string;
  readonly orgId: string;
  readonly apiHost: string;
  /** When the fetch that wrote the snapshot started and finished. */
  readonly startedAt: string;
  readonly fetchedAt: string;
  /** The jcgraph version that fetched it. */
  readonly toolVersion: string;
  /** False when the fetch could not read some collections (then `allowPartial` was given). */
  readonly complete: boolean;
  /** Collections the fetch could not read. */
  readonly gaps: number;
  /** For a partial snapshot: the sentence every page of the campaign and its evidence shows. */
  readonly partialNotice?: string;
}

/** A user as an item names them. */
export interface ItemUser extends NamedRef {
  readonly email: string;
  /** The record's `state` (ACTIVATED, STAGED, SUSPENDED). */
  readonly state: string;
}

/** Who reviews an item, and why them. */
export interface ItemReviewer {
  /** The reviewer as the campaign names them (a username, an email, or the text of the owners file). */
  readonly name: string;
  /**
   * Where the assignment came from: `manager` (the user's manager attribute), `owner of TYPE:NAME`
   * (a line of the owners file), or `fallback`.
   */
  readonly source: string;
}

/** One (user, resource) binding under review. */
export interface CampaignItem {
  /** Stable id: a hash of the snapshot, the user and the resource (itemId). */
  readonly id: string;
  readonly user: ItemUser;
  readonly resource: NamedRef;
  readonly label: BindingLabel;
  /** `sudo`, `sudo-nopasswd`, or empty. */
  readonly sudo: string;
  /** Each path in words, from the user to the resource (`user_group:Engineering → system_group:Web`). */
  readonly paths: readonly string[];
  /** A digest of the paths' edges: two campaigns' items with equal digests reach the resource the same way. */
  readonly pathsDigest: string;
  /** The findings that touch it (`sudo`, `direct binding`, `redundant path`, `suspended user`, `dynamic group: NAME`, …). */
  readonly findings: readonly string[];
  /** The user's last login, when the snapshot has it. */
  readonly lastLogin?: string;
  readonly reviewer: ItemReviewer;
  /** The reviewer is the item's own user: a decision needs a reason. */
  readonly selfReview: boolean;
  /** Set by `--previous`: the binding did not exist at the previous campaign's snapshot. */
  readonly newSinceLast?: boolean;
  /** Set by `--previous`: the previous campaign's decision on the same binding, unchanged since (a suggestion only). */
  readonly suggestion?: Suggestion;
}

/** A previous decision offered again, never taken as a decision. */
export interface Suggestion {
  readonly decision: DecisionValue;
  readonly reason: string;
  readonly reviewer: string;
  readonly decidedAt: string;
  /** The previous campaign's id. */
  readonly campaign: string;
}

/** One reviewer's decision on one item, as imported. */
export interface Decision {
  readonly item: string;
  readonly decision: DecisionValue;
  readonly reason: string;
  /** Who decided: the reviewer of the worksheet it came from. */
  readonly reviewer: string;
  /** When it was decided: the worksheet file's modification time (the closest the file tells). */
  readonly decidedAt: string;
  /** When it was imported. */
  readonly importedAt: string;
  /** The worksheet it came from: file name, its SHA-256, the line. */
  readonly source: { readonly file: string; readonly sha256: string; readonly line: number };
}

/** One `review import` of one worksheet. */
export interface ImportRecord {
  readonly file: string;
  readonly sha256: string;
  readonly reviewer: string;
  readonly importedAt: string;
  /** Decisions read (rows with a decision). */
  readonly decisions: number;
  /** Of those, how many replaced an earlier decision on the same item. */
  readonly replaced: number;
}

/** What `--previous` found. */
export interface PreviousCampaign {
  readonly id: string;
  readonly snapshotSha256: string;
  readonly snapshotStartedAt: string;
  /** How bindings were told new: against the previous snapshot's whole graph, or only its population. */
  readonly comparedWith: 'snapshot' | 'population';
  readonly newBindings: number;
  readonly suggestions: number;
  /** Bindings decided `revoke` last time that are present again. */
  readonly cameBack: readonly {
    readonly user: NamedRef;
    readonly resource: NamedRef;
    readonly item: string;
    readonly previousItem: string;
    readonly reviewer: string;
    readonly reason: string;
  }[];
}

/** A binding as the close names it: both ends, and its item when it is one of the campaign's. */
export interface ClosedBinding {
  readonly subject: NamedRef;
  readonly target: NamedRef;
  /** The campaign's item for it, when there is one. */
  readonly item?: string;
}

/** A revoke the plan leaves out, and why. */
export interface ClosedConflict extends ClosedBinding {
  /** `alone`, `with-plan` or `uncuttable` (src/analysis/remediation.ts). */
  readonly kind: string;
  readonly reason: string;
  /** The kept bindings its least harmful cut would end. */
  readonly kept: readonly ClosedBinding[];
  /** The edges they share with it (`user_group:Engineering>user:ann`, `user_group:Engineering~system:web-01`). */
  readonly sharedEdges: readonly string[];
}

/** A binding the plan ends that nobody decided `revoke`, and where it stands in the campaign. */
export interface CollateralBinding extends ClosedBinding {
  /** `unreviewed` (an item nobody decided), `flag` (an item flagged), or `outside the campaign` (not in its scope). */
  readonly status: 'unreviewed' | 'flag' | 'outside the campaign';
}

/** How a campaign was closed. */
export interface CampaignClose {
  readonly closedAt: string;
  /** What `--unreviewed` recorded for the items nobody decided (`revoke`: the plan ends them too). */
  readonly unreviewed: DecisionValue;
  /** The plan file, its digest and step count. */
  readonly plan: { readonly path: string; readonly digest: string; readonly steps: number };
  readonly summary: CloseSummary;
  /** Items the plan ends. */
  readonly revoked: readonly string[];
  readonly conflicts: readonly ClosedConflict[];
  readonly collateral: readonly CollateralBinding[];
  /** The rule file the plan was checked against, and what the plan resolves of it. */
  readonly rules?: { readonly file: string; readonly sha256: string; readonly resolved: number };
  /** How the plan was searched (src/analysis/remediation.ts). */
  readonly search: { readonly exhaustive: boolean; readonly chosen: string; readonly components: number };
}

/** The figures of a close. */
export interface CloseSummary {
  readonly items: number;
  readonly keep: number;
  readonly revoke: number;
  readonly flag: number;
  readonly unreviewed: number;
  /** Self-reviews decided without a reason. */
  readonly selfReviewsWithoutReason: number;
  /** Revokes the plan carries out. */
  readonly revoked: number;
  /** Revokes left out because every cut ends a kept binding (or needs an edge that cannot be removed). */
  readonly conflicts: number;
  /** Bindings nobody decided `revoke` that the plan ends. */
  readonly collateral: number;
  readonly changes: number;
  /** Re-traversal confirmed every revoked binding ends and every kept one survives. */
  readonly verified: boolean;
}

/** A campaign file (see the module doc). */
export interface Campaign {
  readonly format: typeof CAMPAIGN_FORMAT;
  readonly version: typeof CAMPAIGN_VERSION;
  /** `c-` and 16 hex digits: a hash of the snapshot and the start time. */
  readonly id: string;
  readonly startedAt: string;
  /** The jcgraph that started the campaign. */
  readonly tool: { readonly name: 'jcgraph'; readonly version: string };
  readonly snapshot: CampaignSnapshot;
  /** The scope as given, and in words. */
  readonly scope: { readonly given: readonly string[]; readonly description: string };
  /** How reviewers were assigned. */
  readonly reviewers: {
    readonly method: 'manager' | 'owners';
    /** The owners file (name and SHA-256) for `owners`. */
    readonly ownersFile?: { readonly path: string; readonly sha256: string };
    readonly fallback?: string;
  };
  readonly items: readonly CampaignItem[];
  /** The decision in force per item (the latest import of it), in import order. */
  readonly decisions: readonly Decision[];
  /** Decisions that a later import replaced, kept for the record. */
  readonly superseded: readonly Decision[];
  readonly imports: readonly ImportRecord[];
  readonly previous?: PreviousCampaign;
  readonly closed?: CampaignClose;
}

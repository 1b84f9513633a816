/**
 * The snapshot file format: one organization's TenantData with the metadata of the fetch that produced
 * it. JSON, optionally gzipped. Never holds the API key (nothing in it is derived from the key).
 *
 * Versions: a version says what a reader must understand to read the file truthfully.
 * - 1: a complete snapshot. `meta.coverage` may be present (`complete: true`) and is then ignorable.
 * - 2: a partial snapshot: `meta.coverage` lists what the fetch could not read, and a reader that does
 *   not know coverage would take it for complete, so older jcgraph versions refuse it.
 * A complete snapshot is written as version 1, so every jcgraph can read it; a partial one as version 2
 * (`snapshotVersionFor`). Version 1 files without `meta.coverage` (written before it existed) are complete.
 */
import type { Coverage, TenantData } from '../model/index.ts';

export const SNAPSHOT_FORMAT = 'jcgraph-snapshot';
/** The version of a complete snapshot. */
export const SNAPSHOT_VERSION = 1;
/** The version of a partial snapshot (one whose meta.coverage has gaps). */
export const PARTIAL_SNAPSHOT_VERSION = 2;
/** Every version this jcgraph reads. */
export const SNAPSHOT_VERSIONS: readonly number[] = [SNAPSHOT_VERSION, PARTIAL_SNAPSHOT_VERSION];
export type SnapshotVersion = typeof SNAPSHOT_VERSION | typeof PARTIAL_SNAPSHOT_VERSION;

/** The version a snapshot with this metadata must be written as. */
export function snapshotVersionFor(meta: { readonly coverage?: Coverage }): SnapshotVersion {
  return meta.coverage && !meta.coverage.complete ? PARTIAL_SNAPSHOT_VERSION : SNAPSHOT_VERSION;
}

/** Request statistics of a fetch. */
export interface RequestFigures {
  /** Every HTTP request sent, retries included. */
  readonly total: number;
  readonly retries: number;
  /** Collections fetched again from the start because they changed under the crawl. */
  readonly restarts: number;
  /** Times the concurrency was lowered after a 429. */
  readonly throttled: number;
  /** The request rate in force at the end (the configured cap, or what the 429s showed the server allows); absent when none. */
  readonly rate?: number;
  /** Requests per step, retries included. */
  readonly byStep: Readonly<Record<string, number>>;
  /** Attempts per outcome: HTTP status, `network`, `timeout`, `malformed`. */
  readonly byOutcome: Readonly<Record<string, number>>;
}

export interface PlanStepFigures {
  readonly name: string;
  /** The endpoint read for every object of `source`: `associations`, `members`, `memberof`. */
  readonly endpoint: string;
  readonly source: string;
  readonly targets: readonly string[];
  /** First-page requests: one per object of `source`. */
  readonly firstPageRequests: number;
  /** Pages the step needed in the end (first pages plus continuation pages), retries excluded. */
  readonly requests?: number;
}

/** What the planner said before the edge steps, and the figures after them. */
export interface PlanFigures {
  /** Pages of the object lists. */
  readonly listRequests: number;
  readonly steps: readonly PlanStepFigures[];
  /** listRequests + the edge steps' first pages: the plan as stated before the edge steps ran. */
  readonly firstPageRequests: number;
  /** The smallest first-page figure of any valid side assignment. */
  readonly optimumFirstPageRequests: number;
  /** The plan's final figure: list pages plus every page of every edge step (retries excluded). */
  readonly plannedRequests?: number;
  /** The exact optimum for the fetched edge counts (list pages included). */
  readonly optimumRequests?: number;
  readonly optimumExact?: boolean;
  /**
   * Requests the per-object traversal endpoints would need for the same inventory: one call per object per
   * traversal, members/memberof and associations endpoint of its type, each at least one page.
   */
  readonly traversalApproachRequests?: number;
  /** Association kinds that no listable side can see (not fetched). */
  readonly unreachableKinds: readonly string[];
}

export interface SnapshotMeta {
  readonly orgId: string;
  /** API origin (scheme, host, port), e.g. https://console.jumpcloud.com. */
  readonly apiHost: string;
  /** ISO time the fetch started and finished. */
  readonly startedAt: string;
  readonly fetchedAt: string;
  readonly durationMs: number;
  readonly toolVersion: string;
  /** Whether any collection that could not be read would have failed the fetch (strict mode). */
  readonly strict: boolean;
  readonly counts: {
    readonly objects: Readonly<Record<string, number>>;
    readonly edges: { readonly membership: number; readonly association: number };
  };
  readonly requests: RequestFigures;
  readonly plan: PlanFigures;
  /** Objects and edges of types jcgraph does not model, counted and left out of the tenant. */
  readonly unknown: {
    readonly objects: Readonly<Record<string, number>>;
    /** By `sourceType>otherType`. */
    readonly edges: Readonly<Record<string, number>>;
  };
  /** Notes on the fetch, one sentence each (what could not be read is in `coverage`). */
  readonly warnings: readonly string[];
  /** What the fetch could not read (absent in snapshots written before it was recorded: complete). */
  readonly coverage?: Coverage;
  /** Set when the fetch was resumed from a journal: when the first run started, and collections taken from the journal. */
  readonly resumed?: { readonly startedAt: string; readonly collections: number };
  /** Set by `fetch --since OLD` (an incremental refresh, or the full fetch it fell back to, and why). */
  readonly refresh?: RefreshFigures;
}

/** What an incremental refresh did (`meta.refresh`); see src/fetchers/refresh/. */
export interface RefreshFigures {
  /** `incremental`: lists, events and the collections they made stale were read, the rest carried over; `full`: everything was read. */
  readonly mode: 'incremental' | 'full';
  /** Why the refresh read everything (mode full). */
  readonly reason?: string;
  /** The snapshot refreshed: its start and end, and its host and organization. */
  readonly since: { readonly startedAt: string; readonly fetchedAt: string };
  /** The events read: from OLD's start minus the lag, up to when they were read. */
  readonly window?: { readonly start: string; readonly end: string; readonly lagSeconds: number };
  /** Directory events read, and those that said something about the graph. */
  readonly events?: { readonly read: number; readonly used: number; readonly pages: number };
  /** Edge collections read again and carried over from OLD (lists are always read). */
  readonly collections?: { readonly read: number; readonly carried: number };
  /** Why collections beyond the events' own were read (unknown events naming a type or object). */
  readonly notes?: readonly string[];
  /** The audit: carried-over collections read again and compared (`different` sends the refresh to a full fetch). */
  readonly audit?: {
    readonly size: number;
    readonly seed: number;
    readonly sample: readonly string[];
    readonly result: 'same' | 'different';
    readonly differences?: readonly string[];
  };
  /** Requests: events queries, the incremental crawl, the fallback full fetch, and in all. */
  readonly requests: { readonly events: number; readonly incremental: number; readonly full: number; readonly total: number };
  /** Requests a full fetch of the same organization would have needed (list pages plus every page of every edge collection). */
  readonly fullFetchRequests: number;
}

export interface Snapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly version: SnapshotVersion;
  readonly meta: SnapshotMeta;
  readonly tenant: TenantData;
}

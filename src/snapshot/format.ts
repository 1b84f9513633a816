/**
 * The snapshot file format (version 1): one organization's TenantData with the metadata of the fetch that
 * produced it. JSON, optionally gzipped. Never holds the API key (nothing in it is derived from the key).
 */
import type { TenantData } from '../model/index.ts';

export const SNAPSHOT_FORMAT = 'jcgraph-snapshot';
export const SNAPSHOT_VERSION = 1;

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
  /** Whether anomalies failed the fetch (strict) or were reported as warnings. */
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
  /** Anomalies (lenient mode) and notes, one sentence each. */
  readonly warnings: readonly string[];
}

export interface Snapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly version: typeof SNAPSHOT_VERSION;
  readonly meta: SnapshotMeta;
  readonly tenant: TenantData;
}

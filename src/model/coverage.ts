/**
 * What a fetch could not read: the coverage record of a snapshot (`meta.coverage`), as plain data.
 *
 * The unit is the **collection**: one list endpoint (`list:v1:/systemusers`), or one object's edge
 * collection of one planned step (`associations:user:5f1e…`, `members:user_group:…`, `memberof:user:…`).
 * Every collection has a stable key (src/fetchers/collections.ts builds and parses them). A gap names the
 * collection, the request, why it failed (HTTP status or cause, attempts) and what the collection would
 * have provided: object types for a list, edge kinds of one source object for an edge collection.
 *
 * What a gap means for the data (the rule every reader applies, src/analysis/coverage.ts):
 * - `unread` list: no object of the types it `provides` is in the snapshot, nor any edge touching one;
 * - `unread` edge collection: no edge of its `edgeKinds` with its `source` at the read side is in the
 *   snapshot (those edges are read from that side only), and objects known only through such edges
 *   (types with no list) may be missing;
 * - `incomplete`: what was read is kept, but the collection may lack records (it stayed inconsistent
 *   while being read, or named objects a list did not return).
 * A snapshot with no `coverage` (written before jcgraph recorded it) is complete.
 */
import { associationKindKey } from './associations.ts';
import type { GraphType } from './types.ts';
import type { ObjectRef, TenantEdge } from './tenant.ts';

/** Why a collection was not read (with `status` for `http`). */
export type GapCause =
  /** The API answered an HTTP error: 402, 403, 404, or a 5xx / 429 that persisted through the retries. */
  | 'http'
  /** The connection failed (reset, refused) on every attempt while the host answered other requests. */
  | 'network'
  /** No answer within the timeout, on every attempt. */
  | 'timeout'
  /** A 200 whose body was cut short, on every attempt. */
  | 'truncated'
  /** A 200 whose body was not JSON, or JSON of the wrong shape, on every attempt. */
  | 'malformed'
  /** Read, but inconsistent: it changed under the crawl on every attempt, or names objects its list did not return. */
  | 'inconsistent';

export type GapState = 'unread' | 'incomplete';

/** What a collection would have provided. */
export type GapProvides =
  | { readonly kind: 'objects'; readonly types: readonly GraphType[] }
  | { readonly kind: 'edges'; readonly source: ObjectRef; readonly edgeKinds: readonly string[] };

export interface CoverageGap {
  /** The collection's stable key: `list:v2:/softwareapps`, `associations:user:5f1e…`. */
  readonly collection: string;
  /** The request, as `GET /api/v2/softwareapps?sort=_id` (path and query, never a header). */
  readonly endpoint: string;
  readonly state: GapState;
  readonly cause: GapCause;
  /** The HTTP status of the last answer, when there was one. */
  readonly status?: number;
  /** Requests made for the page that failed (retries included). */
  readonly attempts: number;
  /** One plain sentence: what went wrong. */
  readonly message: string;
  readonly provides: GapProvides;
}

export interface Coverage {
  /** True when every planned collection was read in full (then `gaps` is empty). */
  readonly complete: boolean;
  /** Collections planned, read or not (lists included). */
  readonly planned: number;
  readonly gaps: readonly CoverageGap[];
}

export const COMPLETE_COVERAGE: Coverage = { complete: true, planned: 0, gaps: [] };

/** A membership edge kind: `membership:user_group|user`. */
export function membershipKindKey(group: string, member: string): string {
  return `membership:${group}|${member}`;
}

/** The kind of an edge as gaps name it: `user|system` (association) or `membership:user_group|user`. */
export function edgeKindKey(edge: Pick<TenantEdge, 'kind' | 'from' | 'to'>): string {
  return edge.kind === 'membership' ? membershipKindKey(edge.from.type, edge.to.type) : associationKindKey(edge.from.type, edge.to.type);
}

/** The two types an edge kind key joins (group first for a membership). */
export function edgeKindTypes(kindKey: string): { readonly membership: boolean; readonly a: string; readonly b: string } {
  const membership = kindKey.startsWith('membership:');
  const [a = '', b = ''] = (membership ? kindKey.slice('membership:'.length) : kindKey).split('|');
  return { membership, a, b };
}

/** A short label of a gap's cause: `HTTP 403`, `timeout`, `inconsistent`. */
export function gapCauseLabel(gap: Pick<CoverageGap, 'cause' | 'status'>): string {
  return gap.cause === 'http' && gap.status !== undefined ? `HTTP ${gap.status}` : gap.cause;
}

/** The coverage of a snapshot's metadata; absent (an older snapshot) means complete. */
export function coverageOf(meta: { readonly coverage?: Coverage } | undefined): Coverage {
  return meta?.coverage ?? COMPLETE_COVERAGE;
}

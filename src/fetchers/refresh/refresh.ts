/**
 * An incremental refresh: a new snapshot of the organization an earlier one (OLD) was fetched from, at
 * the cost of what changed rather than of the organization's size.
 *
 * 1. Directory Insights' `directory` events from OLD's start minus the lag (events appear late) up to now,
 *    read through the crawl's own client while it reads
 * 2. every list, always (about 1% of a full crawl): creations, deletions and changed records, whatever the
 *    events say.
 * 3. The edge collections the events make stale (./stale.ts), every collection of an object created since
 *    OLD, and every collection OLD could not read in full; all other collections are carried over from
 *    OLD, without the edges of objects the lists no longer return. The crawl is the full fetch's own
 *    (../crawl.ts), with OLD's plan, so a collection means the same in both; ./carry.ts is its edge phase.
 * 4. The audit: `audit` collections chosen at random (seeded) among those carried over are read anyway and
 *    compared. Any difference means the events did not tell the whole story: a full fetch, which says so.
 *
 * It never guesses: it reads everything (a full fetch, with the reason in `meta.refresh.reason`) when OLD
 * is of another organization or API host, OLD lacks a whole list, the events API answers 401, 402 or 403
 * or a page of events cannot be read, the events do not reach back to OLD's start (retention), an event
 * cannot be placed, the audit finds a difference, or `full` is asked for.
 */
import { CancelledError, ConnectionLostError, JcApiError } from '../../errors.ts';
import { TYPE_INFO, isGraphType, type TenantData, type TenantObject } from '../../model/index.ts';
import type { RefreshFigures, Snapshot, SnapshotMeta } from '../../snapshot/format.ts';
import { seededSample } from '../../common/seeded-sample.ts';
import { TimeSlicer } from '../bounded.ts';
import { ApiClient } from '../client.ts';
import { CollectionPlan, edgeCollectionKey } from '../collections.ts';
import { crawlTenant, type FetchOptions, type FetchResult } from '../crawl.ts';
import { eventsReachBack, readEvents } from '../insights/read-events.ts';
import { interpretEvent } from '../insights/interpret.ts';
import type { JournalEntry } from '../journal.ts';
import { carryOver, type AuditDifference, type CarryOver } from './carry.ts';
import { staleCollections } from './stale.ts';

/** Default margin behind OLD's start from which events are read (SIEM collectors use a few minutes to 15; docs/rules.md#event-lag). */
export const DEFAULT_EVENT_LAG_MS = 15 * 60_000;
/** Default number of carried-over collections the audit reads again. */
export const DEFAULT_AUDIT_SIZE = 50;
/**
 * Pages of one collection requested at once in a refresh's crawl, enough to keep the rate busy behind a
 * long collection: a refresh reads a few collections, some of them the largest (a big group's members),
 * and one after the other their pages would take longer than the rate allows for the whole refresh.
 */
const PAGES_AHEAD = 8;

export interface RefreshOptions extends FetchOptions {
  /** The snapshot to refresh (of the same organization and API host, else a full fetch). */
  readonly since: Pick<Snapshot, 'meta' | 'tenant'>;
  /**
   * How far behind OLD's start events are read, in milliseconds.
   * @default 900000 (15 minutes)
   */
  readonly eventLagMs?: number;
  /**
   * Carried-over collections read again and compared (0: no audit).
   * @default 50
   */
  readonly audit?: number;
  /**
   * Seed of the audit's draw; it is recorded in meta.refresh.audit.seed.
   * @default a random one
   */
  readonly auditSeed?: number;
  /**
   * Read everything (a full fetch), with "asked for" as the reason.
   * @default false
   */
  readonly full?: boolean;
}

export interface RefreshResult extends FetchResult {
  readonly meta: SnapshotMeta & { readonly refresh: RefreshFigures };
}

const STATUS_REASONS: Readonly<Record<number, string>> = {
  401: 'the events API refused the key (401)',
  402: "Directory Insights is not in the organization's plan (402)",
  403: 'the key lacks the Directory Insights scope (403)',
};

/** Why the events cannot be used, or undefined when the error must stop the refresh (cancelled, host gone). */
function eventsFailure(error: unknown): string | undefined {
  if (!(error instanceof JcApiError) || error instanceof ConnectionLostError) return undefined;
  const status = error.status;
  if (status !== undefined && STATUS_REASONS[status]) return STATUS_REASONS[status];
  return `the events could not be read: ${error.message}`;
}

/**
 * OLD's collections that may be carried over: one entry per planned collection of each object OLD lists,
 * except those `skip` names, whose sizes (OLD's edges in them) are returned instead.
 */
async function carriedEntries(
  plan: CollectionPlan,
  old: TenantData,
  skip: (key: string, step: string) => boolean,
): Promise<{ entries: Map<string, CarriedEntry>; sizes: Map<string, number> }> {
  const entries = new Map<string, CarriedEntry>();
  const sizes = new Map<string, number>();
  const unlisted = new Map<string, TenantObject>();
  const stepsOf = new Map<string, CollectionPlan['steps'][number][]>();
  for (const step of plan.steps) stepsOf.set(step.source, [...(stepsOf.get(step.source) ?? []), step]);
  // Seconds of CPU on xl, while the lists are being read: done in slices that let their answers in.
  const slicer = new TimeSlicer();
  for (const o of old.objects) {
    const pause = slicer.pause();
    if (pause) await pause;
    if (!isGraphType(o.type)) continue;
    if (TYPE_INFO[o.type].lists.length === 0) {
      unlisted.set(`${o.type}:${o.id}`, o);
      continue;
    }
    for (const step of stepsOf.get(o.type) ?? []) {
      const key = edgeCollectionKey(step, o.id);
      if (skip(key, step.name)) sizes.set(key, 0);
      else entries.set(key, { key, pages: 0, edges: [], found: [] });
    }
  }
  for (const edge of old.edges) {
    const pause = slicer.pause();
    if (pause) await pause;
    const at = plan.sourceOfEdge(edge);
    if (!at) continue;
    const key = edgeCollectionKey(at.step, at.end.id);
    const entry = entries.get(key);
    if (!entry) {
      const size = sizes.get(key);
      if (size !== undefined) sizes.set(key, size + 1);
      continue;
    }
    entry.edges.push(edge);
    const other = edge.from === at.end ? edge.to : edge.from;
    const found = unlisted.size > 0 ? unlisted.get(`${other.type}:${other.id}`) : undefined;
    if (found) entry.found.push(found);
  }
  return { entries, sizes };
}

interface CarriedEntry extends JournalEntry {
  readonly edges: TenantData['edges'][number][];
  readonly found: TenantObject[];
}

interface Counting {
  events: number;
  incremental: number;
}

/** The full fetch a refresh falls back to, with its reason and what was spent before it. */
async function fullFetch(
  options: RefreshOptions,
  startedAt: Date,
  reason: string,
  spent: Counting,
  extra: Partial<RefreshFigures> = {},
): Promise<RefreshResult> {
  const { tenant, meta } = await crawlTenant(options);
  return fullResult(options, startedAt, { tenant, meta }, reason, { ...spent, full: meta.requests.total }, extra);
}

/** A full fetch's result as a refresh's: its reason, and every request counted. */
function fullResult(
  options: RefreshOptions,
  startedAt: Date,
  { tenant, meta }: FetchResult,
  reason: string,
  spent: Counting & { full: number },
  extra: Partial<RefreshFigures>,
): RefreshResult {
  const requests = { ...spent, total: spent.events + spent.incremental + spent.full };
  const refresh: RefreshFigures = {
    mode: 'full',
    reason,
    since: { startedAt: options.since.meta.startedAt, fetchedAt: options.since.meta.fetchedAt },
    ...extra,
    requests,
    fullFetchRequests: meta.plan.plannedRequests ?? meta.requests.total,
  };
  return { tenant, meta: withRefresh(meta, startedAt, refresh) };
}

/** The crawl's meta as the refresh's: started when the refresh did, every request counted, and `refresh`. */
function withRefresh(meta: SnapshotMeta, startedAt: Date, refresh: RefreshFigures): SnapshotMeta & { refresh: RefreshFigures } {
  return {
    ...meta,
    // The next refresh reads events from here on: the refresh's own start, not its crawl's.
    startedAt: startedAt.toISOString(),
    durationMs: Date.parse(meta.fetchedAt) - startedAt.getTime(),
    requests: { ...meta.requests, total: refresh.requests.total },
    refresh,
  };
}

/** Why nothing can be carried over before any request is made, or undefined. */
function precheck(options: RefreshOptions, origin: string): string | undefined {
  const old = options.since;
  const orgId = options.orgId ?? '';
  if (options.full) return 'a full fetch was asked for (--full)';
  if (old.meta.apiHost !== origin) return `the snapshot is of ${old.meta.apiHost}, not ${origin}`;
  if (old.meta.orgId !== orgId) {
    const name = (o: string): string => (o ? `organization ${o}` : "the key's own organization");
    return `the snapshot is of ${name(old.meta.orgId)}, not ${name(orgId)}`;
  }
  const listGap = old.meta.coverage?.gaps.find((g) => g.provides.kind === 'objects' && g.state === 'unread');
  if (listGap)
    return `the snapshot lacks a whole list (${listGap.endpoint}), so every collection that could hold its objects' edges is in doubt`;
  return undefined;
}

/** What the events settled, as the provider hands it back: what to carry, or why nothing can be. */
type Settled =
  | { readonly reason: string; readonly figures: Partial<RefreshFigures> }
  | { readonly reason?: undefined; readonly figures: Partial<RefreshFigures>; readonly notes: readonly string[] };

/**
 * Refreshes `options.since`: see the module comment. Throws what a full fetch throws (401 on the API, a
 * lost connection, a cancellation); everything else about the events ends in a full fetch that says why.
 * The events are read, and what to carry over worked out, while the lists are being read.
 */
export async function refreshTenant(options: RefreshOptions): Promise<RefreshResult> {
  const startedAt = new Date();
  const old = options.since;
  const early = precheck(options, new ApiClient(options).origin);
  if (early) return fullFetch(options, startedAt, early, { events: 0, incremental: 0 });
  let plan: CollectionPlan;
  try {
    plan = CollectionPlan.fromFigures(old.meta.plan);
  } catch (error) {
    return fullFetch(options, startedAt, `the snapshot's plan cannot be read: ${(error as Error).message}`, { events: 0, incremental: 0 });
  }
  const lagMs = options.eventLagMs ?? DEFAULT_EVENT_LAG_MS;
  const start = new Date(Date.parse(old.meta.startedAt) - lagMs);
  const size = options.audit ?? DEFAULT_AUDIT_SIZE;
  const seed = options.auditSeed ?? Math.floor(Math.random() * 2 ** 31);
  let settled: Settled | undefined;
  const provider = async (client: ApiClient): Promise<CarryOver | undefined> => {
    let read: Awaited<ReturnType<typeof readEvents>>;
    try {
      const reach = await eventsReachBack(client, start, startedAt);
      if (!reach.covered) {
        settled = {
          reason: `the events do not reach back to ${start.toISOString()} (Directory Insights keeps 90 days, 15 on the lowest plans)`,
          figures: {},
        };
        return undefined;
      }
      read = await readEvents(client, { start });
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      const why = eventsFailure(error);
      if (why === undefined) throw error;
      settled = { reason: why, figures: {} };
      return undefined;
    }
    const window = { start: start.toISOString(), end: new Date().toISOString(), lagSeconds: Math.round(lagMs / 1000) };
    const unlisted = (type: string): boolean => isGraphType(type) && TYPE_INFO[type].lists.length === 0;
    const stale = staleCollections(read.events.map(interpretEvent), plan, old.tenant, unlisted);
    const events = { read: read.events.length, used: stale.used, pages: read.pages };
    if (stale.fullReason) {
      settled = { reason: stale.fullReason, figures: { window, events } };
      return undefined;
    }
    settled = { figures: { window, events }, notes: stale.notes };
    // What OLD could not read in full is read again.
    const gaps = new Set(old.meta.coverage?.gaps.map((g) => g.collection) ?? []);
    const { entries, sizes } = await carriedEntries(
      plan,
      old.tenant,
      (key, step) => stale.keys.has(key) || stale.steps.has(step) || gaps.has(key),
    );
    return { plan, entries, sizes, audit: (carried) => new Set(seededSample(carried, size, seed, 'audit')) };
  };
  const crawl = await crawlTenant(options, {
    pagesAhead: PAGES_AHEAD,
    edgePhase: async (client) => {
      const carry = await provider(client);
      return carry && carryOver(carry);
    },
  });
  const events = crawl.meta.requests.byStep['events'] ?? 0;
  const done = settled!;
  if (done.reason !== undefined) {
    // Nothing was carried: the crawl read everything, with a fresh plan. It is the full fetch.
    return fullResult(
      options,
      startedAt,
      crawl,
      done.reason,
      { events, incremental: 0, full: crawl.meta.requests.total - events },
      done.figures,
    );
  }
  const outcome = crawl.edgePhase!;
  const spent = { events, incremental: crawl.meta.requests.total - events };
  const audit = {
    size,
    seed,
    sample: outcome.audited,
    result: outcome.differences.length === 0 ? 'same' : 'different',
    ...(outcome.differences.length > 0 ? { differences: outcome.differences.map(differenceText) } : {}),
  } as const;
  const figures = {
    ...done.figures,
    collections: { read: outcome.read, carried: outcome.carried },
    ...(done.notes.length > 0 ? { notes: done.notes } : {}),
    audit,
  };
  if (outcome.differences.length > 0) {
    const n = outcome.differences.length;
    return fullFetch(
      options,
      startedAt,
      `the audit found ${n} of ${outcome.audited.length} carried-over collections changed without an event that said so (first: ${differenceText(outcome.differences[0]!)})`,
      spent,
      figures,
    );
  }
  const refresh: RefreshFigures = {
    mode: 'incremental',
    since: { startedAt: old.meta.startedAt, fetchedAt: old.meta.fetchedAt },
    ...figures,
    requests: { ...spent, full: 0, total: spent.events + spent.incremental },
    fullFetchRequests: crawl.meta.plan.plannedRequests ?? 0,
  };
  return { tenant: crawl.tenant, meta: withRefresh(crawl.meta, startedAt, refresh) };
}

function differenceText(d: AuditDifference): string {
  const parts = [
    ...(d.added.length > 0 ? [`${d.added.length} added`] : []),
    ...(d.removed.length > 0 ? [`${d.removed.length} removed`] : []),
    ...(d.changed.length > 0 ? [`${d.changed.length} re-attributed`] : []),
  ];
  return `${d.collection}: ${parts.join(', ')}`;
}

/**
 * The crawl: one organization, API → TenantData. List every object, plan the edge steps from the counts,
 * read every edge kind from the planned side (or, in a refresh, let ./refresh/carry.ts carry most
 * collections over from the earlier snapshot), and check the result. fetchTenant (./fetch-tenant.ts) is a
 * crawl; so is the refresh (./refresh/).
 *
 * What cannot be read does not stop the crawl (rules chosen where the documentation is silent, documented here
 * and in docs/rules.md#gaps-and-what-stops-a-fetch): every list and every edge collection is a unit (./collections.ts). One that answers an
 * HTTP error (402, 403, 404, or a 5xx or 429 still there after the retries), or whose every attempt timed
 * out, was reset, cut short or not JSON while the host answered other requests, is a **gap**: recorded in
 * `meta.coverage` (request, status or cause, attempts, what it would have provided) and left out, and the
 * crawl goes on. A collection that stays inconsistent after being refetched, a page of the wrong shape,
 * an edge to an object its list did not return: the collection is kept as read and recorded as an
 * `incomplete` gap. Objects of a type whose list was not read are missing, and so is every edge to one.
 * What stops the fetch: 401 (nothing can be read with that key), every list failing, a failure no retry
 * can mend (a refused certificate), the host answering nothing at all (ConnectionLostError: the journal
 * is kept for a resume), a cancellation; and, with `strict`, the first gap.
 *
 * Other rules:
 * - ldap_server and active_directory appear both in their own list and in `/directories` (docs/rules.md#directories); the record kept is
 *   the one from their own list (it has the type's full fields), the `/directories` item only when the
 *   object is missing from its own list (and never when their own list was not read).
 * - idp_routing_policy and password_manager_item have no list (docs/rules.md#types-without-a-list): they are known
 *   from the associations that reach them, and their record is what the API showed: `{id, type}` (plus the `attributes` of the
 *   GraphObject when the API sent any). Such objects with no edge at all cannot be found.
 * - Objects and edges of types jcgraph does not model (agent_group, workday directories, odd types) are
 *   counted in `meta.unknown` and left out.
 */
import { setMaxListeners } from 'node:events';
import { TYPE_INFO, isGraphType, type GraphType, type TenantData, type TenantEdge, type TenantObject } from '../model/index.ts';
import { CancelledError, JournalError } from '../errors.ts';
import type { PlanFigures, SnapshotMeta } from '../snapshot/format.ts';
import { ApiClient, type ClientOptions } from './client.ts';
import { forEachBounded } from './bounded.ts';
import { CollectionPlan, LIST_COLLECTIONS, edgeCollection, type PlannedCollection } from './collections.ts';
import { Crawl, addYield, listObjects, readEdges, replay, yieldNow, type Yield } from './crawl-reads.ts';
import { JOURNAL_FORMAT, JOURNAL_VERSION, JournalWriter, readJournal, type JournalContent, type JournalEntry } from './journal.ts';
import { edgeCensus, optimumRequests, planFetch, traversalApproachRequests, type FetchPlan, type ObjectCounts } from './planner.ts';
import { ProgressTracker, type FetchProgress } from './progress.ts';
import { TOOL_VERSION } from '../common/version.ts';

/**
 * Options of a fetch. Everything of {@link ClientOptions} (key, host, org, rate, concurrency, timeout,
 * retries, signal), plus:
 */
export interface FetchOptions extends ClientOptions {
  /**
   * Strict mode (default false): the first collection that cannot be read in full (see the gaps above)
   * fails the fetch with its JcApiError, and nothing is returned. By default the fetch records it in
   * `meta.coverage` and goes on.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Times a collection that changed under the crawl is fetched again from the start.
   * @default 5
   */
  readonly maxRestarts?: number;
  /**
   * Called as the fetch advances (after every request, and once with the plan). Nothing else reports progress.
   * @default none (no progress is reported)
   */
  readonly onProgress?: (progress: FetchProgress) => void;
  /**
   * A journal file (./journal.ts, mode 0600) of the collections finished, written as the fetch goes and
   * left in place whatever the outcome: the caller removes it (`removeJournal`) once the snapshot is saved.
   * @default none (no journal is kept)
   */
  readonly journal?: string;
  /**
   * Continue the fetch recorded in `journal` (same organization and host, else a JournalError): the lists
   * are read again, finished collections of objects still listed are taken from the journal (unless they
   * name a listed object that is gone: those are read again), those of objects gone are dropped, and the
   * rest are read.
   * @default false
   */
  readonly resume?: boolean;
}

export interface FetchResult {
  readonly tenant: TenantData;
  readonly meta: SnapshotMeta;
}

/** What reading a planned collection came to. */
export type CollectionRead =
  /** Taken from the journal of the fetch being resumed. */
  | { readonly replayed: true }
  /** Read from the API: its edges, or undefined when it could not be read (a gap). */
  | { readonly replayed: false; readonly edges: readonly TenantEdge[] | undefined };

/**
 * What the crawl lends its edge phase once the lists are read and the plan is made. Each collection read
 * or taken through it is added to the tenant, journaled and counted done.
 */
export interface EdgeReader {
  /** Aborted on the first failure or a cancellation: take nothing new. */
  readonly signal: AbortSignal;
  /** Collections to read at once. */
  readonly width: number;
  /** Every collection the plan reads for the objects listed, in plan order (generated anew on each call). */
  planned(): Generator<PlannedCollection>;
  /** Reads a collection (unless the journal of a resumed fetch holds it, still valid). */
  read(p: PlannedCollection): Promise<CollectionRead>;
  /** Takes a collection as an earlier snapshot holds it, instead of reading it (see edgesNow). */
  take(p: PlannedCollection, entry: JournalEntry): void;
  /** The edges of `entry` a fresh read would give now: those to objects the lists no longer return leave. */
  edgesNow(p: PlannedCollection, entry: JournalEntry): readonly TenantEdge[];
}

/** An edge phase other than reading every planned collection: an incremental refresh's (./refresh/carry.ts). */
export interface EdgePhase<Outcome> {
  /** The plan to read by, instead of one made from the counts. */
  readonly plan: CollectionPlan;
  /** Reads or takes every collection of `reader.planned()`, and says what it did. */
  run(reader: EdgeReader): Promise<Outcome>;
}

/** How a crawl goes beyond its FetchOptions (a refresh's). */
export interface CrawlOptions<Outcome> {
  /**
   * Pages of one collection requested at once once its total is known (./paging.ts).
   * @default 1
   */
  readonly pagesAhead?: number;
  /**
   * The edge phase, worked out with the crawl's own client (its requests share the rate and the request
   * count) while the lists are read; undefined from it: every collection is read.
   * @default none (every collection is read)
   */
  readonly edgePhase?: (client: ApiClient) => Promise<EdgePhase<Outcome> | undefined>;
}

function objectCounts(objects: Iterable<TenantObject>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of objects) counts[o.type] = (counts[o.type] ?? 0) + 1;
  return counts;
}

function edgeCounts(edges: readonly TenantEdge[]): { membership: number; association: number } {
  const counts = { membership: 0, association: 0 };
  for (const e of edges) counts[e.kind] += 1;
  return counts;
}

/**
 * Collections read at once: twice the most requests the client lets into flight, so a reader between two
 * pages never leaves a request slot idle. The crawl holds this many collections in progress, not one
 * pending task per collection (131,540 on the xl preset): its memory is the tenant it builds plus O(this).
 */
function readerCount(client: ApiClient): number {
  return 2 * client.concurrency.max;
}

/** Opens the journal: afresh, or (resume) checked against this fetch and rewritten with what still holds. */
async function openJournal(
  options: FetchOptions,
  client: ApiClient,
  startedAt: Date,
): Promise<{ writer: JournalWriter | undefined; earlier: JournalContent | undefined }> {
  const path = options.journal;
  if (path === undefined) {
    if (options.resume) throw new JournalError('A resumed fetch needs the journal to resume from (the journal option).', { path: '' });
    return { writer: undefined, earlier: undefined };
  }
  const orgId = options.orgId ?? '';
  let earlier: JournalContent | undefined;
  if (options.resume) {
    earlier = await readJournal(path);
    const h = earlier.header;
    if (h.apiHost !== client.origin) {
      throw new JournalError(
        `The fetch journal ${path} is of a fetch from ${h.apiHost}, not ${client.origin}: resume it with the same --base-url, or fetch afresh.`,
        { path },
      );
    }
    if (h.orgId !== orgId) {
      const name = (o: string): string => (o ? `organization ${o}` : "the key's own organization");
      throw new JournalError(
        `The fetch journal ${path} is of ${name(h.orgId)}, not ${name(orgId)}: resume it with the same --org-id, or fetch afresh.`,
        { path },
      );
    }
  }
  const header = {
    format: JOURNAL_FORMAT,
    version: JOURNAL_VERSION,
    orgId,
    apiHost: client.origin,
    toolVersion: TOOL_VERSION,
    startedAt: earlier?.header.startedAt ?? startedAt.toISOString(),
  } as const;
  const writer = await JournalWriter.create(path, header, earlier ? { plan: earlier.plan, entries: earlier.entries.values() } : undefined);
  return { writer, earlier };
}

/** The crawl's edge reader: each collection read, replayed from a resumed fetch's journal, or taken as given. */
class JournaledReader implements EdgeReader {
  /** Collections taken from the journal of the fetch being resumed. */
  resumed = 0;

  constructor(
    private readonly crawl: Crawl,
    private readonly plan: CollectionPlan,
    private readonly sourcesOf: (type: GraphType) => readonly string[],
    readonly signal: AbortSignal,
    readonly width: number,
    private readonly progress: ProgressTracker,
    private readonly journal: JournalWriter | undefined,
    private readonly earlier: JournalContent | undefined,
  ) {}

  planned(): Generator<PlannedCollection> {
    return this.plan.planned(this.sourcesOf);
  }

  async read(p: PlannedCollection): Promise<CollectionRead> {
    const c = edgeCollection(p.step, p.sourceId);
    const entry = this.earlier?.entries.get(c.key);
    if (entry && replay(this.crawl, c, entry, p.order)) {
      this.resumed += 1;
      this.journal?.append(entry);
      this.progress.collectionDone();
      return { replayed: true };
    }
    const y = await readEdges(this.crawl, c, p.order);
    // Finished in full: journaled. A gap (or an incomplete read) is tried again by a resume.
    if (y && !this.crawl.gaps.has(c.key)) this.journal?.append(journalEntry(c.key, y, [...y.edges, ...y.heldBack]));
    this.progress.collectionDone();
    return { replayed: false, edges: y?.edges };
  }

  take(p: PlannedCollection, entry: JournalEntry): void {
    const c = edgeCollection(p.step, p.sourceId);
    const y = yieldNow(this.crawl, c, entry);
    addYield(this.crawl, c, y, p.order);
    this.journal?.append(journalEntry(c.key, y, y.edges));
    this.progress.collectionDone();
  }

  edgesNow(p: PlannedCollection, entry: JournalEntry): readonly TenantEdge[] {
    return yieldNow(this.crawl, edgeCollection(p.step, p.sourceId), entry).edges;
  }
}

/** What the journal keeps of a finished collection. */
function journalEntry(
  key: string,
  y: Pick<JournalEntry, 'pages' | 'found'> & Pick<Yield, 'unknown'>,
  edges: readonly TenantEdge[],
): JournalEntry {
  return { key, pages: y.pages, edges, found: y.found, ...(Object.keys(y.unknown).length > 0 ? { unknown: y.unknown } : {}) };
}

/** The ids of every listed object, by type: the sources of the plan's collections. */
function listedSources(crawl: Crawl): (type: GraphType) => readonly string[] {
  const sources = new Map<GraphType, string[]>();
  for (const o of crawl.objects.values()) {
    if (!isGraphType(o.type) || TYPE_INFO[o.type].lists.length === 0) continue;
    const ids = sources.get(o.type) ?? [];
    ids.push(o.id);
    sources.set(o.type, ids);
  }
  return (type) => sources.get(type) ?? [];
}

/** The plan's figures as stated before the edges are read (meta.plan without what the reads found). */
function statedPlan(crawl: Crawl, plan: CollectionPlan, counts: ObjectCounts, fresh: FetchPlan): PlanFigures {
  const listRequests = crawl.listPages.reduce((s, n) => s + n, 0);
  const steps = plan.steps.map((s) => ({
    name: s.name,
    endpoint: s.endpoint,
    source: s.source,
    targets: s.targets,
    firstPageRequests: counts[s.source] ?? 0,
  }));
  return {
    listRequests,
    steps,
    firstPageRequests: listRequests + steps.reduce((n, s) => n + s.firstPageRequests, 0),
    optimumFirstPageRequests: listRequests + fresh.optimumFirstPageRequests,
    unreachableKinds: fresh.unreachableKinds,
  };
}

/**
 * The snapshot's meta once every collection is done. `exactOptimum`: count every object's edges for the
 * optimum (a second on xl); a refresh, whose figures compare with the full fetch's own plan, does without.
 */
function crawlMeta(
  crawl: Crawl,
  client: ApiClient,
  tenant: TenantData,
  stated: PlanFigures,
  exactOptimum: boolean,
  startedAt: Date,
  resumed: { readonly earlier: JournalContent | undefined; readonly collections: number },
): SnapshotMeta {
  const listRequests = stated.listRequests;
  const finalCounts: ObjectCounts = objectCounts(tenant.objects);
  const optimum = exactOptimum ? optimumRequests(finalCounts, edgeCensus(tenant.edges)) : undefined;
  const finalSteps = stated.steps.map((s) => ({ ...s, requests: crawl.stepPages.get(s.name) ?? 0 }));
  const planFigures: PlanFigures = {
    ...stated,
    steps: finalSteps,
    plannedRequests: listRequests + finalSteps.reduce((s, step) => s + step.requests, 0),
    ...(optimum ? { optimumRequests: listRequests + optimum.edgeRequests, optimumExact: optimum.exact } : {}),
    traversalApproachRequests: listRequests + traversalApproachRequests(tenant.objects),
  };
  const fetchedAt = new Date();
  return {
    orgId: crawl.orgId,
    apiHost: client.origin,
    startedAt: startedAt.toISOString(),
    fetchedAt: fetchedAt.toISOString(),
    durationMs: fetchedAt.getTime() - startedAt.getTime(),
    toolVersion: TOOL_VERSION,
    strict: crawl.strict,
    counts: {
      objects: objectCounts(tenant.objects),
      edges: edgeCounts(tenant.edges),
    },
    requests: {
      total: client.stats.requests,
      retries: client.stats.retries,
      restarts: crawl.restarts,
      throttled: client.stats.throttled,
      ...(Number.isFinite(client.rate) ? { rate: Math.round(client.rate * 100) / 100 } : {}),
      byStep: { ...client.stats.byStep },
      byOutcome: { ...client.stats.byOutcome },
    },
    plan: planFigures,
    unknown: { objects: crawl.unknownObjects, edges: crawl.unknownEdges },
    warnings: crawl.warnings,
    coverage: crawl.coverage(),
    ...(resumed.earlier ? { resumed: { startedAt: resumed.earlier.header.startedAt, collections: resumed.collections } } : {}),
  };
}

/**
 * Crawls one organization (fetchTenant), or with `how.edgePhase` the crawl of an incremental refresh
 * (./refresh/): the result then holds what its edge phase did.
 */
export async function crawlTenant<Outcome = never>(
  options: FetchOptions,
  how: CrawlOptions<Outcome> = {},
): Promise<FetchResult & { edgePhase?: Outcome }> {
  const startedAt = new Date();
  const internal = new AbortController();
  setMaxListeners(0, internal.signal); // every request in flight listens to it
  const onOuterAbort = (): void => internal.abort(options.signal?.reason ?? new CancelledError('the fetch was cancelled'));
  if (options.signal?.aborted) onOuterAbort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const client = new ApiClient({ ...options, signal: internal.signal });
  const crawl = new Crawl(client, options);
  crawl.pagesAhead = how.pagesAhead ?? 1;
  const progress = new ProgressTracker(crawl.orgId, client, options.onProgress);
  // The first failure stops every request still in flight and is the one reported.
  let firstError: unknown;
  const guard = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } catch (error) {
      firstError ??= error;
      if (!internal.signal.aborted) internal.abort(new CancelledError('stopped after an earlier failure'));
      throw firstError;
    }
  };
  let journal: JournalWriter | undefined;
  try {
    const opened = await openJournal(options, client, startedAt);
    journal = opened.writer;
    const earlier = opened.earlier;
    // Handled at once, so a failure while the lists are read is not an unhandled rejection; thrown below.
    const pending = how.edgePhase?.(client).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    progress.phase('listing objects', undefined);
    await guard(listObjects(crawl));
    const provided = await pending;
    if (provided && !provided.ok) throw provided.error;
    const phase = provided?.value;
    const counts: ObjectCounts = objectCounts(crawl.objects.values());
    const fresh = planFetch(counts);
    // A resumed fetch keeps the plan it started with, so that its finished collections still count.
    // A refresh keeps the plan of the snapshot it carries collections from, for the same reason.
    const plan = phase?.plan ?? (earlier?.plan ? CollectionPlan.fromFigures({ steps: earlier.plan }) : new CollectionPlan(fresh.edgeSteps));
    const stated = statedPlan(crawl, plan, counts, fresh);
    if (!earlier?.plan) journal?.plan(stated.steps);
    for (const kind of fresh.unreachableKinds) crawl.warnings.push(`No listable type can read ${kind} associations; they are not fetched.`);
    progress.plan(stated);
    const sourcesOf = listedSources(crawl);
    const collections = plan.steps.reduce((n, step) => n + sourcesOf(step.source).length, 0);
    crawl.planned = LIST_COLLECTIONS.length + collections;
    const reader = new JournaledReader(crawl, plan, sourcesOf, internal.signal, readerCount(client), progress, journal, earlier);
    progress.phase('reading edges', collections);
    let outcome: Outcome | undefined;
    if (phase) outcome = await guard(phase.run(reader));
    else
      await guard(
        forEachBounded(reader.planned(), reader.width, reader.signal, async (p) => {
          await reader.read(p);
        }),
      );
    const tenant: TenantData = { orgId: crawl.orgId, objects: [...crawl.objects.values()], edges: [...crawl.edges.values()] };
    const meta = crawlMeta(crawl, client, tenant, stated, phase === undefined, startedAt, { earlier, collections: reader.resumed });
    progress.done();
    return { tenant, meta, ...(phase ? { edgePhase: outcome as Outcome } : {}) };
  } catch (error) {
    if (options.signal?.aborted)
      throw options.signal.reason instanceof CancelledError ? options.signal.reason : new CancelledError('the fetch was cancelled');
    throw firstError ?? error;
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
    progress.stop();
    // The journal only serves a later resume: failing to finish it must not hide the fetch's own outcome.
    await journal?.close().catch(() => undefined);
  }
}

/**
 * One organization, API → TenantData: list every object, plan the edge steps from the counts, read every
 * edge kind from the planned side, and check the result.
 *
 * What cannot be read does not stop the crawl (rules chosen where DOMAIN.md is silent, documented here and
 * in the README): every list and every edge collection is a unit (./collections.ts). One that answers an
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
 * - ldap_server and active_directory appear both in their own list and in `/directories`; the record kept is
 *   the one from their own list (it has the type's full fields), the `/directories` item only when the
 *   object is missing from its own list (and never when their own list was not read).
 * - idp_routing_policy and password_manager_item have no list: they are known from the associations that
 *   reach them, and their record is what the API showed: `{id, type}` (plus the `attributes` of the
 *   GraphObject when the API sent any). Such objects with no edge at all cannot be found.
 * - Objects and edges of types jcgraph does not model (agent_group, workday directories, odd types) are
 *   counted in `meta.unknown` and left out.
 */
import { setMaxListeners } from 'node:events';
import {
  isJsonObject,
  TYPE_INFO,
  associationEdge,
  edgeKey,
  isGraphType,
  membershipEdge,
  type Coverage,
  type CoverageGap,
  type GapCause,
  type GraphType,
  type JsonObject,
  type ObjectRef,
  type TenantData,
  type TenantEdge,
  type TenantObject,
} from '../model/index.ts';
import { CancelledError, ConnectionLostError, JcApiError, JournalError } from '../errors.ts';
import type { PlanFigures, SnapshotMeta } from '../snapshot/format.ts';
import { ApiClient, type ClientOptions } from './client.ts';
import { forEachBounded, forEachInSlices } from './bounded.ts';
import {
  CollectionPlan,
  LIST_COLLECTIONS,
  edgeCollection,
  edgeCollectionKey,
  type Collection,
  type EdgeCollection,
  type ListCollection,
} from './collections.ts';
import { JOURNAL_FORMAT, JOURNAL_VERSION, JournalWriter, readJournal, type JournalContent, type JournalEntry } from './journal.ts';
import { PAGE_LIMIT, collect, type CollectionResult, type Page } from './paging.ts';
import { edgeCensus, optimumRequests, pagesFor, planFetch, traversalApproachRequests, type ObjectCounts } from './planner.ts';
import { ProgressTracker, type FetchProgress } from './progress.ts';
import { ShapeError, directHopAttributes, graphPage, graphRef, listPage } from './shapes.ts';
import { TOOL_VERSION } from './version.ts';

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

/**
 * For an incremental refresh (./refresh/): edge collections taken from an earlier snapshot instead of
 * being read. The crawl keeps the earlier snapshot's plan (so its collections still match), reads every
 * list, carries over each collection of a still-listed source that `entries` holds, dropping edges to
 * objects the lists no longer return, and reads every other collection (stale ones, new objects').
 */
export interface CarryOver {
  readonly plan: CollectionPlan;
  /** What the earlier snapshot holds for each collection that may be carried over, by collection key. */
  readonly entries: ReadonlyMap<string, JournalEntry>;
  /**
   * Chooses, among the collections that would be carried over (known once the lists are read), those to
   * read anyway and compare with what is carried: the audit.
   */
  readonly audit?: (carried: readonly string[]) => ReadonlySet<string>;
  /** Edges the earlier snapshot holds in each collection that is not carried over: reads go largest first. */
  readonly sizes?: ReadonlyMap<string, number>;
}

/** A difference the audit found: a carried-over collection that does not match what the API shows now. */
export interface AuditDifference {
  readonly collection: string;
  /** Edge keys the API shows and the earlier snapshot did not, the other way round, or with other attributes. */
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

/** What a crawl with a {@link CarryOver} did with it. */
export interface CarryOutcome {
  /** Edge collections carried over (audited ones not included: they were read). */
  readonly carried: number;
  /** Edge collections read. */
  readonly read: number;
  readonly audited: readonly string[];
  readonly differences: readonly AuditDifference[];
}

/**
 * True when a failed request is about that request alone (an HTTP error, or a failure that persisted
 * while the host answered others): what a fetch records as a gap and goes on. False for a failure that
 * must stop everything (401, a lost connection, a refused certificate, a cancellation).
 */
export function isGapFailure(error: unknown): boolean {
  return gapCause(error) !== undefined;
}

/** The gap a failed request leaves, or undefined when the failure must stop the fetch. */
function gapCause(error: unknown): { cause: GapCause; status?: number; attempts: number } | undefined {
  if (!(error instanceof JcApiError) || error instanceof ConnectionLostError) return undefined;
  const attempts = error.attempts ?? 1;
  const outcome = error.outcome;
  if (typeof outcome === 'number') return outcome === 401 ? undefined : { cause: 'http', status: outcome, attempts };
  if (outcome === 'network' || outcome === 'timeout' || outcome === 'truncated' || outcome === 'malformed')
    return { cause: outcome, attempts };
  return undefined; // 'refused' (a certificate, an invalid header): no other request can fare better
}

/** An edge collection and its position in the plan's order. */
interface Numbered {
  readonly c: EdgeCollection;
  readonly order: number;
}

/** What one edge collection yielded, for the journal. */
interface Yield {
  pages: number;
  edges: TenantEdge[];
  /**
   * Edges read but held back because the other end's type had no list read at the time. The journal keeps
   * them: a resume that reads that list must have them (a replay drops them again while the type is unread).
   */
  heldBack: TenantEdge[];
  found: TenantObject[];
  unknown: Record<string, number>;
}

class Crawl {
  readonly client: ApiClient;
  readonly strict: boolean;
  readonly maxRestarts: number;
  readonly orgId: string;
  readonly warnings: string[] = [];
  readonly objects = new Map<string, TenantObject>(); // `${type}:${id}`
  readonly edges = new Map<string, TenantEdge>();
  readonly unknownObjects: Record<string, number> = {};
  readonly unknownEdges: Record<string, number> = {};
  readonly listPages: number[] = [];
  readonly stepPages = new Map<string, number>();
  readonly gaps = new Map<string, CoverageGap>();
  /** Plan position of the collection each object known only through edges was taken from (addFound). */
  readonly #foundAt = new Map<string, number>();
  /** Types whose list was not read: their objects, and every edge to one, are missing. */
  readonly unreadTypes = new Set<GraphType>();
  /** The first list failure, reported when every list fails. */
  firstListFailure: unknown;
  restarts = 0;
  planned = 0;
  /**
   * Pages of one collection requested at once once its total is known (../paging.ts). A refresh reads a
   * few collections, some of them the largest (a big group's members): one after the other, their pages
   * would take longer than the rate allows for the whole refresh.
   */
  pagesAhead = 1;

  constructor(client: ApiClient, options: FetchOptions) {
    this.client = client;
    this.strict = options.strict ?? false;
    this.maxRestarts = options.maxRestarts ?? 5;
    this.orgId = options.orgId ?? '';
  }

  endpointOf(c: Collection): string {
    return this.client.endpoint(c.request.api, c.request.path, c.request.query);
  }

  provides(c: Collection): CoverageGap['provides'] {
    return c.kind === 'list' ? { kind: 'objects', types: c.provides } : { kind: 'edges', source: c.source, edgeKinds: c.edgeKinds };
  }

  /** The collection could not be read at all: a gap (or, in strict mode, the end of the fetch). */
  unread(c: Collection, error: JcApiError, how: { cause: GapCause; status?: number; attempts: number }): void {
    if (this.strict) throw error;
    this.gaps.set(c.key, {
      collection: c.key,
      endpoint: this.endpointOf(c),
      state: 'unread',
      cause: how.cause,
      ...(how.status !== undefined ? { status: how.status } : {}),
      attempts: how.attempts,
      message: error.message,
      provides: this.provides(c),
    });
  }

  /** The collection was read but may lack records: kept, and recorded (or, in strict mode, the end of the fetch). */
  incomplete(c: Collection, cause: GapCause, message: string, endpoint = this.endpointOf(c)): void {
    const sentence = `${endpoint}: ${message}.`;
    if (this.strict) throw new JcApiError(sentence, { endpoint });
    if (this.gaps.has(c.key)) return; // the first problem of a collection is the one recorded
    this.gaps.set(c.key, {
      collection: c.key,
      endpoint: this.endpointOf(c),
      state: 'incomplete',
      cause,
      attempts: 1,
      message: sentence,
      provides: this.provides(c),
    });
  }

  /**
   * Reads a whole collection. Undefined when it could not be read (a gap was recorded); shape errors and
   * paging anomalies make it incomplete. Failures that must stop the fetch are thrown.
   */
  async read<R>(
    c: Collection,
    parse: (response: Awaited<ReturnType<ApiClient['get']>>) => Page,
    idOf: (record: R) => string | undefined,
  ): Promise<CollectionResult<R> | undefined> {
    const { api, path, query } = c.request;
    const step = c.kind === 'list' ? `list:${path}` : c.step.name;
    const endpoint = this.endpointOf(c);
    let result: CollectionResult<R>;
    try {
      result = await collect<R>(
        async (skip, limit) => {
          const response = await this.client.get(api, path, { ...query, limit, skip }, step);
          try {
            return parse(response);
          } catch (error) {
            if (!(error instanceof ShapeError)) throw error;
            this.incomplete(c, 'malformed', `the answer has the wrong shape: ${error.message}`, `${endpoint} (skip ${skip})`);
            return { items: [], total: undefined };
          }
        },
        { idOf, limit: PAGE_LIMIT, maxRestarts: this.maxRestarts, ahead: this.pagesAhead },
      );
    } catch (error) {
      const how = gapCause(error);
      if (!how) throw error;
      this.unread(c, error as JcApiError, how);
      return undefined;
    }
    this.restarts += result.restarts;
    for (const a of result.anomalies) this.incomplete(c, 'inconsistent', `the collection is inconsistent: ${a.message}`);
    return result;
  }

  addObject(object: TenantObject, replace: boolean): void {
    const key = `${object.type}:${object.id}`;
    if (replace || !this.objects.has(key)) this.objects.set(key, object);
  }

  /**
   * An object known only through an edge (its type has no list), as the collection at plan position
   * `order` shows it. The collection first in plan order wins, whatever order collections finish in, so
   * the record does not depend on timing (nor, in a refresh, on which collections were carried over).
   */
  addFound(object: TenantObject, order: number): void {
    const key = `${object.type}:${object.id}`;
    const at = this.#foundAt.get(key);
    if (at !== undefined ? at <= order : this.objects.has(key)) return;
    this.#foundAt.set(key, order);
    this.objects.set(key, object);
  }

  has(ref: ObjectRef): boolean {
    return this.objects.has(`${ref.type}:${ref.id}`);
  }

  addEdge(edge: TenantEdge): void {
    const key = edgeKey(edge);
    if (!this.edges.has(key)) this.edges.set(key, edge);
  }

  coverage(): Coverage {
    const gaps = [...this.gaps.values()].sort((x, y) => (x.collection < y.collection ? -1 : x.collection > y.collection ? 1 : 0));
    return { complete: gaps.length === 0, planned: this.planned, gaps };
  }
}

/** Pages ahead in a refresh's crawl: enough to keep the rate busy behind a long collection. */
const PAGES_AHEAD = 8;

function count(bucket: Record<string, number>, key: string, n = 1): void {
  bucket[key] = (bucket[key] ?? 0) + n;
}

/** Lists every object type. Throws the first failure when no list could be read. */
async function listObjects(crawl: Crawl): Promise<void> {
  const read = await Promise.all(
    LIST_COLLECTIONS.map(async (c) => {
      const { list, types } = c;
      const idField = list.mixedTypes ? 'id' : TYPE_INFO[types[0]!].idField;
      const result = await crawl.read<Record<string, unknown>>(
        c,
        (response) => listPage(list.shape, response),
        (record) => (isJsonObject(record) ? recordIdOf(record, idField) : undefined),
      );
      if (result) crawl.listPages.push(result.finalPages);
      return { c, result };
    }),
  );
  for (const { c, result } of read) if (!result) for (const type of c.provides) crawl.unreadTypes.add(type);
  if (read.every((r) => !r.result)) {
    const first = read[0]!.c;
    throw new JcApiError(`No list could be read: ${crawl.gaps.get(first.key)?.message ?? 'every list failed'}`, {
      endpoint: crawl.endpointOf(first),
      ...(crawl.gaps.get(first.key)?.status !== undefined ? { status: crawl.gaps.get(first.key)!.status! } : {}),
    });
  }
  // Own lists first, so that their records win over /directories summaries (see the rules above).
  for (const { c, result } of [...read].sort((x, y) => Number(Boolean(x.c.list.mixedTypes)) - Number(Boolean(y.c.list.mixedTypes)))) {
    if (result) addListed(crawl, c, result.records);
  }
}

function addListed(crawl: Crawl, c: ListCollection, records: readonly Record<string, unknown>[]): void {
  const { list, types } = c;
  for (const record of records) {
    if (!isJsonObject(record)) continue;
    let type: string = types[0]!;
    if (list.mixedTypes) {
      const t = record['type'];
      type = typeof t === 'string' ? t : '(no type)';
      if (!isGraphType(type) || !list.mixedTypes.includes(type)) {
        count(crawl.unknownObjects, type);
        continue;
      }
      // A type whose own list was not read stays missing: a /directories summary is not its record.
      if (crawl.unreadTypes.has(type)) continue;
    }
    const id = recordIdOf(record, list.mixedTypes ? 'id' : TYPE_INFO[type as GraphType].idField)!;
    crawl.addObject({ type, id, record: record }, !list.mixedTypes);
  }
}

function recordIdOf(record: Record<string, unknown>, field: '_id' | 'id'): string | undefined {
  const id = record[field];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** True when `other` is an object the crawl cannot hold because its type's list was not read. */
function ofUnreadType(crawl: Crawl, other: ObjectRef): boolean {
  return isGraphType(other.type) && crawl.unreadTypes.has(other.type);
}

/** Reads one edge collection, adds its edges, and returns what it yielded (undefined when it was not read). */
async function readEdges(crawl: Crawl, c: EdgeCollection, order: number): Promise<Yield | undefined> {
  const { step, source } = c;
  const result = await crawl.read<Record<string, unknown>>(c, graphPage, (item) => {
    const ref = graphRef(step.endpoint === 'memberof' ? item : item['to']);
    return ref ? `${ref.type}:${ref.id}` : undefined;
  });
  if (!result) return undefined;
  const out: Yield = { pages: result.finalPages, edges: [], heldBack: [], found: [], unknown: {} };
  for (const item of result.records) {
    if (!isJsonObject(item)) continue;
    const other = graphRef(step.endpoint === 'memberof' ? item : item['to']);
    if (!other) continue; // counted as record-without-id by the pager
    if (!isGraphType(other.type)) {
      count(out.unknown, `${step.source}>${other.type}`);
      continue;
    }
    if (!step.targets.includes(other.type)) {
      crawl.incomplete(c, 'inconsistent', `the answer holds a ${other.type} (${other.id}), a type that was not asked for`);
      continue;
    }
    // Its list was not read: the list's gap accounts for this edge (kept for the journal only).
    const heldBack = ofUnreadType(crawl, other);
    const listed = TYPE_INFO[other.type].lists.length > 0;
    if (!heldBack && listed && !crawl.has(other)) {
      crawl.incomplete(
        c,
        'inconsistent',
        `it names ${other.type} ${other.id}, which the ${other.type} list did not return (the tenant changed during the fetch?)`,
      );
      continue;
    }
    if (!heldBack && !listed) {
      const record: JsonObject = { id: other.id, type: other.type };
      if (other.attributes) record['attributes'] = other.attributes;
      out.found.push({ type: other.type, id: other.id, record });
    }
    let edge: TenantEdge;
    const attributes = isJsonObject(item['attributes']) ? item['attributes'] : null;
    if (step.endpoint === 'associations') edge = associationEdge(source, { type: other.type, id: other.id }, attributes);
    else if (step.endpoint === 'members') edge = membershipEdge(source, { type: other.type, id: other.id }, attributes);
    else {
      const hop = directHopAttributes(item);
      if (!hop.found) crawl.incomplete(c, 'inconsistent', `its ${other.type} ${other.id} has no direct (one-hop) path`);
      edge = membershipEdge({ type: other.type, id: other.id }, source, hop.attributes);
    }
    (heldBack ? out.heldBack : out.edges).push(edge);
  }
  addYield(crawl, c, out, order);
  return out;
}

function addYield(
  crawl: Crawl,
  c: EdgeCollection,
  y: { pages: number; edges: readonly TenantEdge[]; found: readonly TenantObject[]; unknown: Readonly<Record<string, number>> },
  order: number,
): void {
  for (const o of y.found) crawl.addFound(o, order);
  for (const e of y.edges) crawl.addEdge(e);
  for (const [k, n] of Object.entries(y.unknown)) count(crawl.unknownEdges, k, n);
  crawl.stepPages.set(c.step.name, (crawl.stepPages.get(c.step.name) ?? 0) + y.pages);
}

/**
 * A journaled collection, if it still holds: its source is listed, and every listed object it names is
 * still listed (else it is read again). Edges to objects of a type whose list was not read are dropped,
 * as a fresh read would drop them.
 */
function replay(crawl: Crawl, c: EdgeCollection, entry: JournalEntry, order: number): boolean {
  const other = (e: TenantEdge): ObjectRef => (e.from.type === c.source.type && e.from.id === c.source.id ? e.to : e.from);
  const edges: TenantEdge[] = [];
  for (const e of entry.edges) {
    const o = other(e);
    if (ofUnreadType(crawl, o)) continue;
    if (isGraphType(o.type) && TYPE_INFO[o.type].lists.length > 0 && !crawl.has(o)) return false;
    edges.push(e);
  }
  addYield(crawl, c, { pages: entry.pages, edges, found: entry.found, unknown: entry.unknown ?? {} }, order);
  return true;
}

/** A carried-over collection as a fresh read would see it now: edges to objects no longer listed leave with them. */
function carriedYield(
  crawl: Crawl,
  c: EdgeCollection,
  entry: JournalEntry,
): { pages: number; edges: TenantEdge[]; found: readonly TenantObject[]; unknown: Readonly<Record<string, number>> } {
  const other = (e: TenantEdge): ObjectRef => (e.from.type === c.source.type && e.from.id === c.source.id ? e.to : e.from);
  const edges = entry.edges.filter((e) => {
    const o = other(e);
    return !ofUnreadType(crawl, o) && !(isGraphType(o.type) && TYPE_INFO[o.type].lists.length > 0 && !crawl.has(o));
  });
  let found = entry.found;
  if (found.length > 0) {
    const kept = new Set(edges.map((e) => `${other(e).type}:${other(e).id}`));
    found = found.filter((o) => kept.has(`${o.type}:${o.id}`));
  }
  return { pages: pagesFor(edges.length), edges, found, unknown: entry.unknown ?? {} };
}

/** Compares what a collection holds now with what was carried for it. */
function compareYield(key: string, carried: readonly TenantEdge[], read: readonly TenantEdge[]): AuditDifference | undefined {
  const attrs = (e: TenantEdge): string => JSON.stringify(e.attributes ?? null);
  const before = new Map(carried.map((e) => [edgeKey(e), attrs(e)]));
  const after = new Map(read.map((e) => [edgeKey(e), attrs(e)]));
  const added = [...after.keys()].filter((k) => !before.has(k));
  const removed = [...before.keys()].filter((k) => !after.has(k));
  const changed = [...after].filter(([k, a]) => before.has(k) && before.get(k) !== a).map(([k]) => k);
  return added.length + removed.length + changed.length > 0 ? { collection: key, added, removed, changed } : undefined;
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

/**
 * Fetches one organization. Returns the tenant with `meta.coverage` saying what could not be read; throws
 * JcApiError (401, every list failing, strict mode's first gap), ConnectionLostError, ConfigError,
 * JournalError or CancelledError. Never returns a tenant short of something its coverage does not name.
 */
export async function fetchTenant(options: FetchOptions): Promise<FetchResult> {
  const { tenant, meta } = await crawlTenant(options, undefined);
  return { tenant, meta };
}

/**
 * What a refresh carries over, worked out with the crawl's own client (its events query shares the rate
 * and the request count) while the lists are read; undefined: nothing is carried (a full fetch).
 */
export type CarryProvider = (client: ApiClient) => Promise<CarryOver | undefined>;

/** fetchTenant, or with `provider` the crawl of an incremental refresh (./refresh/). */
export async function crawlTenant(
  options: FetchOptions,
  provider: CarryProvider | undefined,
): Promise<FetchResult & { carried?: CarryOutcome }> {
  const startedAt = new Date();
  const internal = new AbortController();
  setMaxListeners(0, internal.signal); // every request in flight listens to it
  const onOuterAbort = (): void => internal.abort(options.signal?.reason ?? new CancelledError('the fetch was cancelled'));
  if (options.signal?.aborted) onOuterAbort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const client = new ApiClient({ ...options, signal: internal.signal });
  const crawl = new Crawl(client, options);
  if (provider) crawl.pagesAhead = PAGES_AHEAD;
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
    const pending = provider?.(client).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    progress.phase('listing objects', undefined);
    await guard(listObjects(crawl));
    const provided = await pending;
    if (provided && !provided.ok) throw provided.error;
    const carry = provided?.value;
    const counts: ObjectCounts = objectCounts(crawl.objects.values());
    const fresh = planFetch(counts);
    // A resumed fetch keeps the plan it started with, so that its finished collections still count.
    // A refresh keeps the plan of the snapshot it carries collections from, for the same reason.
    const plan = carry?.plan ?? (earlier?.plan ? CollectionPlan.fromFigures({ steps: earlier.plan }) : new CollectionPlan(fresh.edgeSteps));
    const listRequests = crawl.listPages.reduce((s, n) => s + n, 0);
    const steps = plan.steps.map((s) => ({
      name: s.name,
      endpoint: s.endpoint,
      source: s.source,
      targets: s.targets,
      firstPageRequests: counts[s.source] ?? 0,
    }));
    const stated: PlanFigures = {
      listRequests,
      steps,
      firstPageRequests: listRequests + steps.reduce((n, s) => n + s.firstPageRequests, 0),
      optimumFirstPageRequests: listRequests + fresh.optimumFirstPageRequests,
      unreachableKinds: fresh.unreachableKinds,
    };
    if (!earlier?.plan) journal?.plan(steps);
    for (const kind of fresh.unreachableKinds) crawl.warnings.push(`No listable type can read ${kind} associations; they are not fetched.`);
    progress.plan(stated);
    const sources = new Map<GraphType, string[]>();
    for (const o of crawl.objects.values()) {
      if (!isGraphType(o.type) || TYPE_INFO[o.type].lists.length === 0) continue;
      const ids = sources.get(o.type) ?? [];
      ids.push(o.id);
      sources.set(o.type, ids);
    }
    const sourcesOf = (type: GraphType): readonly string[] => sources.get(type) ?? [];
    const collections = plan.steps.reduce((n, step) => n + sourcesOf(step.source).length, 0);
    crawl.planned = LIST_COLLECTIONS.length + collections;
    let resumed = 0;
    const carriedKeys: string[] = [];
    if (carry) {
      for (const step of plan.steps) {
        for (const id of sourcesOf(step.source)) {
          const key = edgeCollectionKey(step, id);
          if (carry.entries.has(key)) carriedKeys.push(key);
        }
      }
    }
    const audited = carry?.audit?.(carriedKeys) ?? new Set<string>();
    const carriedOutcome = { carried: 0, read: 0, differences: [] as AuditDifference[] };
    /** Collections in plan order, each with its position (which decides between records of an object found twice). */
    function* numbered(): Generator<Numbered> {
      let order = 0;
      for (const c of plan.edgeCollections(sourcesOf)) yield { c, order: order++ };
    }
    const isCarried = (key: string): boolean => carry !== undefined && carry.entries.has(key) && !audited.has(key);
    const carryOne = ({ c, order }: Numbered): void => {
      const y = carriedYield(crawl, c, carry!.entries.get(c.key)!);
      addYield(crawl, c, y, order);
      carriedOutcome.carried += 1;
      journal?.append({
        key: c.key,
        pages: y.pages,
        edges: y.edges,
        found: y.found,
        ...(Object.keys(y.unknown).length > 0 ? { unknown: y.unknown } : {}),
      });
      progress.collectionDone();
    };
    const readOne = async ({ c, order }: Numbered): Promise<void> => {
      const kept = carry?.entries.get(c.key);
      const entry = earlier?.entries.get(c.key);
      if (entry && replay(crawl, c, entry, order)) {
        resumed += 1;
        journal?.append(entry);
      } else {
        const y = await readEdges(crawl, c, order);
        if (carry) carriedOutcome.read += 1;
        if (kept && y) {
          const difference = compareYield(c.key, carriedYield(crawl, c, kept).edges, y.edges);
          if (difference) carriedOutcome.differences.push(difference);
        }
        // Finished in full: journaled. A gap (or an incomplete read) is tried again by a resume.
        if (y && !crawl.gaps.has(c.key))
          journal?.append({
            key: c.key,
            pages: y.pages,
            edges: [...y.edges, ...y.heldBack],
            found: y.found,
            ...(Object.keys(y.unknown).length > 0 ? { unknown: y.unknown } : {}),
          });
      }
      progress.collectionDone();
    };
    progress.phase('reading edges', collections);
    if (!carry) {
      await guard(forEachBounded(numbered(), readerCount(client), internal.signal, readOne));
    } else {
      // A refresh reads a few collections among many carried over. The reads go first, largest first (as
      // the earlier snapshot knew them), so that no big group's member list starts last and runs alone
      // after the rest; carrying over is CPU work, done beside the reads in slices that let their answers in.
      const toRead: Numbered[] = [];
      const carried = function* (): Generator<Numbered> {
        let order = 0;
        for (const step of plan.steps) {
          for (const id of sourcesOf(step.source)) {
            const at = order++;
            if (isCarried(edgeCollectionKey(step, id))) yield { c: edgeCollection(step, id), order: at };
          }
        }
      };
      let order = 0;
      for (const step of plan.steps) {
        for (const id of sourcesOf(step.source)) {
          const at = order++;
          if (!isCarried(edgeCollectionKey(step, id))) toRead.push({ c: edgeCollection(step, id), order: at });
        }
      }
      const expected = (n: Numbered): number => carry.sizes?.get(n.c.key) ?? carry.entries.get(n.c.key)?.edges.length ?? 0;
      toRead.sort((a, b) => expected(b) - expected(a) || a.order - b.order);
      await guard(
        Promise.all([
          forEachBounded(toRead, readerCount(client), internal.signal, readOne),
          forEachInSlices(carried(), internal.signal, carryOne),
        ]).then(() => undefined),
      );
    }
    const tenant: TenantData = { orgId: crawl.orgId, objects: [...crawl.objects.values()], edges: [...crawl.edges.values()] };
    const finalCounts: ObjectCounts = objectCounts(tenant.objects);
    // The exact optimum counts every object's edges (a second on xl): a refresh, whose figures compare
    // with the full fetch's own plan, does without it.
    const optimum = carry ? undefined : optimumRequests(finalCounts, edgeCensus(tenant.edges));
    const finalSteps = stated.steps.map((s) => ({ ...s, requests: crawl.stepPages.get(s.name) ?? 0 }));
    const planFigures: PlanFigures = {
      ...stated,
      steps: finalSteps,
      plannedRequests: listRequests + finalSteps.reduce((s, step) => s + step.requests, 0),
      ...(optimum ? { optimumRequests: listRequests + optimum.edgeRequests, optimumExact: optimum.exact } : {}),
      traversalApproachRequests: listRequests + traversalApproachRequests(tenant.objects),
    };
    const fetchedAt = new Date();
    const meta: SnapshotMeta = {
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
      ...(earlier ? { resumed: { startedAt: earlier.header.startedAt, collections: resumed } } : {}),
    };
    progress.done();
    return { tenant, meta, ...(carry ? { carried: { ...carriedOutcome, audited: [...audited].sort() } } : {}) };
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

/** Fetches several organizations one after the other, each into its own result. */
export async function fetchTenants(options: Omit<FetchOptions, 'orgId'> & { readonly orgIds: readonly string[] }): Promise<FetchResult[]> {
  const results: FetchResult[] = [];
  for (const orgId of options.orgIds) results.push(await fetchTenant({ ...options, orgId }));
  return results;
}

/**
 * What a crawl reads into (./crawl.ts): the tenant being built, the gaps left so far, and the reading of
 * each kind of collection into it: a list's objects, an edge collection's edges, a journaled collection
 * replayed (a resumed fetch), a collection taken from an earlier snapshot as a fresh read would see it now
 * (a refresh). The rules for what cannot be read are in ./crawl.ts.
 */
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
  type TenantEdge,
  type TenantObject,
} from '../model/index.ts';
import { ConnectionLostError, JcApiError } from '../errors.ts';
import type { ApiClient } from './client.ts';
import { LIST_COLLECTIONS, type Collection, type EdgeCollection, type ListCollection } from './collections.ts';
import type { JournalEntry } from './journal.ts';
import { PAGE_LIMIT, collect, type CollectionResult, type Page } from './paging.ts';
import { pagesFor } from './planner.ts';
import { ShapeError, directHopAttributes, graphPage, graphRef, listPage } from './shapes.ts';

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

/** What one edge collection yielded, for the journal. */
export interface Yield {
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

/** The tenant a crawl is building, the gaps it has left, and the reading of one collection. */
export class Crawl {
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
  /** Pages of one collection requested at once once its total is known (./paging.ts; a refresh asks for more). */
  pagesAhead = 1;

  constructor(
    client: ApiClient,
    options: { readonly strict?: boolean | undefined; readonly maxRestarts?: number | undefined; readonly orgId?: string | undefined },
  ) {
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

function count(bucket: Record<string, number>, key: string, n = 1): void {
  bucket[key] = (bucket[key] ?? 0) + n;
}

/** Lists every object type. Throws the first failure when no list could be read. */
export async function listObjects(crawl: Crawl): Promise<void> {
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

/** True when `other` is of a listed type and its list, read, did not return it (it is gone). */
function notListed(crawl: Crawl, other: ObjectRef): boolean {
  return isGraphType(other.type) && TYPE_INFO[other.type].lists.length > 0 && !crawl.has(other);
}

/** Reads one edge collection, adds its edges, and returns what it yielded (undefined when it was not read). */
export async function readEdges(crawl: Crawl, c: EdgeCollection, order: number): Promise<Yield | undefined> {
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

/** Adds what a collection yielded (read, replayed or taken from an earlier snapshot) to the tenant. */
export function addYield(
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
export function replay(crawl: Crawl, c: EdgeCollection, entry: JournalEntry, order: number): boolean {
  const other = (e: TenantEdge): ObjectRef => (e.from.type === c.source.type && e.from.id === c.source.id ? e.to : e.from);
  const edges: TenantEdge[] = [];
  for (const e of entry.edges) {
    const o = other(e);
    if (ofUnreadType(crawl, o)) continue;
    if (notListed(crawl, o)) return false;
    edges.push(e);
  }
  addYield(crawl, c, { pages: entry.pages, edges, found: entry.found, unknown: entry.unknown ?? {} }, order);
  return true;
}

/**
 * A collection as an earlier snapshot holds it, the way a fresh read would see it now: edges to objects no
 * longer listed leave with them (a refresh's carried-over collections).
 */
export function yieldNow(
  crawl: Crawl,
  c: EdgeCollection,
  entry: JournalEntry,
): { pages: number; edges: TenantEdge[]; found: readonly TenantObject[]; unknown: Readonly<Record<string, number>> } {
  const other = (e: TenantEdge): ObjectRef => (e.from.type === c.source.type && e.from.id === c.source.id ? e.to : e.from);
  const edges = entry.edges.filter((e) => {
    const o = other(e);
    return !ofUnreadType(crawl, o) && !notListed(crawl, o);
  });
  let found = entry.found;
  if (found.length > 0) {
    const kept = new Set(edges.map((e) => `${other(e).type}:${other(e).id}`));
    found = found.filter((o) => kept.has(`${o.type}:${o.id}`));
  }
  return { pages: pagesFor(edges.length), edges, found, unknown: entry.unknown ?? {} };
}

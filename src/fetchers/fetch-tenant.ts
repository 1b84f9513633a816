/**
 * One organization, API → TenantData: list every object, plan the edge steps from the counts, read every
 * edge kind from the planned side, and check the result.
 *
 * Rules chosen where DOMAIN.md is silent (documented here and in the report):
 * - ldap_server and active_directory appear both in their own list and in `/directories`; the record kept is
 *   the one from their own list (it has the type's full fields), the `/directories` item only when the
 *   object is missing from its own list.
 * - idp_routing_policy and password_manager_item have no list: they are known from the associations that
 *   reach them, and their record is what the API showed: `{id, type}` (plus the `attributes` of the
 *   GraphObject when the API sent any). Such objects with no edge at all cannot be found.
 * - An edge to an object of a listed type that its list did not return, a collection that stays
 *   inconsistent after being refetched, a page of the wrong shape: anomalies. Strict mode (the default) fails
 *   with a JcApiError naming the request; lenient mode (`strict: false`) leaves the edge out, keeps what
 *   it could read and reports every anomaly in `meta.warnings`.
 * - Objects and edges of types jcgraph does not model (agent_group, workday directories, odd types) are
 *   counted in `meta.unknown` and left out, in both modes.
 */
import { setMaxListeners } from 'node:events';
import {
  TYPE_INFO,
  associationEdge,
  edgeKey,
  isGraphType,
  membershipEdge,
  type GraphType,
  type JsonObject,
  type ObjectRef,
  type TenantData,
  type TenantEdge,
  type TenantObject,
} from '../model/index.ts';
import { CancelledError, JcApiError } from '../errors.ts';
import type { PlanFigures, SnapshotMeta } from '../snapshot/format.ts';
import { ApiClient, type ClientOptions } from './client.ts';
import { forEachBounded } from './bounded.ts';
import { PAGE_LIMIT, collect, type CollectionResult, type Page } from './paging.ts';
import { edgeCensus, listSteps, optimumRequests, planFetch, traversalApproachRequests, type EdgeStep, type ObjectCounts } from './planner.ts';
import { ProgressTracker, type FetchProgress } from './progress.ts';
import { ShapeError, directHopAttributes, graphPage, graphRef, isObject, listPage } from './shapes.ts';
import { TOOL_VERSION } from './version.ts';

/**
 * Options of a fetch. Everything of {@link ClientOptions} (key, host, org, rate, concurrency, timeout,
 * retries, signal), plus:
 */
export interface FetchOptions extends ClientOptions {
  /**
   * Strict mode (default true): any anomaly (an inconsistent collection, an edge to an object its list did
   * not return, a body of the wrong shape) fails the fetch with a JcApiError. With `false` the fetch keeps
   * going, leaves the unusable part out and lists every anomaly in `meta.warnings`.
   */
  readonly strict?: boolean;
  /** Times a collection that changed under the crawl is fetched again from the start. Default 5. */
  readonly maxRestarts?: number;
  /** Called as the fetch advances (after every request, and once with the plan). Nothing else reports progress. */
  readonly onProgress?: (progress: FetchProgress) => void;
}

export interface FetchResult {
  readonly tenant: TenantData;
  readonly meta: SnapshotMeta;
}

type Anomaly = { endpoint: string; message: string };

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
  restarts = 0;

  constructor(client: ApiClient, options: FetchOptions) {
    this.client = client;
    this.strict = options.strict ?? true;
    this.maxRestarts = options.maxRestarts ?? 5;
    this.orgId = options.orgId ?? '';
  }

  anomaly({ endpoint, message }: Anomaly): void {
    if (this.strict) throw new JcApiError(`${endpoint}: ${message}.`, { endpoint });
    this.warnings.push(`${endpoint}: ${message}.`);
  }

  /** Reads a whole collection; shape errors and paging anomalies become anomalies of its endpoint. */
  async collection<R>(
    api: 'v1' | 'v2',
    path: string,
    query: Record<string, string>,
    step: string,
    parse: (response: Awaited<ReturnType<ApiClient['get']>>) => Page,
    idOf: (record: R) => string | undefined,
  ): Promise<CollectionResult<R>> {
    const endpoint = this.client.endpoint(api, path, query);
    const result = await collect<R>(
      async (skip, limit) => {
        const response = await this.client.get(api, path, { ...query, limit, skip }, step);
        try {
          return parse(response);
        } catch (error) {
          if (!(error instanceof ShapeError)) throw error;
          this.anomaly({ endpoint: `${endpoint} (skip ${skip})`, message: `the answer has the wrong shape: ${error.message}` });
          return { items: [], total: undefined };
        }
      },
      { idOf, limit: PAGE_LIMIT, maxRestarts: this.maxRestarts },
    );
    this.restarts += result.restarts;
    for (const a of result.anomalies) this.anomaly({ endpoint, message: `the collection is inconsistent: ${a.message}` });
    return result;
  }

  addObject(object: TenantObject, replace: boolean): void {
    const key = `${object.type}:${object.id}`;
    if (replace || !this.objects.has(key)) this.objects.set(key, object);
  }

  has(ref: ObjectRef): boolean {
    return this.objects.has(`${ref.type}:${ref.id}`);
  }

  count(bucket: Record<string, number>, key: string): void {
    bucket[key] = (bucket[key] ?? 0) + 1;
  }

  addEdge(edge: TenantEdge): void {
    const key = edgeKey(edge);
    if (!this.edges.has(key)) this.edges.set(key, edge);
  }
}

/** Lists every object type. */
async function listObjects(crawl: Crawl): Promise<void> {
  await Promise.all(
    listSteps().map(async ({ list, types }) => {
      const step = `list:${list.path}`;
      const result = await crawl.collection<Record<string, unknown>>(
        list.api,
        list.path,
        { sort: '_id' },
        step,
        (response) => listPage(list.shape, response),
        (record) => (isObject(record) ? recordIdOf(record, list.mixedTypes ? 'id' : TYPE_INFO[types[0]!].idField) : undefined),
      );
      crawl.listPages.push(result.finalPages);
      for (const record of result.records) {
        if (!isObject(record)) continue;
        let type: string = types[0]!;
        if (list.mixedTypes) {
          const t = record['type'];
          type = typeof t === 'string' ? t : '(no type)';
          if (!isGraphType(type) || !list.mixedTypes.includes(type)) {
            crawl.count(crawl.unknownObjects, type);
            continue;
          }
        }
        const id = recordIdOf(record, list.mixedTypes ? 'id' : TYPE_INFO[type as GraphType].idField)!;
        // A type's own list wins over the mixed /directories list (see the rules above).
        crawl.addObject({ type, id, record: record as JsonObject }, !list.mixedTypes);
      }
    }),
  );
}

function recordIdOf(record: Record<string, unknown>, field: '_id' | 'id'): string | undefined {
  const id = record[field];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Reads one object's collection for an edge step and adds its edges. */
async function readEdges(crawl: Crawl, step: EdgeStep, sourceId: string): Promise<void> {
  const source: ObjectRef = { type: step.source, id: sourceId };
  const path = `/${TYPE_INFO[step.source].pathPrefix}/${encodeURIComponent(sourceId)}/${step.endpoint}`;
  const query: Record<string, string> = step.endpoint === 'associations' ? { targets: step.targets.join(',') } : {};
  const result = await crawl.collection<Record<string, unknown>>(
    'v2',
    path,
    query,
    step.name,
    graphPage,
    (item) => {
      const ref = graphRef(step.endpoint === 'memberof' ? item : item['to']);
      return ref ? `${ref.type}:${ref.id}` : undefined;
    },
  );
  crawl.stepPages.set(step.name, (crawl.stepPages.get(step.name) ?? 0) + result.finalPages);
  const endpoint = crawl.client.endpoint('v2', path, query);
  for (const item of result.records) {
    if (!isObject(item)) continue;
    const other = graphRef(step.endpoint === 'memberof' ? item : item['to']);
    if (!other) continue; // counted as record-without-id by the pager
    if (!isGraphType(other.type)) {
      crawl.count(crawl.unknownEdges, `${step.source}>${other.type}`);
      continue;
    }
    if (!step.targets.includes(other.type)) {
      crawl.anomaly({ endpoint, message: `the answer holds a ${other.type} (${other.id}), a type that was not asked for` });
      continue;
    }
    if (!crawl.has(other)) {
      if (TYPE_INFO[other.type].lists.length > 0) {
        crawl.anomaly({ endpoint, message: `it names ${other.type} ${other.id}, which the ${other.type} list did not return (the tenant changed during the fetch?)` });
        continue;
      }
      const record: JsonObject = { id: other.id, type: other.type };
      if (other.attributes) record['attributes'] = other.attributes;
      crawl.addObject({ type: other.type, id: other.id, record }, false);
    }
    let edge: TenantEdge;
    if (step.endpoint === 'associations') {
      edge = associationEdge(source, { type: other.type, id: other.id }, isObject(item['attributes']) ? (item['attributes'] as JsonObject) : null);
    } else if (step.endpoint === 'members') {
      edge = membershipEdge(source, { type: other.type, id: other.id }, isObject(item['attributes']) ? (item['attributes'] as JsonObject) : null);
    } else {
      const hop = directHopAttributes(item);
      if (!hop.found) crawl.anomaly({ endpoint, message: `its ${other.type} ${other.id} has no direct (one-hop) path` });
      edge = membershipEdge({ type: other.type, id: other.id }, source, hop.attributes);
    }
    crawl.addEdge(edge);
  }
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

/** Every (edge step, source id) collection to read, generated as the readers ask for them. */
function* edgeTasks(steps: readonly EdgeStep[], sources: ReadonlyMap<GraphType, readonly string[]>): Generator<{ step: EdgeStep; id: string }> {
  for (const step of steps) for (const id of sources.get(step.source) ?? []) yield { step, id };
}

/**
 * Collections read at once: twice the most requests the client lets into flight, so a reader between two
 * pages never leaves a request slot idle. The crawl holds this many collections in progress, not one
 * pending task per collection (131,540 on the xl preset): its memory is the tenant it builds plus O(this).
 */
function readerCount(client: ApiClient): number {
  return 2 * client.concurrency.max;
}

/** Fetches one organization. Throws JcApiError, ConfigError or CancelledError; never returns a tenant silently short. */
export async function fetchTenant(options: FetchOptions): Promise<FetchResult> {
  const startedAt = new Date();
  const internal = new AbortController();
  setMaxListeners(0, internal.signal); // every request in flight listens to it
  const onOuterAbort = (): void => internal.abort(options.signal?.reason ?? new CancelledError('the fetch was cancelled'));
  if (options.signal?.aborted) onOuterAbort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const client = new ApiClient({ ...options, signal: internal.signal });
  const crawl = new Crawl(client, options);
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
  try {
    progress.phase('listing objects', undefined);
    await guard(listObjects(crawl));
    const counts: ObjectCounts = objectCounts(crawl.objects.values());
    const plan = planFetch(counts);
    const listRequests = crawl.listPages.reduce((s, n) => s + n, 0);
    const stated: PlanFigures = {
      listRequests,
      steps: plan.edgeSteps.map((s) => ({ name: s.name, endpoint: s.endpoint, source: s.source, targets: s.targets, firstPageRequests: s.firstPageRequests })),
      firstPageRequests: listRequests + plan.edgeFirstPageRequests,
      optimumFirstPageRequests: listRequests + plan.optimumFirstPageRequests,
      unreachableKinds: plan.unreachableKinds,
    };
    for (const kind of plan.unreachableKinds) crawl.warnings.push(`No listable type can read ${kind} associations; they are not fetched.`);
    progress.plan(stated);
    const sources = new Map<GraphType, string[]>();
    for (const o of crawl.objects.values()) {
      if (!isGraphType(o.type)) continue;
      const ids = sources.get(o.type) ?? [];
      ids.push(o.id);
      sources.set(o.type, ids);
    }
    const collections = plan.edgeSteps.reduce((n, step) => n + (sources.get(step.source)?.length ?? 0), 0);
    progress.phase('reading edges', collections);
    await guard(
      forEachBounded(edgeTasks(plan.edgeSteps, sources), readerCount(client), internal.signal, async ({ step, id }) => {
        await readEdges(crawl, step, id);
        progress.collectionDone();
      }),
    );
    const tenant: TenantData = { orgId: crawl.orgId, objects: [...crawl.objects.values()], edges: [...crawl.edges.values()] };
    const finalCounts: ObjectCounts = objectCounts(tenant.objects);
    const optimum = optimumRequests(finalCounts, edgeCensus(tenant.edges));
    const steps = stated.steps.map((s) => ({ ...s, requests: crawl.stepPages.get(s.name) ?? 0 }));
    const planFigures: PlanFigures = {
      ...stated,
      steps,
      plannedRequests: listRequests + steps.reduce((s, step) => s + step.requests, 0),
      optimumRequests: listRequests + optimum.edgeRequests,
      optimumExact: optimum.exact,
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
    };
    progress.done();
    return { tenant, meta };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason instanceof CancelledError ? options.signal.reason : new CancelledError('the fetch was cancelled');
    throw firstError ?? error;
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
    progress.stop();
  }
}

/** Fetches several organizations one after the other, each into its own result. */
export async function fetchTenants(options: Omit<FetchOptions, 'orgId'> & { readonly orgIds: readonly string[] }): Promise<FetchResult[]> {
  const results: FetchResult[] = [];
  for (const orgId of options.orgIds) results.push(await fetchTenant({ ...options, orgId }));
  return results;
}

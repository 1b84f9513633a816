/**
 * verify: does the engine answer like JumpCloud? For every traversal endpoint (and memberof/membership),
 * a seeded sample of source objects; each one's answer from the API is read through the API client and compared
 * with the engine's `answer()` on a graph from a fresh fetch. Targets and paths are reported apart from
 * compiledAttributes, whose merge rule is partly inferred.
 */
import { CancelledError, JcGraphError } from '../errors.ts';
import { ApiClient, type ClientOptions } from '../fetchers/client.ts';
import { fetchTenant } from '../fetchers/fetch-tenant.ts';
import type { FetchOptions } from '../fetchers/crawl.ts';
import { isGapFailure } from '../fetchers/crawl-reads.ts';
import { coverageVerdict } from '../analysis/coverage.ts';
import { AccessGraph, answer } from '../graph/index.ts';
import {
  GRAPH_ENDPOINTS,
  endpointPath,
  isGraphType,
  type Coverage,
  type GraphEndpoint,
  type GraphObjectWithPaths,
} from '../model/index.ts';
import type { SnapshotMeta } from '../snapshot/format.ts';
import { compareAnswers, type AttributeDifference, type PathDifference } from './compare.ts';
import { readLiveAnswer } from '../fetchers/index.ts';
import { verifyDynamicGroups, type DynamicGroupsReport } from './dynamic-groups.ts';
import { seededSample } from '../common/seeded-sample.ts';

/** The endpoints verify checks: every traversal, memberof and membership endpoint (those with paths). */
export const VERIFY_ENDPOINTS: readonly GraphEndpoint[] = GRAPH_ENDPOINTS.filter(
  (e) => e.kind === 'traverse' || e.kind === 'memberof' || e.kind === 'membership',
);

export const DEFAULT_SAMPLE = 10;
export const DEFAULT_SEED = 1;

export interface VerifyOptions {
  /**
   * Source objects per endpoint (all of them when fewer).
   * @default 10
   */
  readonly sample?: number;
  /**
   * Seed of the sample.
   * @default 1
   */
  readonly seed?: number;
  /**
   * The endpoints to check.
   * @default VERIFY_ENDPOINTS
   */
  readonly endpoints?: readonly GraphEndpoint[];
  /**
   * Called after each source's comparison.
   * @default none
   */
  readonly onCompared?: (done: number, total: number) => void;
  /**
   * What the fetch behind the graph could not read: a source whose answer it could affect is skipped
   * (and listed), since a difference there would be the gap, not the engine.
   * @default none (a complete snapshot)
   */
  readonly coverage?: Coverage;
}

/** A sampled source that was not compared, and why. */
export interface SkippedSource {
  readonly id: string;
  readonly reason: string;
}

export interface EndpointReport {
  /** The spec's path template, e.g. `/users/{user_id}/systems`. */
  readonly endpoint: string;
  readonly operationId: string;
  readonly source: string;
  /** Objects of the source type in the graph. */
  readonly available: number;
  readonly sampled: number;
  /** Sampled sources whose answer agrees in targets, paths and compiledAttributes. */
  readonly agreeing: number;
  /** Sampled sources whose targets and paths agree. */
  readonly agreeingPaths: number;
  /** Sampled sources whose compiledAttributes agree on every target both sides return. */
  readonly agreeingAttributes: number;
  /** Targets and distinct paths seen on either side, over the sample. */
  readonly targets: number;
  readonly paths: number;
  /** Targets where compiledAttributes were compared with a value on at least one side. */
  readonly compiledCompared: number;
  /**
   * What the API returned of object types jcgraph does not model (agent_group, Workday directories, …):
   * targets of such a type, and paths through one. Left out of the comparison, as the fetch leaves them
   * out of the snapshot, and counted here.
   */
  readonly unmodelled: { readonly targets: number; readonly paths: number; readonly types: string[] };
  readonly pathDifferences: PathDifference[];
  readonly attributeDifferences: AttributeDifference[];
  /**
   * Sampled sources not compared (not counted in `sampled`): their answer could be affected by what the
   * fetch could not read, or the API did not answer for them (an HTTP error that outlasted the retries).
   */
  readonly skipped: readonly SkippedSource[];
}

export interface VerifyTotals {
  readonly endpoints: number;
  /** Endpoints with at least one source sampled. */
  readonly endpointsSampled: number;
  readonly sampled: number;
  readonly agreeing: number;
  readonly targets: number;
  readonly paths: number;
  readonly compiledCompared: number;
  readonly unmodelledTargets: number;
  readonly unmodelledPaths: number;
  readonly pathDifferences: number;
  readonly attributeDifferences: number;
  readonly skipped: number;
}

export interface GraphVerifyReport {
  readonly sample: number;
  readonly seed: number;
  /** Requests of the comparison (retries included) and their retries. */
  readonly requests: number;
  readonly retries: number;
  readonly durationMs: number;
  readonly endpoints: EndpointReport[];
  readonly totals: VerifyTotals;
  /** True when no endpoint shows any difference. */
  readonly agree: boolean;
}

export interface VerifyReport extends GraphVerifyReport {
  readonly apiHost: string;
  readonly orgId: string;
  /** The fresh fetch the engine's answers come from. */
  readonly fetch: {
    readonly requests: number;
    readonly retries: number;
    readonly durationMs: number;
    readonly objects: number;
    readonly edges: number;
    readonly gaps: number;
  };
  /** Every dynamic group's rule against the members the API lists (on the fresh fetch). */
  readonly dynamicGroups: DynamicGroupsReport;
}

/** The sources of an endpoint to compare: a seeded sample of the graph's objects of its source type. */
export function sampleSources(
  graph: AccessGraph,
  endpoint: GraphEndpoint,
  sample: number,
  seed: number,
): { available: number; ids: string[] } {
  const ids = [...graph.objects(endpoint.source)].map((o) => o.id);
  return { available: ids.length, ids: seededSample(ids, sample, seed, endpoint.path) };
}

function totalsOf(endpoints: readonly EndpointReport[]): VerifyTotals {
  const sum = (f: (e: EndpointReport) => number): number => endpoints.reduce((s, e) => s + f(e), 0);
  return {
    endpoints: endpoints.length,
    endpointsSampled: endpoints.filter((e) => e.sampled > 0).length,
    sampled: sum((e) => e.sampled),
    agreeing: sum((e) => e.agreeing),
    targets: sum((e) => e.targets),
    paths: sum((e) => e.paths),
    compiledCompared: sum((e) => e.compiledCompared),
    unmodelledTargets: sum((e) => e.unmodelled.targets),
    unmodelledPaths: sum((e) => e.unmodelled.paths),
    pathDifferences: sum((e) => e.pathDifferences.length),
    attributeDifferences: sum((e) => e.attributeDifferences.length),
    skipped: sum((e) => e.skipped.length),
  };
}

interface Unmodelled {
  targets: number;
  paths: number;
  types: Set<string>;
}

/** The API's answer without targets of, and paths through, types jcgraph does not model; counted in `skipped`. */
function modelledOnly(answer: readonly GraphObjectWithPaths[], skipped: Unmodelled): GraphObjectWithPaths[] {
  const out: GraphObjectWithPaths[] = [];
  for (const target of answer) {
    if (!isGraphType(target.type)) {
      skipped.targets += 1;
      skipped.types.add(target.type);
      continue;
    }
    const paths = target.paths.filter((path) => {
      const odd = path.find((hop) => !isGraphType(hop.to.type));
      if (odd) skipped.types.add(odd.to.type);
      return !odd;
    });
    skipped.paths += target.paths.length - paths.length;
    if (paths.length > 0 || target.paths.length === 0) out.push({ ...target, paths });
    else skipped.targets += 1; // reached only through unmodelled objects
  }
  return out;
}

/**
 * Compares the graph's answers with those of the API behind `client`, endpoint by endpoint. Requests run
 * as concurrently as the client allows; the first failure stops the rest and is thrown.
 */
export async function verifyGraph(
  graph: AccessGraph,
  client: ApiClient,
  options: VerifyOptions = {},
  signal?: AbortSignal,
): Promise<GraphVerifyReport> {
  const sample = options.sample ?? DEFAULT_SAMPLE;
  const seed = options.seed ?? DEFAULT_SEED;
  const endpoints = options.endpoints ?? VERIFY_ENDPOINTS;
  const started = performance.now();
  const requestsBefore = client.stats.requests;
  const retriesBefore = client.stats.retries;
  const plans = endpoints.map((endpoint) => ({ endpoint, ...sampleSources(graph, endpoint, sample, seed) }));
  const total = plans.reduce((s, p) => s + p.ids.length, 0);
  let done = 0;
  let failure: Error | undefined;
  const reports = await Promise.all(
    plans.map(async ({ endpoint, available, ids }): Promise<EndpointReport> => {
      const skipped: Unmodelled = { targets: 0, paths: 0, types: new Set() };
      const notCompared: SkippedSource[] = [];
      const results = await Promise.all(
        ids.map(async (id) => {
          if (failure !== undefined) throw failure;
          if (signal?.aborted) throw signal.reason instanceof CancelledError ? signal.reason : new CancelledError('verify was cancelled');
          const verdict = coverageVerdict(graph, options.coverage, { subject: id, targetTypes: endpoint.targets });
          if (verdict.affected) {
            notCompared.push({ id, reason: `the fresh fetch did not read all it needs: ${verdict.reasons[0]}` });
            options.onCompared?.(++done, total);
            return undefined;
          }
          try {
            let apiAnswer: GraphObjectWithPaths[];
            try {
              apiAnswer = await readLiveAnswer(client, endpoint, id);
            } catch (error) {
              if (!isGapFailure(error)) throw error;
              notCompared.push({ id, reason: `the API did not answer: ${(error as Error).message}` });
              options.onCompared?.(++done, total);
              return undefined;
            }
            const api = modelledOnly(apiAnswer, skipped);
            const engine = answer(graph, endpointPath(endpoint, id)) as GraphObjectWithPaths[];
            const comparison = compareAnswers({ type: endpoint.source, id }, engine, api);
            options.onCompared?.(++done, total);
            return comparison;
          } catch (error) {
            failure ??= error instanceof Error ? error : new JcGraphError(`verify failed: ${String(error)}`);
            throw failure;
          }
        }),
      );
      const compared = results.filter((c) => c !== undefined);
      const pathDifferences = compared.flatMap((c) => c.pathDifferences);
      const attributeDifferences = compared.flatMap((c) => c.attributeDifferences);
      return {
        endpoint: endpoint.path,
        operationId: endpoint.operationId,
        source: endpoint.source,
        available,
        sampled: compared.length,
        agreeing: compared.filter((c) => c.pathDifferences.length === 0 && c.attributeDifferences.length === 0).length,
        agreeingPaths: compared.filter((c) => c.pathDifferences.length === 0).length,
        agreeingAttributes: compared.filter((c) => c.attributeDifferences.length === 0).length,
        targets: compared.reduce((s, c) => s + c.targets, 0),
        paths: compared.reduce((s, c) => s + c.paths, 0),
        compiledCompared: compared.reduce((s, c) => s + c.compiledCompared, 0),
        unmodelled: { targets: skipped.targets, paths: skipped.paths, types: [...skipped.types].sort() },
        pathDifferences,
        attributeDifferences,
        skipped: notCompared.sort((x, y) => (x.id < y.id ? -1 : 1)),
      };
    }),
  ).catch((error: unknown) => {
    throw failure ?? error;
  });
  const totals = totalsOf(reports);
  return {
    sample,
    seed,
    requests: client.stats.requests - requestsBefore,
    retries: client.stats.retries - retriesBefore,
    durationMs: performance.now() - started,
    endpoints: reports,
    totals,
    agree: totals.pathDifferences === 0 && totals.attributeDifferences === 0,
  };
}

export interface VerifyTenantOptions extends ClientOptions, VerifyOptions {
  /**
   * Passed to the fetch: any collection it cannot read fails verify.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Progress of the fresh fetch.
   * @default none
   */
  readonly onFetchProgress?: FetchOptions['onProgress'];
  /**
   * Called once the fresh fetch is done, with its metadata.
   * @default none
   */
  readonly onFetched?: (meta: SnapshotMeta) => void;
}

/**
 * A fresh fetch of the organization (the engine's side), then {@link verifyGraph} against the same API.
 * Both phases share the options (key, host, org, rate cap, concurrency, timeout) and run one after the
 * other, so a rate cap holds across the whole run.
 */
export async function verifyTenant(options: VerifyTenantOptions): Promise<VerifyReport> {
  const { sample, seed, endpoints, onCompared, onFetchProgress, onFetched, ...clientOptions } = options;
  const { tenant, meta } = await fetchTenant({ ...clientOptions, ...(onFetchProgress ? { onProgress: onFetchProgress } : {}) });
  onFetched?.(meta);
  const graph = AccessGraph.fromTenant(tenant);
  // The first failure cancels the requests still queued; the outer signal cancels everything.
  const internal = new AbortController();
  const onOuterAbort = (): void => internal.abort(options.signal?.reason);
  if (options.signal?.aborted) onOuterAbort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const client = new ApiClient({ ...clientOptions, signal: internal.signal });
  let report: GraphVerifyReport;
  try {
    report = await verifyGraph(
      graph,
      client,
      { sample, seed, endpoints, onCompared, ...(meta.coverage ? { coverage: meta.coverage } : {}) },
      options.signal,
    );
  } catch (error) {
    internal.abort(new CancelledError('stopped after an earlier failure'));
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
  return {
    apiHost: client.origin,
    orgId: meta.orgId,
    fetch: {
      requests: meta.requests.total,
      retries: meta.requests.retries,
      durationMs: meta.durationMs,
      objects: tenant.objects.length,
      edges: tenant.edges.length,
      gaps: meta.coverage?.gaps.length ?? 0,
    },
    dynamicGroups: verifyDynamicGroups(graph, meta.coverage),
    ...report,
  };
}

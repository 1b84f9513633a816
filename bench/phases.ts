/**
 * One phase of the unified bench, in a process of its own so its peak RSS is its own:
 *
 *   node --import tsx bench/phases.ts PHASE '{"preset":"large",…}'
 *
 * Phases: `fetch` (a rate-limited fetch from a simulator in its own process, the snapshot saved, then a
 * verify against the same simulator), `live` (fetch and verify against the tenant of JC_API_KEY),
 * `traversal`, `whatif` and `fetch-bench` (the per-part benches of bench/traversal.ts, bench/whatif.ts,
 * bench/fetch.ts), `scale` (bench/scale.ts: load + every light command), `serve` (bench/serve.ts: the
 * API replica of the snapshot against the engine in-process, and fetched whole), `refresh` (bench/refresh.ts:
 * fetch --since and revoke --live after changes), `rules` (bench/rules.ts: check against findings), `mover`
 * (bench/mover.ts: one user's department changed, through the dynamic groups' rules), `apply`
 * (bench/apply.ts: a 20-step offboarding sent with applyPlan), `review` (bench/review.ts: an access
 * review's close, 1,000 revoke and 10,000 keep decisions), `watch` (bench/watch.ts: an idle cycle's
 * requests, and a change's time to its line), and `report`, `export`, `diff`
 * (the heavy commands, each alone, as its own command would run).
 * Each emits its figures on one marked line.
 */
import { stat } from 'node:fs/promises';
import { ApiClient, fetchTenant, type FetchOptions } from '../src/fetchers/index.ts';
import { AccessGraph } from '../src/graph/index.ts';
import { TRAVERSAL_ENDPOINTS, type TenantObject } from '../src/model/index.ts';
import type { PresetName } from '../src/simulator/index.ts';
import { saveSnapshot, type SnapshotMeta } from '../src/snapshot/index.ts';
import { verifyGraph, type GraphVerifyReport } from '../src/verify/index.ts';
import { runFetchBench, type FetchBenchFigures } from './fetch.ts';
import { emitResult, peakRssMiB, startSimChild, timedAsync, type SimChildStats } from './harness.ts';
import { runOwnProcessCommand, runScale, type CommandFigures, type OwnProcessCommand, type ScaleFigures } from './scale.ts';
import { runServeBench, type ServeBenchFigures } from './serve.ts';
import { runTraversalBench, type TraversalBenchFigures } from './traversal.ts';
import { runWhatIfBench, type WhatIfBenchFigures } from './whatif.ts';
import { runRefreshBench, type RefreshBenchFigures } from './refresh.ts';
import { runRulesBench, type RulesBenchFigures } from './rules.ts';
import { runMoverBench, type MoverBenchFigures } from './mover.ts';
import { runApplyBench, type ApplyBenchFigures } from './apply.ts';
import { runReviewBench, type ReviewBenchFigures } from './review.ts';
import { runWatchBench, type WatchBenchFigures } from './watch.ts';

export interface PhaseOptions {
  readonly preset: PresetName;
  readonly seed: number;
  /** fetch: requests per second of the simulator's limit and of the client's cap. */
  readonly rate?: number;
  readonly concurrency?: number;
  /** fetch: where to save the snapshot; scale: where to load it from. */
  readonly snapshot?: string;
  /** fetch, live: sources per endpoint for verify. */
  readonly verifySample?: number;
  /** traversal: users in the allSimplePaths comparison. */
  readonly sample?: number;
  /** whatif: changes per kind; full recompute runs. */
  readonly samples?: number;
  readonly fullRuns?: number;
  /** live: API host. */
  readonly baseUrl?: string;
  /** refresh: whether a second full fetch is the yardstick (default true). */
  readonly compareFull?: boolean;
}

/**
 * Requests the per-object approach needs for the same inventory: list every type, then call every
 * traversal endpoint once for every object of its source type (one page each, so a lower bound).
 */
export function naiveTraversalRequests(objects: Iterable<Pick<TenantObject, 'type'>>, listRequests: number): number {
  const perType = new Map<string, number>();
  for (const e of TRAVERSAL_ENDPOINTS) perType.set(e.source, (perType.get(e.source) ?? 0) + 1);
  let total = listRequests;
  for (const o of objects) total += perType.get(o.type) ?? 0;
  return total;
}

export interface VerifyFigures {
  readonly sample: number;
  readonly endpoints: number;
  readonly endpointsSampled: number;
  readonly sampled: number;
  readonly agreeing: number;
  /** agreeing ÷ sampled. */
  readonly agreement: number;
  readonly pathDifferences: number;
  readonly attributeDifferences: number;
  readonly requests: number;
  readonly ms: number;
}

function verifyFigures(r: GraphVerifyReport): VerifyFigures {
  const t = r.totals;
  return {
    sample: r.sample,
    endpoints: t.endpoints,
    endpointsSampled: t.endpointsSampled,
    sampled: t.sampled,
    agreeing: t.agreeing,
    agreement: t.sampled === 0 ? NaN : t.agreeing / t.sampled,
    pathDifferences: t.pathDifferences,
    attributeDifferences: t.attributeDifferences,
    requests: r.requests,
    ms: r.durationMs,
  };
}

export interface FetchFigures {
  readonly objects: number;
  readonly edges: number;
  readonly requests: number;
  readonly retries: number;
  /** Answers of 429 the client met. */
  readonly throttled: number;
  readonly listRequests: number;
  readonly plannedRequests: number;
  readonly optimumRequests: number;
  readonly optimumExact: boolean;
  /** The fetcher's own figure: every traversal and direct-edge endpoint per object, one page each. */
  readonly traversalApproachAtLeast: number;
  /** Lists plus one call per object per traversal endpoint, one page each. */
  readonly naiveRequests: number;
  /** Requests per second the client was capped at (the simulator limited to the same); absent: no cap. */
  readonly rate: number | undefined;
  readonly wallMs: number;
  /** requests ÷ rate, in ms (absent without a rate). */
  readonly rateBoundMs: number | undefined;
  /** Peak RSS of the fetching process once the fetch was done (the simulator runs elsewhere). */
  readonly clientPeakRssMiB: number;
}

function fetchFigures(
  meta: SnapshotMeta,
  objects: readonly TenantObject[],
  edges: number,
  wallMs: number,
  rate: number | undefined,
): FetchFigures {
  const plan = meta.plan;
  return {
    objects: objects.length,
    edges,
    requests: meta.requests.total,
    retries: meta.requests.retries,
    throttled: meta.requests.throttled,
    listRequests: plan.listRequests,
    plannedRequests: plan.plannedRequests ?? NaN,
    optimumRequests: plan.optimumRequests ?? NaN,
    optimumExact: plan.optimumExact ?? false,
    traversalApproachAtLeast: plan.traversalApproachRequests ?? NaN,
    naiveRequests: naiveTraversalRequests(objects, plan.listRequests),
    rate,
    wallMs,
    rateBoundMs: rate === undefined ? undefined : (meta.requests.total / rate) * 1000,
    clientPeakRssMiB: peakRssMiB(),
  };
}

export interface FetchPhaseFigures {
  readonly fetch: FetchFigures;
  readonly snapshot: { readonly bytes: number; readonly saveMs: number };
  readonly verify: VerifyFigures;
  readonly simulator: SimChildStats;
  readonly peakRssMiB: number;
}

async function fetchAndVerify(
  options: PhaseOptions,
  connection: Pick<FetchOptions, 'apiKey' | 'baseUrl'>,
): Promise<Omit<FetchPhaseFigures, 'simulator'>> {
  const rate = options.rate;
  const clientOptions = { ...connection, ...(rate !== undefined ? { rate } : {}), concurrency: options.concurrency ?? 16 };
  const { ms: wallMs, value: result } = await timedAsync(() => fetchTenant(clientOptions));
  const fetch = fetchFigures(result.meta, result.tenant.objects, result.tenant.edges.length, wallMs, rate);
  let snapshot = { bytes: 0, saveMs: 0 };
  if (options.snapshot) {
    const path = options.snapshot;
    const { ms } = await timedAsync(() => saveSnapshot(path, { meta: result.meta, tenant: result.tenant }));
    snapshot = { bytes: (await stat(path)).size, saveMs: ms };
  }
  const graph = AccessGraph.fromTenant(result.tenant);
  const report = await verifyGraph(graph, new ApiClient(clientOptions), { sample: options.verifySample ?? 10, seed: options.seed });
  return { fetch, snapshot, verify: verifyFigures(report), peakRssMiB: peakRssMiB() };
}

export async function fetchPhase(options: PhaseOptions): Promise<FetchPhaseFigures> {
  const sim = await startSimChild({
    preset: options.preset,
    seed: options.seed,
    ...(options.rate !== undefined ? { rate: options.rate } : {}),
  });
  let figures: Omit<FetchPhaseFigures, 'simulator'>;
  try {
    figures = await fetchAndVerify(options, { apiKey: sim.apiKey, baseUrl: sim.baseUrl });
  } catch (error) {
    await sim.stop();
    throw error;
  }
  return { ...figures, simulator: await sim.stop() };
}

/** The tenant of JC_API_KEY (or JUMPCLOUD_API_KEY): read-only fetch and verify; nothing is saved. */
export async function livePhase(options: PhaseOptions): Promise<Omit<FetchPhaseFigures, 'simulator'>> {
  const apiKey = process.env['JC_API_KEY'] || process.env['JUMPCLOUD_API_KEY'];
  if (!apiKey) throw new Error('--live needs JC_API_KEY (or JUMPCLOUD_API_KEY) in the environment');
  return fetchAndVerify({ ...options, snapshot: undefined }, { apiKey, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) });
}

export type PhaseName =
  | 'fetch'
  | 'live'
  | 'traversal'
  | 'whatif'
  | 'fetch-bench'
  | 'scale'
  | 'serve'
  | 'refresh'
  | 'rules'
  | 'mover'
  | 'apply'
  | 'review'
  | 'watch'
  | OwnProcessCommand;

export interface PhaseResults {
  fetch: FetchPhaseFigures;
  live: Omit<FetchPhaseFigures, 'simulator'>;
  traversal: TraversalBenchFigures & { readonly peakRssMiB: number };
  whatif: WhatIfBenchFigures & { readonly peakRssMiB: number };
  'fetch-bench': FetchBenchFigures & { readonly peakRssMiB: number };
  scale: ScaleFigures;
  serve: ServeBenchFigures;
  report: CommandFigures;
  export: CommandFigures;
  diff: CommandFigures;
  refresh: RefreshBenchFigures;
  rules: RulesBenchFigures;
  watch: WatchBenchFigures;
  mover: MoverBenchFigures;
  apply: ApplyBenchFigures;
  review: ReviewBenchFigures;
}

async function runPhase(name: PhaseName, options: PhaseOptions): Promise<PhaseResults[PhaseName]> {
  switch (name) {
    case 'fetch':
      return fetchPhase(options);
    case 'live':
      return livePhase(options);
    case 'traversal':
      return {
        ...runTraversalBench({
          preset: options.preset,
          seed: options.seed,
          ...(options.sample ? { sample: options.sample } : {}),
          runs: 1,
        }),
        peakRssMiB: peakRssMiB(),
      };
    case 'whatif':
      return {
        ...runWhatIfBench({
          preset: options.preset,
          seed: options.seed,
          ...(options.samples ? { samples: options.samples } : {}),
          ...(options.fullRuns ? { fullRuns: options.fullRuns } : {}),
        }),
        peakRssMiB: peakRssMiB(),
      };
    case 'fetch-bench': {
      const [figures] = await runFetchBench({
        presets: [options.preset],
        seed: options.seed,
        ...(options.rate ? { rate: options.rate } : {}),
      });
      return { ...figures!, peakRssMiB: peakRssMiB() };
    }
    case 'refresh':
      return runRefreshBench({
        preset: options.preset,
        seed: options.seed,
        rate: options.rate ?? 50,
        compareFull: options.compareFull !== false,
      });
    case 'rules':
      return runRulesBench({ preset: options.preset, seed: options.seed });
    case 'mover':
      return runMoverBench({ preset: options.preset, seed: options.seed });
    case 'apply':
      return runApplyBench({ preset: options.preset, seed: options.seed, rate: options.rate ?? 50 });
    case 'review':
      return runReviewBench({ preset: options.preset, seed: options.seed });
    case 'watch':
      return runWatchBench({ preset: options.preset, seed: options.seed });
    case 'scale':
      if (!options.snapshot) throw new Error('the scale phase needs a snapshot');
      return runScale(options.snapshot);
    case 'serve':
      if (!options.snapshot) throw new Error('the serve phase needs a snapshot');
      return runServeBench({ snapshot: options.snapshot });
    case 'report':
    case 'export':
    case 'diff':
      if (!options.snapshot) throw new Error(`the ${name} phase needs a snapshot`);
      return runOwnProcessCommand(name, options.snapshot);
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const name = process.argv[2] as PhaseName;
  const options = JSON.parse(process.argv[3] ?? '{}') as PhaseOptions;
  emitResult(await runPhase(name, options));
}

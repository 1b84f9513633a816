/**
 * Fetch benchmark against the simulator over HTTP:
 * - requests of a fetch vs the planner's figure vs the exact optimum vs the per-object traversal approach
 *   (one call per object per traversal / direct-edge endpoint; a lower bound, one page per call);
 * - wall time under the simulator's rate limit, with the fetch told the same rate, vs requests ÷ rate
 *   (target: at most 1.15 ×).
 *
 *   node --import tsx bench/fetch.ts [--preset small|large …] [--rate N] [--seed N] [--lower-bound]
 *
 * --lower-bound skips counting the traversal approach's real pages (one page per call is then assumed).
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fetchTenant, pagesFor, traversalApproachRequests } from '../src/fetchers/index.ts';
import { answerEndpoint, startSimulator, type PresetName } from '../src/simulator/index.ts';
import type { TenantData } from '../src/model/index.ts';

export interface FetchBenchOptions {
  readonly presets?: readonly PresetName[];
  /** Requests per second of the simulator's token bucket and of the fetch; default by preset. */
  readonly rate?: number;
  readonly seed?: number;
  /** Count the traversal approach's pages exactly from the simulator's reference answers (default true; ~45 s for large). */
  readonly exactTraversal?: boolean;
}

export interface FetchBenchFigures {
  readonly preset: PresetName;
  readonly objects: number;
  readonly edges: number;
  readonly requests: number;
  readonly planned: number;
  readonly optimum: number;
  readonly firstPagePlan: number;
  readonly traversalApproachAtLeast: number;
  /** The same with every call's real page count (reference answers of the simulator), when computed. */
  readonly traversalApproachExact: number | undefined;
  /** Wall time with no rate limit anywhere. */
  readonly unlimitedMs: number;
  readonly rate: number;
  readonly limitedMs: number;
  /** requests ÷ rate, in ms. */
  readonly idealMs: number;
  /** limitedMs ÷ idealMs. */
  readonly ratio: number;
  /** 429s met in the rate-limited run. */
  readonly throttled: number;
  /** The same simulator limit, the fetch told no rate (it learns the limit from the 429s). */
  readonly learnedMs: number;
  readonly learnedRatio: number;
  readonly learnedThrottled: number;
}

const DEFAULT_RATE: Record<PresetName, number> = { tiny: 20, small: 50, large: 200, xl: 200 };

export async function runFetchBench(options: FetchBenchOptions = {}): Promise<FetchBenchFigures[]> {
  const out: FetchBenchFigures[] = [];
  for (const preset of options.presets ?? ['small', 'large']) {
    const seed = options.seed ?? 1;
    const rate = options.rate ?? DEFAULT_RATE[preset];
    const free = await startSimulator({ preset, seed });
    const simTenant = free.tenant();
    let t0 = performance.now();
    const { tenant, meta } = await fetchTenant({ apiKey: free.apiKey, baseUrl: free.baseUrl, concurrency: 16 }).finally(() => free.close());
    const unlimitedMs = performance.now() - t0;
    const limited = await startSimulator({ preset, seed, rate });
    t0 = performance.now();
    const run = await fetchTenant({ apiKey: limited.apiKey, baseUrl: limited.baseUrl, rate, concurrency: 16 }).finally(() =>
      limited.close(),
    );
    const limitedMs = performance.now() - t0;
    const idealMs = (meta.requests.total / rate) * 1000;
    const learning = await startSimulator({ preset, seed, rate });
    t0 = performance.now();
    const learned = await fetchTenant({ apiKey: learning.apiKey, baseUrl: learning.baseUrl, concurrency: 16 }).finally(() =>
      learning.close(),
    );
    const learnedMs = performance.now() - t0;
    out.push({
      preset,
      objects: tenant.objects.length,
      edges: tenant.edges.length,
      requests: meta.requests.total,
      planned: meta.plan.plannedRequests ?? NaN,
      optimum: meta.plan.optimumRequests ?? NaN,
      firstPagePlan: meta.plan.firstPageRequests,
      traversalApproachAtLeast: meta.plan.traversalApproachRequests ?? NaN,
      traversalApproachExact: options.exactTraversal === false ? undefined : meta.plan.listRequests + exactTraversal(simTenant, tenant),
      unlimitedMs,
      rate,
      limitedMs,
      idealMs,
      ratio: limitedMs / idealMs,
      throttled: run.meta.requests.throttled,
      learnedMs,
      learnedRatio: learnedMs / idealMs,
      learnedThrottled: learned.meta.requests.throttled,
    });
  }
  return out;
}

/** Pages of every per-object graph call for the fetched objects, from the simulator's reference answers. */
function exactTraversal(simTenant: TenantData, fetched: TenantData): number {
  return traversalApproachRequests(fetched.objects, (endpoint, id) =>
    pagesFor(answerEndpoint(simTenant, endpoint, id, endpoint.kind === 'associations' ? endpoint.targets : []).length),
  );
}

function print(rows: readonly FetchBenchFigures[]): void {
  for (const r of rows) {
    console.log(`${r.preset}: ${r.objects} objects, ${r.edges} edges`);
    console.log(
      `  requests ${r.requests} = planned ${r.planned} = optimum ${r.optimum} (first pages ${r.firstPagePlan}); per-object traversal endpoints: ${r.traversalApproachExact ?? `at least ${r.traversalApproachAtLeast}`} (${((r.traversalApproachExact ?? r.traversalApproachAtLeast) / r.requests).toFixed(1)} ×)`,
    );
    console.log(`  no rate limit: ${(r.unlimitedMs / 1000).toFixed(1)} s (${((r.requests / r.unlimitedMs) * 1000).toFixed(0)} req/s)`);
    console.log(`  simulator limited to ${r.rate} req/s, requests ÷ rate = ${(r.idealMs / 1000).toFixed(1)} s (target ≤ 1.15 ×):`);
    console.log(`    fetch told --rate ${r.rate}: ${(r.limitedMs / 1000).toFixed(1)} s = ${r.ratio.toFixed(3)} ×, ${r.throttled} × 429`);
    console.log(
      `    fetch told no rate (learns it from 429s): ${(r.learnedMs / 1000).toFixed(1)} s = ${r.learnedRatio.toFixed(3)} ×, ${r.learnedThrottled} × 429`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      preset: { type: 'string', multiple: true },
      rate: { type: 'string' },
      seed: { type: 'string' },
      'lower-bound': { type: 'boolean' },
    },
  });
  const rows = await runFetchBench({
    ...(values.preset ? { presets: values.preset as PresetName[] } : {}),
    ...(values.rate ? { rate: Number(values.rate) } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    exactTraversal: !values['lower-bound'],
  });
  print(rows);
}

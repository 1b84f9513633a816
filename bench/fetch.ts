/**
 * Fetch benchmark against the simulator over HTTP:
 * - requests of a fetch vs the planner's figure vs the exact optimum vs the per-object traversal approach
 *   (one call per object per traversal / direct-edge endpoint; a lower bound, one page per call);
 * - wall time under the simulator's rate limit, with the fetch told the same rate, vs requests ÷ rate
 *   (target: at most 1.15 ×).
 *
 *   node --import tsx bench/fetch.ts [--preset small|large] [--rate N] [--seed N]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fetchTenant } from '../src/fetchers/index.ts';
import { startSimulator, type PresetName } from '../src/simulator/index.ts';

export interface FetchBenchOptions {
  readonly presets?: readonly PresetName[];
  /** Requests per second of the simulator's token bucket and of the fetch; default by preset. */
  readonly rate?: number;
  readonly seed?: number;
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
}

const DEFAULT_RATE: Record<PresetName, number> = { tiny: 20, small: 50, large: 200, xl: 200 };

export async function runFetchBench(options: FetchBenchOptions = {}): Promise<FetchBenchFigures[]> {
  const out: FetchBenchFigures[] = [];
  for (const preset of options.presets ?? ['small', 'large']) {
    const seed = options.seed ?? 1;
    const rate = options.rate ?? DEFAULT_RATE[preset];
    const free = await startSimulator({ preset, seed });
    let t0 = performance.now();
    const { tenant, meta } = await fetchTenant({ apiKey: free.apiKey, baseUrl: free.baseUrl, concurrency: 16 }).finally(() => free.close());
    const unlimitedMs = performance.now() - t0;
    const limited = await startSimulator({ preset, seed, rate });
    t0 = performance.now();
    const run = await fetchTenant({ apiKey: limited.apiKey, baseUrl: limited.baseUrl, rate, concurrency: 16 }).finally(() => limited.close());
    const limitedMs = performance.now() - t0;
    const idealMs = (run.meta.requests.total / rate) * 1000;
    out.push({
      preset,
      objects: tenant.objects.length,
      edges: tenant.edges.length,
      requests: meta.requests.total,
      planned: meta.plan.plannedRequests ?? NaN,
      optimum: meta.plan.optimumRequests ?? NaN,
      firstPagePlan: meta.plan.firstPageRequests,
      traversalApproachAtLeast: meta.plan.traversalApproachRequests ?? NaN,
      unlimitedMs,
      rate,
      limitedMs,
      idealMs,
      ratio: limitedMs / idealMs,
      throttled: run.meta.requests.throttled,
    });
  }
  return out;
}

function print(rows: readonly FetchBenchFigures[]): void {
  for (const r of rows) {
    console.log(`${r.preset}: ${r.objects} objects, ${r.edges} edges`);
    console.log(`  requests ${r.requests} = planned ${r.planned} = optimum ${r.optimum} (first pages ${r.firstPagePlan}); per-object traversal endpoints: at least ${r.traversalApproachAtLeast} (${(r.traversalApproachAtLeast / r.requests).toFixed(1)} ×)`);
    console.log(`  no rate limit: ${(r.unlimitedMs / 1000).toFixed(1)} s (${((r.requests / r.unlimitedMs) * 1000).toFixed(0)} req/s)`);
    console.log(`  at ${r.rate} req/s: ${(r.limitedMs / 1000).toFixed(1)} s vs requests ÷ rate ${(r.idealMs / 1000).toFixed(1)} s = ${r.ratio.toFixed(3)} × (target ≤ 1.15), ${r.throttled} × 429`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { preset: { type: 'string', multiple: true }, rate: { type: 'string' }, seed: { type: 'string' } } });
  const rows = await runFetchBench({
    ...(values.preset ? { presets: values.preset as PresetName[] } : {}),
    ...(values.rate ? { rate: Number(values.rate) } : {}),
    ...(values.seed ? { seed: Number(values.seed) } : {}),
  });
  print(rows);
}

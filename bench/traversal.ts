/**
 * Traversal benchmark: `node --import tsx bench/traversal.ts [--preset large] [--seed 1] [--sample 5] [--budget-ms 30000] [--runs 3] [--json]`.
 *
 * Prints, for a simulator preset:
 * - building: AccessGraph.fromTenant (graphology model + traversal index);
 * - the whole user→system inventory with paths, streamed: time, bindings, paths, paths per second and
 *   peak heap above the graph, both as integer arrays (inventoryBindings) and in the API's shape with
 *   compiledAttributes (inventory);
 * - per-source latency of `/users/{id}/systems` (traverse, API shape) over every user: p50, p99, max
 *   of one run, and of each user's best of three runs (less exposed to preemption and GC pauses);
 * - the same queries through graphology-simple-path's allSimplePaths on a sample of users. Answering
 *   `/users/{id}/systems` that way is one allSimplePaths(user, system, {maxDepth: 3}) per system of
 *   the tenant, on an undirected copy of the model (the grammar walks memberships and associations
 *   both ways), keeping the paths whose hops fit the grammar. Each such call costs tens of
 *   milliseconds on `large` (hub groups make every depth-3 search big), so per user the bound systems
 *   are run first (their paths are compared with the engine's), then the others until the user's share
 *   of a time budget is spent; the per-query time is the measured per-pair time × systems
 *   (extrapolated, and said so, when not every pair ran). The ratio is that over the engine's time
 *   for the whole query in API shape.
 *
 * `runTraversalBench(options)` returns the figures for a unified bench.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { UndirectedGraph } from 'graphology';
import { allSimplePaths } from 'graphology-simple-path';
import { TRAVERSAL_PATTERNS, findEndpoint, type TenantData } from '../src/model/index.ts';
import { AccessGraph, inventory, inventoryBindings, traverse } from '../src/graph/index.ts';
import { generateTenant, type PresetName } from '../src/simulator/index.ts';

export interface TraversalBenchOptions {
  readonly preset?: PresetName;
  readonly seed?: number;
  /** Users in the allSimplePaths comparison sample (default 5). */
  readonly sample?: number;
  /** Time allSimplePaths may use over the whole sample (default 30 s), shared equally by the users. */
  readonly allSimplePathsBudgetMs?: number;
  /** Runs of the whole inventory (the best is reported next to the first). */
  readonly runs?: number;
  /** A tenant to use instead of generating the preset. */
  readonly tenant?: TenantData;
}

export interface InventoryFigures {
  readonly firstMs: number;
  readonly bestMs: number;
  readonly bindings: number;
  readonly paths: number;
  /** Paths per second, best run. */
  readonly pathsPerSecond: number;
  /** Peak heap growth while streaming, above the heap after a GC before the run (MiB). */
  readonly peakHeapMiB: number;
}

export interface TraversalBenchFigures {
  readonly preset: string;
  readonly seed: number;
  readonly objects: number;
  readonly edges: number;
  readonly users: number;
  readonly systems: number;
  readonly buildMs: number;
  readonly inventoryIntegers: InventoryFigures;
  readonly inventoryApiShape: InventoryFigures;
  /**
   * Per-source latency of the API-shaped answer. Each source is asked three times (in three rounds over
   * all sources): p50/p99/max of the first round, and of each source's best round (which filters out
   * preemption and GC pauses on a busy machine).
   */
  readonly latency: {
    readonly endpoint: string;
    readonly sources: number;
    readonly p50Us: number;
    readonly p99Us: number;
    readonly maxUs: number;
    readonly bestOf3P50Us: number;
    readonly bestOf3P99Us: number;
    readonly bestOf3MaxUs: number;
  };
  readonly allSimplePaths: {
    readonly sampleUsers: number;
    /** A `/users/{id}/systems` query through allSimplePaths is one call per system of the tenant. */
    readonly systemsPerQuery: number;
    /** (user, system) pairs actually run through allSimplePaths: each user's bound systems first. */
    readonly pairsMeasured: number;
    readonly msPerPair: number;
    /** msPerPair × systemsPerQuery: measured when every pair was run, else extrapolated. */
    readonly allSimplePathsMsPerQuery: number;
    readonly extrapolated: boolean;
    /** The engine's whole `/users/{id}/systems` answer (API shape, compiledAttributes), mean over the sample. */
    readonly engineMsPerQuery: number;
    /** allSimplePathsMsPerQuery / engineMsPerQuery. */
    readonly ratio: number;
    /** Paths on the measured pairs, by each side. */
    readonly pathsEngine: number;
    readonly pathsAllSimplePaths: number;
    readonly samePaths: boolean;
  };
  /** Peak resident set of the whole process (MiB), tenant generation included. */
  readonly maxRssMiB: number;
}

const MiB = 1024 * 1024;

function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return () => gc?.();
}

/** Runs fn over the stream, sampling heap use; returns the time and the peak heap growth. */
function measureStream(
  gc: () => void,
  stream: (onSource: () => void) => { bindings: number; paths: number },
): { ms: number; bindings: number; paths: number; peakMiB: number } {
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  let n = 0;
  const t0 = performance.now();
  const counts = stream(() => {
    if ((++n & 255) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
  });
  const ms = performance.now() - t0;
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { ms, ...counts, peakMiB: (peak - base) / MiB };
}

function inventoryFigures(
  gc: () => void,
  runs: number,
  stream: (onSource: () => void) => { bindings: number; paths: number },
): InventoryFigures {
  const results = Array.from({ length: runs }, () => measureStream(gc, stream));
  const first = results[0]!;
  const best = results.reduce((a, b) => (b.ms < a.ms ? b : a));
  return {
    firstMs: first.ms,
    bestMs: best.ms,
    bindings: first.bindings,
    paths: first.paths,
    pathsPerSecond: first.paths / (best.ms / 1000),
    peakHeapMiB: Math.max(...results.map((r) => r.peakMiB)),
  };
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** A deterministic sample of k items (every n/k-th). */
function sampleOf<T>(items: readonly T[], k: number): T[] {
  if (items.length <= k) return [...items];
  const step = items.length / k;
  return Array.from({ length: k }, (_, i) => items[Math.floor(i * step)]!);
}

export function runTraversalBench(options: TraversalBenchOptions = {}): TraversalBenchFigures {
  const preset = options.preset ?? 'large';
  const seed = options.seed ?? 1;
  const runs = options.runs ?? 3;
  const gc = collectGarbage();
  const tenant = options.tenant ?? generateTenant({ preset, seed });

  const t0 = performance.now();
  const g = AccessGraph.fromTenant(tenant);
  const buildMs = performance.now() - t0;
  const users = [...g.objects('user')].map((o) => o.id).sort();
  const systems = [...g.objects('system')].map((o) => o.id).sort();

  const inventoryIntegers = inventoryFigures(gc, runs, (onSource) => {
    let bindings = 0;
    let paths = 0;
    for (const b of inventoryBindings(g, 'user', ['system'])) {
      bindings += b.size;
      paths += b.pathTotal;
      onSource();
    }
    return { bindings, paths };
  });
  const inventoryApiShape = inventoryFigures(gc, runs, (onSource) => {
    let bindings = 0;
    let paths = 0;
    let last = '';
    for (const b of inventory(g, 'user', ['system'])) {
      bindings++;
      paths += b.target.paths.length;
      if (b.source.id !== last) {
        last = b.source.id;
        onSource();
      }
    }
    return { bindings, paths };
  });

  const endpoint = findEndpoint('user', 'traverse', ['system'])!;
  const rounds = users.map(() => [] as number[]);
  for (let round = 0; round < 3; round++) {
    users.forEach((id, i) => {
      const s = performance.now();
      traverse(g, id, endpoint);
      rounds[i]!.push((performance.now() - s) * 1000);
    });
  }
  const times = rounds.map((r) => r[0]!).sort((a, b) => a - b);
  const bestTimes = rounds.map((r) => Math.min(...r)).sort((a, b) => a - b);

  // allSimplePaths on the same queries, for a sample of users
  const sample = sampleOf(users, options.sample ?? 5);
  const undirected = new UndirectedGraph();
  g.model.forEachNode((id) => undirected.addNode(id));
  g.model.forEachEdge((_key, _attrs, from, to) => undirected.mergeEdge(from, to));
  const patternKeys = new Set(TRAVERSAL_PATTERNS.map((s) => s.join('>')));
  const stepOf = (a: string, b: string): string => {
    const ta = g.object(a).type;
    const tb = g.object(b).type;
    if (g.hasEdge({ kind: 'membership', from: { type: tb, id: b }, to: { type: ta, id: a } })) return 'up';
    if (g.hasEdge({ kind: 'membership', from: { type: ta, id: a }, to: { type: tb, id: b } })) return 'down';
    return 'association';
  };
  const fitsGrammar = (nodes: readonly string[]) =>
    patternKeys.has(
      nodes
        .slice(1)
        .map((n, i) => stepOf(nodes[i]!, n))
        .join('>'),
    );

  // Per sampled user: the engine's query (repeated for a stable time), then allSimplePaths to the bound
  // systems first and the others in id order until the user's share of the time budget is spent.
  const budgetMs = options.allSimplePathsBudgetMs ?? 30_000;
  const perUserBudget = budgetMs / Math.max(1, sample.length);
  let engineMs = 0;
  let pairs = 0;
  let pairsMs = 0;
  let samePaths = true;
  let pathsEngine = 0;
  let pathsAllSimplePaths = 0;
  for (const id of sample) {
    const repeat = 20;
    const e0 = performance.now();
    for (let r = 0; r < repeat; r++) traverse(g, id, endpoint);
    engineMs += (performance.now() - e0) / repeat;
    const bound = new Map(
      traverse(g, id, endpoint).map((t) => [t.id, t.paths.map((p) => [id, ...p.map((h) => h.to.id)].join('>')).sort()]),
    );
    const order = [...bound.keys(), ...systems.filter((s) => !bound.has(s))];
    const u0 = performance.now();
    for (const system of order) {
      if (performance.now() - u0 >= perUserBudget && pairs > 0) break;
      const found = allSimplePaths(undirected, id, system, { maxDepth: 3 })
        .filter(fitsGrammar)
        .map((nodes) => nodes.join('>'))
        .sort();
      pairs++;
      const expected = bound.get(system) ?? [];
      pathsEngine += expected.length;
      pathsAllSimplePaths += found.length;
      if (JSON.stringify(found) !== JSON.stringify(expected)) samePaths = false;
    }
    pairsMs += performance.now() - u0;
  }
  const engineMsPerQuery = engineMs / Math.max(1, sample.length);
  const msPerPair = pairsMs / Math.max(1, pairs);
  const allSimplePathsMsPerQuery = msPerPair * systems.length;

  return {
    preset: options.tenant ? 'custom' : preset,
    seed,
    objects: tenant.objects.length,
    edges: tenant.edges.length,
    users: users.length,
    systems: systems.length,
    buildMs,
    inventoryIntegers,
    inventoryApiShape,
    latency: {
      endpoint: endpoint.path,
      sources: users.length,
      p50Us: percentile(times, 0.5),
      p99Us: percentile(times, 0.99),
      maxUs: times[times.length - 1] ?? 0,
      bestOf3P50Us: percentile(bestTimes, 0.5),
      bestOf3P99Us: percentile(bestTimes, 0.99),
      bestOf3MaxUs: bestTimes[bestTimes.length - 1] ?? 0,
    },
    allSimplePaths: {
      sampleUsers: sample.length,
      systemsPerQuery: systems.length,
      pairsMeasured: pairs,
      msPerPair,
      allSimplePathsMsPerQuery,
      extrapolated: pairs < sample.length * systems.length,
      engineMsPerQuery,
      ratio: allSimplePathsMsPerQuery / engineMsPerQuery,
      pathsEngine,
      pathsAllSimplePaths,
      samePaths,
    },
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

function format(f: TraversalBenchFigures): string {
  const n = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const inv = (label: string, x: InventoryFigures) =>
    `  ${label}: ${n(x.bestMs)} ms best (${n(x.firstMs)} ms first), ${n(x.bindings)} bindings, ${n(x.paths)} paths, ${n(x.pathsPerSecond)} paths/s, peak heap +${n(x.peakHeapMiB, 1)} MiB`;
  const a = f.allSimplePaths;
  return [
    `traversal bench: preset ${f.preset}, seed ${f.seed}: ${n(f.objects)} objects, ${n(f.edges)} edges (${n(f.users)} users, ${n(f.systems)} systems)`,
    `build (graphology model + traversal index): ${n(f.buildMs)} ms`,
    `whole user→system inventory with paths, streamed:`,
    inv('integer arrays', f.inventoryIntegers),
    inv('API shape + compiledAttributes', f.inventoryApiShape),
    `per-source latency of ${f.latency.endpoint} (API shape) over ${n(f.latency.sources)} users: p50 ${n(f.latency.p50Us, 1)} µs, p99 ${n(f.latency.p99Us, 1)} µs, max ${n(f.latency.maxUs, 1)} µs;`,
    `  each source's best of 3 runs: p50 ${n(f.latency.bestOf3P50Us, 1)} µs, p99 ${n(f.latency.bestOf3P99Us, 1)} µs, max ${n(f.latency.bestOf3MaxUs, 1)} µs`,
    `allSimplePaths (maxDepth 3, undirected copy, filtered to the grammar), ${a.sampleUsers} users: ${n(a.pairsMeasured)} (user, system) pairs at ${n(a.msPerPair, 2)} ms each;`,
    `  one /users/{id}/systems query = ${n(a.systemsPerQuery)} pairs = ${n(a.allSimplePathsMsPerQuery)} ms${a.extrapolated ? ' (extrapolated from the measured pairs)' : ''}; engine ${n(a.engineMsPerQuery * 1000, 1)} µs; ratio ${n(a.ratio)}× (target ≥ 50×)`,
    `  paths on the measured pairs: engine ${n(a.pathsEngine)}, allSimplePaths ${n(a.pathsAllSimplePaths)}: ${a.samePaths ? 'the same' : 'DIFFERENT'}`,
    `peak RSS of the process: ${n(f.maxRssMiB)} MiB`,
  ].join('\n');
}

function parseArgs(argv: readonly string[]): TraversalBenchOptions & { json: boolean } {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const preset = (value('--preset') ?? 'large') as PresetName;
  return {
    preset,
    seed: Number(value('--seed') ?? 1),
    sample: Number(value('--sample') ?? 5),
    allSimplePathsBudgetMs: Number(value('--budget-ms') ?? 30_000),
    runs: Number(value('--runs') ?? 3),
    json: argv.includes('--json'),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { json, ...options } = parseArgs(process.argv.slice(2));
  const figures = runTraversalBench(options);
  process.stdout.write((json ? JSON.stringify(figures, null, 2) : format(figures)) + '\n');
}

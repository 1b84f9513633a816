/**
 * The unified bench: `npm run bench [-- --preset small|large|xl …] [--live [--base-url URL] [--rate N]] [--out FILE]`.
 *
 * For each preset (default small, large and xl, in that order), every phase runs in a child process of
 * its own (bench/phases.ts) so that each phase's peak RSS is its own:
 *   fetch      a fetch from a simulator in a further process (so the RSS is the client's), rate-limited
 *              on both sides at the preset's rate; the snapshot is saved; then verify against the same
 *              simulator on a seeded sample of every endpoint with paths;
 *   scale      load the snapshot and run every analysis command once (bench/scale.ts);
 *   serve      the snapshot served by jcgraph serve: an answer over HTTP against in-process, and the
 *              whole fetch against the replica with no limit (bench/serve.ts);
 *   traversal  bench/traversal.ts: inventory, per-query latency, allSimplePaths on a sample;
 *   whatif     bench/whatif.ts: single-change what-if against full recompute;
 *   fetch-bench bench/fetch.ts (small and large only): the fetcher's own bench, in one process.
 * Then it prints a table, ratios first, and writes bench/results.json (merged per preset, so
 * `--preset NAME` refreshes one size; `--phase NAME`, repeatable, runs only those phases of the later
 * ones, rules, mover, apply, review, watch, refresh, traversal, whatif or fetch-bench, and keeps the preset's
 * other phases as they were recorded). A run that measured both large and xl then runs bench/scaling.ts
 * (large against xl side by side: startup, cold questions, per-question work, wide changes), whose
 * ratios go under `ratios` in bench/results.json. `--live` runs fetch and verify against the tenant of JC_API_KEY
 * instead (read-only; nothing saved but the figures).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isPresetName, type PresetName } from '../src/simulator/index.ts';
import { BENCH_DIR, runChild } from './harness.ts';
import type { PhaseName, PhaseOptions, PhaseResults } from './phases.ts';
import { OWN_PROCESS_COMMANDS, RSS_CEILING_MIB } from './scale.ts';
import { REFRESH_TARGETS, refreshCells, refreshRatios, type RefreshRatios } from './refresh.ts';
import { APPLY_TARGETS, applyCells, applyRatios, type ApplyRatios } from './apply.ts';
import { recordScaling, scalingTable, type ScalingFigures } from './scaling.ts';

interface PresetPlan {
  /** Requests per second of the rate-limited fetch (simulator limit and client cap alike). */
  readonly rate: number;
  readonly verifySample: number;
  /** Users in the allSimplePaths comparison. */
  readonly aspSample: number;
  /** What-if changes per kind and full-recompute runs. */
  readonly whatifSamples: number;
  readonly fullRuns: number;
  /** Whether bench/fetch.ts (two in-process fetches, one unlimited) runs too. */
  readonly fetchBench: boolean;
  /**
   * `--max-old-space-size` of every phase process, in MiB. Without it V8 sizes its heap for this 24 GiB
   * machine and collects lazily, so peak RSS would measure that laziness rather than what the work needs.
   */
  readonly heapMiB?: number;
  /**
   * Whether bench/whatif.ts runs. Its yardstick, a full recompute, digests every binding twice: about
   * 25 µs a binding, so some 40 minutes for xl's 48 million; its target is on large.
   */
  readonly whatifBench: boolean;
}

/**
 * xl keeps the run in minutes: a smaller verify sample, no what-if bench (the commands' what-ifs, the
 * widest included, are timed by the scale phase), and no second (in-process) fetch from bench/fetch.ts. allSimplePaths runs within bench/traversal.ts's time
 * budget (it extrapolates per-query time from the pairs it ran, and says so).
 */
const PLANS: Record<PresetName, PresetPlan> = {
  tiny: { rate: 50, verifySample: 10, aspSample: 12, whatifSamples: 10, fullRuns: 3, fetchBench: true, whatifBench: true },
  small: { rate: 50, verifySample: 10, aspSample: 20, whatifSamples: 30, fullRuns: 3, fetchBench: true, whatifBench: true },
  large: { rate: 200, verifySample: 10, aspSample: 5, whatifSamples: 30, fullRuns: 2, fetchBench: true, whatifBench: true },
  xl: { rate: 300, verifySample: 5, aspSample: 5, whatifSamples: 10, fullRuns: 1, fetchBench: false, whatifBench: false, heapMiB: 1536 },
};

const SEED = 1;

/** A phase's result; a phase that failed within a heap bound is run once more without one (`unbounded`). */
type Outcome<T> = { ok: true; ms: number; figures: T } | { ok: false; ms: number; error: string; unbounded?: Outcome<T> };
type PhaseOutcome<N extends PhaseName> = Outcome<PhaseResults[N]>;

async function phase<N extends PhaseName>(name: N, options: PhaseOptions, heapMiB?: number): Promise<PhaseOutcome<N>> {
  const t0 = performance.now();
  process.stderr.write(`bench: ${options.preset} ${name}…\n`);
  try {
    const figures = await runChild<PhaseResults[N]>(
      'phases.ts',
      [name, JSON.stringify(options)],
      heapMiB ? [`--max-old-space-size=${heapMiB}`] : [],
    );
    return { ok: true, ms: performance.now() - t0, figures };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`bench: ${options.preset} ${name} failed: ${message}\n`);
    const failed = {
      ok: false as const,
      ms: performance.now() - t0,
      error: heapMiB ? `${message} (within a ${heapMiB} MiB heap)` : message,
    };
    if (!heapMiB || name === 'fetch') return failed;
    process.stderr.write(`bench: ${options.preset} ${name} again without a heap bound, to measure what it needs…\n`);
    return { ...failed, unbounded: await phase(name, options) };
  }
}

function figuresOf<T>(outcome: Outcome<T> | undefined): T | undefined {
  return outcome?.ok ? outcome.figures : undefined;
}

/** The figures, from the unbounded rerun when the bounded run failed. */
function neededOf<T>(outcome: Outcome<T> | undefined): T | undefined {
  return outcome?.ok ? outcome.figures : outcome?.unbounded ? figuresOf(outcome.unbounded) : undefined;
}

export interface Ratios extends RefreshRatios, ApplyRatios {
  /** jcgraph check of 20 rules (with its fix plans) ÷ findings, on the same graph (target ≤ 1.5 on xl). */
  readonly checkVsFindings: number | null;
  /** One user's department changed, through the dynamic groups' rules, in process: seconds (target ≤ 2 on xl; a figure, not a ratio). */
  readonly moverWhatIfSeconds: number | null;
  /** An access review's close (1,000 revoke and 10,000 keep decisions), in process: seconds (target ≤ 10 s on large; a figure, not a ratio). */
  readonly reviewCloseSeconds: number | null;
  /** The close's collateral ÷ that of the single-pair least-collateral plans applied one by one (target ≤ 1.0). */
  readonly reviewCollateralVsSinglePlans: number | null;
  /** Requests of a watch cycle with no new event (target ≤ 1 + K on large; a figure, not a ratio). */
  readonly watchIdleRequestsPerCycle: number | null;
  /** Seconds from a change posted to the simulator to its watch line (target ≤ interval + event lag; a figure). */
  readonly watchDetectSeconds: number | null;
  /** fetch requests ÷ the planner's exact optimum (target 1). */
  readonly fetchRequestsVsOptimum: number | null;
  /** per-object traversal requests (lower bound) ÷ fetch requests (target ≥ 10 on large). */
  readonly naiveRequestsVsFetchRequests: number | null;
  /** fetch wall time ÷ (requests ÷ rate) under the simulator's rate limit (target ≤ 1.15). */
  readonly fetchTimeVsRateBound: number | null;
  /** allSimplePaths time ÷ engine time on the same queries (target ≥ 50). */
  readonly allSimplePathsVsEngine: number | null;
  /** full recompute ÷ single-change what-if p50 (target ≥ 100 on large). */
  readonly fullRecomputeVsWhatIf: number | null;
  /** verify: agreeing sources ÷ sampled sources against the simulator (target 1). */
  readonly verifyAgreement: number | null;
  /** peak RSS of loading the snapshot and answering every command (the largest of the scale, report, export and diff processes) ÷ 2 GiB (target ≤ 1); null when one failed. */
  readonly scalePeakRssVsCeiling: number | null;
  /** p50 of a traversal answer served by the replica over HTTP keep-alive ÷ p50 of the same answer in-process (target ≤ 20 on large). */
  readonly replicaAnswerVsInProcess: number | null;
  /** the fetch against the simulator under the rate limit ÷ the same fetch against the replica with no limit (reported). */
  readonly replicaFetchSpeedup: number | null;
}

export const TARGETS: Readonly<Record<keyof Ratios, string>> = {
  fetchRequestsVsOptimum: '= 1',
  naiveRequestsVsFetchRequests: '≥ 10 on large',
  fetchTimeVsRateBound: '≤ 1.15',
  allSimplePathsVsEngine: '≥ 50',
  fullRecomputeVsWhatIf: '≥ 100 on large',
  verifyAgreement: '= 1 (100%)',
  scalePeakRssVsCeiling: '≤ 1 (2 GiB)',
  replicaAnswerVsInProcess: '≤ 20 on large',
  replicaFetchSpeedup: 'reported',
  ...REFRESH_TARGETS,
  checkVsFindings: '≤ 1.5 on xl',
  moverWhatIfSeconds: '≤ 2 s on xl',
  ...APPLY_TARGETS,
  reviewCloseSeconds: '≤ 10 s on large',
  reviewCollateralVsSinglePlans: '≤ 1.0',
  watchIdleRequestsPerCycle: '≤ 1 + K (11) on large',
  watchDetectSeconds: '≤ interval + event lag (3 s)',
};

const ratio = (a: number | undefined, b: number | undefined): number | null =>
  a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? null : a / b;

interface PresetResult {
  readonly date: string;
  readonly seed: number;
  readonly plan: PresetPlan;
  /** Load average (1 min) before and after: other work on the machine disturbs the times. */
  readonly loadAverage: { readonly before: number; readonly after: number };
  readonly ratios: Ratios;
  readonly targets: typeof TARGETS;
  readonly phases: { [N in PhaseName]?: PhaseOutcome<N> };
}

function ratiosOf(phases: PresetResult['phases']): Ratios {
  const fetch = figuresOf(phases.fetch);
  const traversal = figuresOf(phases.traversal);
  const whatif = figuresOf(phases.whatif);
  // Every command must have answered for the peak to mean anything; one that failed within the heap
  // bound counts with what it needed unbounded.
  const peaks = [neededOf(phases.scale)?.peakRssMiB, ...OWN_PROCESS_COMMANDS.map((c) => neededOf(phases[c])?.peakRssMiB)];
  const commandsPeak = peaks.every((p) => p !== undefined) ? Math.max(...peaks) : undefined;
  return {
    fetchRequestsVsOptimum: ratio(fetch?.fetch.requests, fetch?.fetch.optimumRequests),
    naiveRequestsVsFetchRequests: ratio(fetch?.fetch.naiveRequests, fetch?.fetch.requests),
    fetchTimeVsRateBound: ratio(fetch?.fetch.wallMs, fetch?.fetch.rateBoundMs),
    allSimplePathsVsEngine: traversal?.allSimplePaths.ratio ?? null,
    fullRecomputeVsWhatIf: whatif?.speedup ?? null,
    verifyAgreement: fetch?.verify.agreement ?? null,
    scalePeakRssVsCeiling: ratio(commandsPeak, RSS_CEILING_MIB),
    replicaAnswerVsInProcess: figuresOf(phases.serve)?.answer.ratio ?? null,
    replicaFetchSpeedup: ratio(fetch?.fetch.wallMs, figuresOf(phases.serve)?.fetch.ms),
    ...refreshRatios(figuresOf(phases.refresh)),
    checkVsFindings: figuresOf(phases.rules)?.checkVsFindings ?? null,
    moverWhatIfSeconds: figuresOf(phases.mover)?.moverWhatIfSeconds ?? null,
    ...applyRatios(figuresOf(phases.apply)),
    reviewCloseSeconds: figuresOf(phases.review)?.reviewCloseSeconds ?? null,
    reviewCollateralVsSinglePlans: figuresOf(phases.review)?.reviewCollateralVsSinglePlans ?? null,
    watchIdleRequestsPerCycle: figuresOf(phases.watch)?.watchIdleRequestsPerCycle ?? null,
    watchDetectSeconds: figuresOf(phases.watch)?.watchDetectSeconds ?? null,
  };
}

/** The phases `--phase` may run alone: those that need no snapshot of the preset's fetch phase. */
const STANDALONE_PHASES = ['traversal', 'whatif', 'fetch-bench', 'refresh', 'rules', 'mover', 'apply', 'review', 'watch'] as const;
type StandalonePhase = (typeof STANDALONE_PHASES)[number];

/**
 * Runs one of the phases that need no snapshot into `phases`: traversal (allSimplePaths), whatif, the
 * fetcher's own bench, refresh (on xl the second full fetch, 7 minutes at 300/s, gives way to the
 * refresh's own estimate), rules (20 rules against findings), mover (one user's department changed
 * through the rules), apply (a 20-step offboarding), review (a close of 1,000 revokes and 10,000 keeps)
 * and watch (an idle cycle's requests, a change's time to its line).
 */
async function runStandalone(name: StandalonePhase, preset: PresetName, phases: PresetResult['phases']): Promise<void> {
  const plan = PLANS[preset];
  const base = { preset, seed: SEED };
  const heap = plan.heapMiB;
  if (name === 'traversal') phases.traversal = await phase('traversal', { ...base, sample: plan.aspSample }, heap);
  if (name === 'whatif') phases.whatif = await phase('whatif', { ...base, samples: plan.whatifSamples, fullRuns: plan.fullRuns }, heap);
  if (name === 'fetch-bench') phases['fetch-bench'] = await phase('fetch-bench', base, heap);
  if (name === 'refresh') phases.refresh = await phase('refresh', { ...base, rate: plan.rate, compareFull: preset !== 'xl' }, heap);
  if (name === 'rules') phases.rules = await phase('rules', base, heap);
  if (name === 'mover') phases.mover = await phase('mover', base, heap);
  if (name === 'apply') phases.apply = await phase('apply', { ...base, rate: plan.rate }, heap);
  if (name === 'review') phases.review = await phase('review', base, heap);
  if (name === 'watch') phases.watch = await phase('watch', base, heap);
}

/** A preset's result from its phases, with the load average from before them to now. */
function presetResult(preset: PresetName, loadBefore: number, phases: PresetResult['phases']): PresetResult {
  return {
    date: new Date().toISOString(),
    seed: SEED,
    plan: PLANS[preset],
    loadAverage: { before: loadBefore, after: loadavg()[0]! },
    ratios: ratiosOf(phases),
    targets: TARGETS,
    phases,
  };
}

/** Runs only the `only` phases of a preset, over its recorded result (the other phases kept as they were). */
async function runPhasesOf(
  preset: PresetName,
  only: readonly StandalonePhase[],
  previous: PresetResult | undefined,
): Promise<PresetResult> {
  const before = loadavg()[0]!;
  const phases: PresetResult['phases'] = { ...(previous?.phases ?? {}) };
  for (const name of only) await runStandalone(name, preset, phases);
  return presetResult(preset, before, phases);
}

async function runPreset(preset: PresetName, work: string): Promise<PresetResult> {
  const plan = PLANS[preset];
  const before = loadavg()[0]!;
  const base = { preset, seed: SEED };
  const snapshot = join(work, `${preset}.json`);
  const phases: PresetResult['phases'] = {};
  const heap = plan.heapMiB;
  phases.fetch = await phase('fetch', { ...base, rate: plan.rate, snapshot, verifySample: plan.verifySample }, heap);
  if (phases.fetch.ok) {
    phases.scale = await phase('scale', { ...base, snapshot }, heap);
    for (const command of OWN_PROCESS_COMMANDS) phases[command] = await phase(command, { ...base, snapshot }, heap);
    phases.serve = await phase('serve', { ...base, snapshot }, heap);
  }
  await rm(snapshot, { force: true });
  for (const name of STANDALONE_PHASES) {
    if ((name === 'whatif' && !plan.whatifBench) || (name === 'fetch-bench' && !plan.fetchBench)) continue;
    await runStandalone(name, preset, phases);
  }
  return presetResult(preset, before, phases);
}

// ---- the table ----

const n = (x: number | null | undefined, digits = 0): string =>
  x === null || x === undefined || !Number.isFinite(x)
    ? '–'
    : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const s = (ms: number | null | undefined, digits = 1): string => (ms === null || ms === undefined ? '–' : `${n(ms / 1000, digits)} s`);
const ms = (x: number | null | undefined, digits = 0): string => (x === null || x === undefined ? '–' : `${n(x, digits)} ms`);
const mib = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${n(x)} MiB`);

type Row = [label: string, cell: (r: PresetResult) => string];

function table(title: string, rows: readonly Row[], results: readonly [string, PresetResult][]): string {
  const head = ['', ...results.map(([name]) => name)];
  const body = rows.map(([label, cell]) => [label, ...results.map(([, r]) => cell(r))]);
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((row) => row[i]!.length)));
  const line = (row: readonly string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ');
  return [title, line(head), ...body.map(line)].join('\n');
}

const ratioRows: Row[] = (Object.keys(TARGETS) as (keyof Ratios)[]).map((key) => [
  `${key} (target ${TARGETS[key]})`,
  (r) =>
    key === 'verifyAgreement' && r.ratios[key] !== null
      ? `${n(r.ratios[key] * 100, 1)}%`
      : n(
          r.ratios[key],
          key === 'fetchRequestsVsOptimum' ||
            key === 'fetchTimeVsRateBound' ||
            key === 'scalePeakRssVsCeiling' ||
            key === 'refreshTimeVsRateBound' ||
            key === 'applyTimeVsRateBound'
            ? 3
            : key === 'liveConfirmRequests'
              ? 0
              : key === 'applyRequestsPerStep'
                ? 2
                : 1,
        ),
]);

const f = (r: PresetResult) => figuresOf(r.phases.fetch);
const t = (r: PresetResult) => figuresOf(r.phases.traversal);
const w = (r: PresetResult) => figuresOf(r.phases.whatif);
const sc = (r: PresetResult) => neededOf(r.phases.scale);
const fb = (r: PresetResult) => figuresOf(r.phases['fetch-bench']);
const ownProcess = (name: string): name is (typeof OWN_PROCESS_COMMANDS)[number] =>
  (OWN_PROCESS_COMMANDS as readonly string[]).includes(name);
/** A cell for a phase that may have failed within the heap bound: the unbounded figure, marked. */
function bounded<T>(o: Outcome<T> | undefined, cell: (x: T) => string): string {
  if (!o) return '–';
  if (o.ok) return cell(o.figures);
  const again = o.unbounded?.ok ? o.unbounded.figures : undefined;
  return again ? `${cell(again)} (unbounded heap)` : 'failed';
}
const cmd = (r: PresetResult, name: string): string => {
  if (!ownProcess(name)) return bounded(r.phases.scale, (x) => ms(x.commands.find((c) => c.command === name)?.ms, 1));
  return bounded(r.phases[name], (x) => ms(x.ms, 1));
};
const ownPeak = (r: PresetResult, name: (typeof OWN_PROCESS_COMMANDS)[number]): string => bounded(r.phases[name], (x) => mib(x.peakRssMiB));

const absoluteRows: Row[] = [
  ['objects / edges', (r) => (f(r) ? `${n(f(r)!.fetch.objects)} / ${n(f(r)!.fetch.edges)}` : '–')],
  ['fetch requests (= planned)', (r) => n(f(r)?.fetch.requests)],
  ['  exact optimum', (r) => n(f(r)?.fetch.optimumRequests)],
  ['  per-object traversal calls (≥)', (r) => n(f(r)?.fetch.naiveRequests)],
  ["  the fetcher's per-object figure (≥)", (r) => n(f(r)?.fetch.traversalApproachAtLeast)],
  ['fetch wall time at rate', (r) => (f(r) ? `${s(f(r)!.fetch.wallMs)} @ ${f(r)!.fetch.rate}/s` : '–')],
  ['  requests ÷ rate', (r) => s(f(r)?.fetch.rateBoundMs)],
  ['  429s met', (r) => n(f(r)?.fetch.throttled)],
  [
    'fetch, no rate limit (bench/fetch.ts)',
    (r) => (fb(r) ? `${s(fb(r)!.unlimitedMs)} (${n(fb(r)!.requests / (fb(r)!.unlimitedMs / 1000))} req/s)` : '–'),
  ],
  [
    'replica: served / in-process answer p50',
    (r) =>
      figuresOf(r.phases.serve)
        ? `${n(figuresOf(r.phases.serve)!.answer.httpP50Us, 1)} / ${n(figuresOf(r.phases.serve)!.answer.inProcessP50Us, 1)} µs`
        : '–',
  ],
  [
    'replica: whole fetch, no limit',
    (r) =>
      figuresOf(r.phases.serve)
        ? `${s(figuresOf(r.phases.serve)!.fetch.ms)} (${n(figuresOf(r.phases.serve)!.fetch.requestsPerSecond)} req/s)`
        : '–',
  ],
  [
    'verify: sources agreeing / sampled',
    (r) => (f(r) ? `${n(f(r)!.verify.agreeing)} / ${n(f(r)!.verify.sampled)} on ${f(r)!.verify.endpointsSampled} endpoints` : '–'),
  ],
  ['  verify requests', (r) => n(f(r)?.verify.requests)],
  ['snapshot bytes', (r) => n(f(r)?.snapshot.bytes)],
  ['snapshot save / load', (r) => (f(r) && sc(r) ? `${ms(f(r)!.snapshot.saveMs)} / ${ms(sc(r)!.loadMs)}` : '–')],
  ['graph build (from snapshot)', (r) => ms(sc(r)?.buildMs)],
  ['whole-tenant inventory (all endpoints)', (r) => (sc(r) ? `${ms(sc(r)!.inventory.ms)}, ${n(sc(r)!.inventory.paths)} paths` : '–')],
  ['  paths per second', (r) => n(sc(r)?.inventory.pathsPerSecond)],
  [
    'user→system inventory, API shape',
    (r) => (t(r) ? `${ms(t(r)!.inventoryApiShape.bestMs)}, ${n(t(r)!.inventoryApiShape.pathsPerSecond)} paths/s` : '–'),
  ],
  ['/users/{id}/systems latency p50 / p99', (r) => (t(r) ? `${n(t(r)!.latency.p50Us, 1)} / ${n(t(r)!.latency.p99Us, 1)} µs` : '–')],
  [
    'allSimplePaths vs engine, per query',
    (r) => (t(r) ? `${ms(t(r)!.allSimplePaths.allSimplePathsMsPerQuery)} vs ${ms(t(r)!.allSimplePaths.engineMsPerQuery, 2)}` : '–'),
  ],
  [
    '  sample',
    (r) =>
      t(r)
        ? `${t(r)!.allSimplePaths.sampleUsers} users, ${n(t(r)!.allSimplePaths.pairsMeasured)} pairs run${t(r)!.allSimplePaths.extrapolated ? ', extrapolated' : ''}; ${t(r)!.allSimplePaths.samePaths ? 'same paths' : 'PATHS DIFFER'}`
        : '–',
  ],
  ['what-if p50 vs full recompute', (r) => (w(r) ? `${ms(w(r)!.incremental.overall.p50Ms, 2)} vs ${ms(w(r)!.fullRecomputeMs)}` : '–')],
  ...[
    'traverse',
    'why',
    'access',
    'who',
    'revoke',
    'offboard',
    'whatif',
    'whatif, largest group removed',
    'diff',
    'findings',
    'report',
    'export',
    'inventory',
  ].map((name): Row => [`command ${name}${ownProcess(name) ? ' (own process)' : ''}`, (r) => cmd(r, name)]),
  ['peak RSS: fetch client', (r) => mib(f(r)?.fetch.clientPeakRssMiB)],
  ['peak RSS: simulator process', (r) => mib(f(r)?.simulator.maxRssMiB)],
  ['peak RSS: load + the light commands', (r) => bounded(r.phases.scale, (x) => mib(x.peakRssMiB))],
  ...OWN_PROCESS_COMMANDS.map((name): Row => [`peak RSS: ${name}`, (r) => ownPeak(r, name)]),
  ['peak RSS: traversal bench', (r) => mib(t(r)?.peakRssMiB)],
  ['peak RSS: what-if bench', (r) => bounded(r.phases.whatif, (x) => mib(x.peakRssMiB))],
  ...[0, 1, 2].map((i): Row => [refreshCells(undefined)[i]![0], (r) => refreshCells(figuresOf(r.phases.refresh))[i]![1]]),
  [applyCells(undefined)[0], (r) => applyCells(figuresOf(r.phases.apply))[1]],
  ['load average before / after', (r) => `${n(r.loadAverage.before, 1)} / ${n(r.loadAverage.after, 1)}`],
];

function failures(results: readonly [string, PresetResult][]): string[] {
  return results.flatMap(([name, r]) =>
    Object.entries(r.phases).flatMap(([phaseName, o]) => (o && !o.ok ? [`${name} ${phaseName}: ${o.error}`] : [])),
  );
}

function printTables(results: readonly [string, PresetResult][]): void {
  const out = [
    table('Ratios (measured side by side in this run)', ratioRows, results),
    '',
    table(`Absolute figures: this machine (${cpus().length} cores)`, absoluteRows, results),
  ];
  const failed = failures(results);
  if (failed.length > 0) out.push('', 'Phases that failed:', ...failed.map((x) => `  ${x}`));
  process.stdout.write(`${out.join('\n')}\n`);
}

// ---- live ----

async function runLive(options: { baseUrl?: string; rate?: number; sample: number }): Promise<unknown> {
  const outcome = await phase('live', {
    preset: 'small',
    seed: SEED,
    verifySample: options.sample,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    ...(options.rate ? { rate: options.rate } : {}),
  });
  if (!outcome.ok) return outcome;
  const x = outcome.figures;
  const ratios = {
    fetchRequestsVsOptimum: ratio(x.fetch.requests, x.fetch.optimumRequests),
    naiveRequestsVsFetchRequests: ratio(x.fetch.naiveRequests, x.fetch.requests),
    fetchTimeVsRateBound: ratio(x.fetch.wallMs, x.fetch.rateBoundMs),
    verifyAgreement: x.verify.agreement,
  };
  process.stdout.write(
    [
      'Live tenant (read-only):',
      `  fetch: ${n(x.fetch.requests)} requests (optimum ${n(x.fetch.optimumRequests)}; per-object traversal calls ≥ ${n(x.fetch.naiveRequests)}) in ${s(x.fetch.wallMs)}${x.fetch.rate ? ` at ${x.fetch.rate}/s (bound ${s(x.fetch.rateBoundMs)})` : ''}; ${x.fetch.throttled} × 429`,
      `  ratios: ${Object.entries(ratios)
        .map(([k, v]) => `${k} ${n(v, 3)}`)
        .join(', ')}`,
      `  verify: ${x.verify.agreeing} of ${x.verify.sampled} sources agree on ${x.verify.endpointsSampled} endpoints; ${x.verify.pathDifferences} path and ${x.verify.attributeDifferences} compiledAttributes differences (run jcgraph verify for each one); ${x.verify.requests} requests`,
      '',
    ].join('\n'),
  );
  return { date: new Date().toISOString(), ratios, ...x };
}

// ---- main ----

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      preset: { type: 'string', multiple: true },
      phase: { type: 'string', multiple: true },
      live: { type: 'boolean' },
      'base-url': { type: 'string' },
      rate: { type: 'string' },
      sample: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const out = values.out ?? join(BENCH_DIR, 'results.json');
  const previous = existsSync(out)
    ? (JSON.parse(readFileSync(out, 'utf8')) as {
        presets?: Record<string, PresetResult>;
        live?: unknown;
        ratios?: unknown;
        scaling?: unknown;
      })
    : {};
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform} ${process.arch}`,
  };
  const results: Record<string, unknown> = {
    machine,
    date: new Date().toISOString(),
    node: process.version,
    presets: previous.presets ?? {},
    ...(previous.live ? { live: previous.live } : {}),
    ...(previous.ratios ? { ratios: previous.ratios, scaling: previous.scaling } : {}),
  };

  if (values.live) {
    results['live'] = await runLive({
      ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
      ...(values.rate ? { rate: Number(values.rate) } : {}),
      sample: Number(values.sample ?? 10),
    });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    if (!values.preset) return;
  }

  const presets = (values.preset ?? ['small', 'large', 'xl']).map((p) => {
    if (!isPresetName(p)) throw new Error(`--preset must be tiny, small, large or xl, not "${p}"`);
    return p;
  });
  const only = (values.phase ?? []).map((name) => {
    if (!(STANDALONE_PHASES as readonly string[]).includes(name))
      throw new Error(`--phase must be one of ${STANDALONE_PHASES.join(', ')}, not "${name}"`);
    return name as StandalonePhase;
  });
  const work = await mkdtemp(join(tmpdir(), 'jcgraph-bench-'));
  const done: [string, PresetResult][] = [];
  try {
    for (const preset of presets) {
      const recorded = (results['presets'] as Record<string, PresetResult>)[preset];
      const result = only.length > 0 ? await runPhasesOf(preset, only, recorded) : await runPreset(preset, work);
      done.push([preset, result]);
      (results['presets'] as Record<string, PresetResult>)[preset] = result;
      writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`); // after each preset, so a long run keeps what it has
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  printTables(done);
  // Scaling (bench/scaling.ts): large against xl, side by side, when the run measured both.
  if (only.length === 0 && presets.includes('large') && presets.includes('xl')) {
    process.stderr.write('bench: scaling (large against xl)…\n');
    try {
      const scaling = await runChild<ScalingFigures>('scaling.ts', ['--emit']);
      recordScaling(out, scaling);
      process.stdout.write(`\n${scalingTable(scaling)}\n`);
    } catch (error) {
      process.stderr.write(`bench: scaling failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  process.stdout.write(`\nWrote ${out}.\n`);
}

await main();

/**
 * What-if benchmark: `node --import tsx bench/whatif.ts [--preset large] [--seed 1] [--samples 30] [--json]`.
 *
 * Prints, for a simulator preset:
 * - the one-off cost of a what-if session (cloning the graph) and of the base signatures the full
 *   recompute compares against;
 * - single-change what-if latency (WhatIfSession.evaluate, recomputing only the affected subjects) over
 *   a seeded sample of changes: removing a user's group membership, removing a group↔resource
 *   association, adding a user to a group; p50, p90, max per kind and overall;
 * - the same question answered by a full recompute (every binding of every user and system of the
 *   changed graph, compared with the base): best of `--full-runs` runs;
 * - the ratio full / incremental p50 (target: at least 100);
 * - for context: a least-collateral revoke plan (user → system) and the findings pass.
 *
 * `runWhatIfBench(options)` returns the figures for a unified bench.
 */
import { performance } from 'node:perf_hooks';
import type { TenantData, TenantEdge } from '../src/model/index.ts';
import { membershipEdge } from '../src/model/index.ts';
import { AccessGraph } from '../src/graph/index.ts';
import { generateTenant, type PresetName } from '../src/simulator/index.ts';
import { Rng } from '../src/simulator/random.ts';
import { WhatIfSession, type Change } from '../src/analysis/whatif.ts';
import { bindingDigests, whatIfFull } from '../test/helpers/full-recompute.ts';
import { planRevoke } from '../src/analysis/revoke.ts';
import { findings } from '../src/analysis/findings/index.ts';
import { subjectBindings } from '../src/analysis/bindings.ts';

export interface WhatIfBenchOptions {
  readonly preset?: PresetName;
  readonly seed?: number;
  /** Changes sampled per kind. */
  readonly samples?: number;
  /** Runs of the full recompute (the best is reported). */
  readonly fullRuns?: number;
  readonly tenant?: TenantData;
}

export interface LatencyFigures {
  readonly changes: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly maxMs: number;
  /** Subjects recomputed, median. */
  readonly recomputedP50: number;
}

export interface WhatIfBenchFigures {
  readonly preset: string;
  readonly seed: number;
  readonly objects: number;
  readonly edges: number;
  readonly buildMs: number;
  readonly sessionMs: number;
  readonly baseSignaturesMs: number;
  readonly bindings: number;
  readonly incremental: { readonly overall: LatencyFigures; readonly byKind: Readonly<Record<string, LatencyFigures>> };
  readonly fullRecomputeMs: number;
  /** fullRecomputeMs / incremental p50. */
  readonly speedup: number;
  readonly revoke: { readonly plans: number; readonly p50Ms: number; readonly maxMs: number };
  readonly findingsMs: number;
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function latency(samples: readonly { ms: number; recomputed: number }[]): LatencyFigures {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const recomputed = samples.map((s) => s.recomputed).sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    changes: ms.length,
    p50Ms: round(percentile(ms, 0.5)),
    p90Ms: round(percentile(ms, 0.9)),
    maxMs: round(ms[ms.length - 1] ?? 0),
    recomputedP50: percentile(recomputed, 0.5),
  };
}

/** Seeded single changes of three kinds. */
function sampleChanges(tenant: TenantData, samples: number, random: Rng): { kind: string; change: Change }[] {
  const memberships = tenant.edges.filter((e) => e.kind === 'membership' && e.from.type === 'user_group');
  const associations = tenant.edges.filter((e) => e.kind === 'association' && e.from.type === 'user_group');
  const present = new Set(memberships.map((e) => `${e.from.id}>${e.to.id}`));
  const users = tenant.objects.filter((o) => o.type === 'user');
  const groups = tenant.objects.filter((o) => o.type === 'user_group');
  const out: { kind: string; change: Change }[] = [];
  for (let i = 0; i < samples; i++) {
    out.push({ kind: 'remove membership', change: { op: 'remove-edge', edge: random.pick(memberships) } });
    out.push({ kind: 'remove association', change: { op: 'remove-edge', edge: random.pick(associations) } });
    let added: TenantEdge | undefined;
    while (!added) {
      const candidate = membershipEdge(random.pick(groups), random.pick(users));
      if (!present.has(`${candidate.from.id}>${candidate.to.id}`)) added = candidate;
    }
    out.push({ kind: 'add membership', change: { op: 'add-edge', edge: added } });
  }
  return out;
}

export function runWhatIfBench(options: WhatIfBenchOptions = {}): WhatIfBenchFigures {
  const preset = options.preset ?? 'large';
  const seed = options.seed ?? 1;
  const samples = options.samples ?? 30;
  const tenant = options.tenant ?? generateTenant({ preset, seed });
  const random = new Rng(seed);

  let t0 = performance.now();
  const g = AccessGraph.fromTenant(tenant);
  const buildMs = performance.now() - t0;
  t0 = performance.now();
  const session = new WhatIfSession(g);
  const sessionMs = performance.now() - t0;
  t0 = performance.now();
  const base = bindingDigests(g);
  const baseSignaturesMs = performance.now() - t0;
  const bindings = base.bindings;

  const changes = sampleChanges(tenant, samples, random);
  session.evaluate([changes[0]!.change]); // warm-up
  const timed = changes.map(({ kind, change }) => {
    const start = performance.now();
    const result = session.evaluate([change]);
    return { kind, ms: performance.now() - start, recomputed: result.recomputed };
  });
  const byKind: Record<string, LatencyFigures> = {};
  for (const kind of new Set(timed.map((t) => t.kind))) byKind[kind] = latency(timed.filter((t) => t.kind === kind));
  const overall = latency(timed);

  let fullRecomputeMs = Infinity;
  for (let run = 0; run < (options.fullRuns ?? 1); run++) {
    const start = performance.now();
    whatIfFull(session, [changes[0]!.change], base);
    fullRecomputeMs = Math.min(fullRecomputeMs, performance.now() - start);
  }

  const pairs: [string, string][] = [];
  const users = tenant.objects.filter((o) => o.type === 'user');
  while (pairs.length < 5) {
    const user = random.pick(users);
    const systems = subjectBindings(g, user.id).filter((b) => b.target.type === 'system');
    if (systems.length > 0) pairs.push([user.id, random.pick(systems).target.id]);
  }
  const revokeMs = pairs
    .map(([subject, resource]) => {
      const start = performance.now();
      planRevoke(g, subject, resource, { strategy: 'least-collateral', session });
      return performance.now() - start;
    })
    .sort((a, b) => a - b);

  t0 = performance.now();
  findings(g);
  const findingsMs = performance.now() - t0;

  const round = (n: number) => Math.round(n);
  return {
    preset,
    seed,
    objects: tenant.objects.length,
    edges: tenant.edges.length,
    buildMs: round(buildMs),
    sessionMs: round(sessionMs),
    baseSignaturesMs: round(baseSignaturesMs),
    bindings,
    incremental: { overall, byKind },
    fullRecomputeMs: round(fullRecomputeMs),
    speedup: Math.round(fullRecomputeMs / Math.max(overall.p50Ms, 0.001)),
    revoke: { plans: revokeMs.length, p50Ms: round(percentile(revokeMs, 0.5)), maxMs: round(revokeMs[revokeMs.length - 1] ?? 0) },
    findingsMs: round(findingsMs),
  };
}

function parseArgs(argv: readonly string[]): WhatIfBenchOptions & { json: boolean } {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const number = (name: string): number | undefined => (value(name) === undefined ? undefined : Number(value(name)));
  return {
    preset: (value('--preset') ?? 'large') as PresetName,
    seed: number('--seed'),
    samples: number('--samples'),
    fullRuns: number('--full-runs'),
    json: argv.includes('--json'),
  };
}

function print(f: WhatIfBenchFigures): string {
  const row = (label: string, l: LatencyFigures) =>
    `  ${label.padEnd(20)} ${String(l.changes).padStart(4)} changes  p50 ${l.p50Ms.toFixed(2).padStart(8)} ms  p90 ${l.p90Ms.toFixed(2).padStart(8)} ms  max ${l.maxMs.toFixed(2).padStart(9)} ms  (${l.recomputedP50} subjects recomputed, median)`;
  return [
    `what-if on preset ${f.preset} (seed ${f.seed}): ${f.objects} objects, ${f.edges} edges, ${f.bindings} bindings`,
    `  graph build ${f.buildMs} ms; what-if session (one clone) ${f.sessionMs} ms; base signatures ${f.baseSignaturesMs} ms`,
    'single-change what-if, recomputing only the affected subjects:',
    ...Object.entries(f.incremental.byKind).map(([kind, l]) => row(kind, l)),
    row('all', f.incremental.overall),
    `full recompute of the same change: ${f.fullRecomputeMs} ms`,
    `speed-up (full / incremental p50): ${f.speedup}x  (target: at least 100x)`,
    `least-collateral revoke plan (user → system), ${f.revoke.plans} plans: p50 ${f.revoke.p50Ms} ms, max ${f.revoke.maxMs} ms`,
    `findings pass: ${f.findingsMs} ms`,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { json, ...options } = parseArgs(process.argv.slice(2));
  const figures = runWhatIfBench(options);
  process.stdout.write(json ? `${JSON.stringify(figures, null, 2)}\n` : print(figures));
}

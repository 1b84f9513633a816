/**
 * Scaling (issue 13): does a question about one person cost the same on xl as on large? Both tenants are
 * generated here (seed 1, as the simulator serves them), saved as snapshots with their binary index (as
 * `jcgraph fetch` writes them), and measured side by side in one run, so that each ratio compares two
 * things timed back to back on one machine:
 *
 *   node --import tsx bench/scaling.ts [--runs N] [--questions N] [--out FILE | --no-write]
 *
 * - startup: a cold `jcgraph --help` process against a cold `node -e ""`, alternated, median;
 * - cold single questions: `jcgraph why|access|who … --snapshot FILE` as whole processes (the snapshot
 *   read through its index), large and xl alternated, median;
 * - per-question work in process after load (revoke, offboard, a one-membership whatif): the same
 *   questions picked the same way on both sizes, sizes interleaved, median per command;
 * - wide changes on xl: `whatif --remove-object` of the largest user group as its text mode computes it
 *   (every loss counted, a bounded sample built) and `findings`, each against the whole-tenant inventory.
 *
 * The ratios go under `ratios` (and the figures under `scaling`) in bench/results.json, merged with what
 * is there; bench/run.ts runs this phase after a run that measured both large and xl.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hopEdge } from '../src/analysis/edges.ts';
import { findings } from '../src/analysis/findings/index.ts';
import { planOffboard, planRevoke } from '../src/analysis/revoke.ts';
import { whatIf, whatIfSample } from '../src/analysis/whatif.ts';
import { type AccessGraph, traverse } from '../src/graph/index.ts';
import { findEndpoint } from '../src/model/index.ts';
import { generateTenant } from '../src/simulator/index.ts';
import { saveSnapshot } from '../src/snapshot/index.ts';
import { indexPathOf, openSnapshotGraph, writeSnapshotIndex } from '../src/snapshot-index/index.ts';
import { handMadeMeta } from '../test/helpers/snapshot.ts';
import { BENCH_DIR, emitResult, peakRssMiB, timed } from './harness.ts';
import { largestUserGroup, wholeInventory } from './scale.ts';

const SIZES = ['large', 'xl'] as const;
type Size = (typeof SIZES)[number];

const USER_SYSTEMS = findEndpoint('user', 'traverse', ['system'])!;
const JCGRAPH = fileURLToPath(new URL('../bin/jcgraph.mjs', import.meta.url));
/** The lines per subject `jcgraph whatif` prints by default (its --limit). */
const WHATIF_TEXT_LIMIT = 20;

/** One question: a user and a system it reaches through more than one path. */
interface Question {
  readonly user: string;
  readonly system: string;
}

/** The first `count` users (by id) that reach a system through more than one path, each with the first such system. */
function pickQuestions(g: AccessGraph, count: number): Question[] {
  const out: Question[] = [];
  for (const user of [...g.objects('user')].map((o) => o.id).sort()) {
    const multi = traverse(g, user, USER_SYSTEMS).find((t) => t.paths.length > 1);
    if (multi) out.push({ user, system: multi.id });
    if (out.length === count) break;
  }
  if (out.length === 0) throw new Error('scaling bench: no user reaches a system through two paths');
  return out;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Two medians (ms) and their ratio. */
export interface Pair {
  readonly a: number;
  readonly b: number;
  readonly ratio: number;
}

const pair = (a: readonly number[], b: readonly number[]): Pair => ({ a: median(a), b: median(b), ratio: median(a) / median(b) });

/** Wall time of one whole process, in ms; throws when it fails. */
function processMs(args: readonly string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, JC_API_KEY: '' } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`scaling bench: node ${args.join(' ')} ended with ${r.status}: ${r.stderr.toString()}`);
  return ms;
}

/** Runs `a` and `b` alternately `runs` times (after one warm-up each) and compares their medians. */
function alternated(runs: number, a: () => number, b: () => number): Pair {
  a();
  b();
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < runs; i++) {
    as.push(a());
    bs.push(b());
  }
  return pair(as, bs);
}

type PerQuestionCommand = 'revoke' | 'offboard' | 'whatif';

/** revoke, offboard and whatif (the user's first edge on the first path removed) for each question, sizes interleaved; `a` is xl, `b` large. */
function perQuestion(
  graphs: Record<Size, AccessGraph>,
  questions: Record<Size, Question[]>,
  runs: number,
): Record<PerQuestionCommand, Pair> {
  const commands: Record<PerQuestionCommand, (g: AccessGraph, q: Question) => unknown> = {
    revoke: (g, q) => planRevoke(g, q.user, q.system),
    offboard: (g, q) => planOffboard(g, q.user),
    whatif: (g, q) => {
      const first = traverse(g, q.user, USER_SYSTEMS).find((t) => t.id === q.system)!.paths[0]![0]!;
      return whatIf(g, [{ op: 'remove-edge', edge: hopEdge({ type: 'user', id: q.user }, first.to) }]);
    },
  };
  const n = Math.min(questions.large.length, questions.xl.length);
  const out = {} as Record<PerQuestionCommand, Pair>;
  for (const name of Object.keys(commands) as PerQuestionCommand[]) {
    const fn = commands[name];
    const times: Record<Size, number[]> = { large: [], xl: [] };
    for (const size of SIZES) for (const q of questions[size]) fn(graphs[size], q); // warm-up: code paths compiled on both
    for (let run = 0; run < runs; run++) {
      for (let i = 0; i < n; i++) for (const size of SIZES) times[size].push(timed(() => fn(graphs[size], questions[size][i]!)).ms);
    }
    out[name] = pair(times.xl, times.large);
    process.stderr.write(`  scaling: ${name} median ${out[name].b.toFixed(1)} ms on large, ${out[name].a.toFixed(1)} ms on xl\n`);
  }
  return out;
}

export interface ScalingRatios {
  /** cold `jcgraph --help` ÷ cold `node -e ""`, whole processes (target ≤ 3). */
  readonly helpVsBareNode: number;
  /** a cold `jcgraph why|access|who` process on xl ÷ the same on large (target ≤ 2 each). */
  readonly coldWhyXlVsLarge: number;
  readonly coldAccessXlVsLarge: number;
  readonly coldWhoXlVsLarge: number;
  /** revoke, offboard, a one-change whatif in process after load, xl ÷ large (target ≤ 3 each). */
  readonly revokeXlVsLarge: number;
  readonly offboardXlVsLarge: number;
  readonly whatifXlVsLarge: number;
  /** whatif --remove-object of the largest user group (text mode) ÷ the whole-tenant inventory, on xl (target ≤ 1). */
  readonly wideWhatifVsInventory: number;
  /** findings ÷ the whole-tenant inventory, on xl (target ≤ 1.5). */
  readonly findingsVsInventory: number;
}

export const SCALING_TARGETS: Readonly<Record<keyof ScalingRatios, string>> = {
  helpVsBareNode: '≤ 3',
  coldWhyXlVsLarge: '≤ 2',
  coldAccessXlVsLarge: '≤ 2',
  coldWhoXlVsLarge: '≤ 2',
  revokeXlVsLarge: '≤ 3',
  offboardXlVsLarge: '≤ 3',
  whatifXlVsLarge: '≤ 3',
  wideWhatifVsInventory: '≤ 1',
  findingsVsInventory: '≤ 1.5',
};

export interface ScalingFigures {
  readonly date: string;
  readonly objects: Record<Size, number>;
  readonly edges: Record<Size, number>;
  readonly snapshotBytes: Record<Size, number>;
  readonly indexBytes: Record<Size, number>;
  readonly runs: number;
  /** Medians in ms. */
  readonly help: { readonly help: number; readonly bareNode: number };
  readonly cold: Record<'why' | 'access' | 'who', Record<Size, number>>;
  readonly perQuestion: Record<PerQuestionCommand, Record<Size, number> & { readonly questions: number }>;
  readonly xlWide: {
    readonly inventoryMs: number;
    readonly inventoryPaths: number;
    readonly wideWhatifMs: number;
    readonly wideWhatif: string;
    readonly findingsMs: number;
  };
  readonly ratios: ScalingRatios;
  readonly targets: typeof SCALING_TARGETS;
  readonly peakRssMiB: number;
  readonly loadAverage: readonly number[];
}

export async function runScaling(options: { runs?: number; questions?: number; seed?: number } = {}): Promise<ScalingFigures> {
  const runs = options.runs ?? 7;
  const dir = await mkdtemp(join(tmpdir(), 'jcgraph-scaling-'));
  try {
    const paths = {} as Record<Size, string>;
    const objects = {} as Record<Size, number>;
    const edges = {} as Record<Size, number>;
    const snapshotBytes = {} as Record<Size, number>;
    const indexBytes = {} as Record<Size, number>;
    for (const size of SIZES) {
      process.stderr.write(`  scaling: generating ${size}…\n`);
      const tenant = generateTenant({ preset: size, seed: options.seed ?? 1 });
      paths[size] = join(dir, `${size}.json`);
      await saveSnapshot(paths[size], { meta: handMadeMeta(tenant.orgId), tenant });
      await writeSnapshotIndex(paths[size]);
      objects[size] = tenant.objects.length;
      edges[size] = tenant.edges.length;
      snapshotBytes[size] = (await stat(paths[size])).size;
      indexBytes[size] = (await stat(indexPathOf(paths[size]))).size;
    }
    // The graphs as the CLI reads them: through the index.
    const graphs = {} as Record<Size, AccessGraph>;
    const questions = {} as Record<Size, Question[]>;
    for (const size of SIZES) {
      const opened = await openSnapshotGraph(paths[size]);
      if (opened.read !== 'index') throw new Error(`scaling bench: the ${size} snapshot was read ${opened.read}, not through its index`);
      graphs[size] = opened.graph;
      questions[size] = pickQuestions(graphs[size], options.questions ?? 9);
    }

    process.stderr.write('  scaling: cold processes…\n');
    const help = alternated(
      runs,
      () => processMs([JCGRAPH, '--help']),
      () => processMs(['-e', '']),
    );
    const q = { large: questions.large[0]!, xl: questions.xl[0]! };
    const coldArgs = {
      why: (s: Size) => ['why', q[s].user, q[s].system],
      access: (s: Size) => ['access', q[s].user],
      who: (s: Size) => ['who', q[s].system],
    };
    const cold = {} as Record<keyof typeof coldArgs, Pair>;
    for (const name of Object.keys(coldArgs) as (keyof typeof coldArgs)[]) {
      const run = (s: Size) => () => processMs([JCGRAPH, ...coldArgs[name](s), '--snapshot', paths[s]]);
      cold[name] = alternated(runs, run('xl'), run('large'));
      process.stderr.write(`  scaling: cold ${name} median ${cold[name].b.toFixed(0)} ms on large, ${cold[name].a.toFixed(0)} ms on xl\n`);
    }

    const per = perQuestion(graphs, questions, 3);

    process.stderr.write('  scaling: wide changes on xl…\n');
    const xl = graphs.xl;
    const inventory = wholeInventory(xl);
    const largest = largestUserGroup(xl);
    const wide = timed(() => {
      let lines = 0;
      const summary = whatIfSample(
        xl,
        [{ op: 'remove-object', id: largest }],
        WHATIF_TEXT_LIMIT,
        (d) => (lines += d.lost.length + d.gained.length + d.changed.length),
      );
      return `${summary.subjects} subjects lose ${summary.totals.lost} bindings (${lines} lines built)`;
    });
    const findingsMs = timed(() => findings(xl)).ms;
    process.stderr.write(
      `  scaling: inventory ${inventory.ms.toFixed(0)} ms, wide whatif ${wide.ms.toFixed(0)} ms (${wide.value}), findings ${findingsMs.toFixed(0)} ms\n`,
    );

    const ratios: ScalingRatios = {
      helpVsBareNode: help.ratio,
      coldWhyXlVsLarge: cold.why.ratio,
      coldAccessXlVsLarge: cold.access.ratio,
      coldWhoXlVsLarge: cold.who.ratio,
      revokeXlVsLarge: per.revoke.ratio,
      offboardXlVsLarge: per.offboard.ratio,
      whatifXlVsLarge: per.whatif.ratio,
      wideWhatifVsInventory: wide.ms / inventory.ms,
      findingsVsInventory: findingsMs / inventory.ms,
    };
    const sizes = (p: Pair) => ({ xl: p.a, large: p.b });
    return {
      date: new Date().toISOString(),
      objects,
      edges,
      snapshotBytes,
      indexBytes,
      runs,
      help: { help: help.a, bareNode: help.b },
      cold: { why: sizes(cold.why), access: sizes(cold.access), who: sizes(cold.who) },
      perQuestion: {
        revoke: { ...sizes(per.revoke), questions: Math.min(questions.large.length, questions.xl.length) },
        offboard: { ...sizes(per.offboard), questions: Math.min(questions.large.length, questions.xl.length) },
        whatif: { ...sizes(per.whatif), questions: Math.min(questions.large.length, questions.xl.length) },
      },
      xlWide: { inventoryMs: inventory.ms, inventoryPaths: inventory.paths, wideWhatifMs: wide.ms, wideWhatif: wide.value, findingsMs },
      ratios,
      targets: SCALING_TARGETS,
      peakRssMiB: peakRssMiB(),
      loadAverage: loadavg(),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Merges the figures into a results file: `ratios` (beside what other phases put there) and `scaling`. */
export function recordScaling(out: string, figures: ScalingFigures): void {
  const results = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
  const ratios = typeof results['ratios'] === 'object' && results['ratios'] !== null ? (results['ratios'] as Record<string, unknown>) : {};
  results['ratios'] = { ...ratios, ...figures.ratios };
  results['scaling'] = figures;
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
}

/** The ratios as lines of text, with their targets. */
export function scalingTable(figures: ScalingFigures): string {
  const keys = Object.keys(SCALING_TARGETS) as (keyof ScalingRatios)[];
  const width = Math.max(...keys.map((k) => k.length));
  return [
    'Scaling ratios (large and xl side by side in one run)',
    ...keys.map((k) => `  ${k.padEnd(width)}  ${figures.ratios[k].toFixed(2).padStart(7)}   target ${SCALING_TARGETS[k]}`),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      questions: { type: 'string' },
      out: { type: 'string' },
      'no-write': { type: 'boolean' },
      emit: { type: 'boolean' },
    },
  });
  const figures = await runScaling({
    ...(values.runs ? { runs: Number(values.runs) } : {}),
    ...(values.questions ? { questions: Number(values.questions) } : {}),
  });
  if (values.emit) {
    emitResult(figures);
  } else {
    process.stdout.write(`${scalingTable(figures)}\n`);
    if (!values['no-write']) {
      const out = values.out ?? join(BENCH_DIR, 'results.json');
      recordScaling(out, figures);
      process.stdout.write(`Wrote ratios to ${out}.\n`);
    }
  }
}

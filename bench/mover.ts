/**
 * The mover phase of the bench: what the joiner/mover/leaver question costs. One user's department
 * changes (`jcgraph whatif --set user:… department=…`), in process on a graph already loaded: every
 * dynamic group's rule re-evaluated for the user (whatIfRules), then the access gained and lost as the
 * command's text mode computes it (whatIfSample, 20 lines per subject).
 *
 *   node --import tsx bench/phases.ts mover '{"preset":"xl","seed":1}'
 *
 * Figures: moverWhatIfSeconds (median of 5 runs after a warm-up; target ≤ 2 on xl), and what the move
 * did: memberships the rules changed, subjects affected, bindings gained and lost.
 */
import { whatIfSample, type Change } from '../src/analysis/index.ts';
import { whatIfRules } from '../src/documents/index.ts';
import { AccessGraph } from '../src/graph/index.ts';
import { generateTenant, type PresetName } from '../src/simulator/index.ts';
import { peakRssMiB, timed } from './harness.ts';

export interface MoverBenchOptions {
  readonly preset: PresetName;
  readonly seed: number;
  /**
   * Timed runs (after one warm-up).
   * @default 5
   */
  readonly runs?: number;
}

export interface MoverBenchFigures {
  readonly user: string;
  readonly from: string;
  readonly to: string;
  /** Dynamic groups' memberships the rules add or remove. */
  readonly memberships: number;
  readonly subjects: number;
  readonly gained: number;
  readonly lost: number;
  /** Median of the runs (target ≤ 2 on xl, in process). */
  readonly moverWhatIfSeconds: number;
  readonly runs: number;
  readonly peakRssMiB: number;
}

/** The first user (by id) with a department, and the most common other department. */
function pickMove(g: AccessGraph): { user: string; from: string; to: string } {
  const counts = new Map<string, number>();
  let first: { user: string; from: string } | undefined;
  for (const o of [...g.objects('user')].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const d = o.record['department'];
    if (typeof d !== 'string' || d === '') continue;
    counts.set(d, (counts.get(d) ?? 0) + 1);
    first ??= { user: o.id, from: d };
  }
  if (!first) throw new Error('mover bench: no user has a department');
  const to = [...counts].filter(([d]) => d !== first.from).sort((a, b) => b[1] - a[1])[0]?.[0];
  if (to === undefined) throw new Error('mover bench: every user is in the same department');
  return { ...first, to };
}

export function runMoverBench(options: MoverBenchOptions): MoverBenchFigures {
  const g = AccessGraph.fromTenant(generateTenant({ preset: options.preset, seed: options.seed }));
  const move = pickMove(g);
  const changes: Change[] = [{ op: 'set', id: move.user, fields: { department: move.to } }];
  const once = () => {
    const rules = whatIfRules(g, changes);
    const summary = whatIfSample(g, changes, 20, () => undefined);
    return { memberships: rules.memberships.length, summary };
  };
  const warm = once();
  const runs = options.runs ?? 5;
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push(timed(once).ms);
  ms.sort((a, b) => a - b);
  return {
    ...move,
    memberships: warm.memberships,
    subjects: warm.summary.subjects,
    gained: warm.summary.totals.gained,
    lost: warm.summary.totals.lost,
    moverWhatIfSeconds: ms[Math.floor(ms.length / 2)]! / 1000,
    runs,
    peakRssMiB: peakRssMiB(),
  };
}

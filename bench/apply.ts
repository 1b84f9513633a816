/**
 * The apply phase of the bench: what acting on a plan costs. Against a rate-limited simulator in its own
 * process (writes taken as the API documents them), a 20-step offboarding is planned and sent with
 * `applyPlan` (live preconditions, the writes, the read-backs they need, the verification on the live
 * traversal endpoints), the client capped at the simulator's rate.
 *
 * The generated users have at most about ten edges, so the most connected user is first given direct
 * associations with devices it is not yet bound to (through the simulator's change door) until its
 * offboarding plan has 20 steps (its dynamic groups' memberships are exemption steps, a review-required
 * group's an exemption and a removal): a real 20-step offboarding of one user.
 *
 * The pause before the second verification of a plan that exempts (settleMs, 10 s against a tenant) is
 * 0 here: the simulator runs the rules as it takes each write, and the pause is waiting, not requests.
 *
 *   node --import tsx bench/phases.ts apply '{"preset":"large","seed":1,"rate":200}'
 *
 * Figures: applyRequestsPerStep = every request of the apply ÷ steps (target ≤ 4), applyTimeVsRateBound =
 * wall time ÷ (requests ÷ rate) (target ≤ 1.15).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planOffboard } from '../src/analysis/index.ts';
import { applyPlan } from '../src/apply/index.ts';
import { AccessGraph } from '../src/graph/index.ts';
import { associationEdge, type ObjectRef, type TenantData } from '../src/model/index.ts';
import { planFileFromOffboard } from '../src/plan/index.ts';
import { defaultOrgId, generateTenant, type PresetName } from '../src/simulator/index.ts';
import { peakRssMiB, startSimChild, timedAsync } from './harness.ts';
import { post } from './refresh.ts';

export interface ApplyBenchOptions {
  readonly preset: PresetName;
  readonly seed: number;
  /** Requests per second: the simulator's limit and the client's cap. */
  readonly rate: number;
  /**
   * Steps of the offboarding.
   * @default 20
   */
  readonly steps?: number;
}

export interface ApplyBenchFigures {
  readonly rate: number;
  readonly steps: number;
  readonly result: string;
  readonly requests: { readonly total: number; readonly writes: number; readonly reads: number; readonly retries: number };
  readonly wallMs: number;
  /** requests ÷ rate, in ms. */
  readonly rateBoundMs: number;
  readonly applyRequestsPerStep: number;
  readonly applyTimeVsRateBound: number;
  readonly peakRssMiB: number;
}

/** The most connected user. */
function mostConnected(tenant: TenantData): ObjectRef {
  const degree = new Map<string, number>();
  for (const e of tenant.edges)
    for (const end of [e.from, e.to]) if (end.type === 'user') degree.set(end.id, (degree.get(end.id) ?? 0) + 1);
  const [id] = [...degree].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
  return { type: 'user', id };
}

/** `count` devices the user is not bound to directly, to associate it with. */
function unboundDevices(tenant: TenantData, user: ObjectRef, count: number): ObjectRef[] {
  const bound = new Set(
    tenant.edges.filter((e) => e.from.id === user.id || e.to.id === user.id).map((e) => (e.from.id === user.id ? e.to.id : e.from.id)),
  );
  return tenant.objects
    .filter((o) => o.type === 'system' && !bound.has(o.id))
    .slice(0, Math.max(0, count))
    .map((o) => ({ type: o.type, id: o.id }));
}

export async function runApplyBench(options: ApplyBenchOptions): Promise<ApplyBenchFigures> {
  const steps = options.steps ?? 20;
  const generated = generateTenant({ preset: options.preset, seed: options.seed, orgId: defaultOrgId(options.seed) });
  const user = mostConnected(generated);
  // Each direct association is one removal step: add as many as the user's own plan lacks.
  const own = planOffboard(AccessGraph.fromTenant(generated), user.id).steps.length;
  const add = unboundDevices(generated, user, steps - own);
  const tenant: TenantData = { ...generated, edges: [...generated.edges, ...add.map((o) => associationEdge(user, o))] };
  const sim = await startSimChild({ preset: options.preset, seed: options.seed, rate: options.rate, allowChanges: true });
  const dir = await mkdtemp(join(tmpdir(), 'jcgraph-bench-apply-'));
  try {
    if (add.length > 0) await post(sim.baseUrl, sim.apiKey, { changes: add.map((b) => ({ kind: 'associate', a: user, b })) });
    const g = AccessGraph.fromTenant(tenant);
    const origin = new URL(sim.baseUrl).origin;
    const snapshot = {
      kind: 'snapshot',
      sha256: '0'.repeat(64),
      path: '(generated)',
      orgId: '',
      apiHost: origin,
      startedAt: '',
      live: false,
    } as const;
    const plan = planFileFromOffboard(g, planOffboard(g, user.id), { snapshot });
    // The requests sent between the first and the last of the apply, the client capped at the simulator's rate.
    const { ms, value: evidence } = await timedAsync(() =>
      applyPlan(plan, {
        apiKey: sim.apiKey,
        baseUrl: sim.baseUrl,
        rate: options.rate,
        planPath: join(dir, 'plan.json'),
        send: true,
        settleMs: 0,
      }),
    );
    if (evidence.result !== 'applied') throw new Error(`the apply ended ${evidence.result}: ${evidence.summary}`);
    const total = evidence.requests.total;
    const rateBoundMs = (total / options.rate) * 1000;
    return {
      rate: options.rate,
      steps: plan.steps.length,
      result: evidence.result,
      requests: { total, writes: evidence.requests.writes, reads: total - evidence.requests.writes, retries: evidence.requests.retries },
      wallMs: ms,
      rateBoundMs,
      applyRequestsPerStep: total / plan.steps.length,
      applyTimeVsRateBound: ms / rateBoundMs,
      peakRssMiB: peakRssMiB(),
    };
  } finally {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The apply phase's ratios, as bench/run.ts tabulates them (null when the phase failed). */
export interface ApplyRatios {
  /** every request of a 20-step offboarding's apply ÷ its steps (target ≤ 4). */
  readonly applyRequestsPerStep: number | null;
  /** the apply's wall time ÷ (its requests ÷ rate) under the simulator's rate limit (target ≤ 1.15). */
  readonly applyTimeVsRateBound: number | null;
}

export const APPLY_TARGETS: Readonly<Record<keyof ApplyRatios, string>> = {
  applyRequestsPerStep: '≤ 4',
  applyTimeVsRateBound: '≤ 1.15',
};

export function applyRatios(figures: ApplyBenchFigures | undefined): ApplyRatios {
  return {
    applyRequestsPerStep: figures?.applyRequestsPerStep ?? null,
    applyTimeVsRateBound: figures?.applyTimeVsRateBound ?? null,
  };
}

/** The apply phase's line of the absolute table. */
export function applyCells(x: ApplyBenchFigures | undefined): [label: string, cell: string] {
  if (!x) return ['apply a 20-step offboarding', '–'];
  return [
    'apply a 20-step offboarding',
    `${x.steps} steps: ${x.requests.total} requests (${x.requests.writes} writes) in ${(x.wallMs / 1000).toFixed(2)} s @ ${x.rate}/s (bound ${(x.rateBoundMs / 1000).toFixed(2)} s)`,
  ];
}

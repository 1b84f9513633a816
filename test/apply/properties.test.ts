/**
 * Properties of applying plans (issue 21 §5), over the simulator taking writes, on random generated
 * organizations (tiny preset, random seeds: their dynamic groups have real rules, so plans hold exemption
 * steps) and random revoke and offboarding plans:
 * - after `applyPlan` with `send`, the live traversal endpoints (read over HTTP, every page) show exactly
 *   what the plan predicted: every binding it ends gone, every one it keeps there, and for an offboarding
 *   nothing else on any of the user's traversal endpoints; after `undoApply`, a fresh fetch equals the
 *   fetch from before the apply, canonically;
 * - for a fault at a random step (a 500, an answer lost after the write, a 429 storm, Ctrl-C), the run is
 *   finished with --resume where it stopped (on a simulator started afresh on the same host with the
 *   organization as the fault left it), the final organization equals the fault-free run's, and the
 *   simulators' count of writes applied equals the steps: none took effect twice.
 * Run counts are small: each run starts two or three simulators and fetches the organization.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, fetchTenant, readLiveAnswer } from '../../src/fetchers/index.ts';
import { AccessGraph, answer } from '../../src/graph/index.ts';
import { planOffboard, planRevoke, REVOKE_STRATEGIES } from '../../src/analysis/index.ts';
import { TRAVERSAL_ENDPOINTS, canonicalJson, findEndpoint, sortTenant, type TenantData } from '../../src/model/index.ts';
import { planFileFromOffboard, planFileFromRevoke, type PlanBinding, type PlanFile } from '../../src/plan/index.ts';
import { applyPlan, undoApply } from '../../src/apply/index.ts';
import { generateTenant, startSimulator, type FaultSettings, type Simulator, type SimulatorOptions } from '../../src/simulator/index.ts';

const KEY = 'jcgraph-apply-properties-key-42';
let dir: string;
let runs = 0;
/** Runs that had a plan to apply, and fault runs that had one (a question about a user with no edge has none). */
const seen = { planned: 0, faulted: 0 };
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-apply-prop-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const canonical = (t: TenantData): string => canonicalJson(sortTenant(t));

/** A simulator serving `tenant` with the faults and options given (SimulatorOptions: port, rate, onAnswer). */
const serve = (tenant: TenantData, faults: FaultSettings = {}, options: SimulatorOptions = {}): Promise<Simulator> =>
  startSimulator({ ...options, tenants: [tenant], apiKey: KEY, faults });

interface Question {
  readonly kind: 'revoke' | 'offboard';
  /** Picks among the candidates, as fractions of their count. */
  readonly user: number;
  readonly target: number;
  readonly strategy: (typeof REVOKE_STRATEGIES)[number];
}

const questionArb = fc.record({
  seed: fc.integer({ min: 1, max: 10_000 }),
  question: fc.record({
    kind: fc.constantFrom('revoke' as const, 'offboard' as const),
    user: fc.double({ min: 0, max: 0.999, noNaN: true }),
    target: fc.double({ min: 0, max: 0.999, noNaN: true }),
    strategy: fc.constantFrom(...REVOKE_STRATEGIES),
  }),
});

/** The plan of the question on the organization the simulator serves now (fetched, as a snapshot would be), or undefined when it has no step. */
async function planOf(sim: Simulator, q: Question): Promise<PlanFile | undefined> {
  const { tenant, meta } = await fetchTenant({ apiKey: KEY, baseUrl: sim.baseUrl });
  const g = AccessGraph.fromTenant(tenant);
  const users = tenant.objects.filter((o) => o.type === 'user' && g.edgesOf(o.id).length > 0);
  const user = users[Math.floor(q.user * users.length)];
  if (!user) return undefined;
  const snapshot = {
    kind: 'snapshot',
    sha256: '0'.repeat(64),
    path: 'fetched',
    orgId: meta.orgId,
    apiHost: meta.apiHost,
    startedAt: meta.startedAt,
    live: false,
  } as const;
  let plan: PlanFile;
  if (q.kind === 'offboard') plan = planFileFromOffboard(g, planOffboard(g, user.id), { snapshot });
  else {
    const reached = answer(g, `/users/${user.id}/systems`);
    const target = reached[Math.floor(q.target * reached.length)];
    if (!target) return undefined;
    plan = planFileFromRevoke(g, planRevoke(g, user.id, target.id, { strategy: q.strategy }), { snapshot });
  }
  return plan.steps.length > 0 ? plan : undefined;
}

/** The targets a live traversal endpoint of the simulator lists for a subject (every page, over HTTP). */
async function liveTargets(sim: Simulator, subject: { type: string; id: string }, targetType?: string): Promise<Set<string>> {
  const client = new ApiClient({ apiKey: KEY, baseUrl: sim.baseUrl });
  const endpoints = targetType
    ? [findEndpoint(subject.type, 'traverse', [targetType])!]
    : TRAVERSAL_ENDPOINTS.filter((e) => e.source === subject.type);
  const answers = await Promise.all(endpoints.map((e) => readLiveAnswer(client, e, subject.id)));
  return new Set(answers.flat().map((t) => t.id));
}

/** Whether the live traversal endpoint of the binding's subject lists its target. */
async function listed(sim: Simulator, b: PlanBinding): Promise<boolean> {
  return (await liveTargets(sim, b.subject, b.target.type)).has(b.target.id);
}

function options(name: string, extra: object = {}) {
  return { apiKey: KEY, planPath: join(dir, `${name}.json`), send: true, settleMs: 0, ...extra };
}

describe('applying plans, over the simulator', () => {
  it('after apply the live traversal endpoints show exactly the predicted bindings gone and kept; after undo a fresh fetch equals the one before', async () => {
    await fc.assert(
      fc.asyncProperty(questionArb, async ({ seed, question }) => {
        const sim = await serve(generateTenant({ preset: 'tiny', seed }));
        try {
          const plan = await planOf(sim, question);
          if (!plan) return;
          seen.planned += 1;
          const name = `p${++runs}`;
          const before = canonical((await fetchTenant({ apiKey: KEY, baseUrl: sim.baseUrl })).tenant);
          const evidence = await applyPlan(plan, options(name));
          expect(evidence.result, JSON.stringify(evidence.verification)).toBe('applied');
          for (const b of plan.verification.ends) expect(await listed(sim, b), `${b.subject.name} → ${b.target.name} ended`).toBe(false);
          for (const b of plan.verification.keeps) expect(await listed(sim, b), `${b.subject.name} → ${b.target.name} kept`).toBe(true);
          const only = plan.verification.only;
          if (only) {
            const kept = new Set(plan.verification.keeps.filter((b) => b.subject.id === only.id).map((b) => b.target.id));
            expect([...(await liveTargets(sim, only))].filter((id) => !kept.has(id))).toEqual([]);
          }
          expect(sim.stats().writes.applied).toBe(evidence.steps.filter((s) => s.state === 'done').length);
          const undone = await undoApply(`${join(dir, name)}.json.journal`, { apiKey: KEY, send: true, settleMs: 0 });
          expect(undone.result, JSON.stringify(undone.verification)).toBe('applied');
          expect(canonical((await fetchTenant({ apiKey: KEY, baseUrl: sim.baseUrl })).tenant)).toBe(before);
        } finally {
          await sim.close();
        }
      }),
      { numRuns: 5 },
    );
    // The property is not vacuous: most random questions have a plan (a user with no edge has none).
    expect(seen.planned).toBeGreaterThan(0);
  }, 240_000);

  it('a fault at a random step, then --resume: the final organization is the fault-free one, and no write took effect twice', async () => {
    const faultArb = fc.record({
      kind: fc.constantFrom('write-fails-after' as const, 'write-lost-ack' as const, 'storm' as const, 'ctrl-c' as const),
      at: fc.double({ min: 0, max: 0.999, noNaN: true }),
    });
    await fc.assert(
      fc.asyncProperty(questionArb, faultArb, async ({ seed, question }, fault) => {
        const tenant = generateTenant({ preset: 'tiny', seed });
        const clean = await serve(tenant);
        // Every simulator of this run listens on the clean one's port: the plan's host.
        const port = Number(new URL(clean.baseUrl).port);
        let plan: PlanFile | undefined;
        let expected: string;
        try {
          plan = await planOf(clean, question);
          if (!plan) return;
          seen.faulted += 1;
          expect((await applyPlan(plan, options(`clean${++runs}`))).result).toBe('applied');
          expected = canonical(clean.tenant());
        } finally {
          await clean.close();
        }
        const steps = plan.steps.length;
        const k = 1 + Math.floor(fault.at * steps);
        const name = `fault${runs}`;
        const controller = new AbortController();
        let faulty: Simulator | undefined = undefined;
        faulty = await serve(
          tenant,
          fault.kind === 'write-fails-after'
            ? { 'write-fails-after': k - 1 }
            : fault.kind === 'write-lost-ack'
              ? { 'write-lost-ack': k }
              : {},
          {
            port,
            ...(fault.kind === 'storm' ? { rate: 5 } : {}),
            onAnswer: () => {
              // Ctrl-C as the k-th write is answered (the simulator counts it applied before it answers).
              if (fault.kind === 'ctrl-c' && !controller.signal.aborted && (faulty?.stats().writes.applied ?? 0) >= k) controller.abort();
            },
          },
        );
        let first;
        try {
          first = await applyPlan(plan, options(name, { signal: controller.signal }));
        } finally {
          await faulty.close();
        }
        let applied = faulty.stats().writes.applied;
        let final = faulty.tenant();
        if (first.result !== 'applied') {
          expect(['failed', 'interrupted']).toContain(first.result);
          const mended = await serve(final, {}, { port });
          try {
            const resumed = await applyPlan(plan, options(name, { resume: true }));
            expect(resumed.result, JSON.stringify(resumed.steps)).toBe('applied');
            applied += mended.stats().writes.applied;
            final = mended.tenant();
          } finally {
            await mended.close();
          }
        }
        expect(applied).toBe(steps);
        expect(canonical(final)).toBe(expected);
      }),
      { numRuns: 6 },
    );
    expect(seen.faulted).toBeGreaterThan(0);
  }, 300_000);
});

/**
 * `jcgraph apply --yes` against the simulator taking writes, and each fault of issue 21 §3: a key that
 * cannot write (403 on the first write: stop at once, nothing else sent), a 500 on step k of n, a dropped
 * connection after the tenant applied a write (`write-lost-ack`: read back, done, not sent twice), a 429
 * storm, Ctrl-C at a step then --resume, and an undo of a journal whose edges were re-added meanwhile.
 * Each says what happened in plain sentences, with its exit code, and the simulator's own count of the
 * writes it applied shows that none took effect twice. A run that stops is resumed on a simulator started
 * afresh on the same port with the organization as the fault left it (the same host, as a real tenant).
 * Last, an offboarding whose plan exempts the user from dynamic groups' rules is applied, verified after
 * the simulator ran the rules again, and undone to the organization as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchTenant } from '../../src/fetchers/index.ts';
import { AccessGraph } from '../../src/graph/index.ts';
import { canonicalJson, sortTenant, type TenantData } from '../../src/model/index.ts';
import { saveSnapshot } from '../../src/snapshot/index.ts';
import { generateTenant, startSimulator, type FaultSettings, type Simulator } from '../../src/simulator/index.ts';
import { readPlanFile } from '../../src/plan/index.ts';
import { cli } from '../cli/run.ts';

const KEY = 'jcgraph-apply-faults-key-0123456789';
let dir: string;
/** The organization the fault tests start from: the small preset with its dynamic groups made static (so every step is a removal; the last test keeps the rules). */
let initial: TenantData;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-apply-faults-'));
  const t = generateTenant({ preset: 'small', seed: 31 });
  initial = {
    ...t,
    objects: t.objects.map((o) =>
      o.record['membershipMethod'] && o.record['membershipMethod'] !== 'STATIC'
        ? { ...o, record: { ...o.record, membershipMethod: 'STATIC' } }
        : o,
    ),
  };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const canonical = (t: TenantData): string => canonicalJson(sortTenant(t));

/** A simulator serving `tenant` (on `port` when given), with the faults given. */
function serve(
  tenant: TenantData,
  faults: FaultSettings = {},
  port?: number,
  extra: { rate?: number; onAnswer?: (url: string, status: string) => void } = {},
): Promise<Simulator> {
  return startSimulator({ tenants: [tenant], apiKey: KEY, faults, ...(port !== undefined ? { port } : {}), ...extra });
}

/** The port a simulator listens on. */
const portOf = (sim: Simulator): number => Number(new URL(sim.baseUrl).port);

/** A snapshot of the simulator's organization and an offboarding plan of a user with many edges, in `name`. */
async function offboardPlan(sim: Simulator, name: string): Promise<{ plan: string; steps: number }> {
  const { tenant, meta } = await fetchTenant({ apiKey: KEY, baseUrl: sim.baseUrl, orgId: sim.orgIds[0] });
  await saveSnapshot(join(dir, `${name}.snap.json`), { meta, tenant });
  const g = AccessGraph.fromTenant(tenant);
  const user = tenant.objects
    .filter((o) => o.type === 'user')
    .sort((a, b) => g.edgesOf(b.id).length - g.edgesOf(a.id).length || (a.id < b.id ? -1 : 1))[0]!;
  const made = await cli(['offboard', user.id, '--snapshot', `${name}.snap.json`, '--out', `${name}.json`], { cwd: dir });
  expect(made.code, made.stderr).toBe(0);
  return { plan: `${name}.json`, steps: (await readPlanFile(join(dir, `${name}.json`))).steps.length };
}

const env = { JC_API_KEY: KEY };

/** The organization a fault-free apply of an offboarding leaves (the yardstick of every fault), made once. */
let cleanRun: Promise<{ after: string; steps: number }> | undefined;
const faultFree = (): Promise<{ after: string; steps: number }> => (cleanRun ??= runFaultFree());

async function runFaultFree(): Promise<{ after: string; steps: number }> {
  const sim = await serve(initial);
  try {
    const { plan, steps } = await offboardPlan(sim, 'clean');
    const io = await cli(['apply', plan, '--yes', '--yes'], { cwd: dir, env });
    expect(io.code, io.stdout + io.stderr).toBe(0);
    expect(sim.stats().writes.applied).toBe(steps);
    return { after: canonical(sim.tenant()), steps };
  } finally {
    await sim.close();
  }
}

describe('apply --yes on the simulator', () => {
  it('applies, verifies, writes the evidence and the journal; --undo brings the organization back as it was', async () => {
    const sim = await serve(initial);
    try {
      const { plan, steps } = await offboardPlan(sim, 'happy');
      const before = canonical(sim.tenant());
      const io = await cli(['apply', plan, '--yes', '--yes'], { cwd: dir, env });
      expect(io.code, io.stdout + io.stderr).toBe(0);
      expect(io.stdout).toMatch(
        new RegExp(`Applied: ${steps} steps sent, 0 already done; verified against the live tenant \\(\\d+ checks\\)\\.`),
      );
      expect(io.stdout).toContain(
        `Evidence: ${plan}.evidence.json; journal: ${plan}.journal; undo with: jcgraph apply --undo ${plan}.journal --yes`,
      );
      expect(sim.stats().writes).toEqual({ received: steps, applied: steps });
      const evidence = JSON.parse(readFileSync(join(dir, `${plan}.evidence.json`), 'utf8'));
      expect(statSync(join(dir, `${plan}.evidence.json`)).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, `${plan}.journal`)).mode & 0o777).toBe(0o600);
      expect(evidence).toMatchObject({ run: 'apply', dryRun: false, result: 'applied', verification: { ok: true, differences: [] } });
      expect(evidence.actor.apiKey).toMatch(/^sha256:[0-9a-f]{16}$/);
      for (const s of evidence.steps) {
        expect(s).toMatchObject({ state: 'done', outcome: 204, attempts: 1 });
        expect(Date.parse(s.answeredAt)).toBeGreaterThanOrEqual(Date.parse(s.sentAt));
        expect(s.inverse.body.op).toBe('add');
      }
      const journal = readFileSync(join(dir, `${plan}.journal`), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(journal.slice(1).map((e: any) => e.event)).toEqual([
        'start',
        ...Array.from({ length: steps }, () => ['sent', 'answered', 'verified']).flat(),
        'finished',
      ]);

      const dry = await cli(['apply', '--undo', `${plan}.journal`], { cwd: dir, env });
      expect(dry.code, dry.stdout + dry.stderr).toBe(0);
      expect(dry.stdout).toContain(`Dry run: nothing was sent; ${steps} of ${steps} steps would be.`);
      const undo = await cli(['apply', '--undo', `${plan}.journal`, '--yes'], { cwd: dir, env });
      expect(undo.code, undo.stdout + undo.stderr).toBe(0);
      expect(undo.stdout).toMatch(new RegExp(`Undone: ${steps} steps sent, 0 already done; verified`));
      expect(canonical(sim.tenant())).toBe(before);
      expect(sim.stats().writes.applied).toBe(2 * steps);
      const undoEvidence = JSON.parse(readFileSync(join(dir, `${plan}.undo.evidence.json`), 'utf8'));
      // Newest first.
      expect(undoEvidence.steps.map((s: any) => s.step)).toEqual(evidence.steps.map((s: any) => s.step).reverse());
    } finally {
      await sim.close();
    }
  });

  it('a key that cannot write: 403 on the first write stops at once, nothing else is sent', async () => {
    const sim = await serve(initial, { 'read-only-key': true });
    try {
      const { plan, steps } = await offboardPlan(sim, 'readonly');
      sim.resetStats();
      const io = await cli(['apply', plan, '--yes', '--yes'], { cwd: dir, env });
      expect(io.code).toBe(1);
      expect(io.stdout).toContain(
        'Stopped at step 1: the key may not write to this organization (403); 0 earlier steps were sent, nothing after.',
      );
      const stats = sim.stats();
      expect(stats.writes).toEqual({ received: 1, applied: 0 });
      // The two views read first, the one write, and nothing after it.
      expect(stats.requests).toBe(3);
      const evidence = JSON.parse(readFileSync(join(dir, `${plan}.evidence.json`), 'utf8'));
      expect(evidence.result).toBe('failed');
      expect(evidence.steps[0]).toMatchObject({ state: 'failed', outcome: 403 });
      expect(evidence.steps.slice(1).every((s: any) => s.state === 'not sent')).toBe(true);
      expect(evidence.steps).toHaveLength(steps);
      const events = readFileSync(join(dir, `${plan}.journal`), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => JSON.parse(l));
      expect(events.map((e: any) => `${e.event}${e.outcome !== undefined ? ` ${e.outcome}` : ''}`)).toEqual([
        'start',
        'sent',
        'answered 403',
        'finished',
      ]);
    } finally {
      await sim.close();
    }
  });

  it('a 500 on step k of n stops there; --resume on the mended tenant finishes, and nothing was applied twice', async () => {
    const { after, steps } = await faultFree();
    const k = Math.ceil(steps / 2);
    const faulty = await serve(initial, { 'write-fails-after': k - 1 });
    const { plan } = await offboardPlan(faulty, 'fail500');
    const port = portOf(faulty);
    const io = await cli(['apply', plan, '--yes', '--yes'], { cwd: dir, env });
    await faulty.close();
    expect(io.code).toBe(1);
    expect(io.stdout).toContain(
      `Stopped at step ${k} of ${steps}: it did not take effect (500); ${k - 1} earlier steps were sent; apply --resume continues.`,
    );
    expect(io.stdout).toContain(`continue with: jcgraph apply ${plan} --resume --yes`);
    expect(faulty.stats().writes).toEqual({ received: k, applied: k - 1 });
    const mended = await serve(faulty.tenant(), {}, port);
    try {
      const resumed = await cli(['apply', plan, '--resume', '--yes', '--yes'], { cwd: dir, env });
      expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
      expect(resumed.stdout).toMatch(/ 1\. remove .* {3}done \(204\)|done\n/);
      expect(mended.stats().writes.applied).toBe(steps - (k - 1));
      expect(canonical(mended.tenant())).toBe(after);
    } finally {
      await mended.close();
    }
  });

  it('a connection dropped after the write was applied: the read-back makes it done, and it is not sent twice', async () => {
    const { after, steps } = await faultFree();
    const k = Math.max(1, steps - 1);
    const sim = await serve(initial, { 'write-lost-ack': k });
    try {
      const { plan } = await offboardPlan(sim, 'lostack');
      const io = await cli(['apply', plan, '--yes', '--yes', '--json'], { cwd: dir, env });
      expect(io.code, io.stdout + io.stderr).toBe(0);
      const evidence = JSON.parse(io.stdout);
      expect(evidence.result).toBe('applied');
      expect(evidence.steps[k - 1]).toMatchObject({ state: 'done', attempts: 1, outcome: 'network' });
      expect(evidence.steps[k - 1].detail).toBe('answered network; a read-back shows the change made');
      expect(sim.stats().writes).toEqual({ received: steps, applied: steps });
      expect(sim.stats().byStatus['lost-ack']).toBe(1);
      expect(canonical(sim.tenant())).toBe(after);
    } finally {
      await sim.close();
    }
  });

  it('a 429 storm: every write waits and is sent again, none applied twice', async () => {
    const { after, steps } = await faultFree();
    // Planned on the organization served without a limit, applied on the same host held to 4 requests a second.
    const planning = await serve(initial);
    const { plan } = await offboardPlan(planning, 'storm');
    const port = portOf(planning);
    await planning.close();
    const sim = await serve(initial, {}, port, { rate: 4 });
    try {
      const io = await cli(['apply', plan, '--yes', '--yes', '--json'], { cwd: dir, env });
      expect(io.code, io.stdout + io.stderr).toBe(0);
      const stats = sim.stats();
      expect(stats.byStatus['429']).toBeGreaterThan(0);
      expect(stats.writes.applied).toBe(steps);
      const evidence = JSON.parse(io.stdout);
      expect(evidence.requests.retries).toBeGreaterThan(0);
      expect(evidence.steps.every((s: { state: string; outcome: number }) => s.state === 'done' && s.outcome === 204)).toBe(true);
      expect(canonical(sim.tenant())).toBe(after);
    } finally {
      await sim.close();
    }
  });

  it('Ctrl-C at a step (exit 130), then --resume: every step done once', async () => {
    const { after, steps } = await faultFree();
    const controller = new AbortController();
    const k = Math.min(3, steps - 1);
    let writes = 0;
    const sim = await serve(initial, {}, undefined, {
      onAnswer: (url, status) => {
        // Writes carry no query string; the reads (views, traversals) all page with limit and skip.
        if (!url.includes('?') && status === '204' && ++writes === k) controller.abort();
      },
    });
    try {
      const { plan } = await offboardPlan(sim, 'ctrlc');
      const io = await cli(['apply', plan, '--yes', '--yes'], { cwd: dir, env, signal: controller.signal });
      expect(io.code).toBe(130);
      expect(io.stdout).toContain(`Interrupted before step ${k + 1}: ${k} of ${steps} steps sent; the journal`);
      expect(sim.stats().writes.applied).toBe(k);
      const resumed = await cli(['apply', plan, '--resume', '--yes', '--yes', '--json'], { cwd: dir, env });
      expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
      const evidence = JSON.parse(resumed.stdout);
      expect(evidence.steps.slice(0, k).every((s: any) => s.state === 'done' && s.sentAt === undefined)).toBe(true);
      expect(evidence.steps.slice(k).every((s: any) => s.state === 'done' && s.outcome === 204)).toBe(true);
      expect(sim.stats().writes.applied).toBe(steps);
      expect(canonical(sim.tenant())).toBe(after);
    } finally {
      await sim.close();
    }
  });

  it('--undo of a journal whose edges someone re-added meanwhile: those are already restored', async () => {
    const sim = await serve(initial);
    try {
      const { plan, steps } = await offboardPlan(sim, 'readded');
      const before = canonical(sim.tenant());
      expect((await cli(['apply', plan, '--yes', '--yes'], { cwd: dir, env })).code).toBe(0);
      const first = (await readPlanFile(join(dir, plan))).steps[0]!;
      if (first.precondition.kind !== 'edge') throw new Error('a removal');
      const { from, to } = first.precondition.edge;
      sim.applyChanges([
        first.precondition.edge.kind === 'membership'
          ? { kind: 'add-member', group: from, member: to }
          : { kind: 'associate', a: from, b: to, attributes: first.precondition.attributes },
      ]);
      const undo = await cli(['apply', '--undo', `${plan}.journal`, '--yes'], { cwd: dir, env });
      expect(undo.code, undo.stdout + undo.stderr).toBe(0);
      expect(undo.stdout).toMatch(/ {2} 1\. restore: remove .* {3}already restored\n/);
      expect(undo.stdout).toContain(`Undone: ${steps - 1} steps sent, 1 already done; verified`);
      expect(canonical(sim.tenant())).toBe(before);
    } finally {
      await sim.close();
    }
  });

  it('an offboarding that exempts the user from dynamic groups: applied, verified after the rules ran again, undone', async () => {
    // The generated organization as it is, with its rules: "All Staff" (automated) and the department
    // groups (review required) hold the user by rule, so the plan exempts where a removal would not hold.
    const tenant = generateTenant({ preset: 'small', seed: 31 });
    const sim = await serve(tenant);
    try {
      const { plan, steps } = await offboardPlan(sim, 'exempt');
      const file = await readPlanFile(join(dir, plan));
      const exemptions = file.steps.filter((s) => s.action === 'exempt');
      expect(exemptions.length).toBeGreaterThan(0);
      const before = canonical(sim.tenant());
      const dry = await cli(['apply', plan], { cwd: dir, env });
      expect(dry.code, dry.stdout + dry.stderr).toBe(0);
      expect(dry.stdout).toContain(`Dry run: nothing was sent; ${steps} of ${steps} steps would be.`);

      const io = await cli(['apply', plan, '--yes', '--yes', '--settle', '0', '--json'], { cwd: dir, env });
      expect(io.code, io.stdout + io.stderr).toBe(0);
      const evidence = JSON.parse(io.stdout);
      expect(evidence).toMatchObject({ result: 'applied', verification: { ok: true, differences: [] } });
      expect(sim.stats().writes.applied).toBe(steps);
      const after = sim.tenant();
      const user = file.verification.only!;
      // The rules ran again: every group the user was exempted from lists the exemption and no longer the user.
      for (const s of exemptions) {
        const change = s.change;
        if (change.kind !== 'exemption') throw new Error('an exemption step');
        const group = after.objects.find((o) => o.id === change.group.id)!;
        expect(group.record['memberQueryExemptions']).toContainEqual({ id: user.id, type: 'user' });
      }
      expect(after.edges.filter((e) => e.kind === 'membership' && e.to.id === user.id)).toEqual([]);
      // The exemption's inverse is the group's PUT with the record as it was read.
      const exemptStep = evidence.steps.find((s: { action: string }) => s.action === 'exempt');
      expect(exemptStep.inverse.method).toBe('PUT');
      expect(exemptStep.inverse.body.memberQueryExemptions).not.toContainEqual({ id: user.id, type: 'user' });

      const undo = await cli(['apply', '--undo', `${plan}.journal`, '--yes', '--settle', '0'], { cwd: dir, env });
      expect(undo.code, undo.stdout + undo.stderr).toBe(0);
      expect(undo.stdout).toMatch(new RegExp(`Undone: ${steps} steps sent, 0 already done; verified`));
      expect(canonical(sim.tenant())).toBe(before);
    } finally {
      await sim.close();
    }
  });
});

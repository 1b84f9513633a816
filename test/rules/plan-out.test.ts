/**
 * `jcgraph check --plan-out PLAN.json` against the simulator: the fix plans a check made, written as one
 * plan file through src/plan, which `jcgraph apply`'s dry run accepts (every step will be sent, only
 * reads reach the simulator); the file holds exactly the steps of the fix plans, each edge once; and a
 * check made on --sim writes a plan apply can read but will not send.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchTenant } from '../../src/fetchers/index.ts';
import { AccessGraph, answer } from '../../src/graph/index.ts';
import { saveSnapshot } from '../../src/snapshot/index.ts';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { readPlanFile } from '../../src/plan/index.ts';
import type { TenantData } from '../../src/model/index.ts';
import { cli } from '../cli/run.ts';

let sim: Simulator;
let dir: string;
let tenant: TenantData;
let env: Record<string, string>;

beforeAll(async () => {
  sim = await startSimulator({ preset: 'small', seed: 23 });
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-check-plan-'));
  env = { JC_API_KEY: sim.apiKey };
  const fetched = await fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, orgId: sim.orgIds[0] });
  tenant = fetched.tenant;
  await saveSnapshot(join(dir, 'snap.json'), { meta: fetched.meta, tenant });
});
afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A user who reaches at least two systems, each through a group. */
function userWithSystems(): string {
  const g = AccessGraph.fromTenant(tenant);
  for (const u of tenant.objects.filter((o) => o.type === 'user')) {
    const systems = answer(g, `/users/${u.id}/systems`).filter((s) => s.paths.every((p) => p.length >= 2));
    if (systems.length >= 2) return u.id;
  }
  throw new Error('no user reaches two systems through groups');
}

describe('check --plan-out', () => {
  it('writes the fix plans as one plan file that apply’s dry run accepts, each edge once', async () => {
    const user = userWithSystems();
    await writeFile(
      join(dir, 'rules.yaml'),
      `version: 1\nrules:\n  - { id: no-systems, title: This user reaches no system, kind: forbid, subjects: { id: ${user} }, resources: { type: system } }\n`,
    );
    const args = ['check', '--rules', 'rules.yaml', '--snapshot', 'snap.json', '--fix-limit', '2'];
    const made = await cli([...args, '--plan-out', 'fix.json'], { cwd: dir });
    expect(made.code, made.stderr).toBe(1); // the violations are of severity high
    expect(made.stdout).toMatch(/\nPlan written to fix\.json \(\d+ steps?, digest sha256:[0-9a-f]+…\): jcgraph apply fix\.json checks it/);

    // The plan holds the requests of the two fix plans the report shows, each once.
    const doc = JSON.parse((await cli([...args, '--json'], { cwd: dir })).stdout);
    const fixes = doc.violations.filter((v: any) => v.fix?.plan);
    expect(fixes).toHaveLength(2);
    const wanted = new Set<string>(
      fixes.flatMap((v: any) =>
        v.fix.plan.steps.map((s: any) => `${s.operation.method} ${s.operation.path} ${JSON.stringify(s.operation.body)}`),
      ),
    );
    const plan = await readPlanFile(join(dir, 'fix.json'));
    expect(plan.question).toMatchObject({ kind: 'steps', command: 'check' });
    const requests = plan.steps.map((s) => `${s.request.method} ${s.request.path} ${JSON.stringify(s.request.body)}`);
    expect(new Set(requests)).toEqual(wanted);
    expect(requests).toHaveLength(wanted.size);
    // Both violations' bindings are among what the plan says it ends.
    const ends = new Set(plan.verification.ends.map((b) => `${b.subject.id}>${b.target.id}`));
    for (const v of fixes) expect(ends.has(`${v.subject.id}>${v.resource.id}`), v.message).toBe(true);

    sim.resetStats();
    const dry = await cli(['apply', 'fix.json'], { cwd: dir, env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`Dry run: nothing was sent; ${plan.steps.length} of ${plan.steps.length} steps would be.`);
    expect(sim.stats().writes.received).toBe(0);
    expect(existsSync(join(dir, 'fix.json.journal'))).toBe(false);
  });

  it('made on --sim, the plan file says it cannot be applied; with no fix plan, nothing is written', async () => {
    const rules = join(dir, 'sim-rules.yaml');
    await writeFile(rules, 'version: 1\nrules:\n  - { id: n, title: t, kind: none, subjects: { type: user, state: SUSPENDED } }\n');
    const made = await cli(['check', '--rules', rules, '--sim', 'small', '--json', '--plan-out', 'sim.json'], { cwd: dir });
    expect(made.code).toBe(1);
    JSON.parse(made.stdout); // the JSON stays whole: the plan's line goes to stderr
    expect(made.stderr).toMatch(
      /^Plan written to sim\.json .*made on a simulated organization \(--sim\), so it can be read but not applied/,
    );
    expect((await readPlanFile(join(dir, 'sim.json'))).snapshot.kind).toBe('simulated');

    const none = await cli(['check', '--rules', rules, '--sim', 'small', '--fix-limit', '0', '--plan-out', 'none.json'], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('--plan-out none.json: no violation has a fix plan, so there is no plan to write; nothing was written.');
    expect(existsSync(join(dir, 'none.json'))).toBe(false);
  });
});

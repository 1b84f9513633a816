/**
 * `revoke --out PLAN.json` and `offboard --out PLAN.json`: the plan file names the snapshot it was made on
 * (the SHA-256 of the file's bytes, its organization, host and fetch start; with --live, that it was
 * checked live), holds the same steps as the printed plan, and a plan made with --sim says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchTenant } from '../../src/fetchers/index.ts';
import { AccessGraph, answer } from '../../src/graph/index.ts';
import { readPlanFile } from '../../src/plan/index.ts';
import { saveSnapshot, type SnapshotMeta } from '../../src/snapshot/index.ts';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import type { TenantData } from '../../src/model/index.ts';
import { cli } from './run.ts';

let sim: Simulator;
let dir: string;
let snapshotPath: string;
let tenant: TenantData;
let meta: SnapshotMeta;

beforeAll(async () => {
  sim = await startSimulator({ preset: 'tiny', seed: 8 });
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-plan-out-'));
  ({ tenant, meta } = await fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, orgId: sim.orgIds[0] }));
  snapshotPath = join(dir, 'acme.json');
  await saveSnapshot(snapshotPath, { meta, tenant });
});
afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A user and a system it reaches. */
function pair(): [string, string] {
  const g = AccessGraph.fromTenant(tenant);
  for (const u of tenant.objects.filter((o) => o.type === 'user')) {
    const reached = answer(g, `/users/${u.id}/systems`);
    if (reached.length > 0) return [u.id, reached[0]!.id];
  }
  throw new Error('no user reaches a system');
}

describe('--out PLAN.json', () => {
  it('revoke: the plan file names the snapshot by the SHA-256 of its bytes, and holds the printed steps', async () => {
    const [user, system] = pair();
    const text = await cli(['revoke', user, system, '--snapshot', snapshotPath, '--out', 'revoke.json'], { cwd: dir });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /Plan written to revoke\.json \(\d+ steps?, digest sha256:[0-9a-f]{12}…\): jcgraph apply revoke\.json checks it/,
    );
    const plan = await readPlanFile(join(dir, 'revoke.json'));
    const sha256 = createHash('sha256')
      .update(await readFile(snapshotPath))
      .digest('hex');
    expect(plan.snapshot).toEqual({
      kind: 'snapshot',
      sha256,
      path: snapshotPath,
      orgId: meta.orgId,
      apiHost: meta.apiHost,
      startedAt: meta.startedAt,
      live: false,
    });
    expect((await stat(join(dir, 'revoke.json'))).mode & 0o777).toBe(0o600);
    const json = JSON.parse((await cli(['revoke', user, system, '--snapshot', snapshotPath, '--json'], { cwd: dir })).stdout);
    expect(plan.steps.map((s) => s.request)).toEqual(json.steps.map((s: any) => s.operation));
    expect(plan.question).toMatchObject({ kind: 'revoke', subject: { id: user }, resource: { id: system }, strategy: 'fewest-changes' });

    // --json keeps stdout the plan document; the file is written all the same.
    const quiet = await cli(['revoke', user, system, '--snapshot', snapshotPath, '--json', '--out', 'revoke2.json'], { cwd: dir });
    expect(JSON.parse(quiet.stdout).steps).toEqual(json.steps);
    const again = await readPlanFile(join(dir, 'revoke2.json'));
    expect(again.steps).toEqual(plan.steps);
    expect(again.snapshot).toEqual(plan.snapshot); // read through the snapshot's index this time: its hash is the file's
  });

  it('offboard --live: the plan says it was checked live; --sim: the plan says it is simulated', async () => {
    const [user] = pair();
    const live = await cli(['offboard', user, '--snapshot', snapshotPath, '--live', '--out', 'off.json'], {
      cwd: dir,
      env: { JC_API_KEY: sim.apiKey },
    });
    expect(live.code, live.stderr).toBe(0);
    const plan = await readPlanFile(join(dir, 'off.json'));
    expect(plan.snapshot).toMatchObject({ kind: 'snapshot', live: true, orgId: meta.orgId });
    expect(plan.question).toMatchObject({ kind: 'offboard', user: { id: user }, suspend: false });
    expect(plan.verification.only).toMatchObject({ id: user });

    const simulated = await cli(['offboard', user, '--sim', 'tiny:8', '--out', 'sim.json'], { cwd: dir });
    expect(simulated.stdout).toMatch(/made on a simulated organization \(--sim\), so it can be read but not applied\.\n$/);
    expect((await readPlanFile(join(dir, 'sim.json'))).snapshot).toEqual({ kind: 'simulated', preset: 'tiny:8', orgId: tenant.orgId });
  });

  it('an --out that cannot be written fails before any work, naming it', async () => {
    const [user, system] = pair();
    const io = await cli(['revoke', user, system, '--snapshot', 'missing.json', '--out', 'no/such/dir/plan.json'], { cwd: dir });
    expect(io.code).toBe(1);
    expect(io.stderr).toMatch(
      /^jcgraph revoke: Cannot write the plan to \S+no\/such\/dir\/plan\.json: the directory \S+ does not exist\.\n$/,
    );
  });
});

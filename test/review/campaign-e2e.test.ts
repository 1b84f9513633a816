/**
 * A whole access review through the CLI, against the simulator over HTTP: fetch, review start, the
 * worksheets filled in as a reviewer would, import, status, close, the plan checked by `jcgraph apply`
 * as a dry run (nothing sent) and then applied, a fresh fetch, and review evidence: the manifest checks
 * with the real `sha256sum -c`, the post-remediation check passes (every revoked binding gone, every kept
 * one there), and nothing changed between the snapshots that the plan did not compute. Then a second
 * campaign with --previous after two writes marks exactly the new bindings and lists the revoked ones
 * that came back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { readCampaign } from '../../src/review/index.ts';
import { readPlanFile } from '../../src/plan/index.ts';
import { loadSnapshot } from '../../src/snapshot/index.ts';
import { AccessGraph, answer } from '../../src/graph/index.ts';
import { objectsOf } from '../helpers/sim.ts';
import { cli } from '../cli/run.ts';
import { decide, readSheet, sheetText } from './sheets.ts';

let sim: Simulator;
let dir: string;
let env: Record<string, string>;
const run = (argv: string[]) => cli(argv, { cwd: dir, env });

beforeAll(async () => {
  sim = await startSimulator({ preset: 'tiny', seed: 22 });
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-review-e2e-'));
  env = { JC_API_KEY: sim.apiKey };
});
afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

/** review start on the systems only, every item to one fallback reviewer. */
const startCampaign = (snapshot: string, out: string, ...more: string[]) =>
  run(['review', 'start', '--snapshot', snapshot, '--out', out, '--scope', 'system', '--fallback-reviewer', 'secops', ...more]);

async function fetchTo(file: string): Promise<void> {
  const r = await run(['fetch', '--base-url', sim.baseUrl, '--org-id', sim.orgIds[0]!, '--out', file]);
  expect(r.code, r.stderr).toBe(0);
}

describe('an access review from start to evidence', () => {
  it('starts, takes decisions, closes into a plan apply accepts, the evidence after the apply checks, and the next campaign knows what is new', async () => {
    await fetchTo('before.json');
    const started = await startCampaign('before.json', 'c', '--json');
    expect(started.code, started.stderr).toBe(0);
    const campaign = await readCampaign(join(dir, 'c'));
    expect(campaign.items.length).toBeGreaterThan(10);

    // Every reviewer fills in their sheet: by item id, one in four revoked, one in three kept, the rest left.
    const ids = campaign.items.map((i) => i.id).sort();
    const wanted = new Map<string, [string, string]>();
    ids.forEach((id, k) => {
      if (k % 4 === 0) wanted.set(id, ['revoke', 'not needed any more']);
      else if (k % 3 === 0) wanted.set(id, ['keep', 'on call']);
    });
    const sheets = (JSON.parse(started.stdout) as { worksheets: { reviewer: string; csv: string }[] }).worksheets;
    const filled: string[] = [];
    for (const [n, s] of sheets.entries()) {
      const sheet = await readSheet(join(dir, 'c', s.csv));
      await writeFile(join(dir, `filled-${n}.csv`), sheetText(decide(sheet, Object.fromEntries(wanted)), { bom: n % 2 === 0 }));
      filled.push(`filled-${n}.csv`);
    }
    const imported = await run(['review', 'import', 'c', ...filled]);
    expect(imported.code, imported.stderr).toBe(0);

    const status = await run(['review', 'status', 'c', '--json']);
    expect(status.code, status.stderr).toBe(0);
    const figures = JSON.parse(status.stdout) as { total: number; decided: number; decisions: Record<string, number> };
    expect(figures.total).toBe(ids.length);
    expect(figures.decided).toBe(wanted.size);
    expect(figures.decisions['revoke']).toBe([...wanted.values()].filter(([d]) => d === 'revoke').length);

    const closed = await run(['review', 'close', 'c', '--unreviewed', 'keep', '--out', 'plan.json', '--json']);
    expect(closed.code, closed.stderr).toBe(0);
    const close = (await readCampaign(join(dir, 'c'))).closed!;
    expect(close.summary.verified).toBe(true);
    expect(close.revoked.length).toBeGreaterThan(0);
    expect(close.revoked.length + close.conflicts.length).toBe(figures.decisions['revoke']);

    // apply takes the plan: a dry run sends nothing, then --yes sends it and verifies.
    sim.resetStats();
    const dry = await run(['apply', 'plan.json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/Dry run: nothing was sent; (\d+) of \1 steps would be\./);
    expect(sim.stats().writes.received).toBe(0);
    const applied = await run(['apply', 'plan.json', '--yes', '--confirm', sim.orgIds[0]!]);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(sim.stats().writes.applied).toBe(close.plan.steps);

    await fetchTo('after.json');
    const evidence = await run(['review', 'evidence', 'c', '--out', 'pack', '--after', 'after.json', '--json']);
    expect(evidence.code, evidence.stderr).toBe(0);
    const pack = JSON.parse(evidence.stdout) as { files: string[]; postCheck: { passed: boolean; otherChanges: unknown[] } };
    expect(pack.files).toContain('apply-evidence.json');
    expect(pack.postCheck.passed).toBe(true);
    // The plan's computed effect is what happened: nothing else moved between the snapshots.
    expect(pack.postCheck.otherChanges).toEqual([]);
    const check = spawnSync('sha256sum', ['-c', 'MANIFEST.sha256'], { cwd: join(dir, 'pack'), encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout.trim().split('\n')).toHaveLength(pack.files.length - 1);
    const applyEvidence = JSON.parse(await readFile(join(dir, 'pack', 'apply-evidence.json'), 'utf8')) as { result: string };
    expect(applyEvidence.result).toBe('applied');
    expect(await readFile(join(dir, 'pack', 'summary.md'), 'utf8')).toMatch(/The check passed/);

    // Next quarter: the first step is put back by its inverse request (what it ended comes back), and a
    // user joins a static group that gives them systems they never had (new bindings).
    const before = (await loadSnapshot(join(dir, 'before.json'))).tenant;
    const g = AccessGraph.fromTenant(before);
    const had = new Set<string>();
    for (const u of objectsOf(before, 'user')) for (const s of answer(g, `/users/${u.id}/systems`)) had.add(`${u.id}>${s.id}`);
    const plan = await readPlanFile(join(dir, 'plan.json'));
    const joiner = objectsOf(before, 'user')
      .flatMap((u) =>
        objectsOf(before, 'user_group')
          .filter(
            (grp) => grp.record['membershipMethod'] !== 'DYNAMIC_AUTOMATED' && grp.record['membershipMethod'] !== 'DYNAMIC_REVIEW_REQUIRED',
          )
          .filter((grp) => !answer(g, `/usergroups/${grp.id}/members`).some((m) => m.to.id === u.id))
          .map((grp) => ({ u, grp, gains: answer(g, `/usergroups/${grp.id}/systems`).filter((s) => !had.has(`${u.id}>${s.id}`)).length })),
      )
      .find((x) => x.gains > 0)!;
    expect(joiner).toBeDefined();
    for (const request of [
      plan.steps[0]!.inverse,
      { method: 'POST', path: `/api/v2/usergroups/${joiner.grp.id}/members`, body: { op: 'add', type: 'user', id: joiner.u.id } },
    ]) {
      const answered = await fetch(`${sim.baseUrl}${request.path}`, {
        method: request.method,
        headers: { 'x-api-key': sim.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify(request.body),
      });
      expect(answered.status, request.path).toBeLessThan(300);
    }
    await fetchTo('next.json');
    const next = await startCampaign('next.json', 'c2', '--previous', 'c');
    expect(next.code, next.stderr).toBe(0);
    const second = await readCampaign(join(dir, 'c2'));
    const pair = (i: { user: { id: string }; resource: { id: string } }) => `${i.user.id}>${i.resource.id}`;
    // New: exactly the items whose binding the first snapshot did not have (systems; the scope's only type).
    const expectedNew = second.items
      .filter((i) => !had.has(pair(i)))
      .map(pair)
      .sort();
    expect(expectedNew.length).toBeGreaterThan(0);
    expect(
      second.items
        .filter((i) => i.newSinceLast)
        .map(pair)
        .sort(),
    ).toEqual(expectedNew);
    // Came back: the revoked items the plan ended that are in the new population.
    const first = await readCampaign(join(dir, 'c'));
    const now = new Set(second.items.map(pair));
    const expectedBack = first.items
      .filter((i) => first.closed!.revoked.includes(i.id) && now.has(pair(i)))
      .map(pair)
      .sort();
    expect(expectedBack.length).toBeGreaterThan(0);
    expect(second.previous!.cameBack.map((b) => `${b.user.id}>${b.resource.id}`).sort()).toEqual(expectedBack);
    expect(second.decisions).toEqual([]);
  });
});

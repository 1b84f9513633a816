/**
 * A whole access review through the CLI, against the simulator over HTTP: fetch, review start, the
 * worksheets filled in as a reviewer would, import, status, close, the plan checked by `jcgraph apply`
 * as a dry run (nothing sent) and then applied, a fresh fetch, and review evidence: the manifest checks
 * with the real `sha256sum -c`, the post-remediation check passes (every revoked binding gone, every kept
 * one there), and nothing changed between the snapshots that the plan did not compute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { readCampaign } from '../../src/review/index.ts';
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

async function fetchTo(file: string): Promise<void> {
  const r = await run(['fetch', '--base-url', sim.baseUrl, '--org-id', sim.orgIds[0]!, '--out', file]);
  expect(r.code, r.stderr).toBe(0);
}

describe('an access review from start to evidence', () => {
  it('starts, takes decisions, closes into a plan apply accepts, and the evidence after the apply checks', async () => {
    await fetchTo('before.json');
    const started = await run([
      'review',
      'start',
      '--snapshot',
      'before.json',
      '--out',
      'c',
      '--scope',
      'system',
      '--fallback-reviewer',
      'secops',
      '--json',
    ]);
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
  });
});

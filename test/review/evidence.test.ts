/**
 * `review evidence`: the pack an auditor takes. Every file listed in MANIFEST.sha256 and `sha256sum -c`
 * holds (and names the file once one is touched); the post-remediation check against a snapshot taken
 * after the changes (revoked bindings absent, kept ones present, everything else that changed listed)
 * passes, and fails on a snapshot where nothing was done; formula-like text is neutralised in the CSVs
 * and verbatim in the JSON; the apply's evidence is taken when it is of the campaign's plan; a partial
 * campaign says so on every page; nothing claims compliance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { associationEdge, edgeKey, type TenantData } from '../../src/model/index.ts';
import { readPlanFile } from '../../src/plan/index.ts';
import { parseCsv, readCampaign, type Campaign } from '../../src/review/index.ts';
import { saveSnapshot } from '../../src/snapshot/index.ts';
import { handMadeMeta } from '../helpers/snapshot.ts';
import { cli } from '../cli/run.ts';
import { FORMULA_NAME, PARTIAL_COVERAGE, reviewTenant } from './review-tenant.ts';
import { decide, readSheet, sheetText } from './sheets.ts';

let dir: string;
let campaign: Campaign;
let afterTenant: TenantData;
const run = (argv: string[]) => cli(argv, { cwd: dir });

async function snapshot(name: string, tenant: TenantData, startedAt = '2024-01-01T00:00:00.000Z'): Promise<void> {
  await saveSnapshot(join(dir, name), {
    meta: { ...handMadeMeta(tenant.orgId), startedAt },
    tenant,
  });
}

/** What `sha256sum -c MANIFEST.sha256` checks, in this process: the files whose SHA-256 is not the listed one. */
async function manifestFailures(folder: string): Promise<string[]> {
  const lines = (await readFile(join(folder, 'MANIFEST.sha256'), 'utf8')).split('\n').filter((l) => l !== '');
  const failed: string[] = [];
  for (const line of lines) {
    const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    expect(m, line).not.toBeNull();
    if (
      createHash('sha256')
        .update(await readFile(join(folder, m![2]!)))
        .digest('hex') !== m![1]
    )
      failed.push(m![2]!);
  }
  return failed;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-review-evidence-'));
  await snapshot('acme.json', reviewTenant());
  const r = await run(['review', 'start', '--snapshot', 'acme.json', '--out', 'c', '--json']);
  expect(r.code, r.stderr).toBe(0);
  campaign = await readCampaign(join(dir, 'c'));
  const sheets = JSON.parse(r.stdout).worksheets as { reviewer: string; csv: string }[];
  const item = (u: string, res: string) => campaign.items.find((i) => i.user.name === u && i.resource.name === res)!.id;
  const boss = decide(await readSheet(join(dir, 'c', sheets.find((s) => s.reviewer === 'boss')!.csv)), {
    [item('carl', 'web-01')]: ['revoke', 'left the company'],
    [item('carl', 'web-02')]: ['revoke', 'left the company'],
    [item('carl', 'Web')]: ['revoke', 'left the company'],
    [item('ann', 'web-01')]: ['keep', '=HYPERLINK("http://evil.example","deploys")'],
  });
  const eve = decide(await readSheet(join(dir, 'c', sheets.find((s) => s.reviewer === 'it-lead@example.com')!.csv)), {
    [item(FORMULA_NAME, 'db-01')]: ['keep', 'on call'],
  });
  await writeFile(join(dir, 'boss.csv'), sheetText(boss));
  await writeFile(join(dir, 'eve.csv'), sheetText(eve));
  expect((await run(['review', 'import', 'c', 'boss.csv', 'eve.csv'])).code).toBe(0);
  const closed = await run(['review', 'close', 'c', '--unreviewed', 'flag', '--out', 'plan.json']);
  expect(closed.code, closed.stderr).toBe(0);
  campaign = await readCampaign(join(dir, 'c'));
  // The plan acted out, and meanwhile someone gave ann the AWS Console.
  const plan = await readPlanFile(join(dir, 'plan.json'));
  const removed = new Set(plan.steps.flatMap((s) => (s.precondition.kind === 'edge' ? [edgeKey(s.precondition.edge)] : [])));
  const before = reviewTenant();
  const edges = before.edges.filter((e) => !removed.has(edgeKey(e)));
  edges.push(associationEdge({ type: 'user', id: 'user-ann' }, { type: 'application', id: 'application-AWS_Console' }));
  afterTenant = { ...before, edges };
  await snapshot('after.json', afterTenant, '2024-02-01T00:00:00.000Z');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('review evidence', () => {
  it('writes every file with a manifest sha256sum -c accepts, and the post-remediation check passes', async () => {
    const r = await run(['review', 'evidence', 'c', '--out', 'pack', '--after', 'after.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /Post-remediation check passed on after\.json: all 3 revoked bindings are absent, all 2 kept bindings present\./,
    );
    const files = (await readdir(join(dir, 'pack'))).sort();
    expect(files).toEqual(
      [
        'MANIFEST.sha256',
        'close.json',
        'decisions.csv',
        'decisions.json',
        'plan.json',
        'population.csv',
        'population.json',
        'post-remediation.json',
        'provenance.json',
        'summary.html',
        'summary.md',
      ].sort(),
    );
    for (const f of files) expect((await stat(join(dir, 'pack', f))).mode & 0o777).toBe(0o600);
    const manifest = await readFile(join(dir, 'pack', 'MANIFEST.sha256'), 'utf8');
    expect(
      manifest
        .trim()
        .split('\n')
        .map((l) => l.split('  ')[1]),
    ).toEqual(files.filter((f) => f !== 'MANIFEST.sha256'));
    expect(await manifestFailures(join(dir, 'pack'))).toEqual([]);
    await appendFile(join(dir, 'pack', 'decisions.csv'), 'x');
    expect(await manifestFailures(join(dir, 'pack'))).toEqual(['decisions.csv']);

    // The plan is the campaign's, byte for byte.
    expect(await readFile(join(dir, 'pack', 'plan.json'))).toEqual(await readFile(join(dir, 'plan.json')));
    const post = JSON.parse(await readFile(join(dir, 'pack', 'post-remediation.json'), 'utf8'));
    expect(post.passed).toBe(true);
    expect(post.revoked.map((b: any) => `${b.subject.name}>${b.target.name}:${b.present}`).sort()).toEqual([
      'carl>Web:false',
      'carl>web-01:false',
      'carl>web-02:false',
    ]);
    expect(post.otherChanges).toEqual([
      {
        subject: { type: 'user', id: 'user-ann', name: 'ann' },
        target: { type: 'application', id: 'application-AWS_Console', name: 'AWS Console' },
        change: 'gained',
      },
    ]);
    const provenance = JSON.parse(await readFile(join(dir, 'pack', 'provenance.json'), 'utf8'));
    expect(provenance.snapshot.sha256).toBe(campaign.snapshot.sha256);
    expect(provenance.worksheets.map((w: any) => w.file).sort()).toEqual(['boss.csv', 'eve.csv']);
  });

  it('neutralises formulas in the CSVs, keeps them verbatim in the JSON, and says what was done in plain words without claiming compliance', async () => {
    const r = await run(['review', 'evidence', 'c', '--out', 'pack2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/No apply evidence was found beside the plan/);
    const decisions = await readFile(join(dir, 'pack2', 'decisions.csv'), 'utf8');
    expect(decisions).toContain(`'=HYPERLINK(""http://evil.example"",""deploys"")`);
    expect(decisions).not.toMatch(/(^|,)"?=/m);
    const rows = parseCsv(decisions).records;
    expect(rows[0]!.cells).toContain('outcome');
    expect(JSON.parse(await readFile(join(dir, 'pack2', 'decisions.json'), 'utf8')).decisions.map((d: any) => d.reason)).toContain(
      '=HYPERLINK("http://evil.example","deploys")',
    );
    expect(await readFile(join(dir, 'pack2', 'population.csv'), 'utf8')).toContain(`'${FORMULA_NAME.replaceAll('"', '""')}`);
    const md = await readFile(join(dir, 'pack2', 'summary.md'), 'utf8');
    for (const heading of [
      'What was reviewed',
      'What was decided',
      'What the plan changes',
      'What was applied',
      'What was checked afterwards',
    ])
      expect(md).toContain(`## ${heading}`);
    expect(md).toMatch(/reviewed 21 bindings/);
    expect(md).toMatch(/makes no claim that the review satisfies any standard or control/);
    const html = await readFile(join(dir, 'pack2', 'summary.html'), 'utf8');
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
    for (const f of await readdir(join(dir, 'pack2'))) {
      const text = await readFile(join(dir, 'pack2', f), 'utf8');
      expect(text.replace(/no claim that the review satisfies any standard or control/g, '')).not.toMatch(/complian|certif|attest/i);
    }
  });

  it('fails the post-remediation check on a snapshot where nothing was done, and writes the pack all the same', async () => {
    await snapshot('unchanged.json', reviewTenant(), '2024-02-02T00:00:00.000Z');
    const r = await run(['review', 'evidence', 'c', '--out', 'pack3', '--after', 'unchanged.json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Post-remediation check FAILED on unchanged\.json: 3 revoked bindings still present, 0 kept bindings gone\./);
    expect(r.stdout).toMatch(/still present: user:carl → system:web-01/);
    expect(await manifestFailures(join(dir, 'pack3'))).toEqual([]);
    expect(await readFile(join(dir, 'pack3', 'summary.md'), 'utf8')).toMatch(/The check FAILED/);
  });

  it('does not pass the check on a partial snapshot, where a missing binding may only be unread', async () => {
    await saveSnapshot(join(dir, 'after-partial.json'), {
      meta: { ...handMadeMeta(afterTenant.orgId), startedAt: '2024-02-03T00:00:00.000Z', coverage: PARTIAL_COVERAGE },
      tenant: afterTenant,
    });
    const r = await run(['review', 'evidence', 'c', '--out', 'pack7', '--after', 'after-partial.json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /FAILED on after-partial\.json: 0 revoked bindings still present, 0 kept bindings gone, and the snapshot is partial/,
    );
    expect(JSON.parse(await readFile(join(dir, 'pack7', 'post-remediation.json'), 'utf8')).passed).toBe(false);
  });

  it("takes the apply's evidence of the campaign's plan, and refuses another plan's or an organization that is not the campaign's", async () => {
    const plan = await readPlanFile(join(dir, 'plan.json'));
    const evidence = (digest: string) =>
      JSON.stringify({
        format: 'jcgraph-apply-evidence',
        version: 1,
        result: 'applied',
        summary: 'Every step was done and verified.',
        plan: { digest },
        steps: plan.steps,
        finishedAt: '2024-01-31T00:00:00.000Z',
      });
    await writeFile(join(dir, 'plan.json.evidence.json'), evidence(plan.digest));
    const r = await run(['review', 'evidence', 'c', '--out', 'pack4']);
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(join(dir, 'pack4', 'apply-evidence.json'), 'utf8')).toBe(evidence(plan.digest));
    expect(await readFile(join(dir, 'pack4', 'summary.md'), 'utf8')).toMatch(
      /jcgraph apply ran the plan .* applied\. Every step was done and verified\./,
    );
    await writeFile(
      join(dir, 'dry.evidence.json'),
      JSON.stringify({ ...JSON.parse(evidence(plan.digest)), dryRun: true, result: 'ready' }),
    );
    const dry = await run(['review', 'evidence', 'c', '--out', 'pack8', '--apply-evidence', 'dry.evidence.json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(await readFile(join(dir, 'pack8', 'summary.md'), 'utf8')).toMatch(
      /checked the plan .* as a dry run, sending nothing, .*: ready\./,
    );
    await writeFile(join(dir, 'other.evidence.json'), evidence(`sha256:${'0'.repeat(64)}`));
    const other = await run(['review', 'evidence', 'c', '--out', 'pack5', '--apply-evidence', 'other.evidence.json']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/The apply evidence is of another plan/);
    await mkdir(join(dir, 'elsewhere'));
    await saveSnapshot(join(dir, 'elsewhere', 'x.json'), {
      meta: handMadeMeta('org-other'),
      tenant: { ...reviewTenant(), orgId: 'org-other' },
    });
    const foreign = await run(['review', 'evidence', 'c', '--out', 'pack6', '--after', 'elsewhere/x.json']);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(/is of org-other at .*, not of the campaign's org-review/);
    expect((await run(['review', 'evidence', 'c', '--out', 'pack4'])).stderr).toMatch(/The evidence folder .*pack4 is not empty/);
  });

  it('is in review --help with each of its options, and a missing --out or directory is a usage error', async () => {
    const help = await run(['review', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/jcgraph review evidence DIR --out PACK/);
    for (const option of ['--out PACK', '--after SNAPSHOT', '--plan PLAN.json', '--apply-evidence F', '--snapshot FILE'])
      expect(help.stdout).toContain(`\n  ${option}`);
    expect((await run(['review', 'evidence', 'c'])).code).toBe(2);
    expect((await run(['review', 'evidence', '--out', 'pack9'])).code).toBe(2);
  });

  it('states a partial snapshot on every page', async () => {
    const tenant = reviewTenant();
    await saveSnapshot(join(dir, 'partial.json'), {
      meta: { ...handMadeMeta(tenant.orgId), coverage: PARTIAL_COVERAGE },
      tenant,
    });
    expect(
      (await run(['review', 'start', '--snapshot', 'partial.json', '--out', 'p', '--allow-partial', '--fallback-reviewer', 'a'])).code,
    ).toBe(0);
    const r = await run(['review', 'evidence', 'p', '--out', 'ppack']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PARTIAL: this campaign was started with --allow-partial/);
    expect(r.stdout).toMatch(/The campaign is not closed: the pack holds no plan\./);
    for (const f of await readdir(join(dir, 'ppack'))) {
      if (f === 'MANIFEST.sha256') continue;
      const text = await readFile(join(dir, 'ppack', f), 'utf8');
      if (f.endsWith('.csv')) expect(text.split('\r\n')[0], f).toMatch(/PARTIAL: this campaign/);
      else if (f.endsWith('.json')) expect(JSON.parse(text).partial ?? JSON.parse(text).provenance?.partial, f).toMatch(/^PARTIAL/);
      else expect(text, f).toMatch(/PARTIAL: this campaign/);
    }
  });
});

/**
 * `review start --previous DIR`: the next campaign told against the last. Exactly the bindings that did
 * not exist at the previous snapshot are marked new (against its population when that file is gone); a
 * previous decision comes back as a suggestion only, and only for a binding reached the same way; a
 * binding decided revoke that is there again is listed; another organization's campaign is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { associationEdge, type TenantData } from '../../src/model/index.ts';
import { readCampaign, type Campaign } from '../../src/review/index.ts';
import { saveHandMadeSnapshot } from '../helpers/snapshot.ts';
import { cli } from '../cli/run.ts';
import { reviewTenant } from './review-tenant.ts';
import { decide, readSheet, sheetText } from './sheets.ts';

let dir: string;
let first: Campaign;
const run = (argv: string[]) => cli(argv, { cwd: dir });
const pairOf = (i: { user: { name: string }; resource: { name: string } }) => `${i.user.name}>${i.resource.name}`;

/** The organization a month later: ann given the AWS Console, bob a direct association to web-02. */
function nextMonth(): TenantData {
  const t = reviewTenant();
  return {
    ...t,
    edges: [
      ...t.edges,
      associationEdge({ type: 'user', id: 'user-ann' }, { type: 'application', id: 'application-AWS_Console' }),
      associationEdge({ type: 'user', id: 'user-bob' }, { type: 'system', id: 'system-web-02' }),
    ],
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-review-previous-'));
  await saveHandMadeSnapshot(join(dir, 'march.json'), reviewTenant());
  const r = await run(['review', 'start', '--snapshot', 'march.json', '--out', 'c1', '--json']);
  expect(r.code, r.stderr).toBe(0);
  first = await readCampaign(join(dir, 'c1'));
  const item = (p: string) => first.items.find((i) => pairOf(i) === p)!.id;
  const boss = JSON.parse(r.stdout).worksheets.find((w: { reviewer: string }) => w.reviewer === 'boss').csv as string;
  const sheet = decide(await readSheet(join(dir, 'c1', boss)), {
    [item('carl>web-01')]: ['revoke', 'left'],
    [item('carl>web-02')]: ['revoke', 'left'],
    [item('carl>Web')]: ['revoke', 'left'],
    [item('ann>web-01')]: ['keep', 'deploys'],
    [item('bob>web-02')]: ['keep', 'on call'],
  });
  await writeFile(join(dir, 'boss.csv'), sheetText(sheet));
  expect((await run(['review', 'import', 'c1', 'boss.csv'])).code).toBe(0);
  expect((await run(['review', 'close', 'c1', '--unreviewed', 'keep', '--out', 'plan.json'])).code).toBe(0);
  await saveHandMadeSnapshot(join(dir, 'april.json'), nextMonth());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('review start --previous', () => {
  it('marks exactly the new bindings, suggests decisions on bindings reached the same way, and lists revokes that are there again', async () => {
    const r = await run(['review', 'start', '--snapshot', 'april.json', '--out', 'c2', '--previous', 'c1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      `Against campaign ${first.id} (its snapshot): 1 binding new since, 4 previous decisions offered as suggestions (never taken as decisions).`,
    );
    expect(r.stdout).toMatch(
      /3 bindings decided revoke last time are there again:\n {2}user:carl → system:web-01 \(revoked by boss: left\)/,
    );
    const second = await readCampaign(join(dir, 'c2'));
    expect(second.items.filter((i) => i.newSinceLast).map(pairOf)).toEqual(['ann>AWS Console']);
    // bob>web-02 is reached another way now (a direct association besides the group): no suggestion.
    expect(Object.fromEntries(second.items.filter((i) => i.suggestion).map((i) => [pairOf(i), i.suggestion!.decision]))).toEqual({
      'carl>web-01': 'revoke',
      'carl>web-02': 'revoke',
      'carl>Web': 'revoke',
      'ann>web-01': 'keep',
    });
    expect(second.decisions).toEqual([]);
    expect(second.previous).toMatchObject({ id: first.id, comparedWith: 'snapshot', newBindings: 1, suggestions: 4 });
    expect(second.previous!.cameBack.map((b) => `${b.user.name}>${b.resource.name}`).sort()).toEqual([
      'carl>Web',
      'carl>web-01',
      'carl>web-02',
    ]);
    const bossSheet = (await readdir(join(dir, 'c2', 'worksheets'))).find((n) => n.startsWith('boss-') && n.endsWith('.csv'))!;
    const rows = (await readSheet(join(dir, 'c2', 'worksheets', bossSheet))).rows;
    expect(rows.filter((row) => row['new_since_last'] === 'new').map((row) => `${row['user']}>${row['resource']}`)).toEqual([
      'ann>AWS Console',
    ]);
    expect(rows.find((row) => row['user'] === 'ann' && row['resource'] === 'web-01')!['suggestion']).toBe('keep last time (boss: deploys)');
    expect(rows.every((row) => row['decision'] === '')).toBe(true);
  });

  it('compares with the previous population when its snapshot file is gone', async () => {
    await rename(join(dir, 'march.json'), join(dir, 'march.moved.json'));
    try {
      const r = await run(['review', 'start', '--snapshot', 'april.json', '--out', 'c3', '--previous', 'c1', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const previous = JSON.parse(r.stdout).previous;
      expect(previous).toMatchObject({ comparedWith: 'population', newBindings: 1, suggestions: 4 });
    } finally {
      await rename(join(dir, 'march.moved.json'), join(dir, 'march.json'));
    }
  });

  it('refuses a previous campaign of another organization, and writes nothing', async () => {
    await saveHandMadeSnapshot(join(dir, 'other.json'), { ...reviewTenant(), orgId: 'org-other' });
    const r = await run(['review', 'start', '--snapshot', 'other.json', '--out', 'c4', '--previous', 'c1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/The previous campaign c-[0-9a-f]+ is of org-review at .*, not of this snapshot's org-other/);
    await expect(readFile(join(dir, 'c4', 'campaign.json'))).rejects.toThrow();
  });
});

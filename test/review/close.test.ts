/**
 * `review close`: one plan file for the campaign's decisions (ends every revoke outside its conflicts,
 * keeps every keep, lists the collateral with where each binding stands in the campaign), written through
 * src/plan so that `jcgraph apply` reads it; the campaign closed; conflicts listed with both bindings and
 * the shared edges; --unreviewed revoke ends the unreviewed items too; a rule-produced membership is cut by
 * an exemption, never by a removal alone, so a revoke that needs one is carried out (with every rule run
 * after the plan's requests, exactly the revoked bindings end and the kept ones stay); a snapshot that is not the campaign's and a plan that adds a rule violation are refused.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cp, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessGraph } from '../../src/graph/index.ts';
import { bindingBetween, bindingKey } from '../../src/analysis/bindings.ts';
import { readPlanFile } from '../../src/plan/index.ts';
import { readCampaign, type Campaign } from '../../src/review/index.ts';
import { saveHandMadeSnapshot } from '../helpers/snapshot.ts';
import { allBindings } from '../helpers/full-recompute.ts';
import { applied, dynamicTenant } from '../analysis/dynamic-tenant.ts';
import type { ApiOperation } from '../../src/analysis/index.ts';
import { planRemediation } from '../../src/analysis/remediation.ts';
import { cli } from '../cli/run.ts';
import { reviewTenant } from './review-tenant.ts';
import { decide, readSheet, sheetText } from './sheets.ts';

let root: string;
let dir: string;
let campaign: Campaign;
/** Boss's worksheet, relative to the campaign directory. */
let bossSheet: string;
const run = (argv: string[]) => cli(argv, { cwd: dir });

function itemOf(user: string, resource: string): string {
  return campaign.items.find((i) => i.user.name === user && i.resource.name === resource)!.id;
}

/** Fills boss's sheet with these decisions and imports it. */
async function decideBoss(decisions: Record<string, readonly [string, string?]>): Promise<void> {
  const named = Object.fromEntries(
    Object.entries(decisions).map(([k, d]) => {
      const [user, resource] = k.split('>');
      return [itemOf(user!, resource!), d];
    }),
  );
  await writeFile(join(dir, 'boss.csv'), sheetText(decide(await readSheet(join(dir, 'c', bossSheet)), named)));
  const r = await run(['review', 'import', 'c', 'boss.csv']);
  expect(r.code, r.stderr).toBe(0);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jcgraph-review-close-'));
  await mkdir(join(root, 'pristine'));
  await saveHandMadeSnapshot(join(root, 'pristine', 'acme.json'), reviewTenant());
  const r = await cli(['review', 'start', '--snapshot', 'acme.json', '--out', 'c', '--json'], { cwd: join(root, 'pristine') });
  expect(r.code, r.stderr).toBe(0);
  campaign = await readCampaign(join(root, 'pristine', 'c'));
  bossSheet = JSON.parse(r.stdout).worksheets.find((w: any) => w.reviewer === 'boss').csv;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
let n = 0;
beforeEach(async () => {
  dir = join(root, `t${++n}`);
  await cp(join(root, 'pristine'), dir, { recursive: true });
});

describe('review close', () => {
  it('writes one plan that ends the revokes and keeps the keeps, lists the collateral, and closes the campaign', async () => {
    await decideBoss({
      'carl>web-01': ['revoke', 'left the company'],
      'carl>web-02': ['revoke', 'left the company'],
      'carl>Web': ['revoke', 'left the company'],
      'ann>web-01': ['keep', 'deploys'],
      'bob>web-02': ['revoke', 'not needed'],
      'bob>AWS Console': ['flag', 'ask finance'],
    });
    const r = await run(['review', 'close', 'c', '--unreviewed', 'flag', '--out', 'plan.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Campaign c-[0-9a-f]+ closed: 21 items: keep 1, revoke 4, flag 1, unreviewed 15 \(recorded as flag\)\.$/m);
    expect(r.stdout).toMatch(/The plan ends 4 of the 4 bindings to revoke with 2 changes; re-traversal confirms every one ends/);
    expect(r.stdout).toMatch(/Plan written to plan\.json \(2 steps, digest sha256:[0-9a-f]{12}…\)/);
    expect((await stat(join(dir, 'plan.json'))).mode & 0o777).toBe(0o600);

    const plan = await readPlanFile(join(dir, 'plan.json'));
    expect(plan.question).toMatchObject({ kind: 'steps', command: 'review close' });
    expect(plan.snapshot).toMatchObject({ kind: 'snapshot', sha256: campaign.snapshot.sha256, orgId: 'org-review' });
    expect(plan.steps.map((s) => `${s.request.path} ${JSON.stringify(s.request.body)}`).sort()).toEqual([
      '/api/v2/usergroups/user_group-Engineering/members {"op":"remove","type":"user","id":"user-bob"}',
      '/api/v2/usergroups/user_group-Engineering/members {"op":"remove","type":"user","id":"user-carl"}',
    ]);
    const ends = plan.verification.ends.map((b) => bindingKey(b.subject.id, b.target.id));
    for (const k of ['user-carl>system-web-01', 'user-carl>system-web-02', 'user-carl>system_group-Web', 'user-bob>system-web-02'])
      expect(ends).toContain(k);
    expect(plan.verification.keeps.map((b) => bindingKey(b.subject.id, b.target.id))).toContain('user-bob>system-web-01');

    // The plan acted out on the snapshot's graph ends the revoked bindings and keeps the kept one.
    const g = AccessGraph.fromTenant(reviewTenant());
    for (const s of plan.steps) if (s.precondition.kind === 'edge') g.removeEdge(s.precondition.edge);
    expect(bindingBetween(g, 'user-carl', 'system-web-01')).toBeUndefined();
    expect(bindingBetween(g, 'user-ann', 'system-web-01')).toBeDefined();

    const closed = (await readCampaign(join(dir, 'c'))).closed!;
    expect(closed.summary).toMatchObject({ revoked: 4, conflicts: 0, changes: 2, verified: true, flag: 1 });
    expect(closed.plan).toMatchObject({ path: 'plan.json', digest: plan.digest, steps: 2 });
    expect([...closed.revoked].sort()).toEqual(
      [itemOf('carl', 'web-01'), itemOf('carl', 'web-02'), itemOf('carl', 'Web'), itemOf('bob', 'web-02')].sort(),
    );
    expect(closed.collateral.map((b) => `${b.subject.name}>${b.target.name}:${b.status}`).sort()).toEqual(['bob>Web:unreviewed']);

    const again = await run(['review', 'close', 'c', '--unreviewed', 'flag', '--out', 'plan2.json']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/was closed at .* with the plan plan\.json/);
    expect((await run(['review', 'status', 'c'])).stdout).toMatch(/, closed 20\d\d-/);
  });

  it('leaves out a revoke whose every cut ends a kept binding, naming both and the edges they share', async () => {
    // Every cut of ann's web-01 ends a kept binding: her membership (web-02), Engineering~Web (web-02),
    // web-01 in Web (boss's web-01, which only that path gives him).
    await decideBoss({
      'ann>web-01': ['revoke', 'x'],
      'ann>web-02': ['keep', 'y'],
      'boss>web-01': ['keep', 'z'],
      'ann>db-01': ['revoke', 'w'],
    });
    const r = await run(['review', 'close', 'c', '--unreviewed', 'keep', '--out', 'plan.json', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.closed.summary).toMatchObject({ revoked: 1, conflicts: 1 });
    const [conflict] = out.closed.conflicts;
    expect(conflict).toMatchObject({ item: itemOf('ann', 'web-01'), kind: 'alone' });
    expect([[itemOf('ann', 'web-02')], [itemOf('boss', 'web-01')]]).toContainEqual(conflict.kept.map((k: any) => k.item));
    expect(conflict.sharedEdges.length).toBeGreaterThan(0);
    expect(conflict.reason).toBe('every way to end it also ends a binding decided keep');
  });

  it("cuts a conflict's kept bindings to --limit in the text, and --json keeps them all", async () => {
    // Every cut of ann's web-01 ends two kept bindings at least: her membership (web-02, Web), web-01 in
    // Web (boss's and carl's web-01), Engineering~Web (all four).
    await decideBoss({
      'ann>web-01': ['revoke', 'x'],
      'ann>web-02': ['keep', 'y'],
      'ann>Web': ['keep', 'y'],
      'boss>web-01': ['keep', 'z'],
      'carl>web-01': ['keep', 'z'],
    });
    const r = await run(['review', 'close', 'c', '--unreviewed', 'keep', '--out', 'plan.json', '--limit', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\n {4}kept: user:\S+ → \S+, … and 1 more\n/);
    const closed = (await readCampaign(join(dir, 'c'))).closed!;
    expect(closed.conflicts).toHaveLength(1);
    expect(closed.conflicts[0]!.kept).toHaveLength(2);
  });

  it('--unreviewed revoke ends the unreviewed items too, and never removes a membership a dynamic rule produces', async () => {
    await decideBoss({ 'ann>Slack': ['revoke', 'x'] });
    const r = await run(['review', 'close', 'c', '--unreviewed', 'revoke', '--out', 'plan.json', '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.closed.unreviewed).toBe('revoke');
    const plan = await readPlanFile(join(dir, 'plan.json'));
    // All Staff's rule produces its memberships: no request removes one (All Staff is automated: the exemption alone ends it).
    expect(plan.steps.some((s) => s.request.path.includes('user_group-All_Staff/members'))).toBe(false);
    const summary = out.closed.summary as { revoked: number; conflicts: number };
    expect(summary.revoked + summary.conflicts).toBe(21);
    for (const c of out.closed.conflicts) expect(['alone', 'with-plan']).toContain(c.kind);
    const after = allBindings(
      AccessGraph.fromTenant(
        applied(
          reviewTenant(),
          plan.steps.map((s) => s.request),
        ),
      ),
    );
    expect(after.has('user-ann>application-Slack')).toBe(false);
  });

  it('cuts a membership a dynamic rule produces by an exemption, where every other cut ends a kept binding', async () => {
    // ann reaches Slack only through All Staff (automated, userState eq "active"); bob's Slack is kept,
    // so All Staff~Slack cannot go: ann is exempted from the rule (once a conflict of kind uncuttable).
    await decideBoss({ 'ann>Slack': ['revoke', 'x'], 'bob>Slack': ['keep', 'y'], 'ann>web-01': ['keep', 'z'] });
    const r = await run(['review', 'close', 'c', '--unreviewed', 'keep', '--out', 'plan.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`1. exempt user:ann from user_group:"All Staff"'s rule   (ends 1 revoked binding)`);
    expect(r.stdout).toMatch(
      /the rule stays \(userState eq "active", DYNAMIC_AUTOMATED\); only this member is exempted, and the rule's next run removes/,
    );
    expect((await readCampaign(join(dir, 'c'))).closed!.summary).toMatchObject({
      revoked: 1,
      conflicts: 0,
      changes: 1,
      collateral: 0,
      verified: true,
    });
    const plan = await readPlanFile(join(dir, 'plan.json'));
    expect(plan.steps).toHaveLength(1);
    const [step] = plan.steps;
    expect(step).toMatchObject({ action: 'exempt', request: { method: 'PUT', path: '/api/v2/usergroups/user_group-All_Staff' } });
    expect(step!.request.body['memberQueryExemptions']).toEqual([{ id: 'user-ann', type: 'user' }]);
    expect(step!.request.body['memberQuery']).toBeDefined();
    // The requests sent, every rule run after each: exactly ann's Slack ends; every other binding stays.
    const before = allBindings(AccessGraph.fromTenant(reviewTenant()));
    const after = allBindings(
      AccessGraph.fromTenant(
        applied(
          reviewTenant(),
          plan.steps.map((s) => s.request),
        ),
      ),
    );
    expect([...before.keys()].filter((k) => !after.has(k))).toEqual(['user-ann>application-Slack']);
    expect(after.has('user-bob>application-Slack')).toBe(true);
  });

  it('--no-exemptions leaves a revoke that only an exemption could end as a conflict, and the plan without it', async () => {
    await decideBoss({ 'ann>Slack': ['revoke', 'x'], 'bob>Slack': ['keep', 'y'], 'ann>web-01': ['keep', 'z'] });
    const r = await run(['review', 'close', 'c', '--unreviewed', 'keep', '--out', 'plan.json', '--no-exemptions', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const closed = (await readCampaign(join(dir, 'c'))).closed!;
    expect(closed.summary).toMatchObject({ revoked: 0, conflicts: 1, changes: 0 });
    expect(closed.conflicts.map((c) => `${c.subject.id}>${c.target.id}`)).toEqual(['user-ann>application-Slack']);
    expect((await readPlanFile(join(dir, 'plan.json'))).steps).toEqual([]);
  });

  it("refuses a missing --unreviewed, a snapshot that is not the campaign's, and a plan that adds a rule violation", async () => {
    await decideBoss({ 'bob>web-02': ['revoke', 'x'] });
    const usage = await run(['review', 'close', 'c', '--out', 'plan.json']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--unreviewed keep, revoke or flag/);
    const other = reviewTenant();
    await saveHandMadeSnapshot(join(dir, 'other.json'), { ...other, edges: other.edges.slice(1) });
    const wrong = await run(['review', 'close', 'c', '--unreviewed', 'flag', '--out', 'plan.json', '--snapshot', 'other.json']);
    expect(wrong.code, wrong.stderr).toBe(1);
    expect(wrong.stderr).toMatch(/The snapshot other\.json is not the one campaign c-[0-9a-f]+ reviewed: its SHA-256 is/);
    await writeFile(
      join(dir, 'rules.yaml'),
      'version: 1\nrules:\n  - id: bob-keeps-web-group\n    title: bob keeps Web\n    severity: high\n    kind: require\n    subjects: { type: user, name: bob }\n    resources: { type: system_group, name: Web }\n',
    );
    const refused = await run(['review', 'close', 'c', '--unreviewed', 'flag', '--out', 'plan.json', '--rules', 'rules.yaml']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/REFUSED by rules\.yaml: the change adds 1 violation/);
    expect(refused.stderr).toMatch(/the plan was not written and the campaign stays open/);
    await expect(stat(join(dir, 'plan.json'))).rejects.toThrow();
    expect((await readCampaign(join(dir, 'c'))).closed).toBeUndefined();
    await writeFile(
      join(dir, 'ok.yaml'),
      'version: 1\nrules:\n  - id: ann-keeps-db\n    title: ann keeps db-01\n    severity: high\n    kind: require\n    subjects: { type: user, name: ann }\n    resources: { type: system, name: db-01 }\n',
    );
    const allowed = await run(['review', 'close', 'c', '--unreviewed', 'flag', '--out', 'plan.json', '--rules', 'ok.yaml']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect((await readCampaign(join(dir, 'c'))).closed!.rules).toMatchObject({ file: 'ok.yaml', resolved: 0 });
  });
});

describe("review close's plan (planRemediation) on the hand-built tenant with dynamic groups", () => {
  const t = dynamicTenant();
  const g = AccessGraph.fromTenant(t.tenant);
  const pair = (subject: { id: string }, target: { id: string }) => ({ subject: subject.id, target: target.id });
  const lostAfter = (operations: readonly ApiOperation[]): string[] => {
    const before = allBindings(g);
    const after = allBindings(AccessGraph.fromTenant(applied(t.tenant, operations)));
    return [...before.keys()].filter((k) => !after.has(k)).sort();
  };

  it('exempts a member from a review-required rule and then removes it, where the association is kept', () => {
    // jana's GitHub comes only through Engineering~GitHub, which ann's kept GitHub needs too.
    const plan = planRemediation(g, { revoke: [pair(t.jana, t.github)], keep: [pair(t.ann, t.github)] });
    expect(plan.conflicts).toEqual([]);
    expect(plan.steps.map((s) => `${s.action} ${s.operation.method} ${s.operation.path}`)).toEqual([
      `exempt PUT /api/v2/usergroups/${t.eng.id}`,
      `remove POST /api/v2/usergroups/${t.eng.id}/members`,
    ]);
    expect(plan.steps[0]!.operation.body['memberQueryExemptions']).toEqual([
      { id: t.omar.id, type: 'user' },
      { id: t.jana.id, type: 'user' },
    ]);
    expect(plan.steps[1]!.note).toBe('holds: the previous step exempted user:jana from the rule');
    // Sent with every rule run after each: jana's GitHub and web-1 (Engineering's) end, nothing else.
    expect(lostAfter(plan.steps.map((s) => s.operation))).toEqual([`${t.jana.id}>${t.github.id}`, `${t.jana.id}>${t.web.id}`]);
    expect(plan.collateral.lost.map((b) => `${b.subject.id}>${b.target.id}`)).toEqual([`${t.jana.id}>${t.web.id}`]);
    expect(plan.verified).toBe(true);
  });

  it('two exemptions from one automated group send the same record with both, so neither undoes the other', () => {
    const plan = planRemediation(g, { revoke: [pair(t.jana, t.slack), pair(t.ann, t.slack)], keep: [pair(t.lee, t.slack)] });
    expect(plan.steps.map((s) => s.action)).toEqual(['exempt', 'exempt']);
    expect(plan.steps[0]!.operation).toEqual(plan.steps[1]!.operation);
    const exempted = (plan.steps[0]!.operation.body['memberQueryExemptions'] as { id: string }[]).map((e) => e.id);
    expect(exempted.sort()).toEqual([t.sue.id, 'user-deleted', t.jana.id, t.ann.id].sort());
    expect(lostAfter(plan.steps.map((s) => s.operation))).toEqual([`${t.ann.id}>${t.slack.id}`, `${t.jana.id}>${t.slack.id}`].sort());
    // Each step alone (the other's PUT lost) would not hold: the second would put the first member back.
    expect(lostAfter([plan.steps[0]!.operation])).toHaveLength(2);
  });

  it('removes a hand-added member without an exemption, and says where a rule cannot be evaluated', () => {
    // bob is in Engineering by hand (review-required; the rule does not match him) and in Flagged (rule in error).
    const plan = planRemediation(g, { revoke: [pair(t.bob, t.github)], keep: [pair(t.jana, t.github)] });
    expect(plan.conflicts).toEqual([]);
    expect(plan.steps.some((s) => s.action === 'exempt')).toBe(false);
    expect(plan.steps.find((s) => s.edge.from.id === t.eng.id)?.operation.path).toBe(`/api/v2/usergroups/${t.eng.id}/members`);
    for (const s of plan.steps.filter((x) => x.edge.kind === 'membership' && x.edge.from.id === t.flagged.id))
      expect(s.note).toMatch(/cannot evaluate.*this removal may not hold/);
    expect(plan.verified).toBe(true);
  });

  it('with exemptions: false, a rule-produced membership is not cut: the revoke that needs its exemption is a conflict again', () => {
    const plan = planRemediation(g, { revoke: [pair(t.jana, t.slack)], keep: [pair(t.lee, t.slack)] }, { exemptions: false });
    expect(plan.steps).toEqual([]);
    expect(plan.conflicts.map((c) => [c.kind, c.kept.map((k) => k.subject.id)])).toEqual([['alone', [t.lee.id]]]);
  });
});

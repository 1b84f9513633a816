/**
 * check on a small organization built by hand, one kind of rule at a time: what each finds, the paths at
 * fault, exceptions and their end dates, and the fix plans (applied to a copy, they end the violation).
 */
import { describe, expect, it } from 'vitest';
import { AccessGraph, ConcurrentEditError } from '../../src/graph/index.ts';
import { describePath } from '../../src/analysis/revoke.ts';
import {
  check,
  checkReport,
  fixPlanFile,
  newViolations,
  parseRuleFile,
  planFix,
  rulesAffectedByGaps,
  changeViolations,
} from '../../src/rules/index.ts';
import { rulesRemovalsCanBreak } from '../../src/rules/fix.ts';
import { associationKindKey, type Coverage } from '../../src/model/index.ts';
import { TenantBuilder, SUDO } from '../analysis/tenant-builder.ts';

const NOW = Date.parse('2026-06-01T12:00:00Z');

/**
 * ann (contractor) in Contractors, which is bound to the prod group (prod-db) and to Payroll;
 * bob in IT Admins (own sudo) bound to prod-db, and bob directly on web-01 with sudo, and on Bank;
 * cid suspended, in Staff (bob too), bound to web-01; a Mac with no policy, a Mac with FileVault.
 */
function organization() {
  const t = new TenantBuilder();
  const ann = t.user('ann', { employeeType: 'contractor', department: 'Sales' });
  const bob = t.user('bob', { department: 'IT' });
  const cid = t.user('cid', { state: 'SUSPENDED' });
  const contractors = t.userGroup('Contractors');
  const admins = t.userGroup('IT Admins', SUDO);
  const staff = t.userGroup('Staff');
  const prodDb = t.system('prod-db', { os: 'Ubuntu' });
  const web = t.system('web-01', { os: 'Ubuntu' });
  const mac1 = t.system('mac-1', { os: 'Mac OS X' });
  const mac2 = t.system('mac-2', { os: 'Mac OS X' });
  const prod = t.systemGroup('Prod');
  const payroll = t.add('application', 'Payroll');
  const bank = t.add('application', 'Bank');
  const filevault = t.add('policy', 'FileVault');
  t.member(contractors, ann).member(admins, bob).member(staff, cid).member(staff, bob).member(prod, prodDb);
  t.associate(contractors, prod).associate(contractors, payroll).associate(admins, prod);
  t.associate(bob, web, SUDO).associate(bob, bank).associate(staff, web).associate(mac2, filevault);
  return { g: AccessGraph.fromTenant(t.build()), ids: { ann, bob, cid, prodDb, web, mac1, payroll, bank } };
}

const rules = (body: string) => parseRuleFile(`version: 1\nrules:\n${body}`, 'r.yaml');

describe('check', () => {
  const { g, ids } = organization();

  it('forbid: every binding from the subjects to the resources, with its paths', () => {
    const f = rules(
      `  - { id: c, title: No contractors on Linux, kind: forbid, subjects: { employeeType: contractor }, resources: { type: system, os: Ubuntu } }\n`,
    );
    const r = check(g, f, { now: NOW });
    expect(r.violations.map((v) => [v.subject!.name, v.resource!.name])).toEqual([['ann', 'prod-db']]);
    expect(r.violations[0]!.paths.map(describePath)).toEqual(['user:ann → user_group:Contractors → system_group:Prod → system:prod-db']);
    expect(r.rules[0]).toMatchObject({ violations: 1, excused: 0 });
  });

  it('lazy paths are read from the graph as checked: once it is edited, reading them is refused, not answered from the new graph', () => {
    const { g: edited } = organization();
    const f = rules(
      `  - { id: c, title: No contractors on Linux, kind: forbid, subjects: { employeeType: contractor }, resources: { type: system, os: Ubuntu } }\n`,
    );
    const [v] = check(edited, f, { now: NOW, lazyPaths: true }).violations;
    expect(v!.paths.map(describePath)).toEqual(['user:ann → user_group:Contractors → system_group:Prod → system:prod-db']);
    edited.removeEdge(v!.paths[0]!.edges[0]!);
    expect(() => v!.paths).toThrow(ConcurrentEditError);
    expect(v!.key).toBe(`c|${ids.ann.id}|${ids.prodDb.id}`);
  });

  it('forbid with sudo keeps the sudo bindings, with the paths that grant it; with direct, the direct bindings and paths', () => {
    const sudo = check(
      g,
      rules(`  - { id: s, title: t, kind: forbid, subjects: { type: user }, resources: { type: system }, sudo: true }\n`),
      { now: NOW },
    );
    expect(sudo.violations.map((v) => `${v.subject!.name}>${v.resource!.name}`).sort()).toEqual(['bob>prod-db', 'bob>web-01']);
    const direct = check(
      g,
      rules(`  - { id: d, title: t, kind: forbid, subjects: { type: user }, resources: { type: system }, direct: true }\n`),
      { now: NOW },
    );
    expect(direct.violations.map((v) => [`${v.subject!.name}>${v.resource!.name}`, v.paths.map(describePath)])).toEqual([
      ['bob>web-01', ['user:bob → system:web-01']],
    ]);
  });

  it('exclusive: a subject on both sides, both sides listed', () => {
    const f = rules(
      `  - { id: x, title: t, severity: critical, kind: exclusive, left: { name: payroll }, right: { name: [bank, payroll] } }\n`,
    );
    const r = check(g, f, { now: NOW });
    // ann reaches Payroll, which both sides pick: she holds both.
    expect(
      r.violations.map((v) => [v.subject!.name, v.sides!.left.map((b) => b.target.name), v.sides!.right.map((b) => b.target.name)]),
    ).toEqual([['ann', ['Payroll'], ['Payroll']]]);
    const apart = check(g, rules(`  - { id: x, title: t, kind: exclusive, left: { name: payroll }, right: { name: bank } }\n`), {
      now: NOW,
    });
    expect(apart.violations).toEqual([]);
  });

  it('only_through: a sudo grant that does not pass through IT Admins', () => {
    const f = rules(`  - { id: o, title: t, kind: only_through, resources: { type: system }, sudo: true, through: { name: IT Admins } }\n`);
    const r = check(g, f, { now: NOW });
    // bob's sudo on prod-db comes through IT Admins; on web-01 from his own association.
    expect(r.violations.map((v) => [`${v.subject!.name}>${v.resource!.name}`, v.paths.map(describePath)])).toEqual([
      ['bob>web-01', ['user:bob → system:web-01']],
    ]);
  });

  it('require: each subject that misses a resource', () => {
    const f = rules(
      `  - { id: q, title: t, kind: require, subjects: { type: system, os: Mac OS X }, resources: { type: policy, name: FileVault } }\n`,
    );
    const r = check(g, f, { now: NOW });
    expect(r.violations.map((v) => [v.subject!.name, v.resource!.name, v.paths.length])).toEqual([['mac-1', 'FileVault', 0]]);
  });

  it('none: every binding of the subjects', () => {
    const r = check(g, rules(`  - { id: n, title: t, kind: none, subjects: { state: SUSPENDED } }\n`), { now: NOW });
    expect(r.violations.map((v) => `${v.subject!.name}>${v.resource!.name}`)).toEqual(['cid>web-01']);
  });

  it('an exception excuses until it expires; once expired it is a violation of its own and excuses nothing', () => {
    const f = rules(`  - id: c
    title: t
    kind: forbid
    subjects: { type: user }
    resources: { name: prod-db }
    exceptions:
      - { subjects: { name: bob }, owner: sec, reason: on call, expires: 2026-06-01 }
`);
    const before = check(g, f, { now: Date.parse('2026-06-01T23:59:59Z') });
    expect(before.violations.map((v) => v.subject!.name)).toEqual(['ann']);
    expect(before.excused.map((e) => [e.violation.subject!.name, e.exception.owner])).toEqual([['bob', 'sec']]);
    const after = check(g, f, { now: Date.parse('2026-06-02T00:00:00Z') });
    expect(after.excused).toEqual([]);
    expect(after.violations.map((v) => v.finding).sort()).toEqual(['expired-exception', 'forbid', 'forbid']);
    expect(after.violations.find((v) => v.finding === 'expired-exception')!.message).toMatch(/expired on 2026-06-01/);
  });

  it('fix plans end the violation: least collateral first, one side of an exclusive, the direct edges of a direct forbid', () => {
    const f = rules(`  - { id: c, title: t, kind: forbid, subjects: { name: ann }, resources: { name: prod-db } }
  - { id: d, title: t, kind: forbid, subjects: { name: bob }, resources: { name: web-01 }, direct: true }
  - { id: x, title: t, kind: exclusive, left: { name: prod-db }, right: { name: bank } }
`);
    const report = checkReport(g, f, { now: NOW });
    expect(report.violations.map((v) => v.key).sort()).toEqual([
      `c|${ids.ann.id}|${ids.prodDb.id}`,
      `d|${ids.bob.id}|${ids.web.id}`,
      `x|${ids.bob.id}`,
    ]);
    for (const v of report.violations) {
      const fix = report.fixes.get(v.key)!;
      expect(fix.plan, v.key).toBeDefined();
      const changes = fix.plan!.steps.map((s) => ({ op: 'remove-edge' as const, edge: s.edge }));
      const effect = changeViolations(g, f, changes, { now: NOW });
      expect(effect.resolved.map((x) => x.key)).toContain(v.key);
      expect(effect.added).toEqual([]);
    }
    const d = report.fixes.get(`d|${ids.bob.id}|${ids.web.id}`)!.plan!;
    expect(d.strategy).toBe('direct-edges');
    expect(d.steps.map((s) => s.edgeKey)).toHaveLength(1);
    // Contractors is bound to Prod and Payroll: ann leaving Contractors loses Payroll and Prod; cutting
    // Contractors~Prod loses her the Prod group alone; taking prod-db out of Prod loses bob his.
    const c = report.fixes.get(`c|${ids.ann.id}|${ids.prodDb.id}`)!.plan!;
    expect(c.collateral.map((b) => `${b.subject.name}>${b.target.name}`)).toEqual(['ann>Prod']);
    expect(c.steps.map((s) => `${s.from.name}~${s.to.name}`)).toEqual(['Contractors~Prod']);
  });

  it('keeps no fix that would add a violation of the file, and says why', () => {
    // Taking ann out of Contractors (or cutting Contractors from Prod) would leave her without prod-db, which another rule requires.
    const f = rules(`  - { id: c, title: t, kind: forbid, subjects: { name: ann }, resources: { name: prod-db } }
  - { id: r, title: t, kind: require, subjects: { name: ann }, resources: { name: prod-db } }
`);
    const r = check(g, f, { now: NOW });
    const fix = planFix(g, f, r.violations[0]!, { now: NOW });
    expect(fix.plan).toBeUndefined();
    expect(fix.reason).toMatch(/would add a violation: user:ann does not reach system:prod-db/);
  });

  it('the fix plans of one check share their work: a second violation with the same plan gets the same answer, the one planFix gives alone', () => {
    // c and c2 are the same violation under two rules: the plans of c2 are the removals c's were, and would add r's violation too.
    const f = rules(`  - { id: c, title: t, kind: forbid, subjects: { name: ann }, resources: { name: prod-db } }
  - { id: c2, title: t, kind: forbid, subjects: { employeeType: contractor }, resources: { name: prod-db } }
  - { id: r, title: t, kind: require, subjects: { name: ann }, resources: { name: prod-db } }
  - { id: p, title: t, kind: forbid, subjects: { name: ann }, resources: { name: Payroll } }
  - { id: p2, title: t, kind: none, subjects: { name: ann }, resources: { name: Payroll } }
`);
    const report = checkReport(g, f, { now: NOW });
    const fixes = report.violations.map((v) => [v.rule.id, report.fixes.get(v.key)] as const);
    expect(fixes.map(([id]) => id).sort()).toEqual(['c', 'c2', 'p', 'p2']);
    const byRule = new Map(fixes);
    for (const id of ['c', 'c2']) expect(byRule.get(id)?.reason).toMatch(/would add a violation: user:ann does not reach system:prod-db/);
    expect(byRule.get('p')?.plan?.steps.map((s) => `${s.from.name}~${s.to.name}`)).toEqual(['Contractors~Payroll']);
    expect(byRule.get('p2')).toEqual(byRule.get('p'));
    const atFault = new Set([`${ids.ann.id}>${ids.prodDb.id}`, `${ids.ann.id}>${ids.payroll.id}`]);
    for (const v of report.violations)
      expect(report.fixes.get(v.key), v.key).toEqual(planFix(g, f, v, { now: NOW, atFault, checked: report }));
  });

  it('a fix plan looks for the violations it adds among the rules removals can break: require, sudo, member_of', () => {
    // dee: "no sudo" on web directly, Admins' own sudo through the group; eve: in Admins and Staff, both bound to App.
    const t = new TenantBuilder();
    const dee = t.user('dee');
    const eve = t.user('eve');
    const admins = t.userGroup('Admins', SUDO);
    const staff = t.userGroup('Staff');
    const web = t.system('web');
    const app = t.add('application', 'App');
    t.member(admins, dee).member(admins, eve).member(staff, eve);
    t.associate(dee, web, { sudo: { enabled: false, withoutPassword: false } })
      .associate(admins, web)
      .associate(admins, app)
      .associate(staff, app);
    const org = AccessGraph.fromTenant(t.build());
    const f = rules(`  - { id: s, title: t, kind: forbid, subjects: { name: dee }, resources: { name: web }, sudo: true }
  - { id: m, title: t, kind: forbid, subjects: { all: [{ type: user }, { not: { member_of: user_group:Admins } }] }, resources: { name: App } }
  - { id: q, title: t, kind: require, subjects: { name: eve }, resources: { name: web } }
  - { id: n, title: t, kind: none, subjects: { name: dee }, resources: { name: App } }
`);
    expect(rulesRemovalsCanBreak(f).rules.map((r) => r.id)).toEqual(['s', 'm', 'q']);
    const added = (removed: Parameters<AccessGraph['removeEdge']>[0]) => {
      const copy = org.clone();
      copy.removeEdge(removed);
      const whole = newViolations(org, copy, f, { now: NOW }).added.map((v) => v.key);
      expect(newViolations(org, copy, rulesRemovalsCanBreak(f), { now: NOW }).added.map((v) => v.key)).toEqual(whole);
      return whole;
    };
    // The "no sudo" gone lets Admins' sudo through; eve out of Admins is picked by m and misses web.
    expect(added({ kind: 'association', from: dee, to: web })).toEqual([`s|${dee.id}|${web.id}`]);
    expect(added({ kind: 'membership', from: admins, to: eve }).sort()).toEqual([`m|${eve.id}|${app.id}`, `q|${eve.id}|${web.id}`]);
  });

  it('--plan-out: fix plans fine alone but adding a violation together are refused as one plan file; otherwise one file', () => {
    // bob reaches web directly and through Staff, and must keep it; cid reaches web and wiki through Staff.
    const t = new TenantBuilder();
    const bob = t.user('bob');
    const cid = t.user('cid');
    const staff = t.userGroup('Staff');
    const web = t.system('web');
    const wiki = t.add('application', 'wiki');
    t.member(staff, bob).member(staff, cid).associate(staff, web).associate(staff, wiki).associate(bob, web);
    const og = AccessGraph.fromTenant(t.build());
    const context = { snapshot: { kind: 'simulated' as const, preset: 'hand', orgId: 'o' } };
    const direct = `  - { id: d, title: t, kind: forbid, subjects: { name: bob }, resources: { name: web }, direct: true }
  - { id: s, title: t, kind: forbid, subjects: { name: cid }, resources: { name: web } }
`;
    // Alone, d's fix removes bob~web (Staff remains) and s's removes Staff~web (cid keeps wiki, bob his direct path).
    const both = rules(`${direct}  - { id: r, title: t, kind: require, subjects: { name: bob }, resources: { name: web } }\n`);
    const report = checkReport(og, both, { now: NOW });
    expect([...report.fixes.values()].map((f) => f.plan?.steps.map((x) => `${x.from.name}~${x.to.name}`))).toEqual([
      ['bob~web'],
      ['Staff~web'],
    ]);
    const refused = fixPlanFile(og, both, report, context);
    expect(refused.plan).toBeUndefined();
    expect(refused).toMatchObject({ empty: false });
    expect(refused.plan ? '' : refused.refused).toMatch(
      /^the 2 fix plans together would add a violation: user:bob does not reach system:web/,
    );
    // Without the require rule, one plan file with both steps, ending both violations' bindings.
    const made = fixPlanFile(og, rules(direct), checkReport(og, rules(direct), { now: NOW }), context);
    expect(made.plan?.steps.map((x) => x.request.path).sort()).toEqual(
      [`/api/v2/usergroups/${staff.id}/associations`, `/api/v2/users/${bob.id}/associations`].sort(),
    );
    expect(made.plan?.verification.ends.map((b) => `${b.subject.name}>${b.target.name}`).sort()).toEqual(['bob>web', 'cid>web']);
  });

  it("a resource joining a require rule's selection: its violations found from the subjects that reach it, as two whole checks find them", () => {
    // Every user must reach every system of Prod. mac-1 joins Prod: ann and bob reach it through Prod, cid
    // (whose bindings the change does not touch) does not: a violation of a subject outside the change.
    const f = rules(`  - { id: p, title: t, kind: require, subjects: { type: user }, resources: { member_of: system_group:Prod } }\n`);
    const prod = [...g.objects('system_group')].find((o) => o.name === 'Prod')!;
    const changes = [
      { op: 'add-edge' as const, edge: { kind: 'membership' as const, from: { type: 'system_group', id: prod.id }, to: ids.mac1 } },
    ];
    const scoped = changeViolations(g, f, changes, { now: NOW });
    expect(scoped.added.map((v) => `${v.subject!.name}>${v.resource!.name}`)).toEqual(['cid>mac-1']);
    expect(scoped.resolved).toEqual([]);
    const copy = g.clone();
    copy.addEdge({ ...changes[0]!.edge, attributes: null });
    const whole = newViolations(g, copy, f, { now: NOW });
    expect(whole.added.map((v) => v.key)).toEqual(scoped.added.map((v) => v.key));
  });

  it('names the rules a partial snapshot could hide violations of, and no others', () => {
    const f = rules(`  - { id: apps, title: t, kind: none, subjects: { type: user }, resources: { type: application } }
  - { id: cmds, title: t, kind: none, subjects: { type: system }, resources: { type: command } }
`);
    const coverage: Coverage = {
      complete: false,
      planned: 10,
      gaps: [
        {
          collection: 'associations:application:x',
          endpoint: 'GET /api/v2/applications/x/associations?targets=user,user_group',
          state: 'unread',
          cause: 'http',
          status: 500,
          attempts: 3,
          message: 'm',
          provides: {
            kind: 'edges',
            source: { type: 'application', id: 'x' },
            edgeKinds: [associationKindKey('application', 'user_group')],
          },
        },
      ],
    };
    expect(rulesAffectedByGaps(f, coverage).map((x) => x.rule.id)).toEqual(['apps']);
    expect(rulesAffectedByGaps(f, { ...coverage, complete: true, gaps: [] })).toEqual([]);
  });
});

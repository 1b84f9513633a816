/**
 * `jcgraph check`: the exit codes (1 at --fail-on, 2 for a refused rule file, 3 when a gap could hide a
 * violation), and each output: text, JSON, SARIF 2.1.0 (validated against the official schema), JUnit XML
 * (parsed), OCSF Compliance Findings (the fields OCSF 1.2.0 requires of class 2003).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv04 from 'ajv-draft-04';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTenant } from '../../src/simulator/index.ts';
import { associationKindKey } from '../../src/model/index.ts';
import { saveSnapshot } from '../../src/snapshot/index.ts';
import { ROOT, cli } from './run.ts';
import { handMadeMeta } from '../helpers/snapshot.ts';

const AT = '2026-12-01T00:00:00Z';
const BASE = ['check', '--rules', 'examples/jcgraph-rules.yaml', '--sim', 'small', '--at', AT];

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-check-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('jcgraph check', () => {
  it('prints each rule with its violations, their paths and fix plans, and exits 1 at --fail-on', async () => {
    const r = await cli([...BASE, '--limit', '1']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Rules examples\/jcgraph-rules\.yaml on simulated small:1: 5 rules, 300 subjects/);
    expect(r.stdout).toMatch(/\nCRITICAL sod-workday-salesforce: Nobody holds both Workday and Salesforce \(exclusive\): \d+ violations\n/);
    expect(r.stdout).toMatch(/\n {4}left: user:\S+ → .* → application:Workday\n/);
    expect(r.stdout).toMatch(/\n {4}fix \(least-collateral, (left|right) side; /);
    expect(r.stdout).toMatch(/\n {6}POST \/api\/v2\/\S+ \{"op":"remove",/);
    expect(r.stdout).toMatch(
      /\nExcused \(\d+\):\n {2}contractors-no-servers: user:\S+ → system:\S+ by exception 1 \(it-security@example\.com: /,
    );
  });

  it('exits 0 when no violation reaches --fail-on', async () => {
    const rules = join(dir, 'medium.yaml');
    await writeFile(
      rules,
      'version: 1\nrules:\n  - { id: m, title: t, severity: medium, kind: none, subjects: { type: user, state: SUSPENDED } }\n',
    );
    const r = await cli(['check', '--rules', rules, '--sim', 'small', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.totals.violations).toBeGreaterThan(0);
    expect(doc.totals.failing).toBe(0);
    expect((await cli(['check', '--rules', rules, '--sim', 'small', '--fail-on', 'medium', '--format', 'junit'])).code).toBe(1);
  });

  it('refuses a rule file with file, line and column (exit 2), and a bad --fail-on', async () => {
    const rules = join(dir, 'bad.yaml');
    await writeFile(rules, 'version: 1\nrules:\n  - id: a\n    title: t\n    kind: deny\n');
    const r = await cli(['check', '--rules', rules, '--sim', 'tiny']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${rules}:5:11: "deny" is not a kind of rule; kinds are forbid, exclusive, only_through, require, none.\n`);
    const severity = await cli([...BASE, '--fail-on', 'urgent']);
    expect(severity.code).toBe(2);
    expect(severity.stderr).toMatch(/--fail-on must be one of info, low, medium, high, critical/);
  });

  it('--json: every violation with its rule, binding, paths and fix', async () => {
    const r = await cli([...BASE, '--json']);
    const doc = JSON.parse(r.stdout);
    expect(doc.rules.map((x: any) => x.rule.id)).toEqual([
      'contractors-no-servers',
      'sod-workday-salesforce',
      'sudo-only-it-admins',
      'macs-lock-screen',
      'suspended-no-access',
    ]);
    expect(doc.totals.violations).toBe(doc.violations.length);
    const forbidden = doc.violations.find((v: any) => v.finding === 'none');
    expect(forbidden.binding.paths.length).toBeGreaterThan(0);
    // A removal is a POST; a membership a dynamic group's rule makes is cut by the group's PUT (an exemption).
    const first = forbidden.fix.plan.steps[0];
    expect(first.operation.method).toBe(first.action === 'exempt' ? 'PUT' : 'POST');
    // Fix plans for the first 3 fixable violations of each rule; every other fixable one says it was not planned.
    const fixable = doc.violations.filter((v: any) => ['forbid', 'none', 'exclusive'].includes(v.finding));
    const perRule = new Map<string, any[]>();
    for (const v of fixable) perRule.set(v.rule.id, [...(perRule.get(v.rule.id) ?? []), v]);
    expect(perRule.size).toBeGreaterThan(1);
    const most = Math.max(...[...perRule.values()].map((vs) => vs.length));
    expect(most).toBeGreaterThan(3);
    for (const vs of perRule.values()) {
      expect(vs.slice(0, 3).every((v: any) => v.fix !== null && v.fixNotPlanned === undefined)).toBe(true);
      for (const v of vs.slice(3)) {
        expect(v.fix).toBeNull();
        expect(v.fixNotPlanned).toBe(`not planned: past the first 3 of rule ${v.rule.id} (--fix-limit ${most} plans every one)`);
      }
    }
    expect(doc.fixLimit).toBe(3);
    expect(doc.unplanned).toBe(fixable.length - doc.violations.filter((v: any) => v.fix !== null).length);
    expect(doc.unplanned).toBeGreaterThan(0);
  });

  it('--format sarif validates against the official SARIF 2.1.0 schema', async () => {
    const schema = JSON.parse(await readFile(resolve(ROOT, 'test/rules/sarif-schema-2.1.0.json'), 'utf8'));
    const validate = new Ajv04.default({ allErrors: true, strict: false }).compile(schema);
    const r = await cli([...BASE, '--format', 'sarif']);
    const log = JSON.parse(r.stdout);
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((x: any) => x.id)).toHaveLength(5);
    const result = run.results[0];
    expect(result.ruleId).toBe('sod-workday-salesforce');
    expect(result.level).toBe('error');
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'examples/jcgraph-rules.yaml' },
      region: { startLine: 19, startColumn: 5 },
    });
    // Past the per-rule limit of fix plans, a result says so instead of carrying a plan.
    const unplanned = run.results.filter((x: any) => x.properties.fixNotPlanned !== undefined);
    expect(unplanned.length).toBe(run.invocations[0].properties.unplanned);
    expect(unplanned.length).toBeGreaterThan(0);
    expect(
      unplanned.every((x: any) => x.properties.fix === undefined && /--fix-limit \d+ plans every one/.test(x.properties.fixNotPlanned)),
    ).toBe(true);
    // A broken log fails the same validation.
    expect(validate({ ...log, version: '2.0.0' })).toBe(false);
  });

  it('--format junit parses as JUnit XML: a suite per rule, a failure per violation, a skipped case per excused one', async () => {
    const r = await cli([...BASE, '--format', 'junit']);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    expect(XMLValidator.validate(r.stdout.replace('</testsuites>', ''))).not.toBe(true);
    const xml = new XMLParser({
      ignoreAttributes: false,
      processEntities: false, // the failure texts hold thousands of &gt; (paths): left as written
      attributeNamePrefix: '',
      isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
    }).parse(r.stdout);
    const suites = xml.testsuites.testsuite;
    expect(suites).toHaveLength(5);
    const doc = JSON.parse((await cli([...BASE, '--json'])).stdout);
    const failures = suites.flatMap((s: any) => s.testcase.filter((c: any) => c.failure));
    expect(failures).toHaveLength(doc.totals.violations);
    expect(Number(xml.testsuites.failures)).toBe(doc.totals.violations);
    expect(suites.flatMap((s: any) => s.testcase.filter((c: any) => c.skipped !== undefined))).toHaveLength(doc.totals.excused);
    expect(suites[1].name).toBe('sod-workday-salesforce: Nobody holds both Workday and Salesforce');
    const notPlanned = failures.filter((c: any) => String(c.failure['#text']).includes('fix not planned: past the first 3 of rule'));
    expect(notPlanned).toHaveLength(doc.unplanned);
  });

  it('--format ocsf: one Compliance Finding per violation with the fields OCSF 1.2.0 requires', async () => {
    const required = JSON.parse(await readFile(resolve(ROOT, 'test/rules/ocsf-required-1.2.0.json'), 'utf8'));
    const r = await cli([...BASE, '--format', 'ocsf']);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const doc = JSON.parse((await cli([...BASE, '--json'])).stdout);
    expect(lines).toHaveLength(doc.totals.violations);
    for (const finding of lines) {
      for (const field of required.classes['2003']) expect(finding, field).toHaveProperty(field);
      for (const [object, fields] of Object.entries<string[]>(required.objects)) {
        const at = object === 'product' ? finding.metadata.product : finding[object];
        for (const field of fields) expect(at, `${object}.${field}`).toHaveProperty(field);
      }
      expect(finding).toMatchObject({ class_uid: 2003, category_uid: 2, type_uid: 200301, activity_id: 1, time: Date.parse(AT) });
    }
    expect(lines[0].compliance).toMatchObject({ control: 'sod-workday-salesforce', standards: ['sox'], status: 'Fail' });
    expect(new Set(lines.map((l) => l.finding_info.uid)).size).toBe(lines.length);
    expect(lines.filter((l) => l.unmapped.fixNotPlanned !== undefined)).toHaveLength(doc.unplanned);
    expect(lines.filter((l) => l.unmapped.fix !== undefined).length).toBe(doc.violations.filter((v: any) => v.fix?.plan).length);
  });

  it('exits 3 on a partial snapshot whose gaps could hide a violation, naming the rule; 0 when no rule is concerned', async () => {
    const tenant = generateTenant({ preset: 'tiny', seed: 1 });
    const group = tenant.objects.find((o) => o.type === 'user_group')!;
    const meta = {
      ...handMadeMeta(tenant.orgId),
      coverage: {
        complete: false,
        planned: 100,
        gaps: [
          {
            collection: `associations:user_group:${group.id}`,
            endpoint: `GET /api/v2/usergroups/${group.id}/associations?targets=application`,
            state: 'unread' as const,
            cause: 'http' as const,
            status: 500,
            attempts: 3,
            message: 'm',
            provides: {
              kind: 'edges' as const,
              source: { type: 'user_group', id: group.id },
              edgeKinds: [associationKindKey('application', 'user_group')],
            },
          },
        ],
      },
    };
    const snapshot = join(dir, 'partial.json');
    await saveSnapshot(snapshot, { meta, tenant });
    const apps = join(dir, 'apps.yaml');
    await writeFile(
      apps,
      'version: 1\nrules:\n  - { id: apps, title: t, kind: forbid, subjects: { name: nobody-at-all }, resources: { type: application } }\n',
    );
    const hidden = await cli(['check', '--rules', apps, '--snapshot', snapshot]);
    expect(hidden.code).toBe(3);
    expect(hidden.stderr).toMatch(/is PARTIAL: 1 collection was not read/);
    expect(hidden.stderr).toMatch(
      /Rule apps could be hiding violations: GET \/api\/v2\/usergroups\/\S+\/associations\?targets=application was not read\./,
    );
    const commands = join(dir, 'commands.yaml');
    await writeFile(
      commands,
      'version: 1\nrules:\n  - { id: cmds, title: t, kind: none, subjects: { type: system, name: nothing-* }, resources: { type: command } }\n',
    );
    const clear = await cli(['check', '--rules', commands, '--snapshot', snapshot]);
    expect(clear.stderr).toMatch(/No rule is affected/);
    expect(clear.code).toBe(0);
  });
});

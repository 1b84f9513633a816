/** The analysis commands in-process through main(), on the hand-built tenant saved as snapshots and on `--sim tiny`. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessGraph } from '../../src/graph/index.ts';
import { associationEdge, edgeKey, membershipEdge, type TenantData } from '../../src/model/index.ts';
import { saveSnapshot, type SnapshotMeta } from '../../src/snapshot/index.ts';
import { generateTenant } from '../../src/simulator/index.ts';
import { why } from '../../src/analysis/why.ts';
import { findings } from '../../src/analysis/findings/index.ts';
import { cli } from './run.ts';
import { handMadeMeta } from '../helpers/snapshot.ts';
import { acme } from '../analysis/acme.ts';

const meta: SnapshotMeta = handMadeMeta('org-acme');

let dir: string;
const t = acme();
const run = (argv: string[]) => cli(argv, { cwd: dir });
const onAcme = (argv: string[]) => run([...argv, '--snapshot', 'acme.json']);

async function save(name: string, tenant: TenantData): Promise<void> {
  await saveSnapshot(join(dir, name), { meta, tenant });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-analysis-cli-'));
  await save('acme.json', t.tenant);
  // A week later: bob joined Admins (sudo on db-01), ann's direct association with web-01 is gone.
  const gone = edgeKey(associationEdge(t.ann, t.web1));
  await save('acme-later.json', {
    ...t.tenant,
    edges: [...t.tenant.edges.filter((e) => edgeKey(e) !== gone), membershipEdge(t.admins, t.bob)],
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('jcgraph why / access / who', () => {
  it('why prints every path, labelled, and where each attribute comes from', async () => {
    const r = await onAcme(['why', 'user:ann', 'system:web-01']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('user:ann reaches system:web-01: direct/indirect, 3 paths.');
    expect(r.stdout).toContain(
      '1. direct    user:ann → system:web-01   [user:ann–system:web-01 {"sudo":{"enabled":true,"withoutPassword":true}}]',
    );
    expect(r.stdout).toContain('3. indirect  user:ann → user_group:Engineering → system_group:"Web Servers" → system:web-01');
    expect(r.stdout).toContain('sudo: {"enabled":true,"withoutPassword":true}   (user-association, from path 1)');
    expect(r.stdout).toContain('ldapGroups: [{"name":"eng"}]   (from paths 2, 3)');
    const json = await onAcme(['why', 'user:ann', 'system:web-01', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(why(AccessGraph.fromTenant(t.tenant), t.ann.id, t.web1.id))));
    expect((await onAcme(['why', 'user:carol', 'system:web-01'])).stdout).toBe('user:carol does not reach system:web-01.\n');
  });

  it('access lists every binding; who lists every subject of a resource', async () => {
    const access = await onAcme(['access', 'jdoe']);
    expect(access.code).toBe(0);
    expect(access.stdout.split('\n')[0]).toBe('user:jdoe is bound to 5 objects.');
    expect(access.stdout).toMatch(/system\s+db-01\s+system-db-01\s+indirect\s+1\s+yes\n/);
    expect(access.stdout).toMatch(/application\s+GitHub\s+application-GitHub\s+indirect\s+1\s*\n/);
    const json = JSON.parse((await onAcme(['access', 'user:jdoe', '--type', 'system', '--json'])).stdout);
    expect(json.bindings.map((b: { target: { name: string } }) => b.target.name)).toEqual(['db-01', 'web-01', 'web-02']);
    const who = await onAcme(['who', 'system:web-01', '--paths']);
    expect(who.stdout.split('\n')[0]).toBe('3 subjects can reach system:web-01.');
    expect(who.stdout).toContain('    user:jdoe → user_group:Engineering → system:web-01\n');
    expect(who.stdout).toMatch(/user_group\s+Engineering\s+user_group-Engineering\s+direct\/indirect\s+2/);
  });
});

describe('jcgraph revoke / offboard', () => {
  it('prints the plan as API calls with collateral, and checks it', async () => {
    const r = await onAcme(['revoke', 'user:jdoe', 'system:web-01', '--strategy', 'least-collateral']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 paths to cut:');
    expect(r.stdout).toContain('1. remove association user_group:Engineering~system:web-01   (cuts path 1)');
    expect(r.stdout).toContain(`POST /api/v2/usergroups/${t.eng.id}/associations {"op":"remove","type":"system","id":"${t.web1.id}"}`);
    expect(r.stdout).toContain('2. remove membership system_group:"Web Servers">system:web-01   (cuts path 2)');
    expect(r.stdout).toContain('user:ann → system:web-01, still through user:ann → system:web-01');
    expect(r.stdout).toContain('system:web-01 → command:patch');
    expect(r.stdout).toContain('Collateral of the whole plan: 1 other binding lost.');
    expect(r.stdout).toContain('Checked: after the plan, user:jdoe no longer reaches system:web-01.');
    const plan = JSON.parse((await onAcme(['revoke', 'user:jdoe', 'system:web-01', '--json'])).stdout);
    expect(plan.steps.map((s: { edgeKey: string }) => s.edgeKey)).toEqual([edgeKey(membershipEdge(t.eng, t.jdoe))]);
  });

  it('honours protected edges written as edge specs, and says when no plan is possible', async () => {
    const r = await onAcme([
      'revoke',
      'user:jdoe',
      'system:web-01',
      '--strategy',
      'least-collateral',
      '--protect',
      'user_group:Engineering>user:jdoe',
      '--protect',
      'system_group:"Web Servers">system:web-01',
    ]);
    expect(r.stdout).toContain('remove association user_group:Engineering~system_group:"Web Servers"');
    const none = await onAcme([
      'revoke',
      'user:jdoe',
      'system:web-01',
      '--protect',
      'user_group:Engineering>user:jdoe',
      '--protect',
      'system:web-01~user_group:Engineering',
    ]);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(
      "jcgraph revoke: No plan can revoke user:jdoe's access to system:web-01 without removing a protected edge: the path user:jdoe → user_group:Engineering → system:web-01 is made only of protected edges.\n",
    );
    expect((await onAcme(['revoke', 'user:jdoe', 'system:web-01', '--strategy', 'cheapest'])).code).toBe(2);
    expect((await onAcme(['revoke', 'user:jdoe', 'system:web-01', '--protect', 'user_group:Admins>user:ann'])).stderr).toMatch(
      /does not have/,
    );
  });

  it('offboard removes every membership and checks nothing remains', async () => {
    const r = await onAcme(['offboard', 'user:jdoe']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Offboard user:jdoe (dry run, nothing is sent): 5 bindings.');
    expect(r.stdout).toContain(`POST /api/v2/usergroups/${t.eng.id}/members {"op":"remove","type":"user","id":"${t.jdoe.id}"}`);
    expect(r.stdout).toContain('Checked: after the plan, user:jdoe has no binding left.');
    expect((await onAcme(['offboard', 'system:web-01'])).stderr).toMatch(/Offboarding is for users/);
  });
});

describe('jcgraph whatif / diff / findings', () => {
  it('whatif reports bindings gained and lost per subject, from flags or a changes file', async () => {
    const r = await onAcme(['whatif', '--remove', 'user_group:Engineering>user:jdoe']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    // The subjects stream out first; the totals, known at the end, come last.
    expect(lines.at(-1)).toMatch(/^1 subject affected: 0 bindings gained, 4 lost, 0 kept with other paths or attributes/);
    expect(lines).toContain('user:jdoe');
    expect(lines).toContain('  - loses system:web-02 (indirect)');
    await writeFile(
      join(dir, 'changes.json'),
      JSON.stringify([
        { op: 'add-object', type: 'system', name: 'web-99' },
        { op: 'add', edge: 'system_group:"Web Servers">system:web-99' },
        { op: 'add', edge: 'user_group:Admins~system:web-01', attributes: { sudo: { enabled: true, withoutPassword: true } } },
      ]),
    );
    const json = JSON.parse((await onAcme(['whatif', '--changes', 'changes.json', '--json'])).stdout);
    // web-99 joins Web Servers: jdoe and ann gain it, and web-99 gains the command patch.
    const gained = json.subjects.flatMap((d: { gained: { subject: { name: string }; target: { name: string } }[] }) =>
      d.gained.map((b) => `${b.subject.name}>${b.target.name}`),
    );
    expect(gained.sort()).toEqual(['ann>web-99', 'jdoe>web-99', 'web-99>patch']);
    // jdoe keeps web-01 with a new path through Admins, which carries sudo without password.
    const changed = json.subjects.flatMap(
      (d: { changed: { after: { subject: { name: string }; target: { name: string }; compiledAttributes?: unknown } }[] }) =>
        d.changed.map((c) => c.after),
    );
    expect(changed.map((b: { subject: { name: string }; target: { name: string } }) => `${b.subject.name}>${b.target.name}`)).toEqual([
      'jdoe>web-01',
    ]);
    expect(changed[0].compiledAttributes.sudo).toEqual({ enabled: true, withoutPassword: false });
    await writeFile(join(dir, 'bad.json'), '[{"op":"rename"}]');
    const bad = await onAcme(['whatif', '--changes', 'bad.json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Change 1 of bad.json has op "rename"/);
    expect((await onAcme(['whatif', '--remove', 'user_group:Admins>user:ann'])).code).toBe(1);
  });

  it('diff puts sudo gained first, then the rest', async () => {
    const r = await run(['diff', 'acme.json', 'acme-later.json']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('SUDO GAINED (1):');
    expect(lines[1]).toBe(
      '  user:bob → system:db-01: sudo (was none) via user:bob → system:db-01; user:bob → user_group:Admins → system:db-01',
    );
    expect(r.stdout).toContain('Paths changed (2):');
    expect(r.stdout).toContain('user:ann → system:web-01: - user:ann → system:web-01');
    expect(r.stdout).toContain('Attributes changed (2):');
    const json = JSON.parse((await run(['diff', 'acme.json', 'acme-later.json', '--json'])).stdout);
    expect(json.headline.sudoGained).toHaveLength(1);
    expect((await run(['diff', 'acme.json'])).code).toBe(2);
    expect((await run(['diff', 'acme.json', 'missing.json'])).stderr).toMatch(/missing\.json does not exist/);
  });

  it('findings on a simulated tenant match the library, as text and JSON', async () => {
    const r = await run(['findings', '--sim', 'tiny:7', '--json']);
    expect(r.code).toBe(0);
    const expected = findings(AccessGraph.fromTenant(generateTenant({ preset: 'tiny', seed: 7 })));
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(expected)));
    const text = await onAcme(['findings']);
    expect(text.stdout).toContain('12 bindings of 5 subjects, 15 paths.');
    expect(text.stdout).toContain('user:bob (suspended): 1 binding: system:db-01');
    expect(text.stdout).toContain('group user_group:Engineering: 7 (10 paths)');
    expect(text.stdout).toContain('Empty groups (1):\n  user_group:Contractors (user_group-Contractors)');
    expect(text.stdout).toContain('Unbound resources (1):\n  application:Slack (application-Slack)');
  });
});

describe('usage and errors', () => {
  it('asks for a source, refuses two, explains unknown names, and has help', async () => {
    expect((await run(['access', 'user:jdoe'])).code).toBe(2);
    expect((await run(['access', 'user:jdoe', '--sim', 'tiny', '--snapshot', 'acme.json'])).code).toBe(2);
    expect((await run(['access', 'user:jdoe', '--sim', 'huge'])).stderr).toMatch(/--sim must be PRESET/);
    const unknown = await onAcme(['why', 'user:jdo', 'system:web-01']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('jcgraph why: No user named "jdo" is in the graph; did you mean user:jdoe (user-jdoe)?\n');
    // A value that is not one of the choices, or a negative number, is named with what would do.
    const bogus = await onAcme(['who', 'system:web-01', '--type', 'bogus']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/--type must be one of user, user_group, system, not "bogus"/);
    const negative = await run(['verify', '--sample', '-1']);
    expect(negative.code).toBe(2);
    expect(negative.stderr).toBe('jcgraph verify: --sample must be an integer of at least 1, not "-1"\n');
    for (const name of ['why', 'access', 'who', 'revoke', 'offboard', 'whatif', 'diff', 'findings']) {
      const help = await run([name, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: jcgraph ${name} `));
    }
  });
});

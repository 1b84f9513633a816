/**
 * Every jcgraph command end to end, as registered, against the simulator: `jcgraph sim` serves an
 * organization, `jcgraph fetch` reads it over HTTP into a snapshot, every analysis, report and export
 * command runs on that snapshot, `jcgraph verify` checks the engine against the running simulator, and
 * `jcgraph demo` runs on its own. Outputs are checked against the library's answers on the same
 * snapshot and against the simulator's live HTTP answers.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.ts';
import {
  AccessGraph,
  access,
  answer,
  drift,
  findings,
  formatReference,
  loadSnapshot,
  membershipEdge,
  planOffboard,
  planRevoke,
  whoCanAccess,
  type TenantData,
} from '../../src/index.ts';
import { buildReview, type BindingRow } from '../../src/entries/report.ts';
import { startSimulator } from '../../src/entries/simulator.ts';
import { bindingToExplain } from '../../src/report/index.ts';
import { why } from '../../src/analysis/why.ts';
import { whatIf } from '../../src/analysis/whatif.ts';
import { whatIfRules } from '../../src/documents/documents.ts';
import { fetchAll } from '../helpers/sim.ts';
import { cli, startCli, type RunningCli } from './run.ts';
import { csvObjects } from '../report/csv-parse.ts';

/** Every command the issue asks for, in its order. */
const EXPECTED_COMMANDS = [
  'demo',
  'sim',
  'fetch',
  'traverse',
  'why',
  'access',
  'who',
  'revoke',
  'offboard',
  'whatif',
  'diff',
  'findings',
  'report',
  'export',
  'verify',
  'serve',
  'mcp',
];

let dir: string;
let stopSim: AbortController;
let sim: RunningCli;
let live: { baseUrl: string; apiKey: string; orgIds: string[] };
let snapshot: string;
let tenant: TenantData;
let graph: AccessGraph;
/** A user with sudo on a system through a user group, by several paths (what the demo explains). */
let row: BindingRow;

const run = (argv: string[], env: Record<string, string> = {}) => cli(argv, { cwd: dir, env, commands: COMMANDS });
const onSnapshot = (argv: string[]) => run([...argv, '--snapshot', snapshot]);
/** JSON as the library value would print (undefined fields dropped). */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-all-'));
  stopSim = new AbortController();
  sim = startCli(['sim', '--preset', 'small', '--seed', '3', '--json'], { signal: stopSim.signal, commands: COMMANDS });
  live = JSON.parse(await sim.stdoutUntil((text) => text.includes('\n')));
  snapshot = join(dir, 'org.json');
  const fetched = await run(['fetch', '--base-url', live.baseUrl, '--out', snapshot], { JC_API_KEY: live.apiKey });
  expect(fetched.stderr).toBe('');
  expect(fetched.code).toBe(0);
  expect(fetched.stdout).toMatch(new RegExp(`^Wrote ${snapshot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d+ objects, \\d+ edges`));
  tenant = (await loadSnapshot(snapshot)).tenant;
  graph = AccessGraph.fromTenant(tenant);
  row = bindingToExplain(graph)!;
}, 180_000);

afterAll(async () => {
  stopSim?.abort();
  const end = await sim?.done;
  expect(end?.code).toBe(0); // jcgraph sim: 0 when stopped by Ctrl-C (the abort)
  await rm(dir, { recursive: true, force: true });
});

describe('the command table', () => {
  it('registers every command of the issue, and --help lists them', async () => {
    const missing = EXPECTED_COMMANDS.filter((name) => !COMMANDS.some((c) => c.name === name));
    expect(missing, `commands not registered: ${missing.join(', ')}`).toEqual([]);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const name of EXPECTED_COMMANDS) expect(help.stdout).toMatch(new RegExp(`^ {2}${name} +\\S`, 'm'));
  });

  it.each(EXPECTED_COMMANDS)('jcgraph %s --help prints its usage, exit 0', async (name) => {
    const r = await run([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: jcgraph ${name}\\b`));
    expect(r.stdout).toMatch(/--json/);
  });

  it.each(EXPECTED_COMMANDS)('jcgraph %s refuses an unknown option with exit 2', async (name) => {
    const r = await run([name, '--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^jcgraph ${name}: `));
  });
});

describe('reading the organization', () => {
  it('sim serves it with its own key (checked above), fetch wrote a snapshot of every object the lists show', async () => {
    expect(live.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const users = await fetchAll(live, '/api/systemusers');
    expect(tenant.objects.filter((o) => o.type === 'user')).toHaveLength(users.length);
    expect(await readFile(snapshot, 'utf8')).not.toContain(live.apiKey);
  });

  it('traverse prints what the live endpoint answers', async () => {
    const path = `/users/${row.user.id}/systems`;
    const r = await onSnapshot(['traverse', path]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(await fetchAll(live, `/api/v2${path}`));
    const many = await onSnapshot(['traverse', path, `/systems/${row.resource.id}/users`]);
    expect(JSON.parse(many.stdout)[`/systems/${row.resource.id}/users`]).toEqual(plain(answer(graph, `/systems/${row.resource.id}/users`)));
  });

  it('verify finds the engine and the running simulator in agreement', async () => {
    const r = await run(['verify', '--base-url', live.baseUrl, '--sample', '2'], { JC_API_KEY: live.apiKey });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^All \d+ endpoints sampled agree: /m);
  });
});

describe('questions by name', () => {
  const user = () => formatReference(row.user);
  const system = () => formatReference(row.resource);

  it('why explains every path, as the library does', async () => {
    const r = await onSnapshot(['why', user(), system(), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(plain(why(graph, row.user.id, row.resource.id)));
    const text = await onSnapshot(['why', user(), system()]);
    for (const p of row.paths) for (const o of p.objects) expect(text.stdout).toContain(o.name);
  });

  it('access lists everything the user reaches', async () => {
    const r = await onSnapshot(['access', user(), '--json']);
    expect(r.code).toBe(0);
    const ids = (JSON.parse(r.stdout).bindings as { target: { id: string } }[]).map((b) => b.target.id).sort();
    expect(ids).toEqual(
      access(graph, row.user.id)
        .map((b) => b.target.id)
        .sort(),
    );
  });

  it('who lists everyone who reaches the system', async () => {
    const r = await onSnapshot(['who', system(), '--json']);
    expect(r.code).toBe(0);
    const ids = (JSON.parse(r.stdout).bindings as { subject: { id: string } }[]).map((b) => b.subject.id).sort();
    expect(ids).toEqual(
      whoCanAccess(graph, row.resource.id)
        .map((b) => b.subject.id)
        .sort(),
    );
    expect(ids).toContain(row.user.id);
  });

  it('an unknown name is an error that names it and suggests candidates', async () => {
    const r = await onSnapshot(['why', `user:${row.user.name}x`, system()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`"${row.user.name}x"`);
    expect(r.stderr).toContain(row.user.name);
  });
});

describe('plans and changes', () => {
  it('revoke plans the removal, verified, with the API calls', async () => {
    const r = await onSnapshot(['revoke', formatReference(row.user), formatReference(row.resource), '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toEqual(plain(planRevoke(graph, row.user.id, row.resource.id)));
    expect(plan.verified).toBe(true);
    const text = await onSnapshot(['revoke', formatReference(row.user), formatReference(row.resource)]);
    for (const s of plan.steps) expect(text.stdout).toContain(s.operation.path);
  });

  it('offboard removes every membership and association of the user, nothing remains', async () => {
    const r = await onSnapshot(['offboard', formatReference(row.user), '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toEqual(plain(planOffboard(graph, row.user.id)));
    expect(plan.remaining).toEqual([]);
  });

  it('whatif says what removing the user from a group would change', async () => {
    const group = row.via.find((v) => v.type === 'user_group')!;
    const r = await onSnapshot(['whatif', '--remove', `${formatReference(group)}>${formatReference(row.user)}`, '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    const changes = [
      { op: 'remove-edge', edge: { kind: 'membership', from: { type: group.type, id: group.id }, to: { type: 'user', id: row.user.id } } },
    ] as const;
    const want = whatIf(graph, changes);
    // Streamed subject by subject, the document is still the library's answer, whole: what the dynamic
    // groups' rules do about the change (a removal a rule would undo is noted), then the access delta.
    expect(result).toEqual(plain({ changes, rules: whatIfRules(graph, changes), ...want }));
    expect(Object.keys(result)).toEqual(['changes', 'rules', 'subjects', 'recomputed', 'totals']);
    expect(Number(result.totals.lost) + Number(result.totals.changed)).toBeGreaterThan(0);
  });

  it('diff puts sudo gained first between two fetches of the simulator', async () => {
    const itAdmins = tenant.objects.find((o) => o.type === 'user_group' && o.record['name'] === 'IT Admins')!;
    const members = new Set(tenant.edges.filter((e) => e.from.id === itAdmins.id).map((e) => e.to.id));
    const newcomer = tenant.objects.find((o) => o.type === 'user' && !members.has(o.id))!;
    const changed = { ...tenant, edges: [...tenant.edges, membershipEdge(itAdmins, newcomer)] };
    const second = await startSimulator({ tenants: [changed] });
    const after = join(dir, 'after.json');
    try {
      const fetched = await run(['fetch', '--base-url', second.baseUrl, '--out', after], { JC_API_KEY: second.apiKey });
      expect(fetched.code).toBe(0);
    } finally {
      await second.close();
    }
    const r = await run(['diff', snapshot, after, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toEqual(plain(drift(tenant, (await loadSnapshot(after)).tenant)));
    expect(report.headline.sudoGained.length).toBeGreaterThan(0);
    expect(report.headline.sudoGained.every((g: { subject: { id: string } }) => g.subject.id === newcomer.id)).toBe(true);
  });
});

describe('reviews and exports', () => {
  it('findings prints the analysis findings', async () => {
    const r = await onSnapshot(['findings', '--json']);
    expect(r.code).toBe(0);
    const f = JSON.parse(r.stdout);
    const want = findings(graph);
    expect(f.totals).toEqual(want.totals);
    expect(f.inactiveUsers.length).toBe(want.inactiveUsers.length);
  });

  it('report writes the HTML review and the CSV pack', async () => {
    const html = await onSnapshot(['report', '--out', 'review.html']);
    expect(html.code).toBe(0);
    expect(await readFile(join(dir, 'review.html'), 'utf8')).toContain(`<title>Access review: `);
    const pack = await onSnapshot(['report', '--out', 'review/', '--json']);
    expect(pack.code).toBe(0);
    const review = buildReview(graph);
    expect(JSON.parse(pack.stdout).counts).toEqual(review.counts);
    expect(csvObjects(await readFile(join(dir, 'review', 'users.csv'), 'utf8'))).toHaveLength(review.users.length);
  });

  it('export writes every node and edge (neo4j files with their import command)', async () => {
    const r = await onSnapshot(['export', '--format', 'neo4j', '--out', 'neo4j', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'neo4j', nodes: tenant.objects.length, edges: tenant.edges.length });
    expect(await readdir(join(dir, 'neo4j'))).toContain('README.txt');
  });

  it('demo runs on its own simulator', async () => {
    const r = await run(['demo', '--preset', 'tiny']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Revoke plan: /m);
  });
});

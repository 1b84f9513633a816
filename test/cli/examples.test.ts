/** The three audit scripts of examples/, run as a user runs them, against the simulator. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessGraph, fetchTenant, findings, formatOperation, formatReference, planOffboard, type TenantData } from '../../src/index.ts';
import { startSimulator } from '../../src/entries/simulator.ts';
import { bindingRows } from '../../src/report/index.ts';
import { cli, spawnCli, type CliResult } from './run.ts';

const example = (name: string, args: readonly string[] = []): Promise<CliResult> =>
  spawnCli(process.execPath, ['--import', 'tsx', `examples/${name}.ts`, ...args]);

let dir: string;
let snapshot: string;
/** The organization the examples see by default: simulator small:1, fetched over HTTP. */
let tenant: TenantData;
let graph: AccessGraph;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-examples-'));
  snapshot = join(dir, 'small.json');
  const sim = await startSimulator({ preset: 'small', seed: 1 });
  try {
    tenant = (await fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, orgId: sim.orgIds[0] })).tenant;
    const fetched = await cli(['fetch', '--base-url', sim.baseUrl, '--org-id', sim.orgIds[0]!, '--out', snapshot], {
      env: { JC_API_KEY: sim.apiKey },
    });
    expect(fetched.code).toBe(0);
  } finally {
    await sim.close();
  }
  graph = AccessGraph.fromTenant(tenant);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('examples/sudo-anywhere.ts', () => {
  /** user → devices with sudo, from the report's binding rows, plus users with sudo on their own record. */
  function expected(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const u of graph.objects('user')) if (u.record['sudo'] === true || u.record['passwordless_sudo'] === true) out.set(u.id, []);
    for (const r of bindingRows(graph, 'user')) {
      if (r.sudo && (r.resource.type === 'system' || r.resource.type === 'system_group'))
        out.set(r.user.id, [...(out.get(r.user.id) ?? []), r.resource.id]);
    }
    return out;
  }

  it('lists every user with sudo somewhere, against the simulator', async () => {
    const r = await example('sudo-anywhere');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const want = expected();
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`Sudo anywhere (simulator small:1): ${want.size} users are administrators somewhere.`);
    expect(lines).toHaveLength(want.size + 1);
    for (const [id, devices] of want) {
      const user = formatReference(graph.object(id));
      expect(lines.some((l) => l.startsWith(`${user}: sudo on ${devices.length} devices`))).toBe(true);
    }
  });

  it('gives the same answer from a snapshot, as JSON', async () => {
    const r = await example('sudo-anywhere', ['--snapshot', snapshot, '--json']);
    expect(r.code).toBe(0);
    const got = JSON.parse(r.stdout) as { user: string; devices: { id: string }[] }[];
    const want = expected();
    expect(got).toHaveLength(want.size);
    for (const [id, devices] of want) {
      const entry = got.find((a) => a.user === formatReference(graph.object(id)))!;
      expect(entry.devices.map((d) => d.id).sort()).toEqual([...devices].sort());
    }
  });
});

describe('examples/offboard-user.ts', () => {
  it('offboards the first suspended user with access, printing the exact API calls', async () => {
    const r = await example('offboard-user');
    expect(r.code).toBe(0);
    const userId = findings(graph).inactiveUsers.find((u) => u.reasons.includes('suspended'))!.user.id;
    const plan = planOffboard(graph, userId);
    expect(r.stdout).toContain(
      `Offboarding ${formatReference(plan.user)} (simulator small:1): ${plan.bindings.length} bindings, ${plan.steps.length} changes.`,
    );
    for (const [i, s] of plan.steps.entries())
      expect(r.stdout).toContain(`  ${i + 1}. ${formatOperation(s.operation)}  ends ${s.ends.length} bindings`);
    expect(r.stdout.trim().endsWith('Checked: no access remains.')).toBe(true);
  });

  it('offboards a user named on the command line, from a snapshot', async () => {
    const user = [...graph.objects('user')].find((u) => u.record['state'] === 'ACTIVATED')!;
    const r = await example('offboard-user', [`user:${user.name}`, '--snapshot', snapshot]);
    expect(r.code).toBe(0);
    const plan = planOffboard(graph, user.id);
    expect(r.stdout).toContain(
      `Offboarding user:${user.name} (snapshot ${snapshot}): ${plan.bindings.length} bindings, ${plan.steps.length} changes.`,
    );
    expect(r.stdout).toContain('Checked: no access remains.');
  });
});

describe('examples/drift-since-last-week.ts', () => {
  it('simulates a week and puts the new administrator first', async () => {
    const r = await example('drift-since-last-week');
    expect(r.code).toBe(0);
    const itAdmins = tenant.objects.find((o) => o.type === 'user_group' && o.record['name'] === 'IT Admins')!;
    const members = new Set(tenant.edges.filter((e) => e.from.id === itAdmins.id).map((e) => e.to.id));
    const newAdmin = tenant.objects.find((o) => o.type === 'user' && !members.has(o.id) && o.record['state'] === 'ACTIVATED')!;
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Drift: [1-9]\d* bindings gained sudo, \d+ bindings gained, [1-9]\d* lost\.$/);
    expect(lines[1]).toMatch(
      new RegExp(`^ {2}SUDO ${formatReference(graph.object(newAdmin.id)).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} on \\d+ devices: `),
    );
    expect(lines.at(-1)).toBe('Structure: 1 edges added, 1 removed, 0 changed; 0 objects added, 0 removed, 0 changed.');
  });

  it('finds nothing between a snapshot and itself', async () => {
    const r = await example('drift-since-last-week', ['--before', snapshot, '--after', snapshot]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'Drift: 0 bindings gained sudo, 0 bindings gained, 0 lost.\nStructure: 0 edges added, 0 removed, 0 changed; 0 objects added, 0 removed, 0 changed.\n',
    );
  });
});

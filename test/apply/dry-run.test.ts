/**
 * `jcgraph apply PLAN.json` before anything is sent, against the simulator: the dry run reads live only
 * what the preconditions name and prints each step's state now; and every refusal of issue 21 §2/§3 that
 * stops a plan before its first write (another organization, host or snapshot, a simulated plan, an
 * edited plan, changed attributes, a new path the plan does not cut, a new edge of an offboarded user,
 * no key, a typed name that is not the organization's) says why in plain sentences, exits non-zero, and
 * sends no write: the simulator's own request log shows only GETs, or nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchTenant } from '../../src/fetchers/index.ts';
import { AccessGraph, answer } from '../../src/graph/index.ts';
import { saveSnapshot } from '../../src/snapshot/index.ts';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { readPlanFile } from '../../src/plan/index.ts';
import type { TenantData } from '../../src/model/index.ts';
import { cli } from '../cli/run.ts';

let sim: Simulator;
let dir: string;
let tenant: TenantData;
let env: Record<string, string>;
/** Every request the simulator answered since the last reset: method is not logged, so routes tell reads from writes. */
let answered: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ preset: 'small', seed: 21, onAnswer: (url) => answered.push(url) });
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-apply-dry-'));
  env = { JC_API_KEY: sim.apiKey };
  const fetched = await fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, orgId: sim.orgIds[0] });
  tenant = fetched.tenant;
  await saveSnapshot(join(dir, 'snap.json'), { meta: fetched.meta, tenant });
});
afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  sim.resetStats();
  answered = [];
});

const ref = (o: { type: string; id: string }) => ({ type: o.type, id: o.id });

/** A user reaching a system through at least two edges of its own, and that system. */
function pick(): { user: string; system: string } {
  const g = AccessGraph.fromTenant(tenant);
  for (const u of tenant.objects.filter((o) => o.type === 'user')) {
    for (const s of answer(g, `/users/${u.id}/systems`)) {
      if (s.paths.length === 1 && s.paths[0]!.length === 2) return { user: u.id, system: s.id };
    }
  }
  throw new Error('no user reaches a system through one group');
}

async function plan(args: string[], name: string): Promise<string> {
  const made = await cli([...args, '--snapshot', 'snap.json', '--out', name], { cwd: dir });
  expect(made.code, made.stderr).toBe(0);
  return name;
}

/** The simulator saw no request but GETs of graph collections (and, when given, nothing at all). */
function onlyReads(): void {
  const stats = sim.stats();
  expect(Object.keys(stats.byStatus).filter((s) => s !== '200')).toEqual([]);
  expect(stats.writes.received).toBe(0);
  // Writes are counted under their method (`POST /api/v2/usergroups/{group_id}/members`); reads under the route alone.
  for (const route of Object.keys(stats.byRoute)) expect(route).not.toMatch(/^[A-Z]+ /);
}

describe('apply without --yes: a dry run', () => {
  it('reads only the collections the preconditions name, and says each step will be sent', async () => {
    const { user, system } = pick();
    const file = await plan(['revoke', user, system], 'revoke.json');
    const io = await cli(['apply', file], { cwd: dir, env });
    expect(io.code, io.stderr).toBe(0);
    expect(io.stdout).toMatch(
      /^Plan revoke\.json: revoke user:\S+'s access to system:\S+ \(fewest-changes\); 1 step, made .* on the snapshot snap\.json \(SHA-256 [0-9a-f]{12}…\)\.\n/,
    );
    expect(io.stdout).toMatch(
      / {3}1\. remove membership user_group:.+>user:\S+ {3}will send\n {6}POST \/api\/v2\/usergroups\/\w+\/members \{"op":"remove","type":"user","id":"\w+"\}\n/,
    );
    expect(io.stdout).toContain('Dry run: nothing was sent; 1 of 1 steps would be.');
    expect(io.stdout).toContain('To send it: jcgraph apply revoke.json --yes');
    onlyReads();
    // One view for the step's edge, and the revoke's own check: the live paths to the resource.
    expect(sim.stats().requests).toBeLessThanOrEqual(4);
    expect(existsSync(join(dir, 'revoke.json.journal'))).toBe(false);
    expect(existsSync(join(dir, 'revoke.json.evidence.json'))).toBe(false);
  });

  it('an offboarding reads the user’s two views, whatever the number of steps; --json prints the evidence', async () => {
    const user = tenant.objects.find(
      (o) => o.type === 'user' && tenant.edges.filter((e) => e.to.id === o.id || e.from.id === o.id).length > 5,
    )!;
    const file = await plan(['offboard', user.id], 'offboard.json');
    const io = await cli(['apply', file, '--json'], { cwd: dir, env });
    expect(io.code, io.stderr).toBe(0);
    const evidence = JSON.parse(io.stdout);
    expect(evidence).toMatchObject({ format: 'jcgraph-apply-evidence', run: 'apply', dryRun: true, result: 'ready', refusals: [] });
    expect(evidence.steps.every((s: any) => s.state === 'will send')).toBe(true);
    // The user's two views, and the record of each group an exemption step edits (its precondition).
    const exempted = new Set(
      (await readPlanFile(join(dir, file))).steps.flatMap((s) => (s.precondition.kind === 'group-record' ? [s.precondition.group.id] : [])),
    );
    expect(evidence.requests).toEqual({ total: 2 + exempted.size, writes: 0, retries: 0 });
    const groupReads = exempted.size > 0 ? ['/api/v2/usergroups/{id}'] : [];
    expect(Object.keys(sim.stats().byRoute).sort()).toEqual(
      ['/api/v2/users/{user_id}/associations', '/api/v2/users/{user_id}/memberof', ...groupReads].sort(),
    );
    expect(sim.stats().byRoute['/api/v2/usergroups/{id}'] ?? 0).toBe(exempted.size);
  });

  it('a step whose edge is gone is already done, not an error', async () => {
    const { user, system } = pick();
    const file = await plan(['revoke', user, system, '--strategy', 'subject-only'], 'gone.json');
    const step = (await readPlanFile(join(dir, file))).steps[0]!;
    const edge = step.precondition.kind === 'edge' ? step.precondition.edge : undefined;
    sim.applyChanges([{ kind: 'remove-member', group: ref(edge!.from), member: ref(edge!.to) }]);
    try {
      const io = await cli(['apply', file], { cwd: dir, env });
      expect(io.code, io.stderr).toBe(0);
      expect(io.stdout).toMatch(/ {3}1\. remove membership user_group:.+>user:\S+ {3}already done\n/);
      expect(io.stdout).toContain('Dry run: every step is already done; nothing to send.');
    } finally {
      sim.applyChanges([{ kind: 'add-member', group: ref(edge!.from), member: ref(edge!.to) }]);
    }
  });
});

describe('refusals: nothing is sent', () => {
  it('an edge whose attributes changed since the plan: CHANGED, exit 1, and how to make the plan again', async () => {
    const sudo = tenant.edges.find((e) => e.kind === 'association' && e.from.type === 'user' && e.to.type === 'system')!;
    const file = await plan(['revoke', sudo.from.id, sudo.to.id, '--strategy', 'subject-only'], 'attrs.json');
    const attributes = { sudo: { enabled: true, withoutPassword: true } };
    const before = sudo.attributes;
    sim.applyChanges([{ kind: 'associate', a: ref(sudo.from), b: ref(sudo.to), attributes }]);
    try {
      for (const yes of [[], ['--yes', '--yes']]) {
        answered = [];
        const io = await cli(['apply', file, ...yes], { cwd: dir, env });
        expect(io.code).toBe(1);
        expect(io.stdout).toContain(
          `CHANGED since the plan: its attributes are now ${JSON.stringify(attributes)}, the plan read ${JSON.stringify(before)}`,
        );
        expect(io.stdout).toMatch(
          /Refused: nothing was sent\.\n {2}- Step 1 \(remove association user:\S+~system:\S+\) changed since the plan: its attributes are now/,
        );
        expect(io.stdout).toContain(
          `Make the plan again from the tenant as it is now: jcgraph revoke ${sudo.from.id} ${sudo.to.id} --snapshot snap.json --live --strategy subject-only --out attrs.json`,
        );
        onlyReads();
        expect(existsSync(join(dir, 'attrs.json.journal'))).toBe(false);
      }
    } finally {
      sim.applyChanges([{ kind: 'associate', a: ref(sudo.from), b: ref(sudo.to), attributes: before }]);
    }
  });

  it('a new path to the resource that the plan does not cut', async () => {
    const { user, system } = pick();
    const file = await plan(['revoke', user, system], 'newpath.json');
    // The user is now bound to the device directly as well.
    sim.applyChanges([{ kind: 'associate', a: { type: 'user', id: user }, b: { type: 'system', id: system } }]);
    try {
      const io = await cli(['apply', file, '--yes', '--yes'], { cwd: dir, env });
      expect(io.code).toBe(1);
      expect(io.stdout).toMatch(/ {2}- A path the plan does not cut leads from user:\S+ to system:\S+ now: user:\S+ → system:\S+\.\n/);
      onlyReads();
    } finally {
      sim.applyChanges([{ kind: 'dissociate', a: { type: 'user', id: user }, b: { type: 'system', id: system } }]);
    }
  });

  it('a new edge of an offboarded user that the plan does not remove', async () => {
    const user = tenant.objects.find((o) => o.type === 'user')!;
    const file = await plan(['offboard', user.id], 'newedge.json');
    const app = tenant.objects.find(
      (o) => o.type === 'application' && !tenant.edges.some((e) => e.from.id === user.id && e.to.id === o.id),
    )!;
    sim.applyChanges([{ kind: 'associate', a: ref(user), b: ref(app) }]);
    try {
      const io = await cli(['apply', file, '--yes', '--yes'], { cwd: dir, env });
      expect(io.code).toBe(1);
      expect(io.stdout).toMatch(/ {2}- user:\S+ has an association the plan does not remove: user:\S+~application:/);
      expect(io.stdout).toContain(`jcgraph offboard ${user.id} --snapshot snap.json --live --out newedge.json`);
      onlyReads();
    } finally {
      sim.applyChanges([{ kind: 'dissociate', a: ref(user), b: ref(app) }]);
    }
  });

  it('another organization, another host, another snapshot, a simulated plan: no request at all', async () => {
    const { user, system } = pick();
    const file = await plan(['revoke', user, system], 'identity.json');
    const other = await startSimulator({ preset: 'tiny', seed: 2, apiKey: sim.apiKey });
    try {
      const cases: [string[], RegExp][] = [
        [['--org-id', 'another-org'], /^ {2}- The plan identity\.json is for organization \w+, not another-org\.$/m],
        [
          ['--base-url', other.baseUrl],
          /^ {2}- The plan identity\.json was made on a snapshot of http:\/\/127\.0\.0\.1:\d+, not of http:\/\/127\.0\.0\.1:\d+\.$/m,
        ],
      ];
      await writeFile(join(dir, 'other.json'), (await readFile(join(dir, 'snap.json'), 'utf8')).replace('"edges"', '"edges" '));
      cases.push([
        ['--snapshot', 'other.json'],
        /^ {2}- The plan identity\.json was made on the snapshot snap\.json \(SHA-256 [0-9a-f]{12}…\), not on other\.json \(SHA-256 [0-9a-f]{12}…\)\.$/m,
      ]);
      for (const [extra, message] of cases) {
        const io = await cli(['apply', file, '--yes', '--yes', ...extra], { cwd: dir, env });
        expect(io.code).toBe(1);
        expect(io.stdout).toMatch(message);
        expect(io.stdout).toContain('Refused: nothing was sent.');
      }
      const simulated = await cli(['revoke', user, system, '--sim', 'small:21', '--out', 'simulated.json'], { cwd: dir });
      expect(simulated.code).toBe(0);
      const io = await cli(['apply', 'simulated.json', '--yes', '--yes'], { cwd: dir, env });
      expect(io.code).toBe(1);
      expect(io.stdout).toMatch(
        /- The plan simulated\.json was made on the simulated organization small:21 \(--sim\), not on a snapshot of a tenant: it cannot be applied to a host\./,
      );
      expect(sim.stats().requests + other.stats().requests).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('a plan edited by hand, a plan of no steps, no key, a wrong typed name', async () => {
    const { user, system } = pick();
    const file = await plan(['revoke', user, system], 'edit.json');
    const text = await readFile(join(dir, file), 'utf8');
    await writeFile(join(dir, 'edited.json'), text.replace('"op": "remove"', '"op": "add"'));
    const edited = await cli(['apply', 'edited.json', '--yes', '--yes'], { cwd: dir, env });
    expect(edited.code).toBe(1);
    expect(edited.stderr).toMatch(
      /^jcgraph apply: The plan \S+edited\.json was changed after jcgraph wrote it: its field digest says sha256:[0-9a-f]{12}… but its content hashes to sha256:[0-9a-f]{12}…, and jcgraph applies a plan only as it was written\.\n$/,
    );

    const unreached = tenant.objects.find(
      (o) => o.type === 'system' && !answer(AccessGraph.fromTenant(tenant), `/users/${user}/systems`).some((s) => s.id === o.id),
    )!;
    const empty = await plan(['revoke', user, unreached.id], 'empty.json');
    const nothing = await cli(['apply', empty, '--yes', '--yes'], { cwd: dir, env });
    expect(nothing.code, nothing.stderr).toBe(0);
    expect(nothing.stdout).toContain('The plan empty.json has no steps: nothing to do.');

    const noKey = await cli(['apply', file], { cwd: dir, env: {} });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toBe(
      'jcgraph apply: No API key: set JC_API_KEY (or JUMPCLOUD_API_KEY) to a JumpCloud API key for jcgraph apply.\n',
    );

    const typed = await cli(['apply', file, '--yes'], { cwd: dir, env, tty: true, stdin: 'not-the-org\n' });
    expect(typed.code).toBe(1);
    expect(typed.stderr).toMatch(
      /This sends up to 1 write to organization \w+ at http:\/\/127\.0\.0\.1:\d+\.\nType the organization's id to go on: jcgraph apply: that is not the organization's id; nothing was sent\.\n$/,
    );
    const confirm = await cli(['apply', file, '--yes', '--confirm', 'another-org'], { cwd: dir, env });
    expect(confirm.code).toBe(1);
    expect(confirm.stderr).toMatch(/--confirm names organization another-org, but edit\.json acts on \w+; nothing was sent\./);
    // Only the typed-name prompt asked the API for the organization's name (the simulator has none to give).
    expect(answered.filter((u) => !u.startsWith('/api/organizations'))).toEqual([]);
    expect(existsSync(join(dir, 'edit.json.journal'))).toBe(false);
  });
});

describe('apply --rules: the plan judged against a rule file before anything is read or sent', () => {
  it('refuses a plan whose removals break a require rule, naming it; lets one through that breaks none', async () => {
    const { user, system } = pick();
    const file = await plan(['revoke', user, system, '--strategy', 'subject-only'], 'rules.json');
    const rules = (kind: string) =>
      `version: 1\nrules:\n  - { id: keep-it, title: Keep it, severity: high, kind: ${kind}, subjects: { id: "${user}" }, resources: { id: "${system}" } }\n`;
    await writeFile(join(dir, 'require.yaml'), rules('require'));
    await writeFile(join(dir, 'forbid.yaml'), rules('forbid'));

    const refused = await cli(['apply', file, '--snapshot', 'snap.json', '--rules', 'require.yaml', '--yes', '--yes'], { cwd: dir, env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/REFUSED by require\.yaml: the change adds 1 violation:\n {2}HIGH keep-it: /);
    expect(refused.stderr).toContain('jcgraph apply: nothing was sent.');
    expect(sim.stats().requests).toBe(0);
    expect(existsSync(join(dir, 'rules.json.journal'))).toBe(false);

    // The same plan resolves a forbid rule's violation and adds none: the dry run goes on.
    const allowed = await cli(['apply', file, '--snapshot', 'snap.json', '--rules', 'forbid.yaml'], { cwd: dir, env });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain('will send');
    onlyReads();
  });

  it('needs the plan’s snapshot, and judges a plan, not its undo', async () => {
    const { user, system } = pick();
    const file = await plan(['revoke', user, system], 'rules-usage.json');
    await writeFile(join(dir, 'any.yaml'), 'version: 1\nrules: []\n');
    const noSnapshot = await cli(['apply', file, '--rules', 'any.yaml'], { cwd: dir, env });
    expect(noSnapshot.code).toBe(2);
    expect(noSnapshot.stderr).toContain('--rules judges the plan on the snapshot it was made on: give it with --snapshot FILE');
    const undo = await cli(['apply', '--undo', `${file}.journal`, '--snapshot', 'snap.json', '--rules', 'any.yaml'], { cwd: dir, env });
    expect(undo.code).not.toBe(0);
    expect(sim.stats().requests).toBe(0);
  });
});

/**
 * The watch loop against the simulator: a change that opens a violation of the rule file gives exactly one
 * Compliance Finding line, the change that resolves it exactly one closing line; a cycle with nothing new
 * reads the events and K collections only; a change that leaves no event is caught by the rolling audit
 * within ceil(C / K) cycles; a 401 stops the loop with a line; a cycle that fails is a line, and the
 * snapshot stays as it was. Cycles are driven by the test (no timers): each watch() call runs a counted
 * number of cycles, and a new call resumes from the snapshot file, as a restarted watch would.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchTenant } from '../../src/fetchers/index.ts';
import { parseRuleFile } from '../../src/rules/index.ts';
import { AccessGraph, answer } from '../../src/graph/index.ts';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { saveSnapshot } from '../../src/snapshot/index.ts';
import { watch, type WatchLine } from '../../src/watch/index.ts';
import type { TenantData } from '../../src/model/index.ts';

/** The id of the user simulatorWithSnapshot creates. */
const WATCHED = 'aaaaaaaaaaaaaaaaaaaa0001';
/** The id of the static user group simulatorWithSnapshot creates (a member added by hand stays: no rule undoes it). */
const WATCHED_GROUP = 'aaaaaaaaaaaaaaaaaaaa0002';
let dir: string;
const sims: Simulator[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-watch-'));
});

afterAll(async () => {
  for (const s of sims) await s.close();
  await rm(dir, { recursive: true, force: true });
});

async function simulatorWithSnapshot(name: string, faults: Record<string, number> = {}): Promise<{ sim: Simulator; path: string }> {
  const sim = await startSimulator({ preset: 'tiny', seed: 3, faults });
  sims.push(sim);
  // A user with no edges at all (it reaches nothing until a change gives it access).
  sim.applyChanges([{ kind: 'create', type: 'user', id: WATCHED, record: { username: 'watched.user', email: 'watched@example.com' } }]);
  // The rules put the new user in groups of their own (All Staff, its department's): bind the static group to a system they give no path to.
  const reached = new Set(answer(AccessGraph.fromTenant(sim.tenant()), `/users/${WATCHED}/systems`).map((s) => s.id));
  const system = sim.tenant().objects.find((o) => o.type === 'system' && !reached.has(o.id))!;
  sim.applyChanges([
    { kind: 'create', type: 'user_group', id: WATCHED_GROUP, record: { name: 'Watched Group' } },
    { kind: 'associate', a: { type: 'user_group', id: WATCHED_GROUP }, b: { type: 'system', id: system.id } },
  ]);
  const path = join(dir, `${name}.json`);
  const { tenant, meta } = await fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl });
  await saveSnapshot(path, { meta, tenant });
  return { sim, path };
}

/** A user group associated with a system, and the user with no edges that simulatorWithSnapshot made. */
/** The static user group simulatorWithSnapshot creates, bound to the tenant's first system, and the user with no edges. */
function groupSystemUser(t: TenantData) {
  const bound = t.edges.find((e) => e.kind === 'association' && e.from.id === WATCHED_GROUP && e.to.type === 'system');
  const system = bound?.to;
  if (!system) throw new Error('the watched group is bound to no system');
  return {
    group: { type: 'user_group', id: WATCHED_GROUP },
    system: { type: 'system', id: system.id },
    user: { type: 'user', id: WATCHED },
  };
}

const run = (path: string, sim: Simulator, lines: WatchLine[], extra: Partial<Parameters<typeof watch>[0]> = {}) =>
  watch({
    snapshot: path,
    apiKey: sim.apiKey,
    baseUrl: sim.baseUrl,
    eventLagMs: 60_000,
    auditPerCycle: 5,
    cycles: 1,
    wait: async () => undefined,
    emit: (l) => lines.push(l),
    productVersion: 'test',
    ...extra,
  });

describe('jcgraph watch', () => {
  it('says once that a change opened a violation and once that another resolved it; an idle cycle costs 1 + K requests', async () => {
    const { sim, path } = await simulatorWithSnapshot('rules');
    const { group, system, user } = groupSystemUser(sim.tenant());
    const rules = parseRuleFile(
      `version: 1\nrules:\n  - { id: keep-out, title: Keep out, kind: forbid, subjects: { id: "${user.id}" }, resources: { id: "${system.id}" } }\n`,
      'rules.yaml',
    );
    const opened: WatchLine[] = [];
    sim.applyChanges([{ kind: 'add-member', group, member: user }]);
    expect(await run(path, sim, opened, { rules, cycles: 2 })).toBe('done');
    const compliance = (ls: WatchLine[]) => ls.filter((l) => l['class_uid'] === 2003);
    expect(compliance(opened)).toHaveLength(1);
    expect(compliance(opened)[0]).toMatchObject({ activity_id: 1, compliance: { control: 'keep-out', status: 'Fail' } });
    const paths: string[] = (compliance(opened)[0]!['unmapped'] as any).paths;
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(p).toMatch(/^user:watched\.user → user_group:/);
    // The second cycle found nothing new: the events query and K = 5 collections of one page each.
    const cycles = opened.filter((l) => l['jcgraph'] === 'cycle');
    expect(cycles.map((c) => c['mode'])).toEqual(['incremental', 'idle']);
    expect(cycles[1]!['requests']).toBeLessThanOrEqual(1 + 5);
    // The file holds the change: a restarted watch resumes from it.
    const resolved: WatchLine[] = [];
    sim.applyChanges([{ kind: 'remove-member', group, member: user }]);
    await run(path, sim, resolved, { rules });
    expect(compliance(resolved)).toHaveLength(1);
    expect(compliance(resolved)[0]).toMatchObject({ activity_id: 3, compliance: { control: 'keep-out', status: 'Pass' } });
  });

  it('catches a change that left no event with the rolling audit, within ceil(C / K) cycles', async () => {
    const { sim, path } = await simulatorWithSnapshot('silent', { 'silent-changes': 1 });
    const { group, user } = groupSystemUser(sim.tenant());
    const lines: WatchLine[] = [];
    const k = 40;
    const silenced = sim.silencedChanges(); // the changes simulatorWithSnapshot made, before the snapshot
    sim.applyChanges([{ kind: 'add-member', group, member: user }]);
    expect(sim.silencedChanges()).toBe(silenced + 1);
    // The first line says how many cycles a round of the audit takes: run that many.
    const probe: WatchLine[] = [];
    await run(path, sim, probe, { auditPerCycle: k, cycles: 0 });
    const bound = probe[0]!['auditRoundCycles'] as number;
    await run(path, sim, lines, { auditPerCycle: k, cycles: bound });
    const caught = lines.filter((l) => l['jcgraph'] === 'cycle' && l['mode'] === 'full');
    expect(caught).toHaveLength(1);
    expect(caught[0]!['reason']).toMatch(/^the rolling audit found a change with no event/);
    expect(JSON.stringify(JSON.parse(await readFile(path, 'utf8')).tenant.edges)).toContain(user.id);
  });

  it('stops with a line on a 401, and logs a failed cycle, keeping the snapshot as it was', async () => {
    const { sim, path } = await simulatorWithSnapshot('faults');
    const refused: WatchLine[] = [];
    expect(await run(path, sim, refused, { apiKey: 'not-the-key' })).toBe('unauthorized');
    expect(refused.at(-1)).toMatchObject({ jcgraph: 'stopped', reason: expect.stringMatching(/401/) });
    const before = await readFile(path);
    const failed: WatchLine[] = [];
    const waits: number[] = [];
    const end = await run(path, sim, failed, {
      baseUrl: 'http://127.0.0.1:9', // nothing listens there: the connection is refused
      maxAttempts: 1,
      cycles: 2,
      wait: async (ms) => void waits.push(ms),
    });
    expect(end).toBe('done');
    expect(failed.filter((l) => l['jcgraph'] === 'cycle-failed')).toHaveLength(2);
    expect(waits).toEqual([600_000]); // twice the interval after one failure, before the second cycle
    expect(await readFile(path)).toEqual(before);
  });
});

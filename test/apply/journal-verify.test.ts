/**
 * The pieces of an apply that stand alone: the journal (0600, one synced line per event, a torn last line
 * ignored, a damaged one refused, never replaced by a new apply) and the verification on the live
 * traversal endpoints, shown on the simulator with a plan's removals made through its change door: after
 * them it agrees with the plan, before them it names every binding the plan ends as still there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessGraph, answer } from '../../src/graph/index.ts';
import { planOffboard, planRevoke } from '../../src/analysis/index.ts';
import { ApiClient } from '../../src/fetchers/index.ts';
import { planFileFromOffboard, planFileFromRevoke, type PlanFile, type PlanSnapshot } from '../../src/plan/index.ts';
import { JournalAppender, readApplyJournal, runStates, APPLY_JOURNAL_FORMAT, APPLY_JOURNAL_VERSION } from '../../src/apply/journal.ts';
import { uncutPaths, verifyLive } from '../../src/apply/verify.ts';
import { JournalError } from '../../src/errors.ts';
import { startSimulator, type SimChange, type Simulator } from '../../src/simulator/index.ts';
import type { TenantData } from '../../src/model/index.ts';

let sim: Simulator;
let dir: string;
let tenant: TenantData;
let g: AccessGraph;

const SNAPSHOT: PlanSnapshot = {
  kind: 'snapshot',
  sha256: 'b'.repeat(64),
  path: 's.json',
  orgId: '',
  apiHost: 'http://127.0.0.1',
  startedAt: '',
  live: false,
};

beforeAll(async () => {
  sim = await startSimulator({ preset: 'small', seed: 12 });
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-journal-'));
  tenant = sim.tenant();
  g = AccessGraph.fromTenant(tenant);
});
afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * The simulator changes that make (or undo, in reverse order) a plan's steps, through its change door rather
 * than the writes apply sends: a removal is the edge's removal, an exemption the group's exemptions as the
 * step's PUT sends them (undone: as read), and the simulator runs the rules again after each, as the tenant does.
 */
function removals(plan: PlanFile, undo = false): SimChange[] {
  const changes = plan.steps.map((s): SimChange => {
    const pre = s.precondition;
    if (pre.kind === 'group-record') {
      const exemptions = undo ? (pre.record['memberQueryExemptions'] ?? []) : s.request.body['memberQueryExemptions'];
      return { kind: 'update', ref: pre.group, set: { memberQueryExemptions: exemptions ?? [] } };
    }
    if (pre.kind !== 'edge') throw new Error('removals and exemptions only');
    const { kind, from, to } = pre.edge;
    const attributes = pre.attributes;
    if (kind === 'membership') return { kind: undo ? 'add-member' : 'remove-member', group: from, member: to };
    return undo ? { kind: 'associate', a: from, b: to, attributes } : { kind: 'dissociate', a: from, b: to };
  });
  return undo ? changes.reverse() : changes;
}

const client = (): ApiClient => new ApiClient({ apiKey: sim.apiKey, baseUrl: sim.baseUrl });

describe('verification on the live traversal endpoints', () => {
  it('revoke: agrees with the plan once its removals are made, names the bindings it ends before', async () => {
    const users = tenant.objects.filter((o) => o.type === 'user');
    let checked = 0;
    for (const user of users.slice(0, 12)) {
      const reached = answer(g, `/users/${user.id}/systems`);
      const target = reached.find((t) => t.paths.length > 1) ?? reached[0];
      if (!target) continue;
      const plan = planFileFromRevoke(g, planRevoke(g, user.id, target.id, { strategy: 'least-collateral' }), { snapshot: SNAPSHOT });
      const before = await verifyLive(client(), plan.verification);
      expect(before.ok).toBe(false);
      expect(before.differences.filter((d) => d.kind === 'still-bound').map((d) => `${d.subject.id}>${d.target.id}`)).toEqual(
        plan.verification.ends.map((b) => `${b.subject.id}>${b.target.id}`),
      );
      expect(before.differences.every((d) => d.kind === 'still-bound')).toBe(true);
      expect((await uncutPaths(client(), plan)).map((p) => p.map((o) => ({ type: o.type, id: o.id })))).toEqual([]);
      sim.applyChanges(removals(plan));
      try {
        const after = await verifyLive(client(), plan.verification);
        expect(after.differences).toEqual([]);
        expect(after.checked).toBe(plan.verification.ends.length + plan.verification.keeps.length);
      } finally {
        sim.applyChanges(removals(plan, true));
      }
      checked += 1;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('revoke: a path that crosses no removed edge is found, with its objects', async () => {
    // A user reaching a system only through groups: a direct association is then a new path.
    const [user, system] = tenant.objects
      .filter((o) => o.type === 'user')
      .flatMap((u) => answer(g, `/users/${u.id}/systems`).map((t) => [u, t] as const))
      .find(([, t]) => t.paths.every((p) => p.length > 1))!;
    const plan = planFileFromRevoke(g, planRevoke(g, user.id, system.id), { snapshot: SNAPSHOT });
    sim.applyChanges([{ kind: 'associate', a: { type: 'user', id: user.id }, b: { type: 'system', id: system.id } }]);
    try {
      expect((await uncutPaths(client(), plan)).map((p) => p.map((o) => ({ type: o.type, id: o.id })))).toEqual([
        [
          { type: 'user', id: user.id },
          { type: 'system', id: system.id },
        ],
      ]);
    } finally {
      sim.applyChanges([{ kind: 'dissociate', a: { type: 'user', id: user.id }, b: { type: 'system', id: system.id } }]);
    }
  });

  it('offboarding: every endpoint of the user is read, and whatever it still reaches is named', async () => {
    const user = tenant.objects.find((o) => o.type === 'user' && g.edgesOf(o.id).length > 3)!;
    const plan = planFileFromOffboard(g, planOffboard(g, user.id), { snapshot: SNAPSHOT });
    const all = removals(plan);
    // All but the first removal: what that one edge grants alone is still there.
    sim.applyChanges(all.slice(1));
    try {
      const partial = await verifyLive(client(), plan.verification);
      expect(partial.ok).toBe(false);
      expect(partial.differences.length).toBeGreaterThan(0);
      expect(partial.differences.every((d) => d.kind === 'still-bound' && d.subject.id === user.id)).toBe(true);
      sim.applyChanges(all.slice(0, 1));
      const whole = await verifyLive(client(), plan.verification);
      expect(whole).toEqual({ ok: true, checked: plan.verification.ends.length, differences: [] });
    } finally {
      sim.applyChanges(removals(plan, true));
    }
  });
});

describe('the apply journal', () => {
  const plan = (): PlanFile => {
    const user = tenant.objects.find((o) => o.type === 'user' && g.edgesOf(o.id).length > 1)!;
    return planFileFromOffboard(g, planOffboard(g, user.id), { snapshot: SNAPSHOT });
  };
  const header = (p: PlanFile) =>
    ({
      format: APPLY_JOURNAL_FORMAT,
      version: APPLY_JOURNAL_VERSION,
      createdAt: new Date().toISOString(),
      planPath: 'p.json',
      plan: p,
    }) as const;

  it('is created 0600, never over an existing one, and read back event by event; a torn last line did not happen', async () => {
    const path = join(dir, 'a.journal');
    const p = plan();
    const journal = await JournalAppender.create(path, header(p));
    const at = new Date().toISOString();
    await journal.append({ event: 'sent', run: 'apply', step: 0, at, request: 'POST /x' });
    await journal.append({ event: 'answered', run: 'apply', step: 0, at, outcome: 204 });
    await journal.append({ event: 'verified', run: 'apply', step: 0, at, state: 'done' });
    await journal.append({ event: 'sent', run: 'apply', step: 1, at, request: 'POST /y' });
    await journal.close();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await expect(JournalAppender.create(path, header(p))).rejects.toThrow(
      /already exists: this plan was applied \(or started\) before; continue with --resume/,
    );
    await appendFile(path, '{"event":"verified","run":"apply","st');
    const read = await readApplyJournal(path);
    expect(read.header.plan).toEqual(p);
    expect(read.events.map((e) => e.event)).toEqual(['sent', 'answered', 'verified', 'sent']);
    const states = runStates(read.events, 'apply');
    expect([...states.states]).toEqual([[0, 'done']]);
    expect([...states.sent].sort()).toEqual([0, 1]);
    expect(states.doneOrder).toEqual([0]);
  });

  it('refuses a damaged, foreign or missing journal in one sentence naming it', async () => {
    const p = plan();
    const good = JSON.stringify(header(p));
    const cases: [string, string, RegExp][] = [
      ['missing.journal', '', /^The apply journal \S+missing\.journal does not exist\.$/],
      ['foreign.journal', '{"format":"jcgraph-fetch-journal"}\n', /^The file \S+ is not a jcgraph apply journal\.$/],
      ['corrupt.journal', `${good}\n{nope\n`, /^The apply journal \S+ is corrupt at line 2\.$/],
      [
        'step.journal',
        `${good}\n{"event":"sent","run":"apply","step":999,"at":"x","request":"r"}\n`,
        /^The apply journal \S+ has an invalid event at line 2\.$/,
      ],
    ];
    for (const [name, text, message] of cases) {
      const path = join(dir, name);
      if (text) await writeFile(path, text);
      const error = await readApplyJournal(path).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(JournalError);
      expect((error as Error).message).toMatch(message);
    }
    // The plan inside is checked as a plan file is: an edited one is refused.
    await writeFile(join(dir, 'edited.journal'), `${good.replace('"op":"remove"', '"op":"add"')}\n`);
    await expect(readApplyJournal(join(dir, 'edited.journal'))).rejects.toThrow(/\(its plan\) was changed after jcgraph wrote it/);
    expect(await readFile(join(dir, 'edited.journal'), 'utf8')).toContain('"op":"add"');
  });
});

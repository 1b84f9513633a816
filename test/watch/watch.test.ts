/**
 * The watch loop against the simulator: a change that opens a violation of the rule file gives exactly one
 * Compliance Finding line, the change that resolves it exactly one closing line; a cycle with nothing new
 * reads the events and K collections only; a change that leaves no event is caught by the rolling audit
 * within ceil(C / K) cycles; a 401 stops the loop with a line; a cycle that fails (a refused connection,
 * a 500 from an API that then comes back) is a line, the snapshot stays as it was and the next cycle
 * recovers; asked to stop, the loop ends after the current write with a `stopped` line, and the command
 * exits 130 for Ctrl-C and 0 for SIGTERM. Cycles are driven by the test (no timers): each watch() call runs a counted
 * number of cycles, and a new call resumes from the snapshot file, as a restarted watch would.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startCli } from '../cli/run.ts';
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

/**
 * A real HTTP proxy in front of a simulator that answers 500 to every request while `failing` is set:
 * an API that fails for a while and comes back, on the test's say-so.
 */
async function flakyProxy(sim: Simulator): Promise<{ baseUrl: string; state: { failing: boolean; failed: number }; server: Server }> {
  const state = { failing: false, failed: 0 };
  const target = new URL(sim.baseUrl);
  const server = createServer((req, res) => {
    if (state.failing) {
      state.failed++;
      req.resume();
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"internal error"}');
      return;
    }
    const forward = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forward);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}${target.pathname === '/' ? '' : target.pathname}`, state, server };
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

  it('begins cycles `every` apart: the time a cycle took is not waited again', async () => {
    const { sim, path } = await simulatorWithSnapshot('schedule');
    const { group, user } = groupSystemUser(sim.tenant());
    sim.applyChanges([{ kind: 'add-member', group, member: user }]);
    // A clock the test moves: each cycle line is said 700 ms (the first, a refresh) or 2 s (the second) after its cycle began.
    let clock = Date.parse('2026-12-01T00:00:00Z');
    const took = [700, 2_000];
    const waits: number[] = [];
    const lines: WatchLine[] = [];
    await run(path, sim, lines, {
      everyMs: 1_000,
      cycles: 3,
      now: () => clock,
      emit: (l) => {
        lines.push(l);
        if (l['jcgraph'] === 'cycle') clock += took.shift() ?? 0;
      },
      wait: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    expect(lines.filter((l) => l['jcgraph'] === 'cycle').map((l) => l['mode'])).toEqual(['incremental', 'idle', 'idle']);
    // 1 s less the 700 ms the first took; none after the second, which overran its second.
    expect(waits).toEqual([300, 0]);
  });

  it('says the lines of a refresh before writing the snapshot; cut short before the write, the restarted watch says them again with the same uids', async () => {
    const { sim, path } = await simulatorWithSnapshot('lines-first');
    const { group, system, user } = groupSystemUser(sim.tenant());
    const rules = parseRuleFile(
      `version: 1\nrules:\n  - { id: keep-out, title: Keep out, kind: forbid, subjects: { id: "${user.id}" }, resources: { id: "${system.id}" } }\n`,
      'rules.yaml',
    );
    const old = await readFile(path);
    // The membership opens the violation; a direct association gives a Detection Finding too.
    sim.applyChanges([
      { kind: 'add-member', group, member: user },
      { kind: 'associate', a: user, b: system },
    ]);
    const first: WatchLine[] = [];
    let fileAtFinding: Buffer | undefined;
    await run(path, sim, first, {
      rules,
      emit: (l) => {
        first.push(l);
        if (l['class_uid'] === 2003) fileAtFinding = readFileSync(path);
      },
    });
    // Said while the file still held the snapshot before the change; written once the lines were out.
    expect(fileAtFinding).toEqual(old);
    expect(JSON.stringify(JSON.parse(await readFile(path, 'utf8')).tenant.edges)).toContain(user.id);
    // A crash before the write completed leaves the old file: the restarted watch finds the change again.
    await writeFile(path, old);
    const again: WatchLine[] = [];
    await run(path, sim, again, { rules });
    const findings = (ls: WatchLine[]) =>
      ls.filter((l) => l['class_uid'] !== undefined).map((l) => `${String(l['class_uid'])} ${(l['finding_info'] as { uid: string }).uid}`);
    expect(findings(first).filter((f) => f.startsWith('2003'))).toHaveLength(1);
    expect(findings(first).filter((f) => f.startsWith('2004')).length).toBeGreaterThan(0);
    expect(findings(again)).toEqual(findings(first));
  });

  it('a write of the snapshot that fails is a cycle-failed line after the lines; the next cycle writes it and says nothing again', async () => {
    const { sim, path } = await simulatorWithSnapshot('write-fails');
    const { group, system, user } = groupSystemUser(sim.tenant());
    const rules = parseRuleFile(
      `version: 1\nrules:\n  - { id: keep-out, title: Keep out, kind: forbid, subjects: { id: "${user.id}" }, resources: { id: "${system.id}" } }\n`,
      'rules.yaml',
    );
    const old = await readFile(path);
    sim.applyChanges([{ kind: 'add-member', group, member: user }]);
    const lines: WatchLine[] = [];
    // Once the first cycle has said what changed, a directory stands where the file is: its write fails. Between the cycles it is taken away.
    await run(path, sim, lines, {
      rules,
      cycles: 2,
      emit: (l) => {
        lines.push(l);
        if (l['jcgraph'] === 'cycle' && l['cycle'] === 1) {
          rmSync(path);
          mkdirSync(join(path, 'in-the-way'), { recursive: true });
        }
      },
      wait: async () => {
        rmSync(path, { recursive: true });
      },
    });
    const kinds = lines.map((l) => l['jcgraph'] ?? l['class_uid']);
    expect(kinds.filter((k) => k === 2003)).toHaveLength(1);
    expect(kinds.indexOf(2003)).toBeLessThan(kinds.indexOf('cycle-failed'));
    expect(lines.find((l) => l['jcgraph'] === 'cycle-failed')).toMatchObject({
      cycle: 1,
      error: expect.stringMatching(/Could not write the snapshot/),
    });
    expect(lines.filter((l) => l['jcgraph'] === 'cycle').map((l) => l['mode'])).toEqual(['incremental', 'idle']);
    const written = await readFile(path);
    expect(written).not.toEqual(old);
    expect(JSON.stringify(JSON.parse(written.toString('utf8')).tenant.edges)).toContain(user.id);
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

  it('a 500 during a cycle is a cycle-failed line with the snapshot kept; the next cycle recovers and reports the change', async () => {
    const { sim, path } = await simulatorWithSnapshot('server-error');
    const { group, system, user } = groupSystemUser(sim.tenant());
    const rules = parseRuleFile(
      `version: 1\nrules:\n  - { id: keep-out, title: Keep out, kind: forbid, subjects: { id: "${user.id}" }, resources: { id: "${system.id}" } }\n`,
      'rules.yaml',
    );
    const proxy = await flakyProxy(sim);
    try {
      sim.applyChanges([{ kind: 'add-member', group, member: user }]);
      const before = await readFile(path);
      const lines: WatchLine[] = [];
      const waits: number[] = [];
      let fileDuringBackoff: Buffer | undefined;
      proxy.state.failing = true;
      const end = await run(path, sim, lines, {
        baseUrl: proxy.baseUrl,
        rules,
        maxAttempts: 1,
        cycles: 2,
        // Between the cycles: the file as the failed cycle left it, then the API comes back.
        wait: async (ms) => {
          waits.push(ms);
          fileDuringBackoff = await readFile(path);
          proxy.state.failing = false;
        },
      });
      expect(end).toBe('done');
      expect(proxy.state.failed).toBeGreaterThan(0);
      const kinds = lines.map((l) => l['jcgraph'] ?? l['class_uid']);
      expect(kinds).toEqual(['watching', 'cycle-failed', 'cycle', 2003]);
      expect(lines[1]).toMatchObject({ jcgraph: 'cycle-failed', cycle: 1, retryInMs: 600_000, error: expect.stringMatching(/500/) });
      expect(waits).toEqual([600_000]);
      expect(fileDuringBackoff).toEqual(before);
      // The events are read again and the change is taken in (a full read here: the proxy is another API host than the snapshot's).
      expect(lines[2]).toMatchObject({ jcgraph: 'cycle', cycle: 2, reason: expect.stringMatching(/new events?$/) });
      expect(lines[3]).toMatchObject({ activity_id: 1, compliance: { control: 'keep-out', status: 'Fail' } });
      expect(await readFile(path)).not.toEqual(before);
      expect(JSON.stringify(JSON.parse(await readFile(path, 'utf8')).tenant.edges)).toContain(user.id);
    } finally {
      await new Promise((done) => proxy.server.close(done));
    }
  });

  it('asked to stop, ends after the current cycle’s write with a stopped line', async () => {
    const { sim, path } = await simulatorWithSnapshot('stop');
    const { group, user } = groupSystemUser(sim.tenant());
    sim.applyChanges([{ kind: 'add-member', group, member: user }]);
    const stop = new AbortController();
    const lines: WatchLine[] = [];
    let waited = 0;
    const end = await watch({
      snapshot: path,
      apiKey: sim.apiKey,
      baseUrl: sim.baseUrl,
      eventLagMs: 60_000,
      auditPerCycle: 5,
      productVersion: 'test',
      signal: stop.signal,
      // No cycle limit: only the signal ends it. Asked to stop as soon as the first cycle says it wrote.
      emit: (l) => {
        lines.push(l);
        if (l['jcgraph'] === 'cycle') stop.abort();
      },
      wait: async () => {
        waited++;
      },
    });
    expect(end).toBe('cancelled');
    expect(lines.map((l) => l['jcgraph'])).toEqual(['watching', 'cycle', 'stopped']);
    expect(lines[2]).toMatchObject({ jcgraph: 'stopped', cycle: 1, reason: expect.stringMatching(/^asked to stop/) });
    expect(waited).toBeLessThanOrEqual(1); // no second cycle began
    // The cycle's write was finished: the file holds the change.
    expect(JSON.stringify(JSON.parse(await readFile(path, 'utf8')).tenant.edges)).toContain(user.id);
  });

  it('jcgraph watch: Ctrl-C ends it with 130 and SIGTERM with 0, each after a stopped line', async () => {
    const { sim, path } = await simulatorWithSnapshot('signals');
    const args = ['watch', '--snapshot', path, '--base-url', sim.baseUrl, '--every', '1h', '--event-lag', '1m'];
    const env = { JC_API_KEY: sim.apiKey };
    const lines = (out: string) =>
      out
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as WatchLine);
    const firstCycle = async (running: ReturnType<typeof startCli>) =>
      vi.waitFor(() => expect(running.stdout()).toContain('"jcgraph":"cycle"'), { timeout: 30_000, interval: 50 });

    // Ctrl-C: the command's abort signal, once the first cycle has been said; it is then waiting an hour.
    const interrupt = new AbortController();
    const interrupted = startCli(args, { env, signal: interrupt.signal });
    await firstCycle(interrupted);
    interrupt.abort();
    const byCtrlC = await interrupted.done;
    expect(byCtrlC.code, byCtrlC.stderr).toBe(130);
    expect(lines(byCtrlC.stdout).map((l) => l['jcgraph'])).toEqual(['watching', 'cycle', 'stopped']);

    // SIGTERM, as a service manager sends it (the test's process keeps no other listener meanwhile).
    const others = process.listeners('SIGTERM');
    for (const l of others) process.removeListener('SIGTERM', l);
    try {
      const terminated = startCli(args, { env });
      await firstCycle(terminated);
      expect(process.listenerCount('SIGTERM')).toBe(1);
      process.emit('SIGTERM');
      const byTerm = await terminated.done;
      expect(byTerm.code, byTerm.stderr).toBe(0);
      expect(lines(byTerm.stdout).at(-1)).toMatchObject({ jcgraph: 'stopped', reason: expect.stringMatching(/^asked to stop/) });
      expect(process.listenerCount('SIGTERM')).toBe(0); // the command took its listener away
    } finally {
      for (const l of others) process.on('SIGTERM', l);
    }
  });
});

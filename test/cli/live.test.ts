/**
 * `--live` on why, access, revoke and offboard: after a change to the simulated tenant, the answer on
 * an old snapshot checked live equals the answer on a fresh full fetch, says what changed, and costs
 * tens of requests; the old snapshot alone gets a revoke plan wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchTenant } from '../../src/fetchers/index.ts';
import { AccessGraph, answer } from '../../src/graph/index.ts';
import { saveSnapshot } from '../../src/snapshot/index.ts';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import type { TenantData } from '../../src/model/index.ts';
import { cli } from './run.ts';

let sim: Simulator;
let dir: string;
let env: Record<string, string>;

async function snapshotNow(name: string): Promise<{ path: string; tenant: TenantData }> {
  const { tenant, meta } = await fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, orgId: sim.orgIds[0] });
  const path = join(dir, name);
  await saveSnapshot(path, { meta, tenant });
  return { path, tenant };
}

beforeAll(async () => {
  sim = await startSimulator({ preset: 'small', seed: 21 });
  dir = await mkdtemp(join(tmpdir(), 'jcgraph-live-'));
  env = { JC_API_KEY: sim.apiKey };
});
afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

const ref = (o: { type: string; id: string }) => ({ type: o.type, id: o.id });

/** A user and a system it reaches, and a system it does not reach. */
function pick(tenant: TenantData): { user: string; reached: string; unreached: string } {
  const g = AccessGraph.fromTenant(tenant);
  const systems = tenant.objects.filter((o) => o.type === 'system').map((o) => o.id);
  for (const u of tenant.objects.filter((o) => o.type === 'user')) {
    const reached = (answer(g, `/users/${u.id}/systems`) as { id: string }[]).map((x) => x.id);
    const unreached = systems.find((s) => !reached.includes(s));
    if (reached.length > 0 && reached.length < 10 && unreached) return { user: u.id, reached: reached[0]!, unreached };
  }
  throw new Error('no user reaching a few systems');
}

describe('--live', () => {
  it('revoke: the plan on an old snapshot checked live is the plan of a fresh fetch; the old snapshot alone leaves access in place', async () => {
    const old = await snapshotNow('old.json');
    const { user, reached } = pick(old.tenant);
    // An admin grants the user the same device directly, with sudo.
    sim.applyChanges([
      {
        kind: 'associate',
        a: { type: 'user', id: user },
        b: { type: 'system', id: reached },
        attributes: { sudo: { enabled: true, withoutPassword: true } },
      },
    ]);
    const fresh = await snapshotNow('fresh.json');

    const live = await cli(['revoke', user, reached, '--snapshot', old.path, '--live', '--json'], { env });
    expect(live.code, live.stderr).toBe(0);
    const livePlan = JSON.parse(live.stdout);
    const freshPlan = JSON.parse((await cli(['revoke', user, reached, '--snapshot', fresh.path, '--json'])).stdout);
    const edges = (p: any) => p.steps.map((s: any) => `${s.edge.kind}:${s.edge.from.id}>${s.edge.to.id}`).sort();
    expect(edges(livePlan)).toEqual(edges(freshPlan));
    expect(livePlan.paths.length).toBe(freshPlan.paths.length);
    expect(livePlan.live.changes).toEqual([
      expect.objectContaining({ change: 'added', kind: 'association', after: { sudo: { enabled: true, withoutPassword: true } } }),
    ]);
    expect(livePlan.live.requests).toBeGreaterThan(0);
    expect(livePlan.live.requests).toBeLessThanOrEqual(30);

    // The old snapshot alone plans without the new association: on the organization as it is, access remains.
    const stalePlan = JSON.parse((await cli(['revoke', user, reached, '--snapshot', old.path, '--json'])).stdout);
    const now = AccessGraph.fromTenant(fresh.tenant);
    // An exemption and the removal after it end the same edge: remove each edge once.
    const ended = new Map<string, any>(stalePlan.steps.map((s: any) => [`${s.edge.kind}:${s.edge.from.id}>${s.edge.to.id}`, s.edge]));
    for (const edge of ended.values()) now.removeEdge(edge);
    expect((answer(now, `/users/${user}/systems`) as { id: string }[]).some((s) => s.id === reached)).toBe(true);
  });

  it('why and access: say what changed, and answer as a fresh fetch does', async () => {
    const old = await snapshotNow('old2.json');
    const { user, unreached } = pick(old.tenant);
    const group = old.tenant.objects.find(
      (o) => o.type === 'system_group' && old.tenant.edges.some((e) => e.from.id === o.id && e.to.id === unreached),
    )!;
    const userGroup = old.tenant.objects.find(
      (o) => o.type === 'user_group' && !old.tenant.edges.some((e) => e.from.id === o.id && e.to.id === user),
    )!;
    // The user joins a group, and that group is bound to a device group holding the device.
    sim.applyChanges([
      { kind: 'add-member', group: ref(userGroup), member: { type: 'user', id: user } },
      { kind: 'associate', a: ref(userGroup), b: ref(group) },
    ]);
    const fresh = await snapshotNow('fresh2.json');
    const why = await cli(['why', user, unreached, '--snapshot', old.path, '--live'], { env });
    expect(why.code, why.stderr).toBe(0);
    expect(why.stdout).toMatch(
      /^Live check of organization \w+ at http:\/\/127\.0\.0\.1:\d+: \d+ requests, \d+ collections read; 2 edges changed since the snapshot of \d{4}-\d\d-\d\d \d\d:\d\d UTC:\n/,
    );
    expect(why.stdout).toMatch(/\+ membership user_group:.*>user:/);
    expect(why.stdout).toMatch(/\+ association user_group:.*~system_group:/);
    expect(why.stdout).toMatch(/reaches system:/);

    const liveAccess = JSON.parse((await cli(['access', user, '--snapshot', old.path, '--live', '--json'], { env })).stdout);
    const freshAccess = JSON.parse((await cli(['access', user, '--snapshot', fresh.path, '--json'])).stdout);
    expect(liveAccess.bindings).toEqual(freshAccess.bindings);
    expect(liveAccess.live.changes).toHaveLength(2);

    const liveOffboard = JSON.parse((await cli(['offboard', user, '--snapshot', old.path, '--live', '--json'], { env })).stdout);
    const freshOffboard = JSON.parse((await cli(['offboard', user, '--snapshot', fresh.path, '--json'])).stdout);
    expect(liveOffboard.steps).toEqual(freshOffboard.steps);
    expect(liveOffboard.remaining).toEqual([]);
  });

  it('says when nothing had changed', async () => {
    const snap = await snapshotNow('same.json');
    const { user, reached } = pick(snap.tenant);
    const r = await cli(['why', user, reached, '--snapshot', snap.path, '--live'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/collections read; nothing had changed since the snapshot of /);
  });

  it('knows a subject deleted since the snapshot: its edges go, and it has no access left', async () => {
    const snap = await snapshotNow('gone.json');
    const { user } = pick(snap.tenant);
    sim.applyChanges([{ kind: 'delete', ref: { type: 'user', id: user } }]);
    const r = JSON.parse((await cli(['access', user, '--snapshot', snap.path, '--live', '--json'], { env })).stdout);
    expect(r.bindings).toEqual([]);
    expect(r.live.gone).toEqual([{ type: 'user', id: user }]);
  });

  it('refuses what cannot work, in one sentence', async () => {
    const snap = await snapshotNow('refuse.json');
    const { user, reached } = pick(snap.tenant);
    const cases: [string[], Record<string, string>, number, RegExp][] = [
      [['why', user, reached, '--sim', 'small', '--live'], env, 2, /--live checks a snapshot against its live tenant/],
      [['why', user, reached, '--snapshot', snap.path, '--live'], {}, 1, /No API key/],
      [
        ['why', user, reached, '--snapshot', snap.path, '--live', '--base-url', 'http://127.0.0.1:1'],
        env,
        2,
        /was fetched from http:\/\/127\.0\.0\.1:\d+, not http:\/\/127\.0\.0\.1:1/,
      ],
      [
        ['why', user, reached, '--snapshot', snap.path, '--live', '--org-id', '0123456789abcdef01234567'],
        env,
        2,
        /is of organization \w+, not 0123456789abcdef01234567/,
      ],
      [['why', user, reached, '--snapshot', snap.path, '--base-url', sim.baseUrl], env, 2, /--base-url and --org-id go with --live/],
    ];
    for (const [argv, e, code, message] of cases) {
      const r = await cli(argv, { env: e });
      expect(r.code, argv.join(' ')).toBe(code);
      expect(r.stderr).toMatch(message);
    }
  });
});

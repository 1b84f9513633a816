import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  GRAPH_ENDPOINTS,
  TRAVERSAL_PATTERNS,
  associationEdge,
  endpointPath,
  membershipEdge,
  type JsonObject,
  type ObjectRef,
  type TenantData,
  type TenantEdge,
} from '../../src/model/index.ts';
import { SimulatorError, generateTenant, referenceAnswer } from '../../src/simulator/index.ts';
import { pathsOfPattern } from '../../src/simulator/reference/paths.ts';
import { TenantIndex } from '../../src/simulator/reference/tenant-index.ts';

// A hand-built tenant; ids are chosen so that their order is easy to follow (u < g < sg < s < app < cmd).
const id = (prefix: string, n: number) => `${prefix}${'0'.repeat(23 - prefix.length)}${n}`;
const u1 = { type: 'user', id: id('a', 1) };
const u2 = { type: 'user', id: id('a', 2) };
const g1 = { type: 'user_group', id: id('b', 1) };
const g2 = { type: 'user_group', id: id('b', 2) };
const g3 = { type: 'user_group', id: id('b', 3) };
const sg1 = { type: 'system_group', id: id('c', 1) };
const s1 = { type: 'system', id: id('d', 1) };
const s2 = { type: 'system', id: id('d', 2) };
const s3 = { type: 'system', id: id('d', 3) };
const app = { type: 'application', id: id('e', 1) };
const cmd = { type: 'command', id: id('f', 1) };

const sudo = (enabled: boolean, withoutPassword: boolean) => ({ sudo: { enabled, withoutPassword } });
const eng = { ldapGroups: [{ name: 'eng' }], posixGroups: [{ id: 10, name: 'eng' }] };
const ops = { ldapGroups: [{ name: 'ops' }], radius: { reply: [{ name: 'Filter-Id', value: 'ops' }] }, sambaEnabled: true };

const record = (ref: ObjectRef, extra: JsonObject = {}): JsonObject =>
  ['user', 'system', 'application', 'command'].includes(ref.type) ? { _id: ref.id, ...extra } : { id: ref.id, ...extra };

const hand: TenantData = {
  orgId: 'org-hand',
  objects: [
    { ...u1, record: record(u1, { username: 'ada' }) },
    { ...u2, record: record(u2, { username: 'alan' }) },
    { ...g1, record: record(g1, { name: 'Engineering', attributes: { ...sudo(true, true), ...eng } }) },
    { ...g2, record: record(g2, { name: 'Ops', attributes: { ...sudo(false, false), ...ops } }) },
    { ...g3, record: record(g3, { name: 'Plain', attributes: null }) },
    { ...sg1, record: record(sg1, { name: 'Servers' }) },
    { ...s1, record: record(s1, { hostname: 's1' }) },
    { ...s2, record: record(s2, { hostname: 's2' }) },
    { ...s3, record: record(s3, { hostname: 's3' }) },
    { ...app, record: record(app, { name: 'slack' }) },
    {
      ...cmd,
      record: record(cmd, {
        name: 'Update',
        command: 'apt upgrade',
        commandType: 'linux',
        launchType: 'manual',
        timeout: '60',
        sudo: true,
      }),
    },
  ],
  edges: [
    membershipEdge(g1, u1),
    membershipEdge(g2, u1),
    membershipEdge(g3, u2),
    membershipEdge(sg1, s1),
    membershipEdge(sg1, s2),
    associationEdge(g1, sg1),
    associationEdge(s1, u1, sudo(true, false)),
    associationEdge(s3, g2, sudo(true, true)),
    associationEdge(g3, s3, sudo(true, true)),
    associationEdge(app, g1),
    associationEdge(u1, app),
    associationEdge(cmd, sg1),
  ],
};

const to = (ref: ObjectRef) => ({ id: ref.id, type: ref.type, attributes: null });
const hop = (ref: ObjectRef, attributes: JsonObject | null = null) => ({ to: to(ref), attributes });

describe('reference answers on a hand-built tenant', () => {
  it('user → systems: direct, through a user group and a device group, and through a group bound to the device', () => {
    expect(referenceAnswer(hand, `/api/v2/users/${u1.id}/systems`)).toEqual([
      {
        id: s1.id,
        type: 'system',
        // Direct user grant (enabled, with password) supersedes the group's own sudo (without password).
        compiledAttributes: { sudo: { enabled: true, withoutPassword: false }, ...eng },
        paths: [[hop(s1, sudo(true, false))], [hop(g1), hop(sg1), hop(s1)]],
      },
      {
        id: s2.id,
        type: 'system',
        // Only through Engineering: its own sudo applies.
        compiledAttributes: { sudo: { enabled: true, withoutPassword: true }, ...eng },
        paths: [[hop(g1), hop(sg1), hop(s2)]],
      },
      {
        id: s3.id,
        type: 'system',
        // Ops' own sudo (denied) supersedes the sudo granted on Ops' association with the device.
        compiledAttributes: { sudo: { enabled: false, withoutPassword: false }, ...ops },
        paths: [[hop(g2), hop(s3, sudo(true, true))]],
      },
    ]);
  });

  it('takes sudo from the group association when the group has none of its own', () => {
    expect(referenceAnswer(hand, `/users/${u2.id}/systems`)).toEqual([
      {
        id: s3.id,
        type: 'system',
        compiledAttributes: { sudo: { enabled: true, withoutPassword: true } },
        paths: [[hop(g3), hop(s3, sudo(true, true))]],
      },
    ]);
  });

  it('device → users and user groups, walking the same edges the other way', () => {
    expect(referenceAnswer(hand, `/systems/${s1.id}/users`)).toEqual([
      {
        id: u1.id,
        type: 'user',
        compiledAttributes: { sudo: { enabled: true, withoutPassword: false }, ...eng },
        paths: [[hop(u1, sudo(true, false))], [hop(sg1), hop(g1), hop(u1)]],
      },
    ]);
    expect(referenceAnswer(hand, `/systems/${s1.id}/usergroups`)).toEqual([
      {
        id: g1.id,
        type: 'user_group',
        compiledAttributes: { sudo: { enabled: true, withoutPassword: true }, ...eng },
        paths: [[hop(sg1), hop(g1)]],
      },
    ]);
    expect(referenceAnswer(hand, `/systems/${s3.id}/users`)).toEqual([
      {
        id: u1.id,
        type: 'user',
        compiledAttributes: { sudo: { enabled: false, withoutPassword: false }, ...ops },
        paths: [[hop(g2, sudo(true, true)), hop(u1)]],
      },
      {
        id: u2.id,
        type: 'user',
        compiledAttributes: { sudo: { enabled: true, withoutPassword: true } },
        paths: [[hop(g3, sudo(true, true)), hop(u2)]],
      },
    ]);
  });

  it('user → applications: group attributes compile, sudo does not (not a device binding)', () => {
    expect(referenceAnswer(hand, `/users/${u1.id}/applications`)).toEqual([
      { id: app.id, type: 'application', compiledAttributes: eng, paths: [[hop(app)], [hop(g1), hop(app)]] },
    ]);
    expect(referenceAnswer(hand, `/users/${u2.id}/applications`)).toEqual([]);
  });

  it('user group as source: its own attributes count, and its members are reached by membership', () => {
    expect(referenceAnswer(hand, `/usergroups/${g1.id}/systems`)).toEqual([
      {
        id: s1.id,
        type: 'system',
        compiledAttributes: { sudo: { enabled: true, withoutPassword: true }, ...eng },
        paths: [[hop(sg1), hop(s1)]],
      },
      {
        id: s2.id,
        type: 'system',
        compiledAttributes: { sudo: { enabled: true, withoutPassword: true }, ...eng },
        paths: [[hop(sg1), hop(s2)]],
      },
    ]);
    expect(referenceAnswer(hand, `/usergroups/${g1.id}/membership`)).toEqual([
      { id: u1.id, type: 'user', compiledAttributes: eng, paths: [[hop(u1)]] },
    ]);
    expect(referenceAnswer(hand, `/usergroups/${g3.id}/membership`)).toEqual([{ id: u2.id, type: 'user', paths: [[hop(u2)]] }]);
    expect(referenceAnswer(hand, `/usergroups/${g1.id}/members`)).toEqual([{ to: to(u1), attributes: null }]);
  });

  it('memberof lists the groups of an object with one-hop paths', () => {
    expect(referenceAnswer(hand, `/users/${u1.id}/memberof`)).toEqual([
      { id: g1.id, type: 'user_group', compiledAttributes: eng, paths: [[hop(g1)]] },
      { id: g2.id, type: 'user_group', compiledAttributes: ops, paths: [[hop(g2)]] },
    ]);
    expect(referenceAnswer(hand, `/systems/${s3.id}/memberof`)).toEqual([]);
  });

  it('…/commands traversals carry the command fields', () => {
    expect(referenceAnswer(hand, `/systems/${s1.id}/commands`)).toEqual([
      {
        id: cmd.id,
        type: 'command',
        name: 'Update',
        command: 'apt upgrade',
        commandType: 'linux',
        launchType: 'manual',
        timeout: '60',
        paths: [[hop(sg1), hop(cmd)]],
      },
    ]);
  });

  it('associations: direct only, filtered by targets, ordered by id, with edge attributes', () => {
    expect(referenceAnswer(hand, `/users/${u1.id}/associations`, { targets: 'application,system' })).toEqual([
      { to: to(s1), attributes: sudo(true, false) },
      { to: to(app), attributes: null },
    ]);
    expect(referenceAnswer(hand, `/users/${u1.id}/associations`, { targets: 'policy' })).toEqual([]);
    expect(referenceAnswer(hand, `/systemgroups/${sg1.id}/associations`, { targets: 'user_group,command' })).toEqual([
      { to: to(g1), attributes: null },
      { to: to(cmd), attributes: null },
    ]);
  });

  it('refuses missing or foreign targets (400), unknown sources and paths (404)', () => {
    const status = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(SimulatorError);
        return (e as SimulatorError).status;
      }
      return 'no error';
    };
    expect(status(() => referenceAnswer(hand, `/users/${u1.id}/associations`))).toBe(400);
    expect(status(() => referenceAnswer(hand, `/systems/${s1.id}/associations`, { targets: 'software_app' }))).toBe(400);
    expect(status(() => referenceAnswer(hand, `/users/${id('9', 9)}/systems`))).toBe(404);
    expect(status(() => referenceAnswer(hand, `/systems/${u1.id}/users`))).toBe(404);
    expect(status(() => referenceAnswer(hand, '/users'))).toBe(404);
  });

  it('never repeats an object on a path', () => {
    // An edge the model does not allow (device group ↔ device) would give s2 → sg1 → s2.
    const odd: TenantData = { ...hand, edges: [...hand.edges, associationEdge(sg1, s2)] };
    const walked = pathsOfPattern(new TenantIndex(odd), s2, ['up', 'association']).map((p) => p.map((h) => h.to.id));
    expect(walked).toContainEqual([sg1.id, cmd.id]);
    expect(walked).not.toContainEqual([sg1.id, s2.id]);
  });
});

/**
 * A second, deliberately different enumeration: depth-first over every edge (each membership usable up
 * or down, each association either way), keeping walks whose step kinds spell a grammar pattern.
 */
function bruteForce(tenant: TenantData, source: ObjectRef, targetTypes: readonly string[]): Map<string, string[]> {
  const steps: { from: string; to: ObjectRef; step: string; attributes: unknown }[] = [];
  const key = (r: ObjectRef) => `${r.type}:${r.id}`;
  const add = (e: TenantEdge) => {
    if (e.kind === 'association') {
      steps.push({ from: key(e.from), to: e.to, step: 'association', attributes: e.attributes });
      steps.push({ from: key(e.to), to: e.from, step: 'association', attributes: e.attributes });
    } else {
      steps.push({ from: key(e.to), to: e.from, step: 'up', attributes: e.attributes });
      steps.push({ from: key(e.from), to: e.to, step: 'down', attributes: e.attributes });
    }
  };
  tenant.edges.forEach(add);
  const patterns = new Set(TRAVERSAL_PATTERNS.map((s) => s.join(',')));
  const found = new Map<string, string[]>();
  const walk = (at: ObjectRef, kinds: string[], ids: string[], seen: Set<string>) => {
    if (kinds.length > 0 && patterns.has(kinds.join(',')) && targetTypes.includes(at.type)) {
      const list = found.get(at.id) ?? [];
      list.push(ids.join('>'));
      found.set(at.id, list);
    }
    if (kinds.length === 3) return;
    for (const s of steps) {
      if (s.from !== key(at) || seen.has(key(s.to))) continue;
      walk(s.to, [...kinds, s.step], [...ids, s.to.id], new Set([...seen, key(s.to)]));
    }
  };
  walk(source, [], [], new Set([key(source)]));
  return found;
}

describe('reference traversal against a brute-force walk', () => {
  it('finds exactly the paths of the grammar for every traversal endpoint (random tiny tenants)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.nat(), (seed, pick) => {
        const tenant = generateTenant({ preset: 'tiny', seed });
        const traversals = GRAPH_ENDPOINTS.filter((e) => e.kind === 'traverse');
        const endpoint = traversals[pick % traversals.length]!;
        const sources = tenant.objects.filter((o) => o.type === endpoint.source);
        const source = sources[pick % sources.length]!;
        const answer = referenceAnswer(tenant, endpointPath(endpoint, source.id)) as any[];
        const expected = bruteForce(tenant, source, endpoint.targets);
        const got = new Map(answer.map((b) => [b.id, b.paths.map((p: any[]) => p.map((h) => h.to.id).join('>')).sort()]));
        expect(new Map([...got].map(([k, v]) => [k, [...v].sort()]))).toEqual(new Map([...expected].map(([k, v]) => [k, v.sort()])));
        // Order: targets by id, paths by length then hop ids.
        expect(answer.map((b) => b.id)).toEqual([...answer.map((b) => b.id)].sort());
        for (const b of answer) {
          const keys = b.paths.map((p: any[]) => [p.length, p.map((h) => h.to.id).join(',')] as const);
          const sorted = [...keys].sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
          expect(keys).toEqual(sorted);
        }
      }),
      { numRuns: 150 },
    );
  });
});

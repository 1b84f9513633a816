/**
 * The simulator as a changing organization: every kind of change alters what the API serves, changes
 * the API would refuse are refused, random churn keeps the served organization consistent (a client
 * reading it over HTTP sees exactly `sim.tenant()`), and the change door is closed unless opened.
 */
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, edgeKey, sortTenant, type TenantData } from '../../src/model/index.ts';
import { SimulatorError, type SimChange } from '../../src/simulator/index.ts';
import { LIST_ROUTES } from '../../src/simulator/server/routes.ts';
import { fetchTenant } from '../../src/fetchers/index.ts';
import { fetchAll, firstOf, getJson, objectsOf, withSimulator } from '../helpers/sim.ts';
import { LIST_ITEM_SCHEMAS, validatorFor } from './spec-schemas.ts';
import { cli } from '../cli/run.ts';

const canonical = (t: TenantData): string => canonicalJson(sortTenant(t));
const ref = (o: { type: string; id: string }) => ({ type: o.type, id: o.id });

describe('applying changes', () => {
  it('each kind of change shows in what the API serves', async () => {
    await withSimulator({ preset: 'tiny', seed: 4 }, async (sim) => {
      const t = sim.tenant();
      // A static group: in a dynamic one the rule would answer the membership changes (rule-reevaluation.test.ts).
      const group = objectsOf(t, 'user_group').find((g) => g.record['membershipMethod'] === 'STATIC')!;
      const members = () => fetchAll(sim, `/api/v2/usergroups/${group.id}/members`).then((items) => items.map((i: any) => i.to.id));
      const outsider = objectsOf(t, 'user').find(
        (u) => !t.edges.some((e) => e.kind === 'membership' && e.from.id === group.id && e.to.id === u.id),
      )!;

      const [added] = sim.applyChanges([{ kind: 'add-member', group: ref(group), member: ref(outsider) }]);
      expect(added).toMatchObject({ effect: 'edge', op: 'add', membership: true });
      expect(await members()).toContain(outsider.id);
      // Adding it again changes nothing.
      expect(sim.applyChanges([{ kind: 'add-member', group: ref(group), member: ref(outsider) }])[0]!.effect).toBe('none');
      sim.applyChanges([{ kind: 'remove-member', group: ref(group), member: ref(outsider) }]);
      expect(await members()).not.toContain(outsider.id);

      const system = firstOf(t, 'system');
      const associations = async () => (await fetchAll(sim, `/api/v2/users/${outsider.id}/associations`, { targets: 'system' })) as any[];
      sim.applyChanges([
        { kind: 'associate', a: ref(system), b: ref(outsider), attributes: { sudo: { enabled: true, withoutPassword: false } } },
      ]);
      expect((await associations()).find((a) => a.to.id === system.id)?.attributes).toEqual({
        sudo: { enabled: true, withoutPassword: false },
      });
      sim.applyChanges([{ kind: 'associate', a: ref(outsider), b: ref(system), attributes: null }]);
      expect((await associations()).find((a) => a.to.id === system.id)?.attributes).toBeNull();
      sim.applyChanges([{ kind: 'dissociate', a: ref(outsider), b: ref(system) }]);
      expect((await associations()).some((a) => a.to.id === system.id)).toBe(false);

      const [created] = sim.applyChanges([{ kind: 'create', type: 'user_group', record: { name: 'Night Shift' } }]);
      if (created?.effect !== 'create') throw new Error('not created');
      expect(created.object.id).toMatch(/^[0-9a-f]{24}$/);
      const groups = (await fetchAll(sim, '/api/v2/usergroups')) as any[];
      expect(groups.find((g) => g.id === created.object.id)?.name).toBe('Night Shift');
      sim.applyChanges([
        {
          kind: 'update',
          ref: ref(created.object),
          set: { name: 'Day Shift', attributes: { sudo: { enabled: true, withoutPassword: true } } },
        },
      ]);
      const renamed = ((await fetchAll(sim, '/api/v2/usergroups')) as any[]).find((g) => g.id === created.object.id);
      expect(renamed).toMatchObject({ name: 'Day Shift', attributes: { sudo: { enabled: true, withoutPassword: true } } });

      const [deleted] = sim.applyChanges([{ kind: 'delete', ref: ref(group) }]);
      expect(deleted).toMatchObject({ effect: 'delete' });
      expect(((await fetchAll(sim, '/api/v2/usergroups')) as any[]).some((g) => g.id === group.id)).toBe(false);
      expect((await getJson(sim, `/api/v2/usergroups/${group.id}/members`)).status).toBe(404);
      expect(sim.tenant().edges.some((e) => e.from.id === group.id || e.to.id === group.id)).toBe(false);
    });
  });

  it('refuses what the API would refuse, naming what is wrong', async () => {
    await withSimulator({ preset: 'tiny', seed: 4 }, async (sim) => {
      const t = sim.tenant();
      const user = ref(firstOf(t, 'user'));
      const system = ref(firstOf(t, 'system'));
      const bad: [SimChange, RegExp][] = [
        [{ kind: 'add-member', group: user, member: system }, /not a group type/],
        [{ kind: 'add-member', group: ref(firstOf(t, 'user_group')), member: system }, /holds user members/],
        [{ kind: 'associate', a: user, b: ref(firstOf(t, 'command')) }, /cannot be associated/],
        [{ kind: 'delete', ref: { type: 'user', id: 'ffffffffffffffffffffffff' } }, /does not exist/],
        [{ kind: 'create', type: 'agent' }, /unknown type "agent"/],
        [{ kind: 'update', ref: user, set: { _id: 'x' } }, /cannot change/],
        [{ kind: 'teleport' } as unknown as SimChange, /unknown change "teleport"/],
      ];
      for (const [change, message] of bad) {
        const error = (() => {
          try {
            sim.applyChanges([change]);
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        expect(error, JSON.stringify(change)).toBeInstanceOf(SimulatorError);
        expect((error as SimulatorError).message).toMatch(message);
        expect((error as SimulatorError).status).toBe(400);
      }
      expect(canonical(sim.tenant())).toBe(canonical(t));
    });
  });

  it('leaves an IdP routing policy out once its last association is gone (the API shows it nowhere)', async () => {
    await withSimulator({ preset: 'tiny', seed: 4 }, async (sim) => {
      const idp = firstOf(sim.tenant(), 'idp_routing_policy');
      const edges = sim.tenant().edges.filter((e) => e.from.id === idp.id || e.to.id === idp.id);
      expect(edges.length).toBeGreaterThan(0);
      sim.applyChanges(edges.map((e) => ({ kind: 'dissociate', a: ref(e.from), b: ref(e.to) })));
      expect(sim.tenant().objects.some((o) => o.id === idp.id)).toBe(false);
      const user = ref(firstOf(sim.tenant(), 'user'));
      sim.applyChanges([{ kind: 'associate', a: user, b: ref(idp) }]);
      expect(sim.tenant().objects.some((o) => o.id === idp.id)).toBe(true);
    });
  });

  it('gives created objects records that their list schema accepts', async () => {
    await withSimulator({ preset: 'tiny', seed: 2 }, async (sim) => {
      const types = [
        'user',
        'user_group',
        'system',
        'system_group',
        'policy',
        'policy_group',
        'application',
        'command',
        'radius_server',
        'ldap_server',
        'active_directory',
        'g_suite',
        'office_365',
        'software_app',
        'rule',
      ];
      const created = sim.applyChanges(types.map((type) => ({ kind: 'create', type })));
      const ids = new Set(created.map((c) => (c.effect === 'create' ? c.object.id : '')));
      for (const route of LIST_ROUTES.values()) {
        const validate = validatorFor(LIST_ITEM_SCHEMAS[route.path]!);
        const items = (await fetchAll(sim, route.path)) as any[];
        const fresh = items.filter((i) => ids.has(i._id ?? i.id));
        expect(fresh.length, route.path).toBeGreaterThan(0);
        for (const item of fresh) expect(validate(item), `${route.path} ${JSON.stringify(item).slice(0, 100)}`).toBeUndefined();
      }
    });
  });
});

describe('churn', () => {
  it('random changes are always accepted and a client reads exactly the changed organization (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1, max: 40 }), async (seed, count) => {
        await withSimulator({ preset: 'tiny', seed: 5, churnSeed: seed }, async (sim) => {
          const before = sim.tenant();
          const applied = sim.churn(count);
          expect(applied).toHaveLength(count);
          expect(applied.every((a) => a.effect !== 'none')).toBe(true);
          const after = sim.tenant();
          expect(canonical(after)).not.toBe(canonical(before));
          // No edge to a missing object, no duplicate edge.
          const ids = new Set(after.objects.map((o) => `${o.type}:${o.id}`));
          expect(after.edges.filter((e) => !ids.has(`${e.from.type}:${e.from.id}`) || !ids.has(`${e.to.type}:${e.to.id}`))).toEqual([]);
          expect(new Set(after.edges.map(edgeKey)).size).toBe(after.edges.length);
          const { tenant } = await fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, orgId: sim.orgIds[0] });
          expect(canonical(tenant)).toBe(canonical(after));
        });
      }),
      { numRuns: 12 },
    );
  });

  it('applies R changes a minute as time passes with --churn R', async () => {
    // Churn is a timer (one change every 60 000 / R ms): fake timers move it; the server's sockets stay real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      await withSimulator({ preset: 'tiny', seed: 5, churn: 1200 }, async (sim) => {
        const before = canonical(sim.tenant());
        vi.advanceTimersByTime(49);
        expect(canonical(sim.tenant())).toBe(before);
        vi.advanceTimersByTime(1);
        const first = canonical(sim.tenant());
        expect(first).not.toBe(before);
        vi.advanceTimersByTime(50);
        expect(canonical(sim.tenant())).not.toBe(first);
      });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the change door', () => {
  const body = (changes: unknown) => JSON.stringify({ changes });

  it('is closed unless the simulator was started with allowChanges', async () => {
    await withSimulator({ preset: 'tiny', seed: 1 }, async (sim) => {
      const r = await getJson(sim, '/simulator/v1/changes', {}, { method: 'POST' });
      expect(r.status).toBe(404);
    });
  });

  it('applies a list of changes when open, and refuses bad ones with the change they are in', async () => {
    await withSimulator({ preset: 'tiny', seed: 1, allowChanges: true }, async (sim) => {
      const t = sim.tenant();
      const post = (text: string, key = sim.apiKey) =>
        fetch(`${sim.baseUrl}/simulator/v1/changes`, {
          method: 'POST',
          headers: { 'x-api-key': key, 'content-type': 'application/json' },
          body: text,
        });
      expect((await post(body([]), 'wrong')).status).toBe(401);
      expect((await fetch(`${sim.baseUrl}/simulator/v1/changes`, { headers: { 'x-api-key': sim.apiKey } })).status).toBe(405);
      const user = ref(firstOf(t, 'user'));
      const ok = await post(
        body([
          { kind: 'update', ref: user, set: { suspended: true, state: 'SUSPENDED' } },
          { kind: 'create', type: 'system' },
        ]),
      );
      expect(ok.status).toBe(200);
      const answer = (await ok.json()) as { applied: { effect: string }[] };
      expect(answer.applied.map((a) => a.effect)).toEqual(['update', 'create']);
      expect(sim.tenant().objects.find((o) => o.id === user.id)?.record['suspended']).toBe(true);
      const refused = await post(
        body([
          { kind: 'delete', ref: user },
          { kind: 'delete', ref: user },
        ]),
      );
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { message: string }).message).toMatch(/^change 2 of 2: ref user .* does not exist/);
      expect((await post('{not json')).status).toBe(400);
      expect((await post(JSON.stringify({ random: -1 }))).status).toBe(400);
      const random = await post(JSON.stringify({ random: 7 }));
      expect(((await random.json()) as { applied: { effect: string }[] }).applied.filter((a) => a.effect !== 'none')).toHaveLength(7);
    });
  });
});

describe('jcgraph sim options for a changing organization', () => {
  it('reads events-lag as seconds and silent-changes as a probability, and checks the new options', async () => {
    const { parseFaults } = await import('../../src/cli/commands/sim.ts');
    expect(parseFaults('events-lag=2.5,silent-changes=0.2')).toEqual({ 'events-lag': 2.5, 'silent-changes': 0.2 });
    expect(() => parseFaults('events-lag=-1')).toThrow(/needs a number of seconds/);
    expect(() => parseFaults('silent-changes=2')).toThrow(/probability from 0 to 1/);
    const denied = await cli(['sim', '--insights-denied', '404'], { signal: AbortSignal.abort() });
    expect(denied.code).toBe(2);
    expect(denied.stderr).toMatch(/--insights-denied must be 401, 402 or 403/);
    const churn = await cli(['sim', '--churn', '0'], { signal: AbortSignal.abort() });
    expect(churn.code).toBe(2);
    expect(churn.stderr).toMatch(/--churn must be a positive number/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GRAPH_ENDPOINTS, endpointPath } from '../../src/model/index.ts';
import { SimulatorError, referenceAnswer, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { LIST_ROUTES } from '../../src/simulator/server/routes.ts';
import { fetchAll, firstOf, getJson, objectsOf, pageItems, withSimulator } from '../helpers/sim.ts';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ preset: 'small', seed: 3 });
});
afterAll(async () => {
  await sim?.close();
});

const v2 = (path: string) => `/api/v2${path}`;

describe('authentication, methods and validation', () => {
  it('answers 401 without a key or with a wrong one, in the error shape', async () => {
    for (const path of ['/api/systemusers', '/api/v2/usergroups']) {
      const none = await getJson(sim, path, {}, { apiKey: null });
      expect(none.status).toBe(401);
      expect(none.body).toMatchObject({ code: 401, message: expect.stringContaining('x-api-key') });
      expect((await getJson(sim, path, {}, { apiKey: `${sim.apiKey}x` })).status).toBe(401);
    }
    expect((await getJson(sim, '/api/systemusers', {}, { apiKey: null })).body.status).toBe('Unauthorized');
  });

  it('answers 401 naming an organization it does not serve', async () => {
    const r = await getJson(sim, '/api/v2/usergroups', {}, { orgId: '0123456789abcdef01234567' });
    expect(r.status).toBe(401);
    expect(r.body.message).toContain('0123456789abcdef01234567');
  });

  it('answers 405 to anything but GET', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const r = await getJson(sim, '/api/v2/usergroups', {}, { method });
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toBe('GET');
      expect(r.body).toMatchObject({ code: 405 });
    }
  });

  it('answers 400 on limit above 100, limit 0 or malformed, and on a negative skip', async () => {
    for (const path of ['/api/systemusers', '/api/v2/systemgroups', v2(`/users/${firstOf(sim.tenant(), 'user').id}/systems`)]) {
      for (const query of [{ limit: '101' }, { limit: '0' }, { limit: 'ten' }, { limit: '1.5' }, { skip: '-1' }] as Record<
        string,
        string
      >[]) {
        const r = await getJson(sim, path, query);
        expect(r.status, `${path} ${JSON.stringify(query)}`).toBe(400);
        expect(r.body).toMatchObject({ code: 400, message: expect.any(String) });
      }
      expect((await getJson(sim, path, { limit: '100' })).status).toBe(200);
    }
    expect((await getJson(sim, '/api/v2/systemgroups', { limit: '101' })).body.status).toBe('invalidLimit');
  });

  it('answers 400 on an associations request without targets or with a target the source cannot have', async () => {
    const t = sim.tenant();
    const system = firstOf(t, 'system').id;
    const missing = await getJson(sim, v2(`/systems/${system}/associations`));
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 400, status: 'missingTargets' });
    for (const targets of ['software_app', 'user,software_app', 'bogus', '']) {
      const r = await getJson(sim, v2(`/systems/${system}/associations`), { targets });
      expect(r.status, targets).toBe(400);
    }
    const bad = await getJson(sim, v2(`/systems/${system}/associations`), { targets: 'user,rule' });
    expect(bad.body.message).toContain('"rule"');
    // Every allowed target is accepted, comma-separated or repeated.
    const ok = await getJson(sim, v2(`/systems/${system}/associations`), { targets: 'command,policy,policy_group,user,user_group' });
    expect(ok.status).toBe(200);
    const repeated = await fetch(`${sim.baseUrl}/api/v2/systems/${system}/associations?targets=user&targets=command`, {
      headers: { 'x-api-key': sim.apiKey },
    });
    expect(repeated.status).toBe(200);
  });

  it('answers 404 on an unknown route or an unknown source id, in the error shape', async () => {
    const route = await getJson(sim, '/api/v2/nothing-here');
    expect(route.status).toBe(404);
    expect(route.body).toMatchObject({ code: 404, message: expect.any(String) });
    const v1 = await getJson(sim, '/api/nothing-here');
    expect(v1.body).toMatchObject({ code: 404, status: 'Not Found' });
    const source = await getJson(sim, v2('/users/0123456789abcdef01234567/systems'));
    expect(source.status).toBe(404);
    expect(source.body.message).toContain('0123456789abcdef01234567');
    // A real id of another type is not a source of this type.
    const wrongType = await getJson(sim, v2(`/users/${firstOf(sim.tenant(), 'system').id}/systems`));
    expect(wrongType.status).toBe(404);
  });

  it('refuses sorting by anything but the id, and sorts by id either way', async () => {
    expect((await getJson(sim, '/api/systemusers', { sort: 'username' })).status).toBe(400);
    const asc = pageItems((await getJson(sim, '/api/systemusers', { sort: '_id', limit: '100' })).body).map((u: any) => u._id);
    const desc = pageItems((await getJson(sim, '/api/systemusers', { sort: '-_id', limit: '100', skip: String(200 - 100) })).body).map(
      (u: any) => u._id,
    );
    expect(asc).toEqual([...asc].sort());
    expect(desc).toEqual([...asc].reverse());
  });

  it('refuses to listen anywhere but on loopback', async () => {
    await expect(startSimulator({ host: '0.0.0.0' })).rejects.toThrow(SimulatorError);
  });
});

describe('lists and paging', () => {
  it('serves v1 lists as {totalCount, results} and v2 lists as bare arrays with x-total-count', async () => {
    const v1 = await getJson(sim, '/api/systemusers');
    expect(v1.body.totalCount).toBe(200);
    expect(v1.body.results).toHaveLength(10);
    expect(v1.headers.get('x-total-count')).toBeNull();
    const v2list = await getJson(sim, '/api/v2/usergroups');
    expect(Array.isArray(v2list.body)).toBe(true);
    expect(v2list.body).toHaveLength(10);
    expect(Number(v2list.headers.get('x-total-count'))).toBe(objectsOf(sim.tenant(), 'user_group').length);
  });

  it('serves health-monitoring rules as {count, rules}, 100 by default, a short page ending them', async () => {
    const r = await getJson(sim, '/api/v2/healthmonitoring/rules');
    const rules = objectsOf(sim.tenant(), 'rule');
    expect(r.body).toEqual({ count: rules.length, rules: rules.map((o) => o.record).sort((a: any, b: any) => (a.id < b.id ? -1 : 1)) });
    const page = await getJson(sim, '/api/v2/healthmonitoring/rules', { limit: '2', skip: '1' });
    expect(page.body.count).toBe(2);
    expect(page.body.rules).toHaveLength(2);
  });

  it('lists ldap servers, G Suite, Office 365 and Active Directory together under /directories, each with its type', async () => {
    const items = (await fetchAll(sim, '/api/v2/directories')) as any[];
    const t = sim.tenant();
    const expected = t.objects.filter((o) => ['ldap_server', 'g_suite', 'office_365', 'active_directory'].includes(o.type));
    expect(items.map((i) => `${i.type}:${i.id}`).sort()).toEqual(expected.map((o) => `${o.type}:${o.id}`).sort());
    for (const i of items) expect(i.name).toEqual(expect.any(String));
  });

  it('pages every list with limit=100&sort=_id returning each record exactly once', async () => {
    const t = sim.tenant();
    for (const route of LIST_ROUTES.values()) {
      const items = (await fetchAll(sim, route.path)) as any[];
      const ids = items.map((i) => i._id ?? i.id);
      expect(new Set(ids).size, route.path).toBe(ids.length);
      const expected = t.objects
        .filter((o) => (route.types as readonly string[]).includes(o.type))
        .map((o) => o.id)
        .sort();
      expect(ids, route.path).toEqual(expected);
      // Records are exactly the tenant's (the /directories summaries excepted).
      if (!route.list.mixedTypes) {
        const byId = new Map(t.objects.map((o) => [o.id, o.record]));
        for (const item of items) expect(item).toEqual(byId.get(item._id ?? item.id));
      }
    }
  });

  it('pages every graph collection of the tenant with limit=100&sort=_id returning each item exactly once', async () => {
    const t = sim.tenant();
    // One source per endpoint: the one with the largest answer.
    for (const endpoint of GRAPH_ENDPOINTS) {
      const sources = objectsOf(t, endpoint.source);
      const query: Record<string, string> = endpoint.kind === 'associations' ? { targets: endpoint.targets.join(',') } : {};
      let best = { id: '', size: -1 };
      for (const s of sources) {
        const size = (referenceAnswer(t, endpointPath(endpoint, s.id), query) as unknown[]).length;
        if (size > best.size) best = { id: s.id, size };
      }
      if (best.size < 0) continue;
      const path = v2(endpointPath(endpoint, best.id));
      const items = (await fetchAll(sim, path, query)) as any[];
      expect(items, path).toEqual(referenceAnswer(t, path, query));
      const keys = items.map((i) => i.id ?? `${i.to.type}:${i.to.id}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
  }, 120_000);

  it('gives the same items whatever the page size (fast-check)', async () => {
    const t = sim.tenant();
    const allStaff = t.objects.find((o) => o.type === 'user_group' && o.record['name'] === 'All Staff')!;
    const path = v2(`/usergroups/${allStaff.id}/membership`);
    const expected = referenceAnswer(t, path);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 100 }), async (limit) => {
        expect(await fetchAll(sim, path, {}, { limit })).toEqual(expected);
      }),
      { numRuns: 12 },
    );
  });

  it('uses limit 10 by default and reports x-total-count on graph collections', async () => {
    const t = sim.tenant();
    const allStaff = t.objects.find((o) => o.type === 'user_group' && o.record['name'] === 'All Staff')!;
    const r = await getJson(sim, v2(`/usergroups/${allStaff.id}/members`));
    expect(r.body).toHaveLength(10);
    expect(Number(r.headers.get('x-total-count'))).toBe((referenceAnswer(t, `/usergroups/${allStaff.id}/members`) as unknown[]).length);
  });
});

describe('organizations, determinism and statistics', () => {
  it('serves several organizations, selected by x-org-id, each its own tenant', async () => {
    await withSimulator({ preset: 'tiny', seed: 5, orgs: 3 }, async (multi) => {
      expect(new Set(multi.orgIds).size).toBe(3);
      const [a, b] = multi.orgIds as [string, string];
      const usersA = (await fetchAll(multi, '/api/systemusers', {}, { orgId: a })) as any[];
      const usersB = (await fetchAll(multi, '/api/systemusers', {}, { orgId: b })) as any[];
      const usersDefault = (await fetchAll(multi, '/api/systemusers')) as any[];
      expect(usersDefault).toEqual(usersA);
      expect(usersA.map((u) => u._id)).toEqual(
        objectsOf(multi.tenant(a), 'user')
          .map((o) => o.id)
          .sort(),
      );
      expect(usersB.map((u) => u._id)).toEqual(
        objectsOf(multi.tenant(b), 'user')
          .map((o) => o.id)
          .sort(),
      );
      expect(usersA.map((u) => u._id).some((id) => usersB.some((v) => v._id === id))).toBe(false);
      for (const u of usersB) expect(u.organization).toBe(b);
      // A source of one organization is unknown in another.
      const userOfB = usersB[0]._id as string;
      expect((await getJson(multi, v2(`/users/${userOfB}/systems`), {}, { orgId: b })).status).toBe(200);
      expect((await getJson(multi, v2(`/users/${userOfB}/systems`), {}, { orgId: a })).status).toBe(404);
      expect(() => multi.tenant('nope')).toThrow(SimulatorError);
    });
  });

  it('serves the same bytes for the same preset and seed', async () => {
    const t = sim.tenant();
    const user = firstOf(t, 'user').id;
    const paths = [
      '/api/systemusers',
      '/api/systems',
      '/api/v2/usergroups',
      '/api/v2/directories',
      v2(`/users/${user}/systems`),
      v2(`/users/${user}/memberof`),
    ];
    const read = async (s: Simulator) => Promise.all(paths.map(async (p) => (await getJson(s, p, { limit: '100' })).text));
    const [first, second] = await Promise.all([
      withSimulator({ preset: 'small', seed: 3 }, read),
      withSimulator({ preset: 'small', seed: 3 }, read),
    ]);
    expect(second).toEqual(first);
    expect(first).toEqual(await read(sim));
  });

  it('counts every request, by status and by route, errors included', async () => {
    await withSimulator({ preset: 'tiny' }, async (s) => {
      const user = firstOf(s.tenant(), 'user').id;
      await getJson(s, '/api/systemusers');
      await getJson(s, '/api/systemusers', {}, { apiKey: null });
      await getJson(s, v2(`/users/${user}/systems`));
      await getJson(s, '/api/v2/nowhere');
      await getJson(s, '/api/v2/usergroups', {}, { method: 'POST' });
      expect(s.stats()).toEqual({
        requests: 5,
        byStatus: { '200': 2, '401': 1, '404': 1, '405': 1 },
        byRoute: { '/api/systemusers': 2, '/api/v2/users/{user_id}/systems': 1, unknown: 1, '/api/v2/usergroups': 1 },
        writes: { received: 0, applied: 0 },
      });
      s.resetStats();
      expect(s.stats()).toEqual({ requests: 0, byStatus: {}, byRoute: {}, writes: { received: 0, applied: 0 } });
    });
  });

  it('serves given tenants under their own organization ids, with the given key', async () => {
    const tenant = sim.tenant();
    await withSimulator({ tenants: [tenant], apiKey: 'test-key' }, async (s) => {
      expect(s.apiKey).toBe('test-key');
      expect(s.orgIds).toEqual([tenant.orgId]);
      expect(s.tenant()).toBe(tenant);
      expect((await getJson(s, '/api/systemusers')).body.totalCount).toBe(objectsOf(tenant, 'user').length);
    });
  });
});

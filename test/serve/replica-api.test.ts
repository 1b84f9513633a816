/**
 * The replica's API behaviour on small hand-built and simulated tenants: the list parameters the specs
 * document (limit, skip, sort, fields, filter, search), `/groups`, `/directories`, records by id, the
 * rules list, totals and headers, and every refusal: 400 naming the parameter, 401, 404, 405, a foreign
 * Host, a foreign organization.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessGraph, answer } from '../../src/graph/index.ts';
import { GRAPH_ENDPOINTS, endpointPath, matchEndpoint, type TenantData } from '../../src/model/index.ts';
import { resolveRoute } from '../../src/serve/replica/routes.ts';
import { startServer, type JcgraphServer } from '../../src/serve/index.ts';
import { generateTenant } from '../../src/simulator/index.ts';
import { TenantBuilder } from '../analysis/tenant-builder.ts';
import { fetchAll, getJson, pageThrough } from '../helpers/sim.ts';

function people(): TenantData {
  const b = new TenantBuilder();
  const ann = b.user('ann', { department: 'IT', unix_uid: 5003, mfa: { configured: true } });
  const bob = b.user('bob', {
    department: 'Finance | Sales',
    unix_uid: 5001,
    state: 'SUSPENDED',
    suspended: true,
    mfa: { configured: false },
  });
  const cy = b.user('cy', { department: 'Shipping & Receiving', unix_uid: 5002 });
  b.user('dee', { department: 'IT', unix_uid: 5004, tags: ['a', 'b'] });
  const eng = b.userGroup('Engineering');
  const ops = b.userGroup('Ops');
  const web = b.system('web-01', { os: 'Ubuntu' });
  b.system('mac-01', { os: 'Mac OS X' });
  const servers = b.systemGroup('Servers');
  b.add('ldap_server', 'Main LDAP');
  b.add('active_directory', 'corp', { domain: 'corp.example.com' });
  b.add('g_suite', 'Workspace');
  b.member(eng, ann).member(eng, bob).member(ops, cy).member(servers, web);
  b.associate(eng, servers);
  b.associate(ann, web, { sudo: { enabled: true, withoutPassword: false } });
  return b.build('org-people');
}

let server: JcgraphServer;
/** The server as the HTTP helpers take it (they send its key). */
const keyed = (s: JcgraphServer) => ({ baseUrl: s.baseUrl, apiKey: s.apiKey ?? '' });
const tenant = people();
const graph = AccessGraph.fromTenant(tenant);

beforeAll(async () => {
  server = await startServer({ graph });
});
afterAll(() => server?.close());

const get = (path: string, query: Record<string, string> = {}, options: Parameters<typeof getJson>[3] = {}) =>
  getJson(keyed(server), path, query, options);
const names = (body: any, field = 'username'): string[] => (Array.isArray(body) ? body : body.results).map((r: any) => r[field]);

describe('v1 lists', () => {
  it('page with limit and skip (default 10), with the total of the whole list', async () => {
    const r = await get('/api/systemusers', { limit: '2', skip: '1' });
    expect(r.status).toBe(200);
    expect(r.body.totalCount).toBe(4);
    expect(names(r.body)).toEqual(['bob', 'cy']);
    const all = await get('/api/systemusers');
    expect(all.body.totalCount).toBe(4);
    expect(r.body.results).toEqual(all.body.results.slice(1, 3));
  });

  it('sort by space-separated fields, - for descending, ties by id', async () => {
    expect(names((await get('/api/systemusers', { sort: '-unix_uid' })).body)).toEqual(['dee', 'ann', 'cy', 'bob']);
    expect(names((await get('/api/systemusers', { sort: 'department -username' })).body)).toEqual(['bob', 'dee', 'ann', 'cy']);
    expect(names((await get('/api/systemusers', { sort: '-_id' })).body)).toEqual(['dee', 'cy', 'bob', 'ann']);
  });

  it('fields keeps the named fields and the id', async () => {
    const r = await get('/api/systemusers', { fields: 'username email', limit: '1' });
    expect(r.body.results).toEqual([{ _id: 'user-ann', username: 'ann', email: 'ann@example.com' }]);
  });

  it('filter: the documented operators, AND and OR forms, escaped bars', async () => {
    const f = async (query: Record<string, string>) => names((await get('/api/systemusers', query)).body);
    expect(await f({ filter: 'department:$eq:IT' })).toEqual(['ann', 'dee']);
    expect(await f({ filter: 'department:$ne:IT' })).toEqual(['bob', 'cy']);
    expect(await f({ filter: 'department:$in:Finance \\| Sales|IT' })).toEqual(['ann', 'bob', 'dee']);
    expect(await f({ filter: 'department:$nin:IT|Shipping & Receiving' })).toEqual(['bob']);
    expect(await f({ filter: 'unix_uid:$gt:5002' })).toEqual(['ann', 'dee']);
    expect(await f({ filter: 'unix_uid:$lte:5002' })).toEqual(['bob', 'cy']);
    expect(await f({ filter: 'department:$sw:Ship' })).toEqual(['cy']);
    expect(await f({ filter: 'department:$co:Sales|Receiving' })).toEqual(['bob', 'cy']);
    expect(await f({ filter: 'mfa.configured:$eq:true' })).toEqual(['ann']);
    expect(await f({ filter: 'suspended:$eq:true' })).toEqual(['bob']);
    expect(await f({ filter: 'tags:$eq:b' })).toEqual(['dee']);
    expect(await f({ 'filter[0]': 'department:$eq:IT', 'filter[1]': 'unix_uid:$gt:5003' })).toEqual(['dee']);
    expect(await f({ 'filter[or][0]': 'username:$eq:bob', 'filter[or][1]': 'username:$eq:cy' })).toEqual(['bob', 'cy']);
    expect((await get('/api/systemusers', { filter: 'department:$eq:IT', limit: '1' })).body.totalCount).toBe(2);
  });

  it('search: a term in the named fields, ignoring case', async () => {
    const r = await get('/api/systemusers', { 'search[searchTerm]': 'SHIP', 'search[fields][]': 'department' });
    expect(names(r.body)).toEqual(['cy']);
    expect(names((await get('/api/systemusers', { 'search[searchTerm]': 'example.com', 'search[fields][]': 'username' })).body)).toEqual(
      [],
    );
  });

  it("one record by id, and 404 for an id that is not of the list's type", async () => {
    const r = await get('/api/systemusers/user-bob');
    expect(r.status).toBe(200);
    expect(r.body).toEqual(tenant.objects.find((o) => o.id === 'user-bob')!.record);
    const wrong = await get('/api/systemusers/system-web-01');
    expect(wrong.status).toBe(404);
    expect(wrong.body).toEqual({ code: 404, message: expect.stringContaining('system-web-01'), status: 'Not Found' });
  });
});

describe('v2 lists', () => {
  it('a bare array with the total in x-total-count, and the unfiltered total when asked', async () => {
    const r = await get('/api/v2/usergroups', { limit: '1', filter: 'name:eq:Ops' }, { headers: { 'x-unfiltered-total-count': '1' } });
    expect(r.body).toEqual([expect.objectContaining({ name: 'Ops' })]);
    expect(r.headers.get('x-total-count')).toBe('1');
    expect(r.headers.get('x-unfiltered-total-count')).toBe('2');
    expect((await get('/api/v2/usergroups')).headers.get('x-unfiltered-total-count')).toBeNull();
  });

  it('v2 filter operators, comma-separated sort and fields', async () => {
    const f = async (query: Record<string, string>) => names((await get('/api/v2/usergroups', query)).body, 'name');
    expect(await f({ filter: 'name:search:ENG' })).toEqual(['Engineering']);
    expect(await f({ filter: 'name:in:Ops|Nobody' })).toEqual(['Ops']);
    expect(await f({ filter: 'name:ne:Ops' })).toEqual(['Engineering']);
    expect(await f({ filter: 'name:between:A,F' })).toEqual(['Engineering']);
    expect(await f({ filter: 'name:ge:F,name:le:Z' })).toEqual(['Ops']);
    expect(await f({ sort: '-name' })).toEqual(['Ops', 'Engineering']);
    expect((await get('/api/v2/usergroups', { fields: 'name', sort: 'name' })).body).toEqual([
      { id: 'user_group-Engineering', name: 'Engineering' },
      { id: 'user_group-Ops', name: 'Ops' },
    ]);
  });

  it('/groups lists every group in the Group shape, /directories every directory as {id, name, type}', async () => {
    const groups = (await get('/api/v2/groups', { limit: '100' })).body;
    expect(groups.map((g: any) => [g.name, g.type]).sort()).toEqual([
      ['Engineering', 'user_group'],
      ['Ops', 'user_group'],
      ['Servers', 'system_group'],
    ]);
    const directories = (await get('/api/v2/directories', { limit: '100' })).body;
    expect(directories).toEqual(
      expect.arrayContaining([
        { id: 'ldap_server-Main_LDAP', name: 'Main LDAP', type: 'ldap_server' },
        { id: 'active_directory-corp', name: 'corp', type: 'active_directory' },
        expect.objectContaining({ id: 'g_suite-Workspace', type: 'g_suite' }),
      ]),
    );
    expect(directories).toHaveLength(3);
  });

  it('the health-monitoring rules list is {count, rules} with a default limit of 100; one rule by id is {rule}', async () => {
    const sim = generateTenant({ preset: 'small', seed: 2 });
    const s = await startServer({ graph: AccessGraph.fromTenant(sim) });
    try {
      const rules = sim.objects.filter((o) => o.type === 'rule');
      const r = await getJson(keyed(s), '/api/v2/healthmonitoring/rules');
      expect(r.body.count).toBe(rules.length);
      expect(r.body.rules).toHaveLength(rules.length);
      const one = await getJson(keyed(s), `/api/v2/healthmonitoring/rules/${rules[0]!.id}`);
      expect(one.body).toEqual({ rule: rules[0]!.record });
    } finally {
      await s.close();
    }
  });
});

describe('graph endpoints', () => {
  it('are routed as the model matches them, every one of the 88, ids percent-decoded', () => {
    for (const endpoint of GRAPH_ENDPOINTS) {
      for (const id of ['5f1e0a9bfa1b78391015887a', 'a b/c', 'ü%']) {
        const path = `/api/v2${endpointPath(endpoint, id)}`;
        const route = resolveRoute(path);
        expect(route, path).toEqual({ kind: 'graph', api: 'v2', endpoint, id });
        expect(matchEndpoint(path)).toEqual({ endpoint, id });
        expect(resolveRoute(`${path}/`)).toEqual(route);
      }
    }
    expect(resolveRoute('/api/v2/users//systems')).toBeUndefined();
    expect(resolveRoute('/api/v2/users/x/planets')).toBeUndefined();
  });

  it("answer the engine's answer, paged, with x-total-count", async () => {
    const path = '/api/v2/usergroups/user_group-Engineering/systems';
    const whole = answer(graph, path) as unknown[];
    const r = await get(path, { limit: '100' });
    expect(r.body).toEqual(whole);
    expect(r.headers.get('x-total-count')).toBe(String(whole.length));
    const members = await get('/api/v2/usergroups/user_group-Engineering/members', { limit: '1', skip: '1' });
    expect(members.body).toEqual([{ to: { id: 'user-bob', type: 'user', attributes: null }, attributes: null }]);
    expect(members.headers.get('x-total-count')).toBe('2');
  });

  it('associations take targets comma-separated or repeated', async () => {
    const a = await get('/api/v2/users/user-ann/associations?targets=system&targets=application');
    expect(a.status).toBe(200);
    expect(a.body).toEqual([
      { to: { id: 'system-web-01', type: 'system', attributes: null }, attributes: { sudo: { enabled: true, withoutPassword: false } } },
    ]);
  });

  it('filter applies to the items of a traversal', async () => {
    const r = await get('/api/v2/users/user-ann/systems', { filter: 'id:eq:system-web-01' });
    expect(r.body.map((t: any) => t.id)).toEqual(['system-web-01']);
    expect((await get('/api/v2/users/user-ann/systems', { filter: 'id:eq:nothing' })).body).toEqual([]);
  });
});

describe('refusals', () => {
  it('400 naming the parameter', async () => {
    const cases: [string, Record<string, string>, string, string][] = [
      ['/api/systemusers', { limit: 'ten' }, 'limit', 'Bad Request'],
      ['/api/systemusers', { limit: '0' }, 'limit', 'Bad Request'],
      ['/api/systemusers', { skip: '-1' }, 'skip', 'Bad Request'],
      ['/api/systemusers', { filter: 'username' }, 'filter', 'Bad Request'],
      ['/api/systemusers', { filter: 'username:$like:x' }, 'filter', 'Bad Request'],
      ['/api/systemusers', { 'filter[and][0]': 'username:$eq:x' }, 'filter[and][0]', 'Bad Request'],
      ['/api/v2/usergroups', { filter: 'name:$eq:x' }, 'filter', 'invalidFilter'],
      ['/api/v2/usergroups', { sort: '-' }, 'sort', 'invalidSort'],
      ['/api/v2/usergroups', { limit: '101' }, 'limit', 'invalidLimit'],
      ['/api/v2/users/user-ann/associations', {}, 'targets', 'invalidTargets'],
      ['/api/v2/users/user-ann/associations', { targets: 'system,user' }, 'targets', 'invalidTargets'],
      ['/api/v2/users/user-ann/systems', { skip: 'x' }, 'skip', 'invalidSkip'],
    ];
    for (const [path, query, parameter, status] of cases) {
      const r = await get(path, query);
      expect(r.status, `${path} ${JSON.stringify(query)}`).toBe(400);
      expect(r.body.code).toBe(400);
      expect(r.body.message).toContain(parameter.replace(/\[.*$/, ''));
      expect(r.body.status).toBe(status);
    }
  });

  it('404 for unknown ids and unknown paths', async () => {
    for (const path of [
      '/api/v2/users/nobody/systems',
      '/api/v2/usergroups/user-ann/members',
      '/api/v2/usergroups/nobody',
      '/api/v2/nothing',
      '/api/nothing',
      '/api/v2/users/%E0%A4%A/systems',
    ]) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(r.body).toMatchObject({ code: 404, message: expect.any(String) });
    }
  });

  it('405 for anything but GET, with Allow: GET', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']) {
      const r = await get('/api/v2/usergroups/user_group-Engineering/members', {}, { method });
      expect(r.status, method).toBe(405);
      expect(r.headers.get('allow')).toBe('GET');
    }
    expect(graph.edgesOf('user_group-Engineering')).toHaveLength(3);
  });

  it('401 without the key, with a wrong one, or for another organization', async () => {
    expect((await get('/api/systemusers', {}, { apiKey: null })).status).toBe(401);
    expect((await get('/api/v2/usergroups', {}, { apiKey: 'wrong' })).body).toEqual({
      code: 401,
      message: expect.stringContaining('x-api-key'),
    });
    expect((await get('/api/systemusers', {}, { orgId: 'org-people' })).status).toBe(200);
    const other = await get('/api/systemusers', {}, { orgId: 'org-other' });
    expect(other.status).toBe(401);
    expect(other.body.message).toContain('org-other');
  });

  it('403 for a request naming another host (a DNS name rebound to loopback)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((ok, fail) => {
      const url = new URL(server.baseUrl);
      request(
        { host: url.hostname, port: url.port, path: '/api/systemusers', headers: { host: 'evil.example:80', 'x-api-key': server.apiKey! } },
        (res) => {
          res.resume();
          ok(res.statusCode ?? 0);
        },
      )
        .on('error', fail)
        .end();
    });
    expect(status).toBe(403);
  });
});

describe('serving without a key', () => {
  it('answers without x-api-key on loopback, and refuses a remote host without allowRemote or without a key', async () => {
    const open = await startServer({ graph, apiKey: null });
    try {
      expect(open.apiKey).toBeUndefined();
      expect((await getJson({ baseUrl: open.baseUrl, apiKey: '' }, '/api/systemusers', {}, { apiKey: null })).status).toBe(200);
      expect(open.explorerLink()).toBe(`${open.baseUrl}/`);
    } finally {
      await open.close();
    }
    await expect(startServer({ graph, host: '0.0.0.0' })).rejects.toThrow(/not a loopback address/);
    await expect(startServer({ graph, host: '0.0.0.0', allowRemote: true, apiKey: null })).rejects.toThrow(/without authentication/);
  });
});

describe('paging, whatever the page size', () => {
  it('pages of any size concatenate to the whole sorted list (fast-check)', async () => {
    const sim = generateTenant({ preset: 'tiny', seed: 9 });
    const s = await startServer({ graph: AccessGraph.fromTenant(sim) });
    try {
      const lists = ['/api/systemusers', '/api/systems', '/api/v2/usergroups', '/api/v2/groups', '/api/v2/policies'];
      const whole = new Map<string, unknown[]>();
      for (const l of lists) whole.set(l, await fetchAll(keyed(s), l, {}, { limit: 100 }));
      // Only a short page ends it, so that the server's own end of the list is what is checked.
      const pageAll = async (list: string, query: Record<string, string>, limit: number): Promise<unknown[]> =>
        (await pageThrough(keyed(s), list, query, { limit, end: 'short-page' })).items;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...lists),
          fc.integer({ min: 1, max: 13 }),
          fc.constantFrom('', '-_id', 'name', '-created'),
          async (list, limit, sort) => {
            const query: Record<string, string> = sort ? { sort } : {};
            const paged = await pageAll(list, query, limit);
            const once = (await getJson(keyed(s), list, { ...query, limit: '100' })).body;
            expect(paged).toEqual(Array.isArray(once) ? once : once.results);
            expect(new Set(paged.map((r: any) => r._id ?? r.id))).toEqual(new Set(whole.get(list)!.map((r: any) => r._id ?? r.id)));
          },
        ),
        { numRuns: 40 },
      );
    } finally {
      await s.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient, fetchTenant } from '../../src/fetchers/index.ts';
import { AccessGraph, answer } from '../../src/graph/index.ts';
import { endpointPath, findEndpoint, type GraphObjectWithPaths, type JsonObject, type TenantData } from '../../src/model/index.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { VERIFY_ENDPOINTS, sampleSources, verifyGraph, verifyTenant, type VerifyReport } from '../../src/verify/index.ts';
import { seededSample } from '../../src/common/seeded-sample.ts';
import { withSimulator } from '../helpers/sim.ts';
import { cli } from '../cli/run.ts';

const USER_SYSTEMS = findEndpoint('user', 'traverse', ['system'])!;
const SYSTEM_USERS = findEndpoint('system', 'traverse', ['user'])!;

describe('seededSample', () => {
  it('is reproducible, order-independent, within bounds and salted per endpoint', () => {
    const ids = Array.from({ length: 50 }, (_, i) => `id${String(i).padStart(2, '0')}`);
    const a = seededSample(ids, 7, 3, '/users/{user_id}/systems');
    expect(a).toHaveLength(7);
    expect(new Set(a).size).toBe(7);
    expect(a.every((id) => ids.includes(id))).toBe(true);
    expect(seededSample([...ids].reverse(), 7, 3, '/users/{user_id}/systems')).toEqual(a);
    expect(seededSample(ids, 7, 4, '/users/{user_id}/systems')).not.toEqual(a);
    expect(seededSample(ids, 7, 3, '/systems/{system_id}/users')).not.toEqual(a);
    expect(seededSample(ids.slice(0, 5), 7, 3, 'x')).toEqual(ids.slice(0, 5));
  });
});

describe('verify against the simulator', () => {
  it('agrees 100% on every traversal, memberof and membership endpoint of the small preset', async () => {
    await withSimulator({ preset: 'small', seed: 2 }, async (sim) => {
      const report = await verifyTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, sample: 4, seed: 9 });
      const graph = AccessGraph.fromTenant(sim.tenant());
      expect(report.endpoints.map((e) => e.endpoint).sort()).toEqual(VERIFY_ENDPOINTS.map((e) => e.path).sort());
      expect(report.endpoints.length).toBeGreaterThan(60);
      for (const e of report.endpoints) {
        expect(e.available, e.endpoint).toBeGreaterThan(0);
        expect(e.sampled, e.endpoint).toBe(Math.min(4, e.available));
        expect([e.endpoint, e.agreeing, e.agreeingPaths, e.agreeingAttributes]).toEqual([e.endpoint, e.sampled, e.sampled, e.sampled]);
        expect(e.pathDifferences).toEqual([]);
        expect(e.attributeDifferences).toEqual([]);
        expect(e.available, e.endpoint).toBeLessThanOrEqual([...graph.objects(e.source)].length);
      }
      expect(report.agree).toBe(true);
      // Not vacuous: real paths and real compiledAttributes were compared, over HTTP.
      expect(report.totals.paths).toBeGreaterThan(500);
      expect(report.totals.compiledCompared).toBeGreaterThan(50);
      expect(report.requests).toBeGreaterThanOrEqual(report.totals.sampled);
      expect(report.fetch.objects).toBeGreaterThan(400);
    });
  });

  it('reports a removed edge as a path difference and a changed group as a compiledAttributes difference, separately', async () => {
    const simA = await startSimulator({ preset: 'small', seed: 3 });
    let graph: AccessGraph;
    let tenant: TenantData;
    try {
      ({ tenant } = await fetchTenant({ apiKey: simA.apiKey, baseUrl: simA.baseUrl }));
      graph = AccessGraph.fromTenant(tenant);
    } finally {
      await simA.close();
    }
    const users = sampleSources(graph, USER_SYSTEMS, 6, 1).ids;
    const answers = new Map(users.map((id) => [id, answer(graph, endpointPath(USER_SYSTEMS, id)) as GraphObjectWithPaths[]]));
    // U1: a user reaching a system through a user group, whose attributes will change.
    const viaGroup = users.flatMap((u) =>
      answers
        .get(u)!
        .flatMap((t) => t.paths.filter((p) => p[0]!.to.type === 'user_group').map((p) => ({ user: u, target: t.id, group: p[0]!.to.id }))),
    )[0];
    expect(viaGroup, 'a sampled user reaches a system through a group').toBeDefined();
    // U2: another user, whose first edge on one of its paths will be removed.
    const cut = users
      .filter((u) => u !== viaGroup!.user)
      .flatMap((u) => answers.get(u)!.flatMap((t) => t.paths.map((p) => ({ user: u, target: t.id, first: p[0]!.to }))))
      .find((c) => c.first.id !== viaGroup!.group);
    expect(cut, 'another sampled user has a path').toBeDefined();

    const mutated: TenantData = structuredClone(tenant);
    const before = mutated.edges.length;
    const ends = new Set([cut!.user, cut!.first.id]);
    mutated.edges.splice(
      mutated.edges.findIndex((e) => ends.has(e.from.id) && ends.has(e.to.id)),
      1,
    );
    expect(mutated.edges).toHaveLength(before - 1);
    const group = mutated.objects.find((o) => o.id === viaGroup!.group)!;
    const attributes = (group.record['attributes'] ?? {}) as JsonObject;
    group.record['attributes'] = { ...attributes, ldapGroups: [{ name: 'verify-mutation' }] };

    await withSimulator({ tenants: [mutated] }, async (simB) => {
      const client = new ApiClient({ apiKey: simB.apiKey, baseUrl: simB.baseUrl });
      const report = await verifyGraph(graph, client, { sample: 6, seed: 1, endpoints: [USER_SYSTEMS, SYSTEM_USERS] });
      expect(report.agree).toBe(false);
      const userSystems = report.endpoints.find((e) => e.endpoint === USER_SYSTEMS.path)!;
      expect(userSystems.sampled).toBe(6);

      // The removed edge: the engine still has U2's path, the API no longer does.
      const pathDiff = userSystems.pathDifferences.find((d) => d.source.id === cut!.user && d.target.id === cut!.target);
      expect(pathDiff, JSON.stringify(userSystems.pathDifferences)).toBeDefined();
      const enginePaths =
        pathDiff!.kind === 'extra-target' ? pathDiff!.enginePaths : pathDiff!.kind === 'paths' ? pathDiff!.extraPaths : [];
      expect(enginePaths.some((p) => p[0]!.id === cut!.first.id)).toBe(true);
      expect(userSystems.pathDifferences.every((d) => d.source.id === cut!.user)).toBe(true);

      // The changed group: U1's paths agree, its compiledAttributes do not.
      const attrDiff = userSystems.attributeDifferences.find((d) => d.source.id === viaGroup!.user && d.target.id === viaGroup!.target);
      expect(attrDiff, JSON.stringify(userSystems.attributeDifferences)).toBeDefined();
      expect(attrDiff!.api?.['ldapGroups']).toContainEqual({ name: 'verify-mutation' });
      expect(JSON.stringify(attrDiff!.engine ?? {})).not.toContain('verify-mutation');
      expect(userSystems.pathDifferences.some((d) => d.source.id === viaGroup!.user)).toBe(false);
      expect(userSystems.agreeingPaths).toBe(5);
      expect(userSystems.agreeingAttributes).toBeLessThan(6);
    });
  });
});

type Tamper = (path: string, body: GraphObjectWithPaths[]) => boolean;

/** A loopback proxy in front of the simulator that alters graph answers, as a tenant that disagrees would. */
async function tamperingProxy(target: string, tamper: Tamper): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const headers: Record<string, string> = {};
      for (const name of ['x-api-key', 'x-org-id']) if (typeof req.headers[name] === 'string') headers[name] = req.headers[name];
      const upstream = await fetch(target + (req.url ?? '/'), { headers });
      let text = await upstream.text();
      let total = upstream.headers.get('x-total-count');
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (upstream.status === 200 && path.startsWith('/api/v2/')) {
        const body = JSON.parse(text) as GraphObjectWithPaths[];
        const length = body.length;
        if (Array.isArray(body) && tamper(path, body)) {
          text = JSON.stringify(body);
          if (total !== null) total = String(Number(total) + body.length - length);
        }
      }
      const out: Record<string, string> = { 'content-type': 'application/json' };
      if (total !== null) out['x-total-count'] = total;
      res.writeHead(upstream.status, out);
      res.end(text);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('jcgraph verify', () => {
  it('exits 1 against a tenant that disagrees, listing path and compiledAttributes differences apart, and never prints the key', async () => {
    await withSimulator({ preset: 'small', seed: 5 }, async (sim) => {
      const tampered = { paths: 0, compiled: 0 };
      const proxy = await tamperingProxy(sim.baseUrl, (path, body) => {
        if (/^\/api\/v2\/users\/[^/]+\/systems$/.test(path) && body[0]?.paths[0]?.[0]) {
          body[0].paths[0][0].attributes = { tampered: true };
          tampered.paths++;
          return true;
        }
        if (/^\/api\/v2\/systems\/[^/]+\/users$/.test(path) && body[0]) {
          body[0].compiledAttributes = { ...(body[0].compiledAttributes ?? {}), ldapGroups: [{ name: 'tampered' }] };
          tampered.compiled++;
          return true;
        }
        return false;
      });
      try {
        const args = [
          'verify',
          '--base-url',
          proxy.url,
          '--sample',
          '5',
          '--endpoint',
          USER_SYSTEMS.path,
          '--endpoint',
          SYSTEM_USERS.operationId,
        ];
        const json = await cli([...args, '--json'], { env: { JC_API_KEY: sim.apiKey } });
        expect(json.code).toBe(1);
        expect(tampered.paths).toBeGreaterThan(0);
        expect(tampered.compiled).toBeGreaterThan(0);
        const report = JSON.parse(json.stdout) as VerifyReport;
        expect(report.agree).toBe(false);
        const bySource = new Map(report.endpoints.map((e) => [e.endpoint, e]));
        const userSystems = bySource.get(USER_SYSTEMS.path)!;
        const systemUsers = bySource.get(SYSTEM_USERS.path)!;
        expect(userSystems.pathDifferences).toHaveLength(tampered.paths);
        expect(userSystems.attributeDifferences).toEqual([]);
        for (const d of userSystems.pathDifferences) {
          expect(d.kind).toBe('paths');
          if (d.kind === 'paths') {
            expect(d.missingPaths).toHaveLength(1);
            expect(d.missingPaths[0]![0]!.attributes).toEqual({ tampered: true });
            expect(d.extraPaths).toHaveLength(1);
          }
        }
        expect(systemUsers.pathDifferences).toEqual([]);
        expect(systemUsers.attributeDifferences).toHaveLength(tampered.compiled);
        expect(systemUsers.attributeDifferences[0]!.api?.['ldapGroups']).toContainEqual({ name: 'tampered' });

        const text = await cli(args, { env: { JC_API_KEY: sim.apiKey } });
        expect(text.code).toBe(1);
        expect(text.stdout).toContain('Differences in targets and paths');
        expect(text.stdout).toContain('Differences in compiledAttributes');
        expect(text.stdout).toMatch(/only the API: .*\{"tampered":true\}/);
        expect(text.stdout).toContain('requests');
        for (const r of [json, text]) expect(r.stdout + r.stderr).not.toContain(sim.apiKey);
      } finally {
        await proxy.close();
      }
    });
  });

  it('leaves out targets of and paths through types jcgraph does not model, and counts them', async () => {
    await withSimulator({ preset: 'small', seed: 6 }, async (sim) => {
      let injected = 0;
      const proxy = await tamperingProxy(sim.baseUrl, (path, body) => {
        if (!/^\/api\/v2\/users\/[^/]+\/applications$/.test(path)) return false;
        const agentGroup = { id: 'ag0000000000000000000001', type: 'agent_group', attributes: null };
        if (body[0])
          body[0].paths.push([
            { to: agentGroup, attributes: null },
            { to: { id: body[0].id, type: body[0].type, attributes: null }, attributes: null },
          ]);
        body.push({ ...agentGroup, paths: [[{ to: agentGroup, attributes: null }]] });
        injected++;
        return true;
      });
      try {
        const args = ['verify', '--base-url', proxy.url, '--sample', '3', '--endpoint', '/users/{user_id}/applications', '--json'];
        const run = await cli(args, { env: { JC_API_KEY: sim.apiKey } });
        expect(run.code).toBe(0);
        const report = JSON.parse(run.stdout) as VerifyReport;
        expect(injected).toBe(3);
        expect(report.agree).toBe(true);
        expect(report.endpoints[0]!.unmodelled.types).toEqual(['agent_group']);
        expect(report.endpoints[0]!.unmodelled.targets).toBe(3);
        expect(report.totals.unmodelledPaths).toBeGreaterThan(0);
      } finally {
        await proxy.close();
      }
    });
  });

  it('without a key verifies against a simulator it starts, and exits 0 when everything agrees', async () => {
    const run = await cli(['verify', '--preset', 'tiny', '--sample', '2']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('verify against a simulator (preset tiny)');
    expect(run.stdout).toMatch(/All \d+ endpoints sampled agree: \d+ of \d+ sources \(100%\)/);
  });

  it('rejects bad usage with exit 2 and a missing key for a live host with exit 1', async () => {
    const bad = await cli(['verify', '--preset', 'huge']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--preset must be');
    const endpoint = await cli(['verify', '--endpoint', '/users/{user_id}/associations']);
    expect(endpoint.code).toBe(2);
    expect(endpoint.stderr).toContain('returns no paths');
    const noKey = await cli(['verify', '--base-url', 'https://console.jumpcloud.com']);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('No API key');
  });
});

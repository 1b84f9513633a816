/**
 * The fetchers against the simulator over HTTP: a fetch reproduces the simulated tenant exactly (all an API
 * client can see of it), with exactly the planned number of requests, which is the optimum.
 */
import { describe, expect, it } from 'vitest';
import { fetchTenant, fetchTenants } from '../../src/fetchers/index.ts';
import { CancelledError, ConfigError } from '../../src/errors.ts';
import { generateTenant } from '../../src/simulator/index.ts';
import { withSimulator } from '../helpers/sim.ts';
import { canonical, tenantDiff } from './sim-view.ts';

describe('fetch over HTTP from the simulator', () => {
  for (const preset of ['tiny', 'small', 'large'] as const) {
    it(`reproduces the ${preset} tenant with exactly the planned, optimal number of requests`, async () => {
      await withSimulator({ preset, seed: 11 }, async (sim) => {
        const { tenant, meta } = await fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, orgId: sim.orgIds[0], concurrency: 16 });
        const expected = sim.tenant();
        const same = canonical(tenant) === canonical(expected);
        expect(same, same ? '' : tenantDiff(tenant, expected)).toBe(true);
        // Requests the API received: every one answered 200, exactly as many as planned. (On a busy machine
        // the client may also meet a rare stale keep-alive socket, which fails before reaching the server
        // and is retried: counted by the client as `network`, never by the server.)
        const received = sim.stats();
        expect(received.byStatus).toEqual({ '200': received.requests });
        expect(meta.requests.byOutcome['200']).toBe(received.requests);
        expect(meta.requests.total - received.requests).toBe(meta.requests.byOutcome['network'] ?? 0);
        expect(meta.plan.plannedRequests).toBe(received.requests);
        expect(meta.plan.optimumRequests).toBe(meta.plan.plannedRequests);
        expect(meta.plan.optimumExact).toBe(true);
        // The first-page plan stated up front is the first-page optimum; continuation pages come on top.
        expect(meta.plan.firstPageRequests).toBe(meta.plan.optimumFirstPageRequests);
        expect(meta.plan.plannedRequests).toBeGreaterThanOrEqual(meta.plan.firstPageRequests);
        expect(meta.plan.traversalApproachRequests).toBeGreaterThan(5 * meta.plan.plannedRequests!);
        expect(meta.warnings).toEqual([]);
        expect(meta.counts.edges.association + meta.counts.edges.membership).toBe(expected.edges.length);
        expect(meta.apiHost).toBe(sim.baseUrl);
      });
    }, 240_000);
  }

  it('reads memberships from the member side (memberof) when that is cheaper', async () => {
    // Many more user groups than users: /users/{id}/memberof is the cheaper side for user_group ⊇ user.
    const base = generateTenant({ preset: 'tiny', seed: 9 });
    const extra = Array.from({ length: 40 }, (_, i) => {
      const id = `ffff${String(i).padStart(20, '0')}`;
      return { type: 'user_group', id, record: { id, name: `Empty group ${i}`, type: 'user_group' } };
    });
    const tenant = { ...base, objects: [...base.objects, ...extra] };
    await withSimulator({ tenants: [tenant] }, async (sim) => {
      const { tenant: fetched, meta } = await fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, orgId: sim.orgIds[0] });
      expect(meta.plan.steps.map((s) => s.name)).toContain('memberof:user');
      expect(canonical(fetched) === canonical(sim.tenant())).toBe(true);
      expect(meta.plan.plannedRequests).toBe(meta.plan.optimumRequests);
      expect(sim.stats().requests).toBe(meta.plan.plannedRequests);
    });
  });

  it('fetches several organizations, each into its own tenant', async () => {
    await withSimulator({ preset: 'tiny', seed: 3, orgs: 2 }, async (sim) => {
      const results = await fetchTenants({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, orgIds: sim.orgIds });
      expect(results.map((r) => r.meta.orgId)).toEqual([...sim.orgIds]);
      for (const [i, r] of results.entries()) expect(canonical(r.tenant) === canonical(sim.tenant(sim.orgIds[i]))).toBe(true);
      expect(canonical(results[0]!.tenant) === canonical(results[1]!.tenant)).toBe(false);
    });
  });

  it('stops cleanly with a CancelledError when aborted mid-fetch', async () => {
    await withSimulator({ preset: 'small', seed: 5 }, async (sim) => {
      const controller = new AbortController();
      let requestsAtAbort = 0;
      const error = await fetchTenant({
        apiKey: sim.apiKey,
        baseUrl: sim.baseUrl,
        signal: controller.signal,
        rate: 200,
        onProgress: (p) => {
          if (p.phase === 'reading edges' && p.collectionsDone >= 20 && !controller.signal.aborted) {
            requestsAtAbort = p.requests;
            controller.abort();
          }
        },
      }).catch((e: unknown) => e);
      // A fetch that did not stop would run to its end (a snapshot, not an error) or hang (this test's timeout).
      expect(error).toBeInstanceOf(CancelledError);
      // A real wait, for neither the client's timers nor the simulator's clock: it gives requests a client might
      // still send after rejecting (the failure looked for) the time to cross loopback and be counted. A correct
      // client passes with any wait; a shorter one would only hide such requests, never fail a correct fetch.
      await new Promise((r) => setTimeout(r, 100));
      // Nothing more is sent after the abort beyond the requests already in flight.
      expect(sim.stats().requests).toBeLessThanOrEqual(requestsAtAbort + 8);
    });
  });

  it('keeps under a configured rate: no 429 from a simulator limited to the same rate', async () => {
    await withSimulator({ preset: 'tiny', seed: 2, rate: 60 }, async (sim) => {
      const { meta } = await fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, rate: 60, concurrency: 16 });
      expect(sim.stats().byStatus['429'] ?? 0).toBe(0);
      expect(meta.requests.throttled).toBe(0);
    });
  });

  it('backs off and completes when the server rate-limits harder than asked', async () => {
    // A limit well under the 16 requests the client opens with: they meet 429s however slow the machine is.
    await withSimulator({ preset: 'tiny', seed: 2, rate: 6 }, async (sim) => {
      const { tenant, meta } = await fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl, orgId: sim.orgIds[0], concurrency: 16 });
      expect(canonical(tenant) === canonical(sim.tenant())).toBe(true);
      expect(meta.requests.throttled).toBeGreaterThan(0);
      expect(meta.requests.byOutcome['429']).toBe(sim.stats().byStatus['429']);
    });
  });

  it('refuses plain http to a remote host before sending anything', async () => {
    await expect(fetchTenant({ apiKey: 'k', baseUrl: 'http://api.example.com' })).rejects.toThrow(ConfigError);
  });
});

/**
 * Incremental refresh (fetch --since) against the simulator over HTTP: random change sequences between two
 * fetches give the same tenant, canonically, as a fresh full fetch (also with events late inside the
 * margin, events repeated, events of objects deleted since, unknown event types); silent changes are caught
 * by the audit when it samples them; every fallback says why and writes what a full fetch writes.
 */
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { fetchTenant, refreshTenant, type FetchResult, type RefreshOptions, type RefreshResult } from '../../src/fetchers/index.ts';
import { canonicalJson, sortTenant, type TenantData } from '../../src/model/index.ts';
import type { Simulator, SimulatorOptions } from '../../src/simulator/index.ts';
import { manualClock } from '../helpers/clock.ts';
import { withSimulator } from '../helpers/sim.ts';

const canonical = (t: TenantData): string => canonicalJson(sortTenant(t));
const DAY = 86_400_000;

function access(sim: Simulator, orgId = sim.orgIds[0]) {
  return { apiKey: sim.apiKey, baseUrl: sim.baseUrl, ...(orgId ? { orgId } : {}) };
}

async function refresh(sim: Simulator, old: FetchResult, options: Partial<RefreshOptions> = {}): Promise<RefreshResult> {
  return refreshTenant({ ...access(sim), since: old, auditSeed: 7, ...options });
}

/** The refresh, and a full fetch right after it: they must hold the same organization. */
async function refreshAndCompare(
  sim: Simulator,
  old: FetchResult,
  options: Partial<RefreshOptions> = {},
): Promise<{ r: RefreshResult; full: FetchResult }> {
  const r = await refresh(sim, old, options);
  const full = await fetchTenant(access(sim));
  expect(canonical(r.tenant)).toBe(canonical(full.tenant));
  return { r, full };
}

describe('incremental refresh equals a fresh full fetch', () => {
  it('for random change sequences between two fetches (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 25 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 20 }),
        async (seed, changes, repeat, audit) => {
          await withSimulator({ preset: 'tiny', seed, churnSeed: seed * 7 + 1 }, async (sim) => {
            const old = await fetchTenant(access(sim));
            sim.churn(changes);
            // Directory Insights may deliver an event more than once: the refresh re-reads state, it does not replay.
            if (repeat) sim.logEvents(sim.insightsEvents().slice(-5));
            // A small audit leaves most collections carried: the comparison with the full fetch checks them.
            const { r, full } = await refreshAndCompare(sim, old, { audit });
            expect(r.meta.refresh.mode, r.meta.refresh.reason).toBe('incremental');
            expect(r.meta.refresh.audit?.result).toBe('same');
            expect(r.meta.refresh.requests.total).toBeLessThan(full.meta.requests.total);
            // The estimate follows the old snapshot's plan; a full fetch may plan a side differently after creations.
            expect(Math.abs(r.meta.refresh.fullFetchRequests - full.meta.plan.plannedRequests!)).toBeLessThanOrEqual(
              2 + full.meta.plan.plannedRequests! * 0.05,
            );
          });
        },
      ),
      { numRuns: 12 },
    );
  }, 600_000);

  it('for a second refresh of the first one, and with nothing changed (nothing but lists, events and the audit read)', async () => {
    await withSimulator({ preset: 'small', seed: 4, churnSeed: 9 }, async (sim) => {
      const old = await fetchTenant(access(sim));
      const quiet = await refreshAndCompare(sim, old, { audit: 10 });
      expect(quiet.r.meta.refresh.collections).toEqual({ read: 10, carried: quiet.r.meta.refresh.collections!.carried });
      sim.churn(15);
      const first = await refreshAndCompare(sim, quiet.r);
      sim.churn(15);
      const second = await refreshAndCompare(sim, first.r);
      expect(second.r.meta.refresh.mode).toBe('incremental');
      expect(Date.parse(second.r.meta.refresh.window!.start)).toBe(Date.parse(first.r.meta.startedAt) - 15 * 60_000);
    });
  }, 300_000);

  it('with events late inside the margin: changes racing the old fetch, a log that shows events late, a clock ahead of the log', async () => {
    const clock = manualClock();
    let fetchStarted: () => void = () => undefined;
    const firstAnswer = new Promise<void>((resolve) => (fetchStarted = resolve));
    const options = { preset: 'small', seed: 5, churnSeed: 5, faults: { 'events-lag': 1 }, clock, onAnswer: () => fetchStarted() } as const;
    await withSimulator(options, async (sim) => {
      // Changes made while the old fetch runs (once its first request is answered): it may or may not have seen each of them.
      const fetching = fetchTenant(access(sim));
      await firstAnswer;
      sim.churn(10);
      const raced = await fetching;
      sim.churn(10);
      // Our clock 60 s ahead of the log's: the window starts 60 s late, inside the 5-minute margin.
      const old = { ...raced, meta: { ...raced.meta, startedAt: new Date(Date.parse(raced.meta.startedAt) + 60_000).toISOString() } };
      clock.advance(1_200); // the log shows the events a second late
      const { r } = await refreshAndCompare(sim, old, { eventLagMs: 5 * 60_000 });
      expect(r.meta.refresh.mode).toBe('incremental');
    });
  }, 300_000);

  it('with events about objects deleted since, and unknown event types naming an object or a type', async () => {
    await withSimulator({ preset: 'small', seed: 6 }, async (sim) => {
      const old = await fetchTenant(access(sim));
      const tenant = sim.tenant();
      const user = tenant.objects.find((o) => o.type === 'user')!;
      const group = tenant.objects.find(
        (o) => o.type === 'user_group' && !tenant.edges.some((e) => e.from.id === o.id && e.to.id === user.id),
      )!;
      const system = tenant.objects.find((o) => o.type === 'system')!;
      sim.applyChanges([
        { kind: 'add-member', group: { type: 'user_group', id: group.id }, member: { type: 'user', id: user.id } },
        { kind: 'associate', a: { type: 'user', id: user.id }, b: { type: 'system', id: system.id }, attributes: null },
        { kind: 'delete', ref: { type: 'user', id: user.id } },
      ]);
      const stamp = new Date().toISOString();
      sim.logEvents([
        {
          event_type: 'user_reticulated',
          service: 'directory',
          timestamp: stamp,
          resource: { type: 'user', id: tenant.objects.filter((o) => o.type === 'user')[1]!.id },
        },
        { event_type: 'SYSTEM_REIMAGED', service: 'directory', timestamp: stamp, resource: { type: 'system' } },
      ]);
      const { r } = await refreshAndCompare(sim, old);
      expect(r.meta.refresh.mode).toBe('incremental');
      expect(r.meta.refresh.notes?.join(' ')).toMatch(/user_reticulated, an event type jcgraph does not know, named user/);
      expect(r.meta.refresh.notes?.join(' ')).toMatch(/system_reimaged named system objects without saying which/);
      expect(r.tenant.objects.some((o) => o.id === user.id)).toBe(false);
    });
  }, 300_000);
});

describe('the audit', () => {
  it('catches a change that left no event when its sample includes it, and the refresh becomes a full fetch', async () => {
    await withSimulator({ preset: 'tiny', seed: 8, faults: { 'silent-changes': 1 } }, async (sim) => {
      const old = await fetchTenant(access(sim));
      const applied = sim.churn(3).filter((a) => a.effect === 'edge');
      expect(applied.length).toBeGreaterThan(0);
      expect(sim.silencedChanges()).toBe(3);
      // An audit as large as the organization samples every carried collection: the silent change is in it.
      const { r } = await refreshAndCompare(sim, old, { audit: 100_000 });
      expect(r.meta.refresh.mode).toBe('full');
      expect(r.meta.refresh.reason).toMatch(/^the audit found \d+ of \d+ carried-over collections changed without an event/);
      expect(r.meta.refresh.audit?.result).toBe('different');
      expect(r.meta.refresh.requests.full).toBeGreaterThan(0);
      // Without the audit the refresh cannot know: this is the guarantee's limit, stated in the README.
      const blind = await refresh(sim, old, { audit: 0 });
      expect(blind.meta.refresh.mode).toBe('incremental');
      expect(canonical(blind.tenant)).not.toBe(canonical(r.tenant));
    });
  }, 300_000);

  it('is seeded: the same seed draws the same sample', async () => {
    await withSimulator({ preset: 'tiny', seed: 2 }, async (sim) => {
      const old = await fetchTenant(access(sim));
      const a = await refresh(sim, old, { audit: 5, auditSeed: 42 });
      const b = await refresh(sim, old, { audit: 5, auditSeed: 42 });
      expect(a.meta.refresh.audit?.sample).toHaveLength(5);
      expect(a.meta.refresh.audit?.sample).toEqual(b.meta.refresh.audit?.sample);
      expect(a.meta.refresh.audit?.seed).toBe(42);
    });
  }, 120_000);
});

describe('fallbacks to a full fetch, each saying why and writing what a full fetch writes', () => {
  const cases: {
    name: string;
    options: SimulatorOptions;
    reason: RegExp;
    alter?: (old: FetchResult, sim: Simulator) => { old: FetchResult; orgId?: string };
  }[] = [
    { name: '401 from the events API', options: { insights: { denied: 401 } }, reason: /refused the key \(401\)/ },
    {
      name: '402 from the events API (not in the plan)',
      options: { insights: { denied: 402 } },
      reason: /not in the organization's plan \(402\)/,
    },
    {
      name: '403 from the events API (scope missing)',
      options: { insights: { denied: 403 } },
      reason: /lacks the Directory Insights scope \(403\)/,
    },
    {
      name: 'events that do not reach back to the snapshot (retention)',
      options: { insights: { retentionDays: 15 } },
      reason: /do not reach back/,
      alter: (old) => ({ old: { ...old, meta: { ...old.meta, startedAt: new Date(Date.now() - 20 * DAY).toISOString() } } }),
    },
    {
      name: 'a snapshot of another organization',
      options: { orgs: 2 },
      reason: /the snapshot is of organization \S+, not organization/,
      alter: (old, sim) => ({ old, orgId: sim.orgIds[1] }),
    },
    {
      name: 'a snapshot of another API host',
      options: {},
      reason: /the snapshot is of https:\/\/console\.jumpcloud\.com, not http:\/\/127\.0\.0\.1/,
      alter: (old) => ({ old: { ...old, meta: { ...old.meta, apiHost: 'https://console.jumpcloud.com' } } }),
    },
  ];
  for (const c of cases) {
    it(
      c.name,
      async () => {
        await withSimulator({ preset: 'tiny', seed: 3, churnSeed: 3, ...c.options }, async (sim) => {
          const fetched = await fetchTenant(access(sim));
          sim.churn(5);
          const { old, orgId } = c.alter?.(fetched, sim) ?? { old: fetched };
          const r = await refreshTenant({ ...access(sim, orgId ?? sim.orgIds[0]), since: old });
          expect(r.meta.refresh.mode).toBe('full');
          expect(r.meta.refresh.reason).toMatch(c.reason);
          const full = await fetchTenant(access(sim, orgId ?? sim.orgIds[0]));
          expect(canonical(r.tenant)).toBe(canonical(full.tenant));
        });
      },
      120_000,
    );
  }

  it('a page of events that cannot be read', async () => {
    // Directory Insights answering 200 with a page jcgraph cannot read (no X-Result-Count, not an array).
    const broken = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-limit': '10000' });
        res.end('{"events":"elsewhere"}');
      });
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    const port = (broken.address() as AddressInfo).port;
    try {
      await withSimulator({ preset: 'tiny', seed: 3, churnSeed: 3 }, async (sim) => {
        const old = await fetchTenant(access(sim));
        sim.churn(5);
        const r = await refresh(sim, old, { apiRoots: { insights: `http://127.0.0.1:${port}/insights/directory/v1` } });
        expect(r.meta.refresh.mode).toBe('full');
        expect(r.meta.refresh.reason).toMatch(
          /^the events could not be read: POST \/insights\/directory\/v1\/events \(page 1\): the page of events cannot be read: its body is not a JSON array/,
        );
        expect(canonical(r.tenant)).toBe(canonical((await fetchTenant(access(sim))).tenant));
      });
    } finally {
      await new Promise((resolve) => broken.close(resolve));
    }
  }, 120_000);

  it('an event that names nothing jcgraph can place', async () => {
    await withSimulator({ preset: 'tiny', seed: 3 }, async (sim) => {
      const old = await fetchTenant(access(sim));
      sim.logEvents([{ id: 'ev-odd', event_type: 'quantum_entangle', service: 'directory', timestamp: new Date().toISOString() }]);
      const r = await refresh(sim, old);
      expect(r.meta.refresh.mode).toBe('full');
      expect(r.meta.refresh.reason).toMatch(/the event ev-odd \(quantum_entangle\) cannot be placed/);
      expect(canonical(r.tenant)).toBe(canonical((await fetchTenant(access(sim))).tenant));
    });
  }, 120_000);

  it('--full', async () => {
    await withSimulator({ preset: 'tiny', seed: 3 }, async (sim) => {
      const old = await fetchTenant(access(sim));
      const r = await refresh(sim, old, { full: true });
      expect(r.meta.refresh).toMatchObject({ mode: 'full', reason: 'a full fetch was asked for (--full)' });
      expect(r.meta.refresh.requests.events).toBe(0);
    });
  }, 120_000);
});

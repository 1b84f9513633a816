/**
 * Fetching through every simulator fault, alone and all together, and random mixes of them (fast-check):
 * the result is the clean tenant, or a JcApiError naming the endpoint and the cause. Never a smaller
 * tenant without an error.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fetchTenant, type FetchOptions } from '../../src/fetchers/index.ts';
import { JcApiError } from '../../src/errors.ts';
import { TRANSIENT_FAULT_NAMES, type FaultName, type FaultSettings } from '../../src/simulator/index.ts';
import { withSimulator } from '../helpers/sim.ts';
import { canonical, tenantDiff } from './sim-view.ts';

/**
 * Fast retries keep the runs short; the retry logic is the same. A backoff five times shorter than the
 * default spends about five times more retries riding out each 429 storm (storms are timed in wall
 * clock), so the retry budget is widened to match: on a loaded machine the default budget could run out
 * here although it never would at the default backoff. Running out of budget has tests of its own.
 */
const fast: Partial<FetchOptions> = { concurrency: 8, backoffMs: 50, maxAttempts: 10, retryBudget: 2_000 };

type Outcome = { ok: true; requests: number; restarts: number; statuses: Record<string, number> } | { ok: false; error: JcApiError };

async function fetchUnder(preset: 'tiny' | 'small', faults: FaultSettings | readonly FaultName[], faultSeed: number): Promise<Outcome> {
  return withSimulator({ preset, seed: 21, faults, faultSeed }, async (sim) => {
    try {
      const { tenant, meta } = await fetchTenant({ ...fast, apiKey: sim.apiKey, baseUrl: sim.baseUrl, orgId: sim.orgIds[0] });
      const expected = sim.tenant();
      const same = canonical(tenant) === canonical(expected);
      expect(same, same ? '' : `faults ${JSON.stringify(faults)}: ${tenantDiff(tenant, expected)}`).toBe(true);
      return { ok: true, requests: meta.requests.total, restarts: meta.requests.restarts, statuses: sim.stats().byStatus };
    } catch (error) {
      // The only acceptable failure: a JcApiError that names the request and why.
      expect(error).toBeInstanceOf(JcApiError);
      const e = error as JcApiError;
      expect(e.endpoint).toMatch(/^GET \/api\//);
      expect(e.message).toContain(e.endpoint.split('?')[0]!);
      expect(e.message).not.toContain(sim.apiKey);
      return { ok: false, error: e };
    }
  });
}

describe('fetch under simulator faults', () => {
  for (const fault of TRANSIENT_FAULT_NAMES) {
    it(`returns the clean tenant under ${fault}`, async () => {
      // Collection faults at full intensity (every collection affected), request faults at their defaults.
      const perCollection = ['nulls', 'short-page', 'churn', 'no-total'].includes(fault);
      const outcome = await fetchUnder('small', perCollection ? { [fault]: 1 } : [fault], 3);
      // With the default intensities the retry and refetch limits are never reached: the fetch succeeds.
      expect(outcome.ok, outcome.ok ? '' : outcome.error.message).toBe(true);
      if (!outcome.ok) return;
      // The fault was really met.
      const s = outcome.statuses;
      if (fault === 'rate-limit' || fault === 'rate-limit-no-retry-after') expect(s['429']).toBeGreaterThan(0);
      if (fault === 'server-errors') expect((s['500'] ?? 0) + (s['502'] ?? 0) + (s['503'] ?? 0)).toBeGreaterThan(0);
      if (fault === 'reset') expect(s['reset']).toBeGreaterThan(0);
      if (fault === 'churn') expect(outcome.restarts).toBeGreaterThan(0);
    }, 120_000);
  }

  it('returns the clean tenant under all faults together', async () => {
    const outcome = await fetchUnder('small', TRANSIENT_FAULT_NAMES, 2);
    expect(outcome.ok, outcome.ok ? '' : outcome.error.message).toBe(true);
  }, 180_000);

  it('never returns a smaller tenant without an error, whatever the mix of faults (fast-check)', async () => {
    const perRequest = fc.option(fc.double({ min: 0, max: 0.25, noNaN: true }), { nil: undefined });
    const perCollection = fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined });
    const mix = fc.record({
      'rate-limit': perRequest,
      'rate-limit-no-retry-after': perRequest,
      'server-errors': perRequest,
      slow: fc.option(fc.double({ min: 0, max: 0.05, noNaN: true }), { nil: undefined }),
      reset: perRequest,
      malformed: perRequest,
      nulls: perCollection,
      'short-page': perCollection,
      churn: perCollection,
      'no-total': perCollection,
    });
    await fc.assert(
      fc.asyncProperty(mix, fc.integer({ min: 1, max: 1_000_000 }), async (faults, faultSeed) => {
        const settings = Object.fromEntries(Object.entries(faults).filter(([, p]) => p !== undefined)) as FaultSettings;
        await fetchUnder('tiny', settings, faultSeed);
      }),
      { numRuns: 8 },
    );
  }, 400_000);
});

import { describe, expect, it, vi } from 'vitest';
import {
  TRANSIENT_FAULT_NAMES,
  MAX_CHURN_EPISODES,
  MAX_CONSECUTIVE_FAILURES,
  type FaultName,
  type FaultSettings,
  type Simulator,
} from '../../src/simulator/index.ts';
import { SLOW_MAX_MS } from '../../src/simulator/server/faults.ts';
import { manualClock, type ManualClock } from '../helpers/clock.ts';
import { apiUrl, fetchAll, firstOf, getJson, objectsOf, pageItems, withSimulator } from '../helpers/sim.ts';

const USERS = '/api/systemusers';

/** A request that may be reset: resolves to the response text and status, or 'reset'. */
async function raw(
  sim: Simulator,
  path: string,
  query: Record<string, string> = {},
): Promise<{ status: number | 'reset'; text: string; headers?: Headers }> {
  try {
    const r = await fetch(apiUrl(sim.baseUrl, path, query), { headers: { 'x-api-key': sim.apiKey } });
    return { status: r.status, text: await r.text(), headers: r.headers };
  } catch {
    return { status: 'reset', text: '' };
  }
}

function totalOf(r: { body: any; headers: Headers }): number | undefined {
  if (r.body && !Array.isArray(r.body) && typeof r.body.totalCount === 'number') return r.body.totalCount;
  const h = r.headers.get('x-total-count');
  return h === null ? undefined : Number(h);
}

/** Simulated time a request takes, so that 429 storms come and go as they would while a client pages. */
const REQUEST_MS = 50;

/**
 * A client that does what docs/domain.md#rate-limits-and-retries and #paging ask of one: retries 429 (honouring
 * Retry-After), 5xx, resets and unparsable bodies; counts a page's length with its nulls; pages to the total when
 * there is one (past short pages), else to a short page; restarts the collection when its total changes.
 * It waits on the simulator's clock (the one the simulator was started with), which it moves instead of sleeping.
 */
async function robustFetchAll(
  sim: Simulator,
  clock: ManualClock,
  path: string,
  query: Record<string, string> = {},
  limit = 10,
): Promise<{ items: unknown[]; restarts: number; retries: number }> {
  let restarts = 0;
  let retries = 0;
  const page = async (skip: number) => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const r = await raw(sim, path, { ...query, limit: String(limit), skip: String(skip), sort: '_id' });
      clock.advance(REQUEST_MS);
      if (r.status === 200) {
        try {
          const body = JSON.parse(r.text);
          return { body, headers: r.headers! };
        } catch {
          /* malformed: retry */
        }
      } else if (r.status === 429) {
        const after = r.headers?.get('retry-after');
        clock.advance(after ? Number(after) * 1000 : 150 * (attempt + 1));
      } else if (r.status !== 'reset' && r.status < 500) {
        throw new Error(`GET ${path}: ${r.status} ${r.text}`);
      }
      retries++;
    }
    throw new Error(`GET ${path} skip=${skip}: too many failures`);
  };
  restart: for (;;) {
    const out: unknown[] = [];
    let total: number | undefined;
    for (let skip = 0; ;) {
      const r = await page(skip);
      const items = pageItems(r.body);
      const t = totalOf(r);
      if (skip === 0) total = t;
      else if (t !== total) {
        restarts++;
        continue restart;
      }
      out.push(...items);
      skip += items.length;
      const done = total !== undefined ? skip >= total || items.length === 0 : items.length < limit;
      if (done) return { items: out.filter((i) => i !== null), restarts, retries };
    }
  }
}

describe('each fault, switched on, is observable', () => {
  it('rate-limit: storms of consecutive 429s with Retry-After, over within a second', async () => {
    const clock = manualClock();
    await withSimulator({ preset: 'tiny', faults: { 'rate-limit': 1 }, clock }, async (sim) => {
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        const r = await getJson(sim, USERS);
        statuses.push(r.status);
        expect(r.headers.get('retry-after')).toBe('1');
        expect(r.body).toMatchObject({ code: 429, message: expect.any(String) });
      }
      expect(statuses).toEqual([429, 429, 429]);
      clock.advance(1000);
      expect((await getJson(sim, USERS)).status).toBe(200);
    });
  });

  it('rate-limit-no-retry-after: the same storms without Retry-After', async () => {
    await withSimulator({ preset: 'tiny', faults: ['rate-limit-no-retry-after'], faultSeed: 3 }, async (sim) => {
      const seen: (number | string)[] = [];
      for (let i = 0; i < 200 && !seen.includes(429); i++) {
        const r = await getJson(sim, USERS, { skip: String(i % 12) });
        seen.push(r.status);
        if (r.status === 429) expect(r.headers.get('retry-after')).toBeNull();
      }
      expect(seen).toContain(429);
    });
  });

  it('rate: a token bucket answers 429 beyond the rate, with Retry-After unless rate-limit-no-retry-after is named', async () => {
    for (const [faults, retryAfter] of [
      [undefined, true],
      [{ 'rate-limit-no-retry-after': 0 }, false],
    ] as const) {
      const clock = manualClock();
      await withSimulator({ preset: 'tiny', rate: 3, clock, ...(faults ? { faults } : {}) }, async (sim) => {
        // The clock stands still: the bucket's 3 tokens are all there is until it moves.
        const results = await Promise.all(Array.from({ length: 8 }, () => getJson(sim, USERS)));
        const limited = results.filter((r) => r.status === 429);
        expect(results.filter((r) => r.status === 200)).toHaveLength(3);
        expect(limited).toHaveLength(5);
        for (const r of limited) expect(r.headers.get('retry-after') !== null).toBe(retryAfter);
        if (retryAfter) expect(Number(limited[0]!.headers.get('retry-after'))).toBe(1);
        expect((await getJson(sim, USERS)).status).toBe(429);
        // Retry-After later the bucket holds a second's worth again: 3 tokens, then 429.
        clock.advance(1000);
        for (let i = 0; i < 3; i++) expect((await getJson(sim, USERS)).status).toBe(200);
        expect((await getJson(sim, USERS)).status).toBe(429);
      });
    }
  });

  it(`server-errors: 500/502/503 in the error shape, never more than ${MAX_CONSECUTIVE_FAILURES} in a row for one request`, async () => {
    await withSimulator({ preset: 'tiny', faults: { 'server-errors': 1 } }, async (sim) => {
      const statuses = new Set<number>();
      for (let skip = 0; skip < 8; skip++) {
        const query = { skip: String(skip) };
        for (let i = 0; i < MAX_CONSECUTIVE_FAILURES; i++) {
          const r = await getJson(sim, USERS, query);
          expect([500, 502, 503]).toContain(r.status);
          expect(r.body).toMatchObject({ code: r.status, message: expect.any(String) });
          statuses.add(r.status);
        }
        expect((await getJson(sim, USERS, query)).status).toBe(200);
      }
      expect(statuses.size).toBeGreaterThan(1);
    });
  });

  it('slow: answers are delayed, then correct', async () => {
    await withSimulator({ preset: 'tiny', faults: { slow: 1 } }, async (sim) => {
      // The delay is a timer: fake setTimeout holds it (sockets and the server's own timers stay real).
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        let answered = false;
        const response = getJson(sim, USERS).finally(() => (answered = true));
        // The request arrives and waits on a timer, where an undelayed one would be answered within a few turns.
        const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
        while (sim.stats().requests === 0 || (!answered && vi.getTimerCount() === 0)) await turn();
        expect(answered).toBe(false);
        // At least 100 ms, at most SLOW_MAX_MS.
        await vi.advanceTimersByTimeAsync(99);
        expect(answered).toBe(false);
        await vi.advanceTimersByTimeAsync(SLOW_MAX_MS - 99);
        const r = await response;
        expect(r.status).toBe(200);
        expect(r.body.totalCount).toBe(12);
      } finally {
        vi.useRealTimers();
      }
    });
  });

  it('reset: the connection is destroyed without an answer, a bounded number of times', async () => {
    await withSimulator({ preset: 'tiny', faults: { reset: 1 } }, async (sim) => {
      expect((await raw(sim, USERS)).status).toBe('reset');
      expect((await raw(sim, USERS)).status).toBe('reset');
      expect((await raw(sim, USERS)).status).toBe(200);
      expect(sim.stats().byStatus).toEqual({ reset: 2, '200': 1 });
    });
  });

  it('malformed: status 200 with a truncated JSON body', async () => {
    await withSimulator({ preset: 'tiny', faults: { malformed: 1 } }, async (sim) => {
      for (const path of [USERS, '/api/v2/usergroups']) {
        const r = await raw(sim, path);
        expect(r.status).toBe(200);
        expect(() => JSON.parse(r.text)).toThrow();
        expect(r.text.length).toBeGreaterThan(0);
      }
    });
  });

  it('nulls: null entries besides the records, counted in the total, at stable positions', async () => {
    await withSimulator({ preset: 'small', faults: { nulls: 1 } }, async (sim) => {
      const users = objectsOf(sim.tenant(), 'user');
      const all = await fetchAll(sim, USERS);
      const nulls = all.filter((x) => x === null).length;
      expect(nulls).toBeGreaterThan(0);
      expect((await getJson(sim, USERS)).body.totalCount).toBe(users.length + nulls);
      expect(all.filter((x) => x !== null).map((u: any) => u._id)).toEqual(users.map((u) => u.id).sort());
      expect(await fetchAll(sim, USERS)).toEqual(all);
      const groups = await fetchAll(sim, '/api/v2/usergroups');
      expect(groups.filter((x) => x !== null)).toHaveLength(objectsOf(sim.tenant(), 'user_group').length);
    });
  });

  it('short-page: a page shorter than limit in the middle of a collection with a total', async () => {
    const clock = manualClock();
    await withSimulator({ preset: 'small', faults: { 'short-page': 1 }, clock }, async (sim) => {
      const first = await getJson(sim, USERS, { limit: '10', sort: '_id' });
      expect(first.body.results.length).toBeLessThan(10);
      expect(first.body.results.length).toBeGreaterThan(0);
      expect(first.body.totalCount).toBe(200);
      // Advancing skip by the rows received, and paging up to the total, gets each record once.
      const all = await robustFetchAll(sim, clock, USERS);
      expect(all.items.map((u: any) => u._id)).toEqual(
        objectsOf(sim.tenant(), 'user')
          .map((u) => u.id)
          .sort(),
      );
    });
  });

  it(`churn: a row hidden or repeated between pages, the total moving with it, at most ${MAX_CHURN_EPISODES} times per collection`, async () => {
    const clock = manualClock();
    await withSimulator({ preset: 'small', faults: { churn: 1 }, faultSeed: 4, clock }, async (sim) => {
      const clean = objectsOf(sim.tenant(), 'user')
        .map((u) => u.id)
        .sort();
      // A naive client that ignores the total sees a missed or repeated row.
      const naive: string[] = [];
      const totals = new Set<number>();
      for (let skip = 0; skip < 200; skip += 10) {
        const r = await getJson(sim, USERS, { limit: '10', skip: String(skip), sort: '_id' });
        naive.push(...r.body.results.map((u: any) => u._id));
        totals.add(r.body.totalCount);
      }
      expect(naive).not.toEqual(clean);
      expect(totals.size).toBeGreaterThan(1);
      // The episodes are spent: the collection is clean from now on.
      expect((await robustFetchAll(sim, clock, USERS)).items.map((u: any) => u._id)).toEqual(clean);
    });
    await withSimulator({ preset: 'small', faults: { churn: 1 }, faultSeed: 4, clock }, async (sim) => {
      const result = await robustFetchAll(sim, clock, '/api/v2/usergroups');
      expect(result.restarts).toBeGreaterThan(0);
      expect(result.restarts).toBeLessThanOrEqual(MAX_CHURN_EPISODES);
      expect(result.items.map((g: any) => g.id)).toEqual(
        objectsOf(sim.tenant(), 'user_group')
          .map((g) => g.id)
          .sort(),
      );
    });
  });

  it('no-total: v2 answers without x-total-count; v1 keeps totalCount', async () => {
    await withSimulator({ preset: 'tiny', faults: ['no-total'] }, async (sim) => {
      const user = firstOf(sim.tenant(), 'user').id;
      for (const path of ['/api/v2/usergroups', `/api/v2/users/${user}/memberof`]) {
        const r = await getJson(sim, path);
        expect(r.status).toBe(200);
        expect(r.headers.get('x-total-count')).toBeNull();
      }
      expect((await getJson(sim, USERS)).body.totalCount).toBe(12);
    });
  });
});

describe('faults together', () => {
  const collections = (sim: Simulator) => {
    const t = sim.tenant();
    const allStaff = t.objects.find((o) => o.type === 'user_group' && o.record['name'] === 'All Staff')!;
    return [
      USERS,
      '/api/systems',
      '/api/v2/usergroups',
      '/api/v2/directories',
      '/api/v2/healthmonitoring/rules',
      `/api/v2/usergroups/${allStaff.id}/membership`,
    ];
  };

  it('a client that retries and refetches gets the clean collections through every fault at once', async () => {
    const clean = await withSimulator({ preset: 'small', seed: 9 }, async (sim) =>
      Promise.all(collections(sim).map((p) => fetchAll(sim, p))),
    );
    const clock = manualClock();
    await withSimulator({ preset: 'small', seed: 9, faults: TRANSIENT_FAULT_NAMES, faultSeed: 5, clock }, async (sim) => {
      const got = [];
      for (const p of collections(sim)) got.push((await robustFetchAll(sim, clock, p, {}, 25)).items);
      expect(got).toEqual(clean);
      const s = sim.stats().byStatus;
      expect(Object.keys(s).filter((k) => k !== '200').length).toBeGreaterThan(0);
    });
  }, 120_000);

  it('makes the same decisions for the same fault seed', async () => {
    const faults: FaultSettings = { 'server-errors': 0.3, malformed: 0.2, reset: 0.1, nulls: 0.5, 'short-page': 0.5, churn: 0.5 };
    const run = (faultSeed: number) =>
      withSimulator({ preset: 'tiny', faults, faultSeed }, async (sim) => {
        const seen = [];
        for (let skip = 0; skip < 12; skip++) {
          const r = await raw(sim, '/api/v2/usergroups', { limit: '3', skip: String(skip) });
          seen.push(`${r.status} ${r.headers?.get('x-total-count') ?? '-'} ${r.text}`);
        }
        return seen;
      });
    const a = await run(11);
    expect(await run(11)).toEqual(a);
    expect(await run(12)).not.toEqual(a);
  });

  it('refuses unknown faults and intensities outside [0, 1]', async () => {
    await expect(withSimulator({ faults: ['earthquake' as FaultName] }, async () => undefined)).rejects.toThrow(
      /unknown fault "earthquake"/,
    );
    await expect(withSimulator({ faults: { slow: 2 } }, async () => undefined)).rejects.toThrow(/probability from 0 to 1/);
  });
});

/**
 * collect() with `ahead`: once the total is known, pages are requested several at a time, accepted in
 * order and checked as if read alone; a server that pages shorter than the limit costs at most one
 * wasted round, then the collection is read one page at a time.
 */
import { describe, expect, it } from 'vitest';
import { collect, type Page } from '../../src/fetchers/paging.ts';

function server(
  total: number,
  cap = 100,
): { getPage: (skip: number, limit: number) => Promise<Page>; calls: number[]; maxInFlight: () => number } {
  const calls: number[] = [];
  let inFlight = 0;
  let max = 0;
  return {
    calls,
    maxInFlight: () => max,
    async getPage(skip, limit) {
      calls.push(skip);
      inFlight += 1;
      max = Math.max(max, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight -= 1;
      const n = Math.max(0, Math.min(limit, cap, total - skip));
      return { items: Array.from({ length: n }, (_, i) => ({ id: `r${skip + i}` })), total };
    },
  };
}

describe('collect with pages ahead', () => {
  it('reads the same records with pages in flight together, and no page twice', async () => {
    const s = server(1_234);
    const r = await collect<{ id: string }>(s.getPage, { idOf: (x) => x.id, limit: 100, ahead: 8 });
    expect(r.records.map((x) => x.id)).toEqual(Array.from({ length: 1_234 }, (_, i) => `r${i}`));
    expect(r.anomalies).toEqual([]);
    expect(r.finalPages).toBe(13);
    expect(s.calls).toHaveLength(13);
    expect(new Set(s.calls).size).toBe(13);
    expect(s.maxInFlight()).toBe(8);
  });

  it('falls back to one page at a time when pages come back shorter than the limit', async () => {
    const s = server(1_000, 40);
    const r = await collect<{ id: string }>(s.getPage, { idOf: (x) => x.id, limit: 100, ahead: 8 });
    expect(r.records).toHaveLength(1_000);
    expect(r.anomalies).toEqual([]);
    // 25 pages of 40 are needed; the one round of 8 wasted 7 of them.
    expect(s.calls.length).toBeLessThanOrEqual(25 + 7);
  });
});

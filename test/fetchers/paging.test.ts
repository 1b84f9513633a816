import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { collect, PageCursor, type Page } from '../../src/fetchers/paging.ts';

type Rec = { id: string };
const idOf = (r: Rec): string | undefined => r.id;

/** A server over a fixed collection (records and nulls), with optional misbehaviour. */
function server(items: (Rec | null)[], opts: { total?: boolean; shortAt?: number; limitCap?: number } = {}) {
  const calls: number[] = [];
  const getPage = async (skip: number, limit: number): Promise<Page> => {
    calls.push(skip);
    let n = Math.min(limit, opts.limitCap ?? limit);
    if (opts.shortAt !== undefined && skip === opts.shortAt && skip + n < items.length) n = Math.max(1, Math.floor(n / 2));
    return { items: items.slice(skip, skip + n), total: opts.total === false ? undefined : items.length };
  };
  return { getPage, calls };
}

const recs = (n: number): Rec[] => Array.from({ length: n }, (_, i) => ({ id: `r${String(i).padStart(5, '0')}` }));

describe('paging', () => {
  it('counts nulls in a page length, skips them, and reaches the total (the 200-of-530 field bug)', async () => {
    const items: (Rec | null)[] = recs(530);
    for (const at of [150, 151, 152, 400]) items.splice(at, 0, null);
    const { getPage, calls } = server(items);
    const result = await collect(getPage, { idOf });
    expect(result.records.length).toBe(530);
    expect(result.nulls).toBe(4);
    expect(calls).toEqual([0, 100, 200, 300, 400, 500]);
    expect(result.anomalies).toEqual([]);
  });

  it('pages on past a short page when a total is given', async () => {
    const { getPage, calls } = server(recs(250), { shortAt: 100 });
    const result = await collect(getPage, { idOf });
    expect(result.records.length).toBe(250);
    expect(calls).toEqual([0, 100, 150]);
  });

  it('stops at a short page when there is no total', async () => {
    const { getPage, calls } = server(recs(250), { total: false });
    const result = await collect(getPage, { idOf });
    expect(result.records.length).toBe(250);
    expect(calls).toEqual([0, 100, 200]);
  });

  it('needs one more (empty) page without a total when the collection is a multiple of the limit', async () => {
    const { getPage, calls } = server(recs(200), { total: false });
    expect((await collect(getPage, { idOf })).records.length).toBe(200);
    expect(calls).toEqual([0, 100, 200]);
  });

  it('makes exactly ceil(n/100) requests (at least one) with a total', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 450 }), async (n) => {
        const { getPage, calls } = server(recs(n));
        const result = await collect(getPage, { idOf });
        expect(result.records.length).toBe(n);
        expect(calls.length).toBe(Math.max(1, Math.ceil(n / 100)));
      }),
    );
  });

  it('de-duplicates by id', async () => {
    const pages: Page[] = [
      { items: [{ id: 'a' }, { id: 'b' }], total: 4 },
      { items: [{ id: 'b' }, { id: 'c' }], total: 4 },
    ];
    let i = 0;
    const result = await collect(async () => pages[Math.min(i++, 1)]!, { idOf, maxRestarts: 0, limit: 2 });
    expect(result.records.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    // 3 distinct records for a total of 4: the collection moved under the crawl and is reported.
    expect(result.anomalies.map((a) => a.kind)).toEqual(['inconsistent-pages']);
  });

  it('refetches a collection whose total changed between pages, and returns the stable pass', async () => {
    let version = 0;
    const before = recs(150);
    const after = recs(160);
    const getPage = async (skip: number, limit: number): Promise<Page> => {
      if (skip > 0) version = 1; // the collection grows while the first pass reads it
      const items = version === 0 ? before : after;
      return { items: items.slice(skip, skip + limit), total: items.length };
    };
    const result = await collect(getPage, { idOf });
    expect(result.restarts).toBe(1);
    expect(result.records.length).toBe(160);
    expect(result.anomalies).toEqual([]);
  });

  it('reports a collection that never stops changing instead of returning it short', async () => {
    let n = 100;
    const getPage = async (skip: number, limit: number): Promise<Page> => {
      n += 1;
      return { items: recs(n).slice(skip, skip + limit), total: n };
    };
    const result = await collect(getPage, { idOf, maxRestarts: 3 });
    expect(result.restarts).toBe(3);
    expect(result.anomalies.map((a) => a.kind)).toEqual(['total-changed']);
  });

  it('ends a collection whose pages keep repeating (random mock data) and reports it', async () => {
    const result = await collect(async () => ({ items: recs(100), total: undefined }), { idOf });
    expect(result.records.length).toBe(100);
    expect(result.pages).toBe(2);
    expect(result.anomalies.map((a) => a.kind)).toEqual(['repeating-pages']);
  });

  it('never loops on endless short pages under a huge total', async () => {
    let k = 0;
    // Pages of random lengths and fresh ids, as a mock serving random data gives.
    const getPage = async (): Promise<Page> => ({
      items: Array.from({ length: 2 + (k % 3) }, () => ({ id: `x${k++}` })),
      total: 1_000_000,
    });
    const result = await collect(getPage, { idOf, maxRestarts: 2 });
    expect(result.pages).toBeLessThan(40);
    expect(result.anomalies.map((a) => a.kind)).toEqual(['inconsistent-pages']);
  });

  it('counts records without an id as anomalies', () => {
    const cursor = new PageCursor<Rec>({ idOf });
    cursor.accept({ items: [{ id: 'a' }, {}], total: undefined });
    expect(cursor.nextSkip()).toBeUndefined();
    expect(cursor.pass.anomalies.map((a) => a.kind)).toEqual(['record-without-id']);
  });

  it('reads any split of a collection into pages, with nulls, short pages and optional totals', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 400 }),
        fc.array(fc.integer({ min: 0, max: 450 }), { maxLength: 6 }),
        fc.integer({ min: 40, max: 100 }),
        async (n, nullAt, cap) => {
          const items: (Rec | null)[] = recs(n);
          for (const at of nullAt) items.splice(Math.min(at, items.length), 0, null);
          // With a total any page size works; a server capping pages below the limit (cap) needs one.
          const { getPage } = server(items, { limitCap: cap });
          const result = await collect(getPage, { idOf });
          expect(result.records.length).toBe(n);
          expect(result.nulls).toBe(nullAt.length);
          expect(result.anomalies).toEqual([]);
        },
      ),
    );
  });
});

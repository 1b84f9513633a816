/**
 * jsonEqual, which compares records and edge attributes of two snapshots without building strings, says
 * exactly what comparing their canonical JSON says: over random JSON values, their copies with keys in
 * another order, and small edits of them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, jsonEqual } from '../../src/model/index.ts';

/** The value with every object's keys in reverse order. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reordered(v)]),
    );
  return value;
}

/** The value with its first leaf (depth first) replaced. */
function edited(value: unknown, leaf: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [leaf] : [edited(value[0], leaf), ...value.slice(1)];
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return { k: leaf };
    const [first, ...rest] = entries;
    const [k, v] = first!;
    return Object.fromEntries([[k, edited(v, leaf)], ...rest]);
  }
  return leaf;
}

describe('jsonEqual', () => {
  it('says what comparing canonical JSON says', () => {
    let equal = 0;
    let unequal = 0;
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), fc.jsonValue(), (x, y, leaf) => {
        for (const [a, b] of [
          [x, y],
          [x, reordered(x)],
          [x, edited(reordered(x), leaf)],
          [{ ...Object(x), gone: undefined }, x],
        ] as const) {
          const same = canonicalJson(a) === canonicalJson(b);
          expect(jsonEqual(a, b)).toBe(same);
          expect(jsonEqual(b, a)).toBe(same);
          if (same) equal++;
          else unequal++;
        }
      }),
      { numRuns: 500 },
    );
    expect(equal).toBeGreaterThan(500);
    expect(unequal).toBeGreaterThan(200);
  });
});

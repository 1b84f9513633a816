import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PairSet } from '../../src/report/pair-set.ts';

describe('PairSet', () => {
  it('holds exactly the pairs added, through growth, like a Set of keys', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(300), fc.nat(300)), { maxLength: 3000 }), fc.integer({ min: 1, max: 64 }), (pairs, capacity) => {
        const set = new PairSet(capacity);
        const reference = new Set<string>();
        for (const [a, b] of pairs) {
          expect(set.add(a, b)).toBe(!reference.has(`${a},${b}`));
          reference.add(`${a},${b}`);
        }
        expect(set.size).toBe(reference.size);
        for (const [a, b] of pairs) {
          expect(set.has(a, b)).toBe(true);
          expect(set.has(b, a)).toBe(reference.has(`${b},${a}`));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps large ids apart', () => {
    const set = new PairSet();
    const big = 2 ** 31 - 1;
    expect(set.add(big, 0)).toBe(true);
    expect(set.add(0, big)).toBe(true);
    expect(set.add(big, big)).toBe(true);
    expect(set.add(big, 0)).toBe(false);
    expect(set.size).toBe(3);
  });
});

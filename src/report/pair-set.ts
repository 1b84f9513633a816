/**
 * A set of pairs of small non-negative integers (node ids of one index), in one open-addressing table
 * of 32-bit slots: 8 bytes per slot, at most half full, where a Set of pair strings or numbers costs
 * several times that per entry. The review counts, per resource, the distinct user groups on its paths
 * with it (millions of pairs on a large tenant).
 */
export class PairSet {
  private first: Int32Array;
  private second: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.first = new Int32Array(slots).fill(-1);
    this.second = new Int32Array(slots);
    this.mask = slots - 1;
  }

  private static slot(a: number, b: number, mask: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    return h & mask;
  }

  /** Adds (a, b); true when it was not in the set. Both must be ≥ 0. */
  add(a: number, b: number): boolean {
    const first = this.first;
    const second = this.second;
    const mask = this.mask;
    for (let s = PairSet.slot(a, b, mask); ; s = (s + 1) & mask) {
      const x = first[s]!;
      if (x === -1) {
        first[s] = a;
        second[s] = b;
        if (++this.size * 2 > mask) this.grow();
        return true;
      }
      if (x === a && second[s] === b) return false;
    }
  }

  has(a: number, b: number): boolean {
    const mask = this.mask;
    for (let s = PairSet.slot(a, b, mask); ; s = (s + 1) & mask) {
      const x = this.first[s]!;
      if (x === -1) return false;
      if (x === a && this.second[s] === b) return true;
    }
  }

  private grow(): void {
    const oldFirst = this.first;
    const oldSecond = this.second;
    const slots = oldFirst.length * 2;
    this.first = new Int32Array(slots).fill(-1);
    this.second = new Int32Array(slots);
    this.mask = slots - 1;
    const mask = this.mask;
    for (let i = 0; i < oldFirst.length; i++) {
      const a = oldFirst[i]!;
      if (a === -1) continue;
      const b = oldSecond[i]!;
      let s = PairSet.slot(a, b, mask);
      while (this.first[s] !== -1) s = (s + 1) & mask;
      this.first[s] = a;
      this.second[s] = b;
    }
  }
}

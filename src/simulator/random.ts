/**
 * A small seeded PRNG (sfc32 seeded through splitmix32) and a string hash, so that tenants and fault
 * decisions are reproducible from a number. Nothing here touches Math.random or the clock.
 */
import { SimulatorError } from './errors.ts';

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const mix = splitmix32(Math.trunc(seed) ^ 0x5bd1e995);
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniform 32-bit unsigned integer (sfc32). */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new SimulatorError('Rng.pick: empty list');
    return items[this.int(items.length)] as T;
  }

  /** `k` distinct elements of `items` (fewer when the list is shorter), in the order drawn. */
  sample<T>(items: readonly T[], k: number): T[] {
    const n = items.length;
    const count = Math.min(k, n);
    if (count <= 0) return [];
    if (count * 3 > n) {
      const copy = [...items];
      for (let i = 0; i < count; i++) {
        const j = i + this.int(n - i);
        const tmp = copy[i] as T;
        copy[i] = copy[j] as T;
        copy[j] = tmp;
      }
      return copy.slice(0, count);
    }
    const chosen = new Set<number>();
    const out: T[] = [];
    while (out.length < count) {
      const i = this.int(n);
      if (chosen.has(i)) continue;
      chosen.add(i);
      out.push(items[i] as T);
    }
    return out;
  }

  /** A child generator whose stream does not depend on how much this one is used later. */
  fork(label: string): Rng {
    return new Rng((this.nextUint32() ^ hash32(label)) >>> 0);
  }
}

/** FNV-1a over the UTF-16 code units, then a final avalanche: a stable 32-bit hash of a string. */
export function hash32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** A stable number in [0, 1) for a list of parts: the same parts always give the same number. */
export function unitHash(seed: number, ...parts: readonly (string | number)[]): number {
  return hash32(parts.join('\u0001'), seed) / 4294967296;
}

/**
 * Seeded sampling, so a run can be repeated on the same objects (verify's sample of sources, a refresh's
 * audit): the same seed, salt and set of ids give the same sample whatever order the ids come in. (The
 * simulator hashes strings with its own FNV-1a in src/simulator/random.ts: it shares no code with the
 * engine it checks.)
 */

/** FNV-1a of a string, as an unsigned 32-bit seed. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; returns floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `n` of `ids` (all of them when there are no more than `n`), chosen by `seed` and `salt` (the endpoint,
 * so each endpoint gets its own draw), returned sorted.
 */
export function seededSample(ids: Iterable<string>, n: number, seed: number, salt: string): string[] {
  const pool = [...new Set(ids)].sort();
  if (pool.length <= n) return pool;
  const random = mulberry32(hash32(`${seed}|${salt}`));
  // Partial Fisher–Yates: the first n slots end up a uniform sample.
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n).sort();
}

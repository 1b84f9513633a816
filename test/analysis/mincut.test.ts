import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isCut, minimalCuts, minimumCut, minimumCuts, minimumHittingSet, unionDag, type CutPath } from '../../src/analysis/mincut.ts';

/** Paths of a layered instance: S, groups A (of S), groups B (of R), R, with the edges that exist. */
interface Layered {
  a: number;
  b: number;
  edges: Set<string>;
}

function layeredPaths({ a, b, edges }: Layered): CutPath[] {
  const paths: CutPath[] = [];
  const has = (e: string): boolean => edges.has(e);
  if (has('S-R')) paths.push({ nodes: ['S', 'R'], edges: ['S-R'] });
  for (let i = 0; i < a; i++) {
    if (has(`S-A${i}`) && has(`A${i}-R`)) paths.push({ nodes: ['S', `A${i}`, 'R'], edges: [`S-A${i}`, `A${i}-R`] });
  }
  for (let j = 0; j < b; j++) {
    if (has(`S-B${j}`) && has(`B${j}-R`)) paths.push({ nodes: ['S', `B${j}`, 'R'], edges: [`S-B${j}`, `B${j}-R`] });
  }
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      if (has(`S-A${i}`) && has(`A${i}-B${j}`) && has(`B${j}-R`)) {
        paths.push({ nodes: ['S', `A${i}`, `B${j}`, 'R'], edges: [`S-A${i}`, `A${i}-B${j}`, `B${j}-R`] });
      }
    }
  }
  return paths;
}

const layered = fc.record({ a: fc.integer({ min: 0, max: 3 }), b: fc.integer({ min: 0, max: 3 }) }).chain(({ a, b }) => {
  const all = ['S-R'];
  for (let i = 0; i < a; i++) all.push(`S-A${i}`, `A${i}-R`);
  for (let j = 0; j < b; j++) all.push(`S-B${j}`, `B${j}-R`);
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) all.push(`A${i}-B${j}`);
  return fc.record({
    a: fc.constant(a),
    b: fc.constant(b),
    edges: fc.subarray(all).map((s) => new Set(s)),
    protect: fc.subarray(all),
  });
});

/** Every subset of the used edges, smallest first. */
function subsets(items: string[]): string[][] {
  const out: string[][] = [];
  for (let mask = 0; mask < 1 << items.length; mask++) out.push(items.filter((_, i) => mask & (1 << i)));
  return out.sort((x, y) => x.length - y.length);
}

function usedEdges(paths: CutPath[]): string[] {
  return [...new Set(paths.flatMap((p) => p.edges))].sort();
}

describe("minimum cut over a binding's paths", () => {
  it('cuts a worked example with the fewest edges', () => {
    // S is in A0 and A1; A0 and A1 are both associated with B0, which holds R; S is also associated with R.
    const paths = layeredPaths({ a: 2, b: 1, edges: new Set(['S-R', 'S-A0', 'S-A1', 'A0-B0', 'A1-B0', 'B0-R']) });
    expect(paths).toHaveLength(3);
    // By hand: S-R must go; then B0-R cuts both group paths with one edge. Two edges in all.
    const cut = minimumCut(paths);
    expect(cut).toEqual({ ok: true, edges: ['B0-R', 'S-R'] });
    // Protect B0-R: now both memberships (or both A-B associations, or a mix) are needed: three edges.
    const protectedCut = minimumCut(paths, { protectedEdges: new Set(['B0-R']) });
    expect(protectedCut.ok && protectedCut.edges.length).toBe(3);
    // The minimum cuts with B0-R protected: {S-R} with one of S-A0/A0-B0 and one of S-A1/A1-B0: four.
    expect(minimumCuts(paths, { protectedEdges: new Set(['B0-R']) })).toHaveLength(4);
  });

  it('says which paths are made only of protected edges', () => {
    const paths = layeredPaths({ a: 1, b: 0, edges: new Set(['S-R', 'S-A0', 'A0-R']) });
    const outcome = minimumCut(paths, { protectedEdges: new Set(['S-A0', 'A0-R']) });
    expect(outcome).toEqual({ ok: false, uncuttable: [{ nodes: ['S', 'A0', 'R'], edges: ['S-A0', 'A0-R'] }] });
    expect(minimumCuts(paths, { protectedEdges: new Set(['S-A0', 'A0-R']) })).toEqual([]);
  });

  it('recognises the union of grammar paths as a faithful DAG, and falls back when it is not', () => {
    const paths = layeredPaths({ a: 2, b: 2, edges: new Set(['S-A0', 'S-A1', 'A0-B0', 'A1-B1', 'A0-B1', 'B0-R', 'B1-R']) });
    expect(unionDag(paths)).not.toBeNull();
    // Grammar paths each own their association edge, so any subset of them is faithful too.
    expect(unionDag(paths.slice(1))).not.toBeNull();
    // Not grammar paths: their union also holds S-B-M-R and S-A-M-X-R, which are not listed.
    const odd: CutPath[] = [
      { nodes: ['S', 'A', 'M', 'R'], edges: ['SA', 'AM', 'MR'] },
      { nodes: ['S', 'B', 'M', 'X', 'R'], edges: ['SB', 'BM', 'MX', 'XR'] },
    ];
    expect(unionDag(odd)).toBeNull();
    // The two paths share no edge, so the exact answer (branch and bound) is two edges, one on each.
    const outcome = minimumCut(odd);
    expect(outcome.ok && outcome.edges.length).toBe(2);
    expect(outcome.ok && isCut(odd, outcome.edges)).toBe(true);
  });

  it('agrees with brute force on random layered instances', () => {
    fc.assert(
      fc.property(layered, ({ a, b, edges, protect }) => {
        const paths = layeredPaths({ a, b, edges });
        const protectedEdges = new Set(protect);
        const used = usedEdges(paths);
        fc.pre(used.length <= 13); // keeps the brute force (every subset) quick
        const allCuts = subsets(used.filter((e) => !protectedEdges.has(e))).filter((s) => isCut(paths, s));
        const outcome = minimumCut(paths, { protectedEdges });
        if (allCuts.length === 0) {
          expect(outcome.ok).toBe(false);
          if (!outcome.ok) for (const p of outcome.uncuttable) expect(p.edges.every((e) => protectedEdges.has(e))).toBe(true);
          return;
        }
        const best = (allCuts[0] as string[]).length;
        expect(outcome.ok).toBe(true);
        if (!outcome.ok) return;
        expect(isCut(paths, outcome.edges)).toBe(true);
        expect(outcome.edges.some((e) => protectedEdges.has(e))).toBe(false);
        expect(outcome.edges.length).toBe(best);
        expect(minimumHittingSet(paths, protectedEdges).length).toBe(best);
        // All minimum cuts, exactly.
        const key = (c: string[]): string => [...c].sort().join(',');
        const minimum = allCuts
          .filter((c) => c.length === best)
          .map(key)
          .sort();
        expect(minimumCuts(paths, { protectedEdges }).map(key).sort()).toEqual(minimum);
        // All minimal cuts, exactly.
        const minimal = allCuts
          .filter((c) =>
            c.every(
              (e) =>
                !isCut(
                  paths,
                  c.filter((x) => x !== e),
                ),
            ),
          )
          .map(key)
          .sort();
        const enumerated = minimalCuts(paths, { protectedEdges });
        expect(enumerated.exhaustive).toBe(true);
        expect(enumerated.cuts.map(key).sort()).toEqual(minimal);
      }),
      { numRuns: 300 },
    );
  });

  it('minimises total weight when weights are given', () => {
    const paths = layeredPaths({ a: 2, b: 1, edges: new Set(['S-A0', 'S-A1', 'A0-B0', 'A1-B0', 'B0-R']) });
    // B0-R alone costs 10; the two memberships cost 2 together.
    const weights: Record<string, number> = { 'B0-R': 10, 'S-A0': 1, 'S-A1': 1, 'A0-B0': 5, 'A1-B0': 5 };
    expect(minimumCut(paths, {}, (e) => weights[e] ?? 1)).toEqual({ ok: true, edges: ['S-A0', 'S-A1'] });
  });
});

/**
 * Blast radius: groups and associations ranked by how many bindings their removal alone would end
 * (docs/rules.md#blast-radius).
 * Exact for every candidate: removing an edge (or a group with its edges) removes exactly the paths
 * through it, so a binding ends exactly when the element is on every one of its paths; the pass counts,
 * per binding, the elements common to all its paths (a group that is the target counts too). Paths
 * through each element are the second key.
 */
import type { AccessGraph, SourceBindings } from '../../graph/index.ts';
import { namedRef, type NamedRef } from '../bindings.ts';
import type { EdgeRef } from '../edges.ts';
import { MEMBERSHIP } from './common.ts';

export interface BlastRadiusEntry {
  readonly kind: 'group' | 'association';
  readonly group?: NamedRef;
  readonly edge?: EdgeRef;
  /** Names of the association's ends. */
  readonly ends?: readonly [NamedRef, NamedRef];
  /** Bindings its removal alone would end. */
  readonly bindingsCut: number;
  /** Paths through it (all bindings). */
  readonly pathsThrough: number;
}

/**
 * Counts, per element, the bindings it cuts (on every path) and the paths through it. Elements are
 * association edges and group nodes; a path never repeats either, so a binding's single path counts
 * each of its elements once.
 */
export class ElementCounter {
  readonly edgeCut: Int32Array;
  readonly edgeThrough: Int32Array;
  readonly nodeCut: Int32Array;
  readonly nodeThrough: Int32Array;
  private readonly isGroup: Uint8Array;
  private readonly seen = new Map<number, number>();

  constructor(ix: SourceBindings['index'], groupCodes: ReadonlySet<number>) {
    this.edgeCut = new Int32Array(ix.edgeCount);
    this.edgeThrough = new Int32Array(ix.edgeCount);
    this.nodeCut = new Int32Array(ix.nodeCount);
    this.nodeThrough = new Int32Array(ix.nodeCount);
    this.isGroup = new Uint8Array(ix.typeNames.length);
    for (const c of groupCodes) this.isGroup[c] = 1;
  }

  add(b: SourceBindings, i: number): void {
    const ix = b.index;
    const pathStart = b.pathStart[i] as number;
    const paths = (b.pathStart[i + 1] as number) - pathStart;
    const seen = this.seen;
    if (paths > 1) seen.clear();
    for (let p = pathStart; p < pathStart + paths; p++) {
      for (let h = b.hopStart[p] as number, he = b.hopStart[p + 1] as number; h < he; h++) {
        const e = b.hopEdges[h] as number;
        if (ix.edgeKind[e] !== MEMBERSHIP) {
          this.edgeThrough[e]!++;
          if (paths === 1) this.edgeCut[e]!++;
          else seen.set(e, (seen.get(e) ?? 0) + 1);
        }
        const n = b.hopNodes[h] as number;
        if (this.isGroup[ix.nodeType[n] as number] === 1) {
          this.nodeThrough[n]!++;
          if (paths === 1) this.nodeCut[n]!++;
          else seen.set(-(n + 1), (seen.get(-(n + 1)) ?? 0) + 1);
        }
      }
    }
    if (paths > 1) {
      for (const [x, c] of seen) {
        if (c !== paths) continue;
        if (x >= 0) this.edgeCut[x]!++;
        else this.nodeCut[-x - 1]!++;
      }
    }
  }
}

/** The `top` elements that end the most bindings. */
export function blastRadius(g: AccessGraph, counter: ElementCounter, top: number): BlastRadiusEntry[] {
  const ix = g.index;
  const entries: { x: number; cut: number; through: number }[] = [];
  counter.edgeThrough.forEach((through, e) => through > 0 && entries.push({ x: e, cut: counter.edgeCut[e] ?? 0, through }));
  counter.nodeThrough.forEach((through, n) => through > 0 && entries.push({ x: -(n + 1), cut: counter.nodeCut[n] ?? 0, through }));
  const keyOf = (x: number): string =>
    x < 0
      ? `group:${ix.typeOf(-x - 1)}:${ix.idOf(-x - 1)}`
      : `association:${ix.idOf(ix.edgeFrom[x] as number)}>${ix.idOf(ix.edgeTo[x] as number)}`;
  // Most bindings cut first, then most paths through, then by key (associations before groups) for a stable order.
  entries.sort((a, b) => b.cut - a.cut || b.through - a.through || (keyOf(a.x) < keyOf(b.x) ? -1 : 1));
  return entries.slice(0, top).map(({ x, cut: bindingsCut, through: pathsThrough }) => {
    if (x < 0) return { kind: 'group', group: namedRef(g, ix.idOf(-x - 1)), bindingsCut, pathsThrough };
    const e = ix.edgeRef(x);
    const edge: EdgeRef = { kind: e.kind, from: e.from, to: e.to };
    return { kind: 'association', edge, ends: [namedRef(g, e.from.id), namedRef(g, e.to.id)], bindingsCut, pathsThrough };
  });
}

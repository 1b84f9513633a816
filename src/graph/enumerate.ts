/**
 * The hot path: every path from one source that fits a plan, found over the traversal index and
 * returned as integer arrays (SourceBindings), grouped by target and in answer order.
 */
import { ASSOC, DOWN, UP, grow, typeLowerBound, type TraversalIndex, type Relation } from './traversal-index.ts';
import type { PlanPattern, TraversalPlan } from './plan.ts';

/**
 * All bindings of one source: targets sorted by id, each with its paths (shortest first, then by hop
 * ids: docs/rules.md#answer-order), each path a run of hops (the edge followed and the node reached). Integer ids are those of the
 * index it came from (valid while `index.epoch` is unchanged).
 */
export class SourceBindings {
  constructor(
    readonly index: TraversalIndex,
    readonly source: number,
    /** Target node per binding, sorted by id. */
    readonly targets: Int32Array,
    /** 1 where the path cap cut a binding's paths short. */
    readonly truncated: Int32Array,
    /** Binding i's paths are pathStart[i]..pathStart[i+1]. */
    readonly pathStart: Int32Array,
    /** Path p's hops are hopStart[p]..hopStart[p+1]. */
    readonly hopStart: Int32Array,
    readonly hopEdges: Int32Array,
    readonly hopNodes: Int32Array,
  ) {}

  /** Number of bindings (targets). */
  get size(): number {
    return this.targets.length;
  }

  get pathTotal(): number {
    return this.pathStart[this.targets.length]!;
  }

  pathCount(binding: number): number {
    return this.pathStart[binding + 1]! - this.pathStart[binding]!;
  }

  /** The edges of path p (global path number), in order from the source. */
  pathEdges(p: number): Int32Array {
    return this.hopEdges.subarray(this.hopStart[p], this.hopStart[p + 1]);
  }

  /** The nodes reached by path p's hops (the source excluded). */
  pathNodes(p: number): Int32Array {
    return this.hopNodes.subarray(this.hopStart[p], this.hopStart[p + 1]);
  }

  /** Index of a target node among the bindings, or -1 (binary search by id). */
  find(target: number): number {
    let lo = 0;
    let hi = this.targets.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.index.compareNodes(this.targets[mid]!, target);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

/**
 * Per pattern of a plan, the nodes a path may pass at each position (index 0, the source, unused); a
 * pattern with no entry cannot reach the targets. See towardsFilter.
 */
export type PathFilter = ReadonlyMap<PlanPattern, readonly ReadonlySet<number>[]>;

const BACK_OF: readonly Relation[] = [DOWN, UP, ASSOC];

/**
 * A filter keeping a plan's walks to what can still end at one of `targets`: per pattern, the targets of
 * the types it ends at, then, position by position backwards, the objects of the allowed types one step
 * away from the position after. Every path to a target passes only such objects, so the enumeration
 * finds each of them while walking only near the targets: the cost of a source's paths to a few
 * objects, not of its whole answer.
 */
export function towardsFilter(index: TraversalIndex, plan: TraversalPlan, targets: Iterable<number>): PathFilter {
  const wanted = [...targets];
  const filter = new Map<PlanPattern, ReadonlySet<number>[]>();
  for (const pattern of plan.patterns) {
    const length = pattern.rels.length;
    const levels: Set<number>[] = new Array<Set<number>>(length + 1);
    levels[0] = new Set();
    levels[length] = new Set(wanted.filter((n) => pattern.allowedSet[length - 1]![index.nodeType[n]!] === 1));
    for (let pos = length - 1; pos >= 1; pos--) {
      const allowed = pattern.allowedSet[pos - 1]!;
      const level = new Set<number>();
      for (const m of levels[pos + 1]!) {
        index.forEachNeighbour(m, BACK_OF[pattern.rels[pos]!]!, (n) => {
          if (allowed[index.nodeType[n]!] === 1) level.add(n);
        });
      }
      levels[pos] = level;
    }
    if (levels.every((l, pos) => pos === 0 || l.size > 0)) filter.set(pattern, levels);
  }
  return filter;
}

/**
 * Reusable scratch for enumeration: one per family of indexes (an index and its copies, which number
 * objects alike; see `use`) and thread of work (the inventory keeps one for all its sources). Buffers
 * grow as needed and are never shrunk.
 */
export class PathEnumerator {
  private ix: TraversalIndex;
  // per node: the slot of a target seen in the current run (valid when stamp matches)
  private stamp: Int32Array;
  private slotOfNode: Int32Array;
  private run = 0;
  // per target slot
  private slotNode: Int32Array = new Int32Array(64);
  private slotCount: Int32Array = new Int32Array(64);
  private slotTrunc: Uint8Array = new Uint8Array(64);
  private slotHead: Int32Array = new Int32Array(64);
  private slots = 0;
  // per emitted path: linked per slot, hops in the flat buffers
  private pathNext: Int32Array = new Int32Array(256);
  private pathHop: Int32Array = new Int32Array(256);
  private pathLen: Uint8Array = new Uint8Array(256);
  private paths = 0;
  private hopEdge: Int32Array = new Int32Array(1024);
  private hopNode: Int32Array = new Int32Array(1024);
  private hops = 0;
  // the path being walked: stackNode[0] is the source
  private stackNode: Int32Array = new Int32Array(8);
  private stackEdge: Int32Array = new Int32Array(8);
  private cap = Infinity;
  /** While walking under a filter: the nodes allowed at each position of the current pattern. */
  private levels: readonly ReadonlySet<number>[] | null = null;

  constructor(index: TraversalIndex) {
    this.ix = index;
    this.stamp = new Int32Array(index.nodeCount);
    this.slotOfNode = new Int32Array(index.nodeCount);
  }

  /** Enumerates over `index` from now on (an index of the same family: scratch sized for its objects is reused). */
  use(index: TraversalIndex): this {
    this.ix = index;
    return this;
  }

  /** Every path from source fitting the plan, at most pathCap per target (shortest kept). */
  enumerate(source: number, plan: TraversalPlan, pathCap = Infinity, filter?: PathFilter): SourceBindings {
    const ix = this.ix;
    if (this.stamp.length < ix.nodeCount) {
      this.stamp = new Int32Array(ix.nodeCount * 2);
      this.slotOfNode = new Int32Array(ix.nodeCount * 2);
      this.run = 0;
    }
    this.run++;
    this.slots = 0;
    this.paths = 0;
    this.hops = 0;
    this.cap = pathCap;
    if (this.stackNode.length < plan.maxLength + 1) {
      this.stackNode = new Int32Array(plan.maxLength + 1);
      this.stackEdge = new Int32Array(plan.maxLength + 1);
    }
    this.stackNode[0] = source;
    for (const pattern of plan.patterns) {
      if (!filter) this.walk(pattern, 0, source);
      else {
        const levels = filter.get(pattern);
        if (levels) {
          this.levels = levels;
          this.walk(pattern, 0, source);
          this.levels = null;
        }
      }
    }
    return this.collect(source);
  }

  private walk(pattern: PlanPattern, pos: number, node: number): void {
    const ix = this.ix;
    const rel = pattern.rels[pos]!;
    const last = pos === pattern.rels.length - 1;
    const alive = ix.edgeAlive;
    const nodeType = ix.nodeType;
    if (node < ix.csrNodeCount) {
      const csr = ix.csr[rel]!;
      const nbrs = csr.nbr;
      const edges = csr.edge;
      const start = csr.off[node]!;
      const end = csr.off[node + 1]!;
      if (end - start <= 16) {
        // A short row: filter it (it is sorted by type, so this visits the allowed types in order).
        const allowedSet = pattern.allowedSet[pos]!;
        for (let k = start; k < end; k++) {
          const nbr = nbrs[k]!;
          if (allowedSet[nodeType[nbr]!] !== 1) continue;
          const e = edges[k]!;
          if (alive[e] === 1) this.visit(pattern, pos, nbr, e, last);
        }
      } else {
        // A long row (a large group): find each allowed type's run by binary search.
        for (const t of pattern.allowed[pos]!) {
          const from = typeLowerBound(nbrs, nodeType, start, end, t);
          const to = typeLowerBound(nbrs, nodeType, from, end, t + 1);
          for (let k = from; k < to; k++) {
            const e = edges[k]!;
            if (alive[e] === 1) this.visit(pattern, pos, nbrs[k]!, e, last);
          }
        }
      }
    }
    if (ix.hasOverlay) {
      const extra = ix.overlay[rel]!.get(node);
      if (extra) {
        const allowedSet = pattern.allowedSet[pos]!;
        for (let k = 0; k < extra.nbr.length; k++) {
          const e = extra.edge[k]!;
          const nbr = extra.nbr[k]!;
          if (alive[e] === 1 && allowedSet[nodeType[nbr]!] === 1) this.visit(pattern, pos, nbr, e, last);
        }
      }
    }
  }

  private visit(pattern: PlanPattern, pos: number, nbr: number, edge: number, last: boolean): void {
    if (this.levels !== null && !this.levels[pos + 1]!.has(nbr)) return;
    const stackNode = this.stackNode;
    for (let i = 0; i <= pos; i++) if (stackNode[i] === nbr) return; // never repeat an object
    stackNode[pos + 1] = nbr;
    this.stackEdge[pos + 1] = edge;
    if (last) this.emit(nbr, pos + 1);
    else this.walk(pattern, pos + 1, nbr);
  }

  private emit(target: number, length: number): void {
    let slot: number;
    if (this.stamp[target] === this.run) {
      slot = this.slotOfNode[target]!;
    } else {
      slot = this.slots++;
      if (slot >= this.slotNode.length) this.growSlots();
      this.stamp[target] = this.run;
      this.slotOfNode[target] = slot;
      this.slotNode[slot] = target;
      this.slotCount[slot] = 0;
      this.slotTrunc[slot] = 0;
      this.slotHead[slot] = -1;
    }
    if (this.slotCount[slot]! >= this.cap) {
      this.slotTrunc[slot] = 1;
      return;
    }
    this.slotCount[slot]!++;
    const p = this.paths++;
    if (p >= this.pathNext.length) this.growPaths();
    if (this.hops + length > this.hopEdge.length) this.growHops(this.hops + length);
    this.pathNext[p] = this.slotHead[slot]!;
    this.slotHead[slot] = p;
    this.pathHop[p] = this.hops;
    this.pathLen[p] = length;
    for (let i = 1; i <= length; i++) {
      this.hopEdge[this.hops] = this.stackEdge[i]!;
      this.hopNode[this.hops] = this.stackNode[i]!;
      this.hops++;
    }
  }

  private growSlots(): void {
    const n = this.slotNode.length * 2;
    this.slotNode = grow(this.slotNode, n);
    this.slotCount = grow(this.slotCount, n);
    this.slotHead = grow(this.slotHead, n);
    this.slotTrunc = grow(this.slotTrunc, n);
  }

  private growPaths(): void {
    const n = this.pathNext.length * 2;
    this.pathNext = grow(this.pathNext, n);
    this.pathHop = grow(this.pathHop, n);
    this.pathLen = grow(this.pathLen, n);
  }

  private growHops(need: number): void {
    this.hopEdge = grow(this.hopEdge, need);
    this.hopNode = grow(this.hopNode, need);
  }

  /**
   * Copies the run's paths out in answer order (targets by id; paths by length, then hop ids) into one
   * buffer. While no node was added since the build, ids are ranks and plain numeric order is id order.
   */
  private collect(source: number): SourceBindings {
    const ix = this.ix;
    const slots = this.slots;
    const paths = this.paths;
    const hops = this.hops;
    const buffer = new Int32Array(3 * slots + 1 + paths + 1 + 2 * hops);
    let at = 0;
    const view = (n: number) => buffer.subarray(at, (at += n));
    const targets = view(slots);
    const truncated = view(slots);
    const pathStart = view(slots + 1);
    const hopStart = view(paths + 1);
    const hopEdges = view(hops);
    const hopNodes = view(hops);

    const byRank = (this.byRank = ix.nodeCount === ix.baseNodeCount);
    targets.set(this.slotNode.subarray(0, slots));
    if (byRank) targets.sort();
    else targets.sort((a, b) => ix.compareNodes(a, b));

    const { pathHop, pathLen, hopNode, hopEdge, pathNext, slotHead, slotTrunc, slotOfNode } = this;
    const list = this.pathList;
    let outPath = 0;
    let outHop = 0;
    for (let i = 0; i < slots; i++) {
      const slot = slotOfNode[targets[i]!]!;
      truncated[i] = slotTrunc[slot]!;
      pathStart[i] = outPath;
      list.length = 0;
      for (let p = slotHead[slot]!; p !== -1; p = pathNext[p]!) list.push(p);
      if (list.length > 1) list.sort(this.comparePaths);
      for (let j = 0; j < list.length; j++) {
        const p = list[j]!;
        hopStart[outPath++] = outHop;
        const h = pathHop[p]!;
        for (let k = 0, n = pathLen[p]!; k < n; k++) {
          hopEdges[outHop] = hopEdge[h + k]!;
          hopNodes[outHop] = hopNode[h + k]!;
          outHop++;
        }
      }
    }
    pathStart[slots] = outPath;
    hopStart[outPath] = outHop;
    return new SourceBindings(ix, source, targets, truncated, pathStart, hopStart, hopEdges, hopNodes);
  }

  private readonly pathList: number[] = [];

  /** While true (no node added since the build), node ids are ranks and compare numerically. */
  private byRank = true;

  /** Paths by length, then hop ids. */
  private readonly comparePaths = (p: number, q: number): number => {
    const lp = this.pathLen[p]!;
    const d = lp - this.pathLen[q]!;
    if (d !== 0) return d;
    const hp = this.pathHop[p]!;
    const hq = this.pathHop[q]!;
    for (let i = 0; i < lp; i++) {
      const a = this.hopNode[hp + i]!;
      const b = this.hopNode[hq + i]!;
      const c = this.byRank ? a - b : this.ix.compareNodes(a, b);
      if (c !== 0) return c;
    }
    return 0;
  };
}

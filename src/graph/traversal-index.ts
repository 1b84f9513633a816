/**
 * The traversal index: every object as a dense integer, every edge as a dense integer, and
 * adjacency as CSR typed arrays per relation (up, down, association) and neighbour type, so a traversal
 * touches only the neighbours of the types its path patterns allow.
 *
 * Keeping it in step with the graphology model: edits are applied incrementally. A removed edge or
 * object is tombstoned (`edgeAlive`/`nodeAlive`), an added edge or object goes to a small overlay of
 * per-node neighbour lists next to the CSR arrays. When the overlay and tombstones grow past a fraction
 * of the graph, `wantsRebuild` turns true and the owner rebuilds the index from the model. Why: what-if
 * analysis edits one edge and re-asks a few sources, many times over; an O(1) edit keeps that cheap,
 * where rebuilding on every version would cost a full pass over the tenant each time.
 *
 * Integer ids are valid until the next rebuild; `epoch` changes when they are renumbered. Convert to
 * string ids (`idOf`, `edgeRef`) to keep them longer.
 */
import { GRAPH_TYPES, type EdgeKind, type JsonObject, type TenantEdge } from '../model/index.ts';
import { GraphDataError } from './errors.ts';

/** Relations a path step can follow: member → group, group → member, association (either way). */
export const UP = 0;
export const DOWN = 1;
export const ASSOC = 2;
export type Relation = typeof UP | typeof DOWN | typeof ASSOC;
export const RELATIONS: readonly Relation[] = [UP, DOWN, ASSOC];

export const MEMBERSHIP_EDGE = 0;
export const ASSOCIATION_EDGE = 1;

/** Compressed sparse rows over the base nodes: neighbours of node n are nbr[off[n]..off[n+1]), sorted by id. */
export interface Csr {
  readonly off: Int32Array;
  readonly nbr: Int32Array;
  readonly edge: Int32Array;
}

/** Neighbours gained since the last build, for one node and relation (entries may be tombstoned edges). */
export interface OverlayList {
  readonly nbr: number[];
  readonly edge: number[];
}

export interface IndexNodeInput {
  readonly id: string;
  readonly type: string;
  readonly record: JsonObject;
}

export interface IndexEdgeInput {
  /** The model's edge key (edgeKey of the canonical edge). */
  readonly key: string;
  readonly kind: EdgeKind;
  /** Group (membership) or first end (association). */
  readonly from: string;
  readonly to: string;
  readonly attributes: JsonObject | null;
}

/** The array itself when it holds `need` items, else a copy at least twice as long. */
export function grow<A extends Int32Array | Uint8Array | Float64Array>(array: A, need: number): A {
  if (need <= array.length) return array;
  const ctor = array.constructor as new (n: number) => A;
  const next = new ctor(Math.max(need, array.length * 2, 16));
  next.set(array);
  return next;
}

export class TraversalIndex {
  /** Type code → type name: GRAPH_TYPES first, then types jcgraph does not model, as they appear. */
  readonly typeNames: string[] = [...GRAPH_TYPES];
  private readonly typeCodes = new Map<string, number>(GRAPH_TYPES.map((t, i) => [t, i]));

  /** Node ids allocated so far (removed ones stay allocated, tombstoned). */
  nodeCount = 0;
  /** Nodes covered by the CSR arrays (the nodes of the last build, ids 0..baseNodeCount-1, sorted by id). */
  baseNodeCount = 0;
  ids: string[] = [];
  records: JsonObject[] = [];
  nodeType: Int32Array = new Int32Array(0);
  nodeAlive: Uint8Array = new Uint8Array(0);
  /** Sort key by string id: base nodes their position, added nodes a half-step between them. */
  rank: Float64Array = new Float64Array(0);
  private readonly nodeById = new Map<string, number>();

  edgeCount = 0;
  edgeKeys: string[] = [];
  edgeKind: Uint8Array = new Uint8Array(0);
  edgeFrom: Int32Array = new Int32Array(0);
  edgeTo: Int32Array = new Int32Array(0);
  edgeAlive: Uint8Array = new Uint8Array(0);
  edgeAttributes: (JsonObject | null)[] = [];
  private readonly edgeByKey = new Map<string, number>();

  /** csr[relation][neighbour type code]. */
  csr: (Csr | undefined)[][] = [[], [], []];
  /** overlay[relation]: node → neighbours added since the build. */
  overlay: Map<number, OverlayList>[] = [new Map<number, OverlayList>(), new Map<number, OverlayList>(), new Map<number, OverlayList>()];
  /** True while the overlay is non-empty (lets the hot loop skip a map lookup). */
  hasOverlay = false;
  private changesSinceBuild = 0;
  /** Changes when integer ids are renumbered (a rebuild). */
  epoch = 0;

  static build(nodes: readonly IndexNodeInput[], edges: readonly IndexEdgeInput[], epoch = 0): TraversalIndex {
    const ix = new TraversalIndex();
    ix.epoch = epoch;
    const sorted = [...nodes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const n = sorted.length;
    ix.nodeType = new Int32Array(n);
    ix.nodeAlive = new Uint8Array(n).fill(1);
    ix.rank = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const node = sorted[i]!;
      ix.ids.push(node.id);
      ix.records.push(node.record);
      ix.nodeType[i] = ix.typeCode(node.type);
      ix.rank[i] = i;
      ix.nodeById.set(node.id, i);
    }
    ix.nodeCount = n;
    ix.baseNodeCount = n;

    const m = edges.length;
    ix.edgeKind = new Uint8Array(m);
    ix.edgeFrom = new Int32Array(m);
    ix.edgeTo = new Int32Array(m);
    ix.edgeAlive = new Uint8Array(m).fill(1);
    let memberships = 0;
    for (let e = 0; e < m; e++) {
      const edge = edges[e]!;
      const from = ix.nodeById.get(edge.from);
      const to = ix.nodeById.get(edge.to);
      if (from === undefined || to === undefined) throw new GraphDataError(`index build: edge ${edge.key} has an end outside the graph`);
      ix.edgeKeys.push(edge.key);
      ix.edgeKind[e] = edge.kind === 'membership' ? MEMBERSHIP_EDGE : ASSOCIATION_EDGE;
      ix.edgeFrom[e] = from;
      ix.edgeTo[e] = to;
      ix.edgeAttributes.push(edge.attributes);
      ix.edgeByKey.set(edge.key, e);
      if (edge.kind === 'membership') memberships++;
    }
    ix.edgeCount = m;
    ix.buildCsrs(memberships);
    return ix;
  }

  private buildCsrs(memberships: number): void {
    const m = this.edgeCount;
    const associations = m - memberships;
    const rels: { src: Int32Array; dst: Int32Array; edge: Int32Array; len: number }[] = [
      { src: new Int32Array(memberships), dst: new Int32Array(memberships), edge: new Int32Array(memberships), len: 0 },
      { src: new Int32Array(memberships), dst: new Int32Array(memberships), edge: new Int32Array(memberships), len: 0 },
      { src: new Int32Array(2 * associations), dst: new Int32Array(2 * associations), edge: new Int32Array(2 * associations), len: 0 },
    ];
    const push = (r: (typeof rels)[number], s: number, d: number, e: number) => {
      r.src[r.len] = s;
      r.dst[r.len] = d;
      r.edge[r.len] = e;
      r.len++;
    };
    for (let e = 0; e < m; e++) {
      const from = this.edgeFrom[e]!;
      const to = this.edgeTo[e]!;
      if (this.edgeKind[e] === MEMBERSHIP_EDGE) {
        push(rels[UP]!, to, from, e);
        push(rels[DOWN]!, from, to, e);
      } else {
        push(rels[ASSOC]!, from, to, e);
        push(rels[ASSOC]!, to, from, e);
      }
    }
    this.csr = rels.map((r) => buildTypedCsrs(this.baseNodeCount, this.nodeType, this.typeNames.length, r.src, r.dst, r.edge, r.len));
  }

  /** The code of a type name, allocating one for a type not seen before. */
  typeCode(type: string): number {
    let code = this.typeCodes.get(type);
    if (code === undefined) {
      code = this.typeNames.length;
      this.typeNames.push(type);
      this.typeCodes.set(type, code);
    }
    return code;
  }

  /** The code of a type name, or -1 when no object of it was ever indexed. */
  knownTypeCode(type: string): number {
    return this.typeCodes.get(type) ?? -1;
  }

  /** Integer id of an object, or -1. */
  nodeOf(id: string): number {
    return this.nodeById.get(id) ?? -1;
  }

  idOf(node: number): string {
    return this.ids[node]!;
  }

  typeOf(node: number): string {
    return this.typeNames[this.nodeType[node]!]!;
  }

  /** Integer id of an edge (kind and ends; association ends in canonical order), or -1. */
  edgeOf(key: string): number {
    return this.edgeByKey.get(key) ?? -1;
  }

  /** The canonical TenantEdge of an integer edge id. */
  edgeRef(edge: number): TenantEdge {
    const from = this.edgeFrom[edge]!;
    const to = this.edgeTo[edge]!;
    return {
      kind: this.edgeKind[edge] === MEMBERSHIP_EDGE ? 'membership' : 'association',
      from: { type: this.typeOf(from), id: this.ids[from]! },
      to: { type: this.typeOf(to), id: this.ids[to]! },
      attributes: this.edgeAttributes[edge] ?? null,
    };
  }

  /** Orders two nodes by string id (code-unit order), using ranks when they differ. */
  compareNodes(a: number, b: number): number {
    const d = this.rank[a]! - this.rank[b]!;
    if (d !== 0) return d;
    if (a === b) return 0;
    const ia = this.ids[a]!;
    const ib = this.ids[b]!;
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  }

  /** Live nodes of a type, sorted by id. */
  nodesOfType(type: string): number[] {
    const code = this.knownTypeCode(type);
    const out: number[] = [];
    if (code < 0) return out;
    for (let n = 0; n < this.nodeCount; n++) if (this.nodeType[n] === code && this.nodeAlive[n] === 1) out.push(n);
    if (this.nodeCount > this.baseNodeCount) out.sort((a, b) => this.compareNodes(a, b));
    return out;
  }

  /** True when enough has changed since the build that a rebuild beats the overlay. */
  get wantsRebuild(): boolean {
    return this.changesSinceBuild > 1024 + (this.edgeCount + this.nodeCount) / 8;
  }

  // ---- incremental edits (called by AccessGraph as the model changes) ----

  addNode(input: IndexNodeInput): void {
    const n = this.nodeCount++;
    this.nodeType = grow(this.nodeType, n + 1);
    this.nodeAlive = grow(this.nodeAlive, n + 1);
    this.rank = grow(this.rank, n + 1);
    this.ids[n] = input.id;
    this.records[n] = input.record;
    this.nodeType[n] = this.typeCode(input.type);
    this.nodeAlive[n] = 1;
    this.rank[n] = this.lowerBound(input.id) - 0.5;
    this.nodeById.set(input.id, n);
    this.changesSinceBuild++;
  }

  /** First base position whose id is ≥ id. */
  private lowerBound(id: string): number {
    let lo = 0;
    let hi = this.baseNodeCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ids[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Tombstones a node; its edges must already have been removed. */
  removeNode(id: string): void {
    const n = this.nodeById.get(id);
    if (n === undefined) return;
    this.nodeAlive[n] = 0;
    this.nodeById.delete(id);
    this.changesSinceBuild++;
  }

  setRecord(id: string, record: JsonObject): void {
    const n = this.nodeById.get(id);
    if (n !== undefined) this.records[n] = record;
  }

  addEdge(input: IndexEdgeInput): void {
    const from = this.nodeById.get(input.from);
    const to = this.nodeById.get(input.to);
    if (from === undefined || to === undefined) throw new GraphDataError(`index: edge ${input.key} has an end outside the graph`);
    const e = this.edgeCount++;
    this.edgeKind = grow(this.edgeKind, e + 1);
    this.edgeFrom = grow(this.edgeFrom, e + 1);
    this.edgeTo = grow(this.edgeTo, e + 1);
    this.edgeAlive = grow(this.edgeAlive, e + 1);
    this.edgeKeys[e] = input.key;
    this.edgeKind[e] = input.kind === 'membership' ? MEMBERSHIP_EDGE : ASSOCIATION_EDGE;
    this.edgeFrom[e] = from;
    this.edgeTo[e] = to;
    this.edgeAlive[e] = 1;
    this.edgeAttributes[e] = input.attributes;
    this.edgeByKey.set(input.key, e);
    if (input.kind === 'membership') {
      this.overlayPush(UP, to, from, e);
      this.overlayPush(DOWN, from, to, e);
    } else {
      this.overlayPush(ASSOC, from, to, e);
      this.overlayPush(ASSOC, to, from, e);
    }
    this.hasOverlay = true;
    this.changesSinceBuild++;
  }

  private overlayPush(rel: Relation, node: number, nbr: number, edge: number): void {
    const map = this.overlay[rel]!;
    let list = map.get(node);
    if (!list) {
      list = { nbr: [], edge: [] };
      map.set(node, list);
    }
    list.nbr.push(nbr);
    list.edge.push(edge);
  }

  removeEdge(key: string): void {
    const e = this.edgeByKey.get(key);
    if (e === undefined) return;
    this.edgeAlive[e] = 0;
    this.edgeByKey.delete(key);
    this.changesSinceBuild++;
  }

  setEdgeAttributes(key: string, attributes: JsonObject | null): void {
    const e = this.edgeByKey.get(key);
    if (e !== undefined) this.edgeAttributes[e] = attributes;
  }

  /** Calls fn for every live neighbour of node by relation, any type. */
  forEachNeighbour(node: number, rel: Relation, fn: (nbr: number, edge: number) => void): void {
    const alive = this.edgeAlive;
    if (node < this.baseNodeCount) {
      for (const csr of this.csr[rel]!) {
        if (!csr) continue;
        for (let k = csr.off[node]!, end = csr.off[node + 1]!; k < end; k++) {
          const e = csr.edge[k]!;
          if (alive[e] === 1) fn(csr.nbr[k]!, e);
        }
      }
    }
    const extra = this.hasOverlay ? this.overlay[rel]!.get(node) : undefined;
    if (extra) {
      for (let k = 0; k < extra.nbr.length; k++) {
        const e = extra.edge[k]!;
        if (alive[e] === 1) fn(extra.nbr[k]!, e);
      }
    }
  }

  /** A deep copy (typed arrays copied, records and attribute objects shared: they are never mutated). */
  clone(): TraversalIndex {
    const c = new TraversalIndex();
    c.typeNames.length = 0;
    c.typeNames.push(...this.typeNames);
    for (const [t, code] of this.typeCodes) c.typeCodes.set(t, code);
    c.nodeCount = this.nodeCount;
    c.baseNodeCount = this.baseNodeCount;
    c.ids = [...this.ids];
    c.records = [...this.records];
    c.nodeType = this.nodeType.slice();
    c.nodeAlive = this.nodeAlive.slice();
    c.rank = this.rank.slice();
    for (const [id, n] of this.nodeById) c.nodeById.set(id, n);
    c.edgeCount = this.edgeCount;
    c.edgeKeys = [...this.edgeKeys];
    c.edgeKind = this.edgeKind.slice();
    c.edgeFrom = this.edgeFrom.slice();
    c.edgeTo = this.edgeTo.slice();
    c.edgeAlive = this.edgeAlive.slice();
    c.edgeAttributes = [...this.edgeAttributes];
    for (const [k, e] of this.edgeByKey) c.edgeByKey.set(k, e);
    c.csr = this.csr; // immutable once built
    c.overlay = this.overlay.map((map) => new Map([...map].map(([n, l]) => [n, { nbr: [...l.nbr], edge: [...l.edge] }])));
    c.hasOverlay = this.hasOverlay;
    c.changesSinceBuild = this.changesSinceBuild;
    c.epoch = this.epoch;
    return c;
  }
}

/**
 * One CSR per neighbour type for a relation's entries (src → dst via edge). Entries are placed in
 * ascending dst order, so each node's neighbours come out sorted by id (ids are ranks in a build).
 */
function buildTypedCsrs(
  n: number,
  nodeType: Int32Array,
  typeCount: number,
  src: Int32Array,
  dst: Int32Array,
  edge: Int32Array,
  len: number,
): (Csr | undefined)[] {
  const byDst = new Int32Array(n + 1);
  for (let k = 0; k < len; k++) byDst[dst[k]! + 1]!++;
  for (let i = 0; i < n; i++) byDst[i + 1]! += byDst[i]!;
  const order = new Int32Array(len);
  for (let k = 0; k < len; k++) order[byDst[dst[k]!]!++] = k;

  const perType = new Int32Array(typeCount);
  for (let k = 0; k < len; k++) perType[nodeType[dst[k]!]!]!++;

  const out: (Csr | undefined)[] = new Array<Csr | undefined>(typeCount).fill(undefined);
  for (let t = 0; t < typeCount; t++) {
    const count = perType[t]!;
    if (count === 0) continue;
    const off = new Int32Array(n + 1);
    for (let k = 0; k < len; k++) if (nodeType[dst[k]!] === t) off[src[k]! + 1]!++;
    for (let i = 0; i < n; i++) off[i + 1]! += off[i]!;
    const pos = off.slice(0, n);
    const nbr = new Int32Array(count);
    const edges = new Int32Array(count);
    for (let j = 0; j < len; j++) {
      const k = order[j]!;
      const d = dst[k]!;
      if (nodeType[d] !== t) continue;
      const p = pos[src[k]!]!++;
      nbr[p] = d;
      edges[p] = edge[k]!;
    }
    out[t] = { off, nbr, edge: edges };
  }
  return out;
}

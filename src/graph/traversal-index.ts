/**
 * The traversal index, the graph's own store: every object as a dense integer, every edge as a
 * dense integer, and adjacency as one CSR of typed arrays per relation (up, down, association) whose
 * rows hold the neighbours sorted by type, then by id, so a traversal visits only the neighbour types
 * its path patterns allow.
 *
 * The objects of the last build (the *base* nodes, numbered in id order) and the attributes of its
 * edges come from stores (NodeStore, EdgeAttributeStore): arrays in memory when the graph was built
 * from a tenant, or a binary index file read piece by piece (src/snapshot-index), where ids, names and
 * records are decoded only when asked for. The typed arrays are the same either way.
 *
 * Edits are incremental. A removed edge or object is tombstoned (`edgeAlive`/`nodeAlive`); an added
 * object gets the next integer, an added edge the next integer and a place in a small overlay of
 * per-node neighbour lists next to the CSR. When overlay and tombstones grow past a fraction of the
 * graph, `wantsRebuild` turns true and the owner calls `compact()`, which rebuilds the CSR from the live
 * edges without renumbering. Why: what-if analysis edits a few edges and re-asks a few sources, many
 * times over; an O(1) edit keeps that cheap, where rebuilding on every version would cost a pass over
 * the tenant each time. For the same reason `clone()` shares everything that no edit writes (stores,
 * CSR) and copies only the tombstone flags.
 *
 * Integer ids are valid until `epoch` changes (a rebuild from the graphology model renumbers;
 * `compact()` does not but moves the epoch on too, so holders of integer ids re-read them). Convert
 * to string ids (`idOf`, `edgeRef`) to keep them longer.
 */
import { GRAPH_TYPES, namesOf, type EdgeKind, type JsonObject, type TenantEdge } from '../model/index.ts';
import { GraphDataError } from './errors.ts';

/** Relations a path step can follow: member → group, group → member, association (either way). */
export const UP = 0;
export const DOWN = 1;
export const ASSOC = 2;
export type Relation = typeof UP | typeof DOWN | typeof ASSOC;
export const RELATIONS: readonly Relation[] = [UP, DOWN, ASSOC];

export const MEMBERSHIP_EDGE = 0;
export const ASSOCIATION_EDGE = 1;

/**
 * Compressed sparse rows of one relation: node n's neighbours are nbr[off[n]..off[n+1]), each reached
 * through edge[k], sorted by the neighbour's type code, then by its id.
 */
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

/** The objects of a build: ids (sorted), display names, records, and the order they were given in. */
export interface NodeStore {
  readonly count: number;
  /** Id of base node n (base nodes are numbered in id order, by code unit). */
  id(node: number): string;
  /** The base node with this id, or -1. */
  find(id: string): number;
  name(node: number): string;
  /** The raw record (the same object every time it is asked for). */
  record(node: number): JsonObject;
  /** Base nodes in the order the tenant listed them (the graph's insertion order). */
  order(): Int32Array;
  /**
   * Base nodes one of whose names (namesOf), lower-cased, is `lower`. Optional (and undefined when
   * the store cannot say): then the index builds the table itself on first use.
   */
  named?(lower: string): readonly number[] | undefined;
}

/** The attributes of the edges of a build (the same object every time an edge is asked for). */
export interface EdgeAttributeStore {
  attributes(edge: number): JsonObject | null;
}

export interface IndexNodeInput {
  readonly id: string;
  readonly type: string;
  /** Display name (objectName of type, record and id). */
  readonly name: string;
  readonly record: JsonObject;
}

export interface IndexEdgeInput {
  readonly kind: EdgeKind;
  /** Group (membership) or first end (association). */
  readonly from: string;
  readonly to: string;
  readonly attributes: JsonObject | null;
}

/** What an index is made of: the stores, the typed arrays and the adjacency of one build. */
export interface IndexParts {
  /** Type code → type name: GRAPH_TYPES first, then types jcgraph does not model. */
  readonly typeNames: readonly string[];
  readonly nodes: NodeStore;
  /** Type code of each base node (length nodes.count). */
  readonly nodeType: Int32Array;
  readonly edgeKind: Uint8Array;
  readonly edgeFrom: Int32Array;
  readonly edgeTo: Int32Array;
  readonly attributes: EdgeAttributeStore;
  /** One CSR per relation (UP, DOWN, ASSOC) over the base nodes. */
  readonly csr: readonly Csr[];
}

/** The array itself when it holds `need` items, else a copy at least twice as long. */
export function grow<A extends Int32Array | Uint8Array | Float64Array>(array: A, need: number): A {
  if (need <= array.length) return array;
  const ctor = array.constructor as new (n: number) => A;
  const next = new ctor(Math.max(need, array.length * 2, 16));
  next.set(array);
  return next;
}

/** The first k in [lo, hi) whose neighbour's type code is ≥ type (rows are sorted by type). */
export function typeLowerBound(nbr: Int32Array, nodeType: Int32Array, lo: number, hi: number, type: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (nodeType[nbr[mid]!]! < type) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Objects added since the build (integers from baseNodeCount on). */
interface AddedNodes {
  readonly ids: string[];
  readonly names: string[];
  readonly records: JsonObject[];
  /** Sort key among the base nodes: a half-step below the first base node whose id is greater. */
  readonly rank: number[];
  readonly byId: Map<string, number>;
}

export class TraversalIndex {
  readonly typeNames: string[];
  private readonly typeCodes: Map<string, number>;
  private readonly store: NodeStore;
  private readonly baseAttributes: EdgeAttributeStore;
  /** Shared by an index and its clones (they number objects alike): what scratch buffers are kept by. */
  readonly family: object;

  /** Node ids allocated so far (removed ones stay allocated, tombstoned). */
  nodeCount: number;
  /** Nodes of the build (ids 0..baseNodeCount-1, in id order), whose data the store holds. */
  readonly baseNodeCount: number;
  nodeType: Int32Array;
  nodeAlive: Uint8Array;
  private added: AddedNodes;

  edgeCount: number;
  /** Edges of the build, whose attributes the store holds. */
  readonly baseEdgeCount: number;
  edgeKind: Uint8Array;
  edgeFrom: Int32Array;
  edgeTo: Int32Array;
  edgeAlive: Uint8Array;
  /** Attributes of added edges and of base edges given new ones. */
  private attributeOverrides: Map<number, JsonObject | null>;
  /** Edge keys of base edges, made on first use (shared by clones: base edges never change ends). */
  private readonly baseKeys: (string | undefined)[];

  /** csr[relation], over nodes 0..csrNodeCount-1. */
  csr: readonly Csr[];
  csrNodeCount: number;
  /** overlay[relation]: node → neighbours added since the CSR was built. */
  overlay: Map<number, OverlayList>[];
  /** True while the overlay is non-empty (lets the hot loop skip a map lookup). */
  hasOverlay = false;
  private changesSinceBuild = 0;
  /** Changes at every rebuild: integer ids held across it must be read again. */
  epoch: number;
  /**
   * Lower-cased name → base nodes, built on first use. It reads only the shared store's base nodes, so
   * every copy of this index (clone) shares the one holder: a what-if's copy does not build its own.
   */
  private readonly baseNames: { table?: Map<string, number[]> } = {};

  constructor(parts: IndexParts, epoch = 0) {
    this.typeNames = [...parts.typeNames];
    this.typeCodes = new Map(this.typeNames.map((t, i) => [t, i]));
    this.store = parts.nodes;
    this.family = parts.nodes;
    this.baseAttributes = parts.attributes;
    this.nodeCount = this.baseNodeCount = parts.nodes.count;
    this.nodeType = parts.nodeType;
    this.nodeAlive = new Uint8Array(this.nodeCount).fill(1);
    this.added = { ids: [], names: [], records: [], rank: [], byId: new Map() };
    this.edgeCount = this.baseEdgeCount = parts.edgeKind.length;
    this.edgeKind = parts.edgeKind;
    this.edgeFrom = parts.edgeFrom;
    this.edgeTo = parts.edgeTo;
    this.edgeAlive = new Uint8Array(this.edgeCount).fill(1);
    this.attributeOverrides = new Map();
    this.baseKeys = [];
    this.csr = parts.csr;
    this.csrNodeCount = this.baseNodeCount;
    this.overlay = [new Map<number, OverlayList>(), new Map<number, OverlayList>(), new Map<number, OverlayList>()];
    this.epoch = epoch;
  }

  /**
   * An index of these objects and edges, numbered as a build numbers them: objects by id, edges in the
   * order given. The caller has checked them (ends present, no id twice).
   */
  static build(nodes: readonly IndexNodeInput[], edges: readonly IndexEdgeInput[], epoch = 0): TraversalIndex {
    return new TraversalIndex(buildParts(nodes, edges), epoch);
  }

  // ---- objects ----

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

  /** Integer id of a live object, or -1. */
  nodeOf(id: string): number {
    const added = this.added.byId.get(id);
    if (added !== undefined) return added;
    const n = this.store.find(id);
    return n >= 0 && this.nodeAlive[n] === 1 ? n : -1;
  }

  idOf(node: number): string {
    return node < this.baseNodeCount ? this.store.id(node) : this.added.ids[node - this.baseNodeCount]!;
  }

  typeOf(node: number): string {
    return this.typeNames[this.nodeType[node]!]!;
  }

  nameOf(node: number): string {
    return node < this.baseNodeCount ? this.store.name(node) : this.added.names[node - this.baseNodeCount]!;
  }

  /** The raw record of an object (read on first use when the store is a file). */
  recordOf(node: number): JsonObject {
    return node < this.baseNodeCount ? this.store.record(node) : this.added.records[node - this.baseNodeCount]!;
  }

  /** Orders two nodes by string id (code-unit order). */
  compareNodes(a: number, b: number): number {
    if (a === b) return 0;
    const base = this.baseNodeCount;
    if (a < base && b < base) return a - b;
    const d = this.rankOf(a) - this.rankOf(b);
    if (d !== 0) return d;
    const ia = this.idOf(a);
    const ib = this.idOf(b);
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  }

  /** Sort key by id: base nodes their number, added nodes a half-step below the next base node. */
  rankOf(node: number): number {
    return node < this.baseNodeCount ? node : this.added.rank[node - this.baseNodeCount]!;
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

  /** Live nodes in insertion order: the build's objects as the tenant listed them, then added ones. */
  *insertionOrder(): Iterable<number> {
    const order = this.store.order();
    const alive = this.nodeAlive;
    for (let i = 0; i < order.length; i++) {
      const n = order[i]!;
      if (alive[n] === 1) yield n;
    }
    for (let n = this.baseNodeCount; n < this.nodeCount; n++) if (alive[n] === 1) yield n;
  }

  /** Live nodes one of whose names (namesOf), lower-cased, equals `name` lower-cased; in id order. */
  nodesNamed(name: string): number[] {
    const lower = name.toLowerCase();
    const base = this.store.named?.(lower) ?? this.ownNameTable().get(lower) ?? [];
    const out = base.filter((n) => this.nodeAlive[n] === 1);
    for (let n = this.baseNodeCount; n < this.nodeCount; n++) {
      if (this.nodeAlive[n] !== 1) continue;
      if (namesOf(this.typeOf(n), this.recordOf(n), this.nameOf(n)).some((x) => x.toLowerCase() === lower)) out.push(n);
    }
    if (this.nodeCount > this.baseNodeCount) out.sort((a, b) => this.compareNodes(a, b));
    return out;
  }

  private ownNameTable(): Map<string, number[]> {
    if (this.baseNames.table) return this.baseNames.table;
    const table = new Map<string, number[]>();
    for (let n = 0; n < this.baseNodeCount; n++) {
      for (const name of new Set(namesOf(this.typeOf(n), this.store.record(n), this.store.name(n)).map((x) => x.toLowerCase()))) {
        let list = table.get(name);
        if (!list) table.set(name, (list = []));
        list.push(n);
      }
    }
    return (this.baseNames.table = table);
  }

  // ---- edges ----

  attributesOf(edge: number): JsonObject | null {
    if (this.attributeOverrides.size > 0) {
      const own = this.attributeOverrides.get(edge);
      if (own !== undefined || this.attributeOverrides.has(edge)) return own ?? null;
    }
    return edge < this.baseEdgeCount ? this.baseAttributes.attributes(edge) : null;
  }

  /** The model's key of an edge (edgeKey of its canonical form). */
  edgeKeyOf(edge: number): string {
    if (edge < this.baseEdgeCount) {
      const known = this.baseKeys[edge];
      if (known !== undefined) return known;
    }
    const from = this.edgeFrom[edge]!;
    const to = this.edgeTo[edge]!;
    const kind = this.edgeKind[edge] === MEMBERSHIP_EDGE ? 'membership' : 'association';
    const key = `${kind}:${this.typeOf(from)}:${this.idOf(from)}>${this.typeOf(to)}:${this.idOf(to)}`;
    if (edge < this.baseEdgeCount) this.baseKeys[edge] = key;
    return key;
  }

  /** The canonical TenantEdge of an integer edge id. */
  edgeRef(edge: number): TenantEdge {
    const from = this.edgeFrom[edge]!;
    const to = this.edgeTo[edge]!;
    return {
      kind: this.edgeKind[edge] === MEMBERSHIP_EDGE ? 'membership' : 'association',
      from: { type: this.typeOf(from), id: this.idOf(from) },
      to: { type: this.typeOf(to), id: this.idOf(to) },
      attributes: this.attributesOf(edge),
    };
  }

  /**
   * The live edge of this kind between two nodes (membership: `from` the group; association: either
   * order), or -1.
   */
  findEdge(kind: EdgeKind, from: number, to: number): number {
    const rel = kind === 'membership' ? DOWN : ASSOC;
    const wanted = kind === 'membership' ? MEMBERSHIP_EDGE : ASSOCIATION_EDGE;
    const alive = this.edgeAlive;
    if (from < this.csrNodeCount) {
      const csr = this.csr[rel]!;
      const type = this.nodeType[to]!;
      const end = typeLowerBound(csr.nbr, this.nodeType, csr.off[from]!, csr.off[from + 1]!, type + 1);
      let lo = typeLowerBound(csr.nbr, this.nodeType, csr.off[from]!, end, type);
      let hi = end;
      const rank = this.rankOf(to);
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.rankOf(csr.nbr[mid]!) < rank) lo = mid + 1;
        else hi = mid;
      }
      // Added nodes may share a rank: look at every neighbour of that rank.
      for (let k = lo; k < end && this.rankOf(csr.nbr[k]!) === rank; k++) {
        const e = csr.edge[k]!;
        if (csr.nbr[k] === to && alive[e] === 1 && this.edgeKind[e] === wanted) return e;
      }
    }
    const extra = this.hasOverlay ? this.overlay[rel]!.get(from) : undefined;
    if (extra) {
      for (let k = 0; k < extra.nbr.length; k++) {
        const e = extra.edge[k]!;
        if (extra.nbr[k] === to && alive[e] === 1 && this.edgeKind[e] === wanted) return e;
      }
    }
    return -1;
  }

  /** The live edges touching a node, by edge number (the graph's edge order). */
  edgesOf(node: number): number[] {
    const out: number[] = [];
    for (const rel of RELATIONS) this.forEachNeighbour(node, rel, (_nbr, edge) => out.push(edge));
    return out.sort((a, b) => a - b);
  }

  /** Calls fn for every live neighbour of node by relation, any type. */
  forEachNeighbour(node: number, rel: Relation, fn: (nbr: number, edge: number) => void): void {
    const alive = this.edgeAlive;
    if (node < this.csrNodeCount) {
      const csr = this.csr[rel]!;
      for (let k = csr.off[node]!, end = csr.off[node + 1]!; k < end; k++) {
        const e = csr.edge[k]!;
        if (alive[e] === 1) fn(csr.nbr[k]!, e);
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

  /** Live neighbours of a node by relation (the CSR row and the overlay, tombstones skipped). */
  degree(node: number, rel: Relation): number {
    let count = 0;
    this.forEachNeighbour(node, rel, () => count++);
    return count;
  }

  /** Adds to `out` the type codes of a node's live neighbours by relation (rows are sorted by type: one probe per run). */
  neighbourTypes(node: number, rel: Relation, out: Set<number>): void {
    const alive = this.edgeAlive;
    if (node < this.csrNodeCount) {
      const csr = this.csr[rel]!;
      const end = csr.off[node + 1]!;
      for (let k = csr.off[node]!; k < end;) {
        const type = this.nodeType[csr.nbr[k]!]!;
        const next = typeLowerBound(csr.nbr, this.nodeType, k, end, type + 1);
        for (let j = k; j < next; j++) {
          if (alive[csr.edge[j]!] === 1) {
            out.add(type);
            break;
          }
        }
        k = next;
      }
    }
    const extra = this.hasOverlay ? this.overlay[rel]!.get(node) : undefined;
    if (extra) for (let k = 0; k < extra.nbr.length; k++) if (alive[extra.edge[k]!] === 1) out.add(this.nodeType[extra.nbr[k]!]!);
  }

  /** True when enough has changed since the build that rebuilding the CSR beats the overlay. */
  get wantsRebuild(): boolean {
    return this.changesSinceBuild > 1024 + (this.edgeCount + this.nodeCount) / 8;
  }

  // ---- incremental edits (called by AccessGraph) ----

  addNode(input: IndexNodeInput): number {
    const n = this.nodeCount++;
    this.nodeType = grow(this.nodeType, n + 1);
    this.nodeAlive = grow(this.nodeAlive, n + 1);
    this.nodeType[n] = this.typeCode(input.type);
    this.nodeAlive[n] = 1;
    const a = this.added;
    a.ids.push(input.id);
    a.names.push(input.name);
    a.records.push(input.record);
    a.rank.push(this.lowerBound(input.id) - 0.5);
    a.byId.set(input.id, n);
    this.changesSinceBuild++;
    return n;
  }

  /** First base node whose id is ≥ id. */
  private lowerBound(id: string): number {
    let lo = 0;
    let hi = this.baseNodeCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.store.id(mid) < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Tombstones a node; its edges must already have been removed. */
  removeNode(node: number): void {
    this.nodeAlive[node] = 0;
    if (node >= this.baseNodeCount) this.added.byId.delete(this.added.ids[node - this.baseNodeCount]!);
    this.changesSinceBuild++;
  }

  addEdge(input: { kind: EdgeKind; from: number; to: number; attributes: JsonObject | null }): number {
    const { from, to } = input;
    const e = this.edgeCount++;
    this.edgeKind = grow(this.edgeKind, e + 1);
    this.edgeFrom = grow(this.edgeFrom, e + 1);
    this.edgeTo = grow(this.edgeTo, e + 1);
    this.edgeAlive = grow(this.edgeAlive, e + 1);
    this.edgeKind[e] = input.kind === 'membership' ? MEMBERSHIP_EDGE : ASSOCIATION_EDGE;
    this.edgeFrom[e] = from;
    this.edgeTo[e] = to;
    this.edgeAlive[e] = 1;
    this.attributeOverrides.set(e, input.attributes);
    if (input.kind === 'membership') {
      this.overlayPush(UP, to, from, e);
      this.overlayPush(DOWN, from, to, e);
    } else {
      this.overlayPush(ASSOC, from, to, e);
      this.overlayPush(ASSOC, to, from, e);
    }
    this.hasOverlay = true;
    this.changesSinceBuild++;
    return e;
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

  removeEdge(edge: number): void {
    this.edgeAlive[edge] = 0;
    this.changesSinceBuild++;
  }

  setEdgeAttributes(edge: number, attributes: JsonObject | null): void {
    this.attributeOverrides.set(edge, attributes);
  }

  /**
   * Rebuilds the CSR from the live edges (overlay merged, tombstoned edges dropped), keeping every
   * integer id; moves the epoch on.
   */
  compact(): void {
    const pos = new Float64Array(this.nodeCount);
    if (this.nodeCount === this.baseNodeCount) {
      for (let n = 0; n < this.nodeCount; n++) pos[n] = n;
    } else {
      const order = Array.from({ length: this.nodeCount }, (_, n) => n).sort((a, b) => this.compareNodes(a, b));
      order.forEach((n, i) => (pos[n] = i));
    }
    this.csr = buildCsrs(
      this.nodeCount,
      this.nodeType,
      this.typeNames.length,
      pos,
      this.edgeKind,
      this.edgeFrom,
      this.edgeTo,
      this.edgeAlive,
      this.edgeCount,
    );
    this.csrNodeCount = this.nodeCount;
    this.overlay = [new Map<number, OverlayList>(), new Map<number, OverlayList>(), new Map<number, OverlayList>()];
    this.hasOverlay = false;
    this.changesSinceBuild = 0;
    this.epoch++;
  }

  /**
   * An independent copy. What no edit writes is shared (stores, CSR, arrays that are full: an edit that
   * appends grows them into a new array); the tombstone flags and the small per-copy maps are copied.
   */
  clone(): TraversalIndex {
    const c = Object.create(TraversalIndex.prototype) as TraversalIndex;
    const self = this as unknown as Record<string, unknown>;
    const copy = c as unknown as Record<string, unknown>;
    for (const key of Object.keys(self)) copy[key] = self[key];
    const full = <A extends Int32Array | Uint8Array>(a: A, count: number): A => (a.length === count ? a : (a.slice(0, count) as A));
    (copy['typeNames'] as string[]) = [...this.typeNames];
    copy['typeCodes'] = new Map(this.typeCodes);
    c.nodeType = full(this.nodeType, this.nodeCount);
    c.nodeAlive = flagsCopy(this.family, this.nodeAlive, this.nodeCount);
    const a = this.added;
    c.added = { ids: [...a.ids], names: [...a.names], records: [...a.records], rank: [...a.rank], byId: new Map(a.byId) };
    c.edgeKind = full(this.edgeKind, this.edgeCount);
    c.edgeFrom = full(this.edgeFrom, this.edgeCount);
    c.edgeTo = full(this.edgeTo, this.edgeCount);
    c.edgeAlive = flagsCopy(this.family, this.edgeAlive, this.edgeCount);
    c.attributeOverrides = new Map(this.attributeOverrides);
    c.overlay = this.overlay.map((map) => new Map([...map].map(([n, l]) => [n, { nbr: [...l.nbr], edge: [...l.edge] }])));
    return c;
  }

  /**
   * Hands this copy's tombstone flags to the next copy of its family (so that a what-if, which copies
   * the index and drops the copy, allocates nothing the size of the tenant). This index must not be
   * used afterwards: AccessGraph.release() makes sure of that.
   */
  release(): void {
    let spares = spareFlags.get(this.family);
    if (!spares) spareFlags.set(this.family, (spares = []));
    spares.push(this.nodeAlive, this.edgeAlive);
    if (spares.length > SPARE_FLAGS_KEPT) spares.splice(0, spares.length - SPARE_FLAGS_KEPT);
    this.nodeAlive = new Uint8Array(0);
    this.edgeAlive = new Uint8Array(0);
  }
}

/** Tombstone flags of released copies, per family, that the next copy fills instead of allocating. */
const spareFlags = new WeakMap<object, Uint8Array[]>();
const SPARE_FLAGS_KEPT = 4;

/** The first `count` flags of `source`, in a released array of that length when there is one. */
function flagsCopy(family: object, source: Uint8Array, count: number): Uint8Array {
  const spares = spareFlags.get(family);
  const at = spares ? spares.findIndex((a) => a.length === count) : -1;
  if (at < 0) return source.slice(0, count);
  const flags = spares!.splice(at, 1)[0]!;
  flags.set(source.subarray(0, count));
  return flags;
}

/** Typed arrays of a build from checked inputs: nodes numbered by id, edges in the given order. */
export function buildParts(nodes: readonly IndexNodeInput[], edges: readonly IndexEdgeInput[]): IndexParts {
  const byId = nodes
    .map((_, i) => i)
    .sort((a, b) => {
      const x = nodes[a]!.id;
      const y = nodes[b]!.id;
      return x < y ? -1 : x > y ? 1 : 0;
    });
  const n = nodes.length;
  const typeNames: string[] = [...GRAPH_TYPES];
  const typeCodes = new Map<string, number>(typeNames.map((t, i) => [t, i]));
  const ids: string[] = new Array<string>(n);
  const names: string[] = new Array<string>(n);
  const records: JsonObject[] = new Array<JsonObject>(n);
  const nodeType = new Int32Array(n);
  const order = new Int32Array(n);
  const nodeById = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const node = nodes[byId[i]!]!;
    ids[i] = node.id;
    names[i] = node.name;
    records[i] = node.record;
    let code = typeCodes.get(node.type);
    if (code === undefined) {
      code = typeNames.length;
      typeNames.push(node.type);
      typeCodes.set(node.type, code);
    }
    nodeType[i] = code;
    order[byId[i]!] = i;
    nodeById.set(node.id, i);
  }
  const m = edges.length;
  const edgeKind = new Uint8Array(m);
  const edgeFrom = new Int32Array(m);
  const edgeTo = new Int32Array(m);
  const attributes: (JsonObject | null)[] = new Array<JsonObject | null>(m);
  for (let e = 0; e < m; e++) {
    const edge = edges[e]!;
    const from = nodeById.get(edge.from);
    const to = nodeById.get(edge.to);
    if (from === undefined || to === undefined)
      throw new GraphDataError(`index build: edge ${edge.from} - ${edge.to} has an end outside the graph`);
    edgeKind[e] = edge.kind === 'membership' ? MEMBERSHIP_EDGE : ASSOCIATION_EDGE;
    edgeFrom[e] = from;
    edgeTo[e] = to;
    attributes[e] = edge.attributes;
  }
  const pos = new Float64Array(n);
  for (let i = 0; i < n; i++) pos[i] = i;
  const csr = buildCsrs(n, nodeType, typeNames.length, pos, edgeKind, edgeFrom, edgeTo, new Uint8Array(m).fill(1), m);
  return {
    typeNames,
    nodes: new MemoryNodeStore(ids, names, records, order, nodeById),
    nodeType,
    edgeKind,
    edgeFrom,
    edgeTo,
    attributes: { attributes: (e) => attributes[e] ?? null },
    csr,
  };
}

/** The NodeStore of a graph built in memory. */
export class MemoryNodeStore implements NodeStore {
  constructor(
    private readonly ids: readonly string[],
    private readonly names: readonly string[],
    private readonly records: readonly JsonObject[],
    private readonly insertion: Int32Array,
    private readonly byId: ReadonlyMap<string, number>,
  ) {}

  get count(): number {
    return this.ids.length;
  }

  id(node: number): string {
    return this.ids[node]!;
  }

  find(id: string): number {
    return this.byId.get(id) ?? -1;
  }

  name(node: number): string {
    return this.names[node]!;
  }

  record(node: number): JsonObject {
    return this.records[node]!;
  }

  order(): Int32Array {
    return this.insertion;
  }
}

/**
 * The three relations' CSRs over nodes 0..n-1 from the live edges. Each row is sorted by the
 * neighbour's type code, then by `pos` (its place in id order): three stable counting sorts.
 */
export function buildCsrs(
  n: number,
  nodeType: Int32Array,
  typeCount: number,
  pos: Float64Array,
  edgeKind: Uint8Array,
  edgeFrom: Int32Array,
  edgeTo: Int32Array,
  edgeAlive: Uint8Array,
  m: number,
): Csr[] {
  let memberships = 0;
  let associations = 0;
  for (let e = 0; e < m; e++) {
    if (edgeAlive[e] !== 1) continue;
    if (edgeKind[e] === MEMBERSHIP_EDGE) memberships++;
    else associations++;
  }
  const rels = [memberships, memberships, 2 * associations].map((len) => ({
    src: new Int32Array(len),
    dst: new Int32Array(len),
    edge: new Int32Array(len),
    len: 0,
  }));
  const push = (r: (typeof rels)[number], s: number, d: number, e: number) => {
    r.src[r.len] = s;
    r.dst[r.len] = d;
    r.edge[r.len] = e;
    r.len++;
  };
  for (let e = 0; e < m; e++) {
    if (edgeAlive[e] !== 1) continue;
    const from = edgeFrom[e]!;
    const to = edgeTo[e]!;
    if (edgeKind[e] === MEMBERSHIP_EDGE) {
      push(rels[UP]!, to, from, e);
      push(rels[DOWN]!, from, to, e);
    } else {
      push(rels[ASSOC]!, from, to, e);
      push(rels[ASSOC]!, to, from, e);
    }
  }
  return rels.map((r) => buildCsr(n, nodeType, typeCount, pos, r.src, r.dst, r.edge, r.len));
}

function buildCsr(
  n: number,
  nodeType: Int32Array,
  typeCount: number,
  pos: Float64Array,
  src: Int32Array,
  dst: Int32Array,
  edge: Int32Array,
  len: number,
): Csr {
  // 1. entries by the neighbour's place in id order
  const byPos = new Int32Array(n + 1);
  for (let k = 0; k < len; k++) byPos[pos[dst[k]!]! + 1]!++;
  for (let i = 0; i < n; i++) byPos[i + 1]! += byPos[i]!;
  const first = new Int32Array(len);
  for (let k = 0; k < len; k++) first[byPos[pos[dst[k]!]!]!++] = k;
  // 2. stable by the neighbour's type
  const byType = new Int32Array(typeCount + 1);
  for (let k = 0; k < len; k++) byType[nodeType[dst[k]!]! + 1]!++;
  for (let t = 0; t < typeCount; t++) byType[t + 1]! += byType[t]!;
  const second = new Int32Array(len);
  for (let j = 0; j < len; j++) {
    const k = first[j]!;
    second[byType[nodeType[dst[k]!]!]!++] = k;
  }
  // 3. stable by source: the rows
  const off = new Int32Array(n + 1);
  for (let k = 0; k < len; k++) off[src[k]! + 1]!++;
  for (let i = 0; i < n; i++) off[i + 1]! += off[i]!;
  const at = off.slice(0, n);
  const nbr = new Int32Array(len);
  const edges = new Int32Array(len);
  for (let j = 0; j < len; j++) {
    const k = second[j]!;
    const p = at[src[k]!]!++;
    nbr[p] = dst[k]!;
    edges[p] = edge[k]!;
  }
  return { off, nbr, edge: edges };
}

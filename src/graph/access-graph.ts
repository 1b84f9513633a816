/**
 * AccessGraph: one organization, held by the traversal index the traversals run on (objects,
 * edges, adjacency; see traversal-index.ts), with a graphology MultiDirectedGraph view of it (`model`)
 * built the first time it is asked for and kept in step with every edit from then on.
 *
 * Why the index is the store and the model a view: a graph read from a binary snapshot index answers a
 * question without touching most of the tenant, and a what-if copy shares everything it does not edit;
 * building graphology's maps for 175,000 objects takes seconds, which only code that wants the
 * graphology API should pay.
 */
import { MultiDirectedGraph } from 'graphology';
import type { AbstractGraph } from 'graphology-types';
import {
  MEMBERSHIPS,
  associationEdge,
  edgeKey,
  objectName,
  sortTenant,
  type EdgeKind,
  type JsonObject,
  type ObjectRef,
  type TenantData,
  type TenantEdge,
  type TenantObject,
} from '../model/index.ts';
import { UnknownObjectError } from '../errors.ts';
import { TraversalIndex, MEMBERSHIP_EDGE, type IndexEdgeInput, type IndexNodeInput } from './traversal-index.ts';
import { GraphDataError } from './errors.ts';

/** An object of the graph. `record` is the raw record as its list endpoint returned it (treat as read-only). */
export interface GraphNode {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly record: JsonObject;
}

/** Attributes of a model node (graphology node key = object id). */
export interface ModelNodeAttributes {
  type: string;
  name: string;
  record: JsonObject;
}

/** Attributes of a model edge (graphology edge key = `edgeKey` of the canonical edge; source = from, target = to). */
export interface ModelEdgeAttributes {
  kind: EdgeKind;
  attributes: JsonObject | null;
}

/** A directed multigraph (a MultiDirectedGraph, and what its copy() returns). */
export type AccessModel = AbstractGraph<ModelNodeAttributes, ModelEdgeAttributes>;

export type EdgeIdentity = Pick<TenantEdge, 'kind' | 'from' | 'to'>;

/** An edge with association ends in canonical order (membership: group first). */
export function canonicalEdge<E extends EdgeIdentity>(edge: E): E {
  if (edge.kind !== 'association') return edge;
  const c = associationEdge(edge.from, edge.to);
  return c.from.id === edge.from.id && c.from.type === edge.from.type ? edge : { ...edge, from: c.from, to: c.to };
}

function describeEdge(edge: EdgeIdentity): string {
  return edge.kind === 'membership'
    ? `membership ${edge.from.type} ${edge.from.id} ⊇ ${edge.to.type} ${edge.to.id}`
    : `association ${edge.from.type} ${edge.from.id} ↔ ${edge.to.type} ${edge.to.id}`;
}

const MODEL_EVENTS = [
  'nodeAdded',
  'nodeDropped',
  'edgeAdded',
  'edgeDropped',
  'cleared',
  'edgesCleared',
  'nodeAttributesUpdated',
  'edgeAttributesUpdated',
  'eachNodeAttributesUpdated',
  'eachEdgeAttributesUpdated',
] as const;

/** A node whose record is read from the index only when asked for. */
function indexNode(index: TraversalIndex, node: number): GraphNode {
  const id = index.idOf(node);
  return {
    id,
    type: index.typeOf(node),
    name: index.nameOf(node),
    get record(): JsonObject {
      return index.recordOf(node);
    },
  };
}

/** One organization as a graph you can query and edit: held by its traversal index, with a graphology view built on first use and kept in step. */
export class AccessGraph {
  readonly orgId: string;
  private versionCounter = 0;
  private ownEdit = false;
  /** The model was edited directly: the index is rebuilt from it on the next query. */
  private dirty = false;
  private traversalIndex: TraversalIndex;
  private modelView: AccessModel | undefined;
  private released = false;
  private readonly nodeCache = new Map<string, GraphNode>();

  private constructor(orgId: string, index: TraversalIndex) {
    this.orgId = orgId;
    this.traversalIndex = index;
  }

  /** Builds the graph of a tenant; GraphDataError when an edge refers to a missing object or an id repeats. */
  static fromTenant(tenant: TenantData): AccessGraph {
    return new AccessGraph(tenant.orgId, indexOfTenant(tenant));
  }

  /**
   * A graph over an index made elsewhere (a binary snapshot index); the index is the graph's from then on.
   * @internal
   */
  static fromIndex(orgId: string, index: TraversalIndex): AccessGraph {
    return new AccessGraph(orgId, index);
  }

  /** Bumps on every edit (of the graph or, directly, of its model). */
  get version(): number {
    return this.versionCounter;
  }

  /**
   * The graphology graph, built from the index the first time it is asked for (a pass over the whole
   * tenant, records included). Read it freely; edit through AccessGraph's methods, which validate.
   * Direct edits of the model are noticed (version bumps, the index is rebuilt from the model on the
   * next query) but not validated.
   */
  get model(): AccessModel {
    if (this.modelView) return this.modelView;
    const index = this.index;
    const model: AccessModel = new MultiDirectedGraph<ModelNodeAttributes, ModelEdgeAttributes>();
    for (const n of index.insertionOrder())
      model.addNode(index.idOf(n), { type: index.typeOf(n), name: index.nameOf(n), record: index.recordOf(n) });
    for (let e = 0; e < index.edgeCount; e++) {
      if (index.edgeAlive[e] !== 1) continue;
      const kind = index.edgeKind[e] === MEMBERSHIP_EDGE ? 'membership' : 'association';
      model.addDirectedEdgeWithKey(index.edgeKeyOf(e), index.idOf(index.edgeFrom[e]!), index.idOf(index.edgeTo[e]!), {
        kind,
        attributes: index.attributesOf(e),
      });
    }
    const touched = () => {
      if (this.ownEdit) return;
      this.versionCounter++;
      this.dirty = true;
      this.nodeCache.clear();
    };
    for (const event of MODEL_EVENTS) model.on(event, touched);
    this.modelView = model;
    return model;
  }

  /**
   * The traversal index, current with the graph (rebuilt from the model first if the model was edited
   * directly; its CSR rebuilt when the overlay of incremental edits has grown large). Integer ids are
   * valid until `index.epoch` changes.
   * @internal
   */
  get index(): TraversalIndex {
    if (this.released) throw new GraphDataError('This copy of the graph was released when its what-if ended; it cannot be read any more.');
    if (this.dirty && this.modelView) {
      this.traversalIndex = indexOfModel(this.modelView, this.traversalIndex.epoch + 1);
      this.dirty = false;
      this.nodeCache.clear();
    } else if (this.traversalIndex.wantsRebuild) {
      this.traversalIndex.compact();
    }
    return this.traversalIndex;
  }

  hasObject(id: string): boolean {
    return this.index.nodeOf(id) >= 0;
  }

  /** The object with this id; UnknownObjectError when there is none. */
  object(id: string): GraphNode {
    const index = this.index;
    let node = this.nodeCache.get(id);
    if (node) return node;
    const n = index.nodeOf(id);
    if (n < 0) throw new UnknownObjectError(`No object with id ${id} is in the graph.`, { reference: id });
    node = indexNode(index, n);
    this.nodeCache.set(id, node);
    return node;
  }

  /** Every object, or every object of a type, in insertion order (the tenant's order, then added objects). */
  *objects(type?: string): Iterable<GraphNode> {
    const index = this.index;
    const code = type === undefined ? -1 : index.knownTypeCode(type);
    if (type !== undefined && code < 0) return;
    for (const n of index.insertionOrder()) if (code < 0 || index.nodeType[n] === code) yield indexNode(index, n);
  }

  /**
   * The objects one of whose names (display name or a name field of the type) equals `name` ignoring
   * case, of `type` when given, in id order: what name resolution narrows its candidates to.
   */
  objectsNamed(name: string, type?: string): GraphNode[] {
    const index = this.index;
    return index
      .nodesNamed(name)
      .filter((n) => type === undefined || index.typeOf(n) === type)
      .map((n) => indexNode(index, n));
  }

  /** Every edge in canonical TenantEdge form, in the graph's edge order. */
  *edges(): Iterable<TenantEdge> {
    const index = this.index;
    for (let e = 0; e < index.edgeCount; e++) if (index.edgeAlive[e] === 1) yield index.edgeRef(e);
  }

  /** The edges touching an object (either end), in the graph's edge order; UnknownObjectError when there is no such object. */
  edgesOf(id: string): TenantEdge[] {
    this.object(id);
    const index = this.index;
    return index.edgesOf(index.nodeOf(id)).map((e) => index.edgeRef(e));
  }

  hasEdge(edge: EdgeIdentity): boolean {
    return this.edgeNumber(canonicalEdge(edge)) >= 0;
  }

  /** The attributes of an edge; GraphDataError when the graph has no such edge. */
  edgeAttributes(edge: EdgeIdentity): JsonObject | null {
    return this.index.attributesOf(this.existingEdge(edge));
  }

  /** The integer id of a canonical edge, or -1 (also when an end is missing or of another type). */
  private edgeNumber(c: EdgeIdentity): number {
    const index = this.index;
    const from = index.nodeOf(c.from.id);
    const to = index.nodeOf(c.to.id);
    if (from < 0 || to < 0 || index.typeOf(from) !== c.from.type || index.typeOf(to) !== c.to.type) return -1;
    return index.findEdge(c.kind, from, to);
  }

  private existingEdge(edge: EdgeIdentity): number {
    const c = canonicalEdge(edge);
    const e = this.edgeNumber(c);
    if (e < 0) throw new GraphDataError(`The graph has no ${describeEdge(c)}.`);
    return e;
  }

  private edit(fn: () => void): void {
    this.ownEdit = true;
    try {
      fn();
    } finally {
      this.ownEdit = false;
      this.versionCounter++;
    }
  }

  /** Adds an object; GraphDataError when its id is taken. */
  addObject(obj: TenantObject): void {
    if (this.hasObject(obj.id)) throw new GraphDataError(`Object id ${obj.id} is already in the graph.`);
    const index = this.index;
    const name = objectName(obj.type, obj.record, obj.id);
    this.edit(() => {
      index.addNode({ id: obj.id, type: obj.type, name, record: obj.record });
      this.modelView?.addNode(obj.id, { type: obj.type, name, record: obj.record });
    });
  }

  /** Removes an object and every edge touching it; UnknownObjectError when it is not there. */
  removeObject(id: string): void {
    this.object(id);
    const index = this.index;
    const n = index.nodeOf(id);
    const edges = index.edgesOf(n);
    this.edit(() => {
      for (const e of edges) {
        if (this.modelView) this.modelView.dropEdge(index.edgeKeyOf(e));
        index.removeEdge(e);
      }
      index.removeNode(n);
      this.modelView?.dropNode(id);
      this.nodeCache.delete(id);
    });
  }

  /**
   * Adds an edge (association ends in either order). UnknownObjectError when an end is missing;
   * GraphDataError when an end has another type, the membership is not group ⊇ member, or the edge exists.
   */
  addEdge(edge: TenantEdge): void {
    const c = canonicalEdge(edge);
    const index = this.index;
    for (const end of [c.from, c.to]) {
      if (index.nodeOf(end.id) < 0)
        throw new UnknownObjectError(`No object with id ${end.id} is in the graph, so the ${describeEdge(c)} cannot be added.`, {
          reference: end.id,
        });
    }
    checkEdgeEnds((id) => typeIn(index, id), c);
    if (this.edgeNumber(c) >= 0) throw new GraphDataError(`The ${describeEdge(c)} is already in the graph.`);
    const attributes = c.attributes ?? null;
    this.edit(() => {
      index.addEdge({ kind: c.kind, from: index.nodeOf(c.from.id), to: index.nodeOf(c.to.id), attributes });
      this.modelView?.addDirectedEdgeWithKey(edgeKey(c), c.from.id, c.to.id, { kind: c.kind, attributes });
    });
  }

  /** Removes an edge; GraphDataError when the graph has no such edge. */
  removeEdge(edge: EdgeIdentity): void {
    const e = this.existingEdge(edge);
    const index = this.index;
    this.edit(() => {
      this.modelView?.dropEdge(index.edgeKeyOf(e));
      index.removeEdge(e);
    });
  }

  /** Replaces an edge's attributes; GraphDataError when the graph has no such edge. */
  setEdgeAttributes(edge: EdgeIdentity, attributes: JsonObject | null): void {
    const e = this.existingEdge(edge);
    const index = this.index;
    this.edit(() => {
      index.setEdgeAttributes(e, attributes);
      this.modelView?.setEdgeAttribute(index.edgeKeyOf(e), 'attributes', attributes);
    });
  }

  /**
   * An independent copy. It shares with this graph what neither edits (the index's stores and
   * adjacency; records and attribute objects, which are never mutated), so it costs a copy of the
   * tombstone flags rather than of the tenant.
   */
  clone(): AccessGraph {
    return new AccessGraph(this.orgId, this.index.clone());
  }

  /**
   * Ends a copy made by clone() that nothing will read again, giving its tombstone flags to the next
   * copy (what a what-if does with the copy it drops). Reading the graph afterwards throws.
   * @internal
   */
  release(): void {
    if (this.released) return;
    this.traversalIndex.release();
    this.released = true;
    this.modelView = undefined;
    this.nodeCache.clear();
  }

  /** The graph as TenantData, in sortTenant order (every record read). */
  toTenant(): TenantData {
    const index = this.index;
    const objects: TenantObject[] = [];
    for (const n of index.insertionOrder()) objects.push({ type: index.typeOf(n), id: index.idOf(n), record: index.recordOf(n) });
    return sortTenant({ orgId: this.orgId, objects, edges: [...this.edges()] });
  }
}

function typeIn(index: TraversalIndex, id: string): string | undefined {
  const n = index.nodeOf(id);
  return n < 0 ? undefined : index.typeOf(n);
}

/**
 * Checks that an edge's ends exist with the types it names and that a membership is group ⊇ member.
 * `typeOf` gives an object's type, undefined when there is no such object.
 */
function checkEdgeEnds(typeOf: (id: string) => string | undefined, edge: EdgeIdentity): void {
  for (const end of [edge.from, edge.to] as ObjectRef[]) {
    const actual = typeOf(end.id);
    if (actual === undefined) {
      throw new GraphDataError(`The ${describeEdge(edge)} refers to ${end.type} ${end.id}, which is not among the objects.`);
    }
    if (actual !== end.type) {
      throw new GraphDataError(`The ${describeEdge(edge)} names ${end.id} as a ${end.type}, but that object is a ${actual}.`);
    }
  }
  if (edge.from.id === edge.to.id) throw new GraphDataError(`The ${describeEdge(edge)} joins an object to itself.`);
  if (edge.kind === 'membership' && !MEMBERSHIPS.some((m) => m.group === edge.from.type && m.member === edge.to.type)) {
    throw new GraphDataError(
      `The ${describeEdge(edge)} is not a group-member pair jcgraph knows (user_group ⊇ user, system_group ⊇ system, policy_group ⊇ policy).`,
    );
  }
  const kind: string = edge.kind; // typed, but a direct model edit or a JavaScript caller may put anything there
  if (kind !== 'membership' && kind !== 'association') {
    throw new GraphDataError(`Edge kind ${kind} between ${edge.from.id} and ${edge.to.id} is neither membership nor association.`);
  }
}

/**
 * The checked objects and edges of a tenant, as an index build takes them (objects in the tenant's
 * order): GraphDataError when an id repeats or an edge is malformed; an edge repeated exactly is kept
 * once, with other attributes it is an error.
 */
export function tenantIndexInputs(tenant: TenantData): { nodes: IndexNodeInput[]; edges: IndexEdgeInput[]; edgeSources: number[] } {
  const types = new Map<string, string>();
  const nodes: IndexNodeInput[] = [];
  for (const obj of tenant.objects) {
    const other = types.get(obj.id);
    if (other !== undefined) {
      throw new GraphDataError(
        `Object id ${obj.id} appears twice in tenant ${tenant.orgId || '(no org id)'}, as ${other} and as ${obj.type}.`,
      );
    }
    types.set(obj.id, obj.type);
    nodes.push({ id: obj.id, type: obj.type, name: objectName(obj.type, obj.record, obj.id), record: obj.record });
  }
  const seen = new Map<string, JsonObject | null>();
  const edges: IndexEdgeInput[] = [];
  /** The position in tenant.edges of each edge kept. */
  const edgeSources: number[] = [];
  for (let at = 0; at < tenant.edges.length; at++) {
    const edge = canonicalEdge(tenant.edges[at]!);
    checkEdgeEnds((id) => types.get(id), edge);
    const key = edgeKey(edge);
    const attributes = edge.attributes ?? null;
    if (seen.has(key)) {
      if (JSON.stringify(seen.get(key)) === JSON.stringify(attributes)) continue; // an exact repeat loses nothing
      throw new GraphDataError(`The ${describeEdge(edge)} appears twice in the tenant with different attributes.`);
    }
    seen.set(key, attributes);
    edges.push({ kind: edge.kind, from: edge.from.id, to: edge.to.id, attributes });
    edgeSources.push(at);
  }
  return { nodes, edges, edgeSources };
}

/** The index of a tenant (checked: see tenantIndexInputs). */
export function indexOfTenant(tenant: TenantData): TraversalIndex {
  const { nodes, edges } = tenantIndexInputs(tenant);
  return TraversalIndex.build(nodes, edges);
}

/** Rebuilds the index from a directly edited model, checking what a direct edit may have broken. */
function indexOfModel(model: AccessModel, epoch: number): TraversalIndex {
  const nodes: IndexNodeInput[] = [];
  model.forEachNode((id, a) => {
    if (typeof a.type !== 'string') throw new GraphDataError(`Model node ${id} has no type attribute.`);
    const record = (a.record as ModelNodeAttributes['record'] | undefined) ?? {}; // absent after a direct model edit
    nodes.push({ id, type: a.type, name: typeof a.name === 'string' ? a.name : objectName(a.type, record, id), record });
  });
  const edges: IndexEdgeInput[] = [];
  const typeOf = (id: string): string | undefined => (model.hasNode(id) ? model.getNodeAttribute(id, 'type') : undefined);
  model.forEachEdge((key, a, from, to, fromAttrs, toAttrs) => {
    const edge: EdgeIdentity = { kind: a.kind, from: { type: fromAttrs.type, id: from }, to: { type: toAttrs.type, id: to } };
    checkEdgeEnds(typeOf, edge);
    if (key !== edgeKey(canonicalEdge(edge)))
      throw new GraphDataError(`Model edge ${key} is not keyed by its kind and canonical ends (${edgeKey(canonicalEdge(edge))}).`);
    edges.push({ kind: a.kind, from, to, attributes: a.attributes ?? null });
  });
  return TraversalIndex.build(nodes, edges, epoch);
}

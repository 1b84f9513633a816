/**
 * AccessGraph: one organization as a graphology MultiDirectedGraph (the model every consumer can read)
 * plus the integer traversal index the traversals run on, kept in step with every edit.
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
import { TraversalIndex, type IndexEdgeInput, type IndexNodeInput } from './traversal-index.ts';
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

/** One organization as a graph you can query and edit: the graphology model plus the traversal index, kept in step. */
export class AccessGraph {
  readonly orgId: string;
  /**
   * The graphology graph. Read it freely; edit through AccessGraph's methods, which validate. Direct
   * edits of the model are noticed (version bumps, the index is rebuilt on the next query) but not validated.
   */
  readonly model: AccessModel;
  private versionCounter = 0;
  private ownEdit = false;
  private dirty = false;
  private traversalIndex: TraversalIndex;
  private readonly nodeCache = new Map<string, GraphNode>();

  /** `index`: a copy to adopt, or 'validated' when the model was just built with every check made. */
  private constructor(orgId: string, model: AccessModel, index: TraversalIndex | 'validated' | undefined) {
    this.orgId = orgId;
    this.model = model;
    this.traversalIndex = index instanceof TraversalIndex ? index : buildIndex(model, 0, index !== 'validated');
    const touched = () => {
      this.versionCounter++;
      if (!this.ownEdit) {
        this.dirty = true;
        this.nodeCache.clear();
      }
    };
    for (const event of ['nodeAdded', 'nodeDropped', 'edgeAdded', 'edgeDropped', 'cleared', 'edgesCleared', 'nodeAttributesUpdated', 'edgeAttributesUpdated', 'eachNodeAttributesUpdated', 'eachEdgeAttributesUpdated'] as const) {
      model.on(event, touched);
    }
  }

  /** Builds the graph of a tenant; GraphDataError when an edge refers to a missing object or an id repeats. */
  static fromTenant(tenant: TenantData): AccessGraph {
    const model: AccessModel = new MultiDirectedGraph<ModelNodeAttributes, ModelEdgeAttributes>();
    for (const obj of tenant.objects) {
      if (model.hasNode(obj.id)) {
        const other = model.getNodeAttribute(obj.id, 'type');
        throw new GraphDataError(`Object id ${obj.id} appears twice in tenant ${tenant.orgId || '(no org id)'}, as ${other} and as ${obj.type}.`);
      }
      model.addNode(obj.id, { type: obj.type, name: objectName(obj.type, obj.record, obj.id), record: obj.record });
    }
    for (const raw of tenant.edges) {
      const edge = canonicalEdge(raw);
      checkEdgeEnds(model, edge);
      const key = edgeKey(edge);
      if (model.hasEdge(key)) {
        const existing = model.getEdgeAttribute(key, 'attributes');
        if (JSON.stringify(existing) === JSON.stringify(edge.attributes ?? null)) continue; // an exact repeat loses nothing
        throw new GraphDataError(`The ${describeEdge(edge)} appears twice in the tenant with different attributes.`);
      }
      model.addDirectedEdgeWithKey(key, edge.from.id, edge.to.id, { kind: edge.kind, attributes: edge.attributes ?? null });
    }
    return new AccessGraph(tenant.orgId, model, 'validated');
  }

  /** Bumps on every edit (of the graph or, directly, of its model). */
  get version(): number {
    return this.versionCounter;
  }

  /**
   * The traversal index, current with the model (rebuilt first if the model was edited directly or the
   * overlay of incremental edits has grown large). Integer ids are valid until `index.epoch` changes.
   */
  get index(): TraversalIndex {
    if (this.dirty || this.traversalIndex.wantsRebuild) {
      this.traversalIndex = buildIndex(this.model, this.traversalIndex.epoch + 1, this.dirty);
      this.dirty = false;
    }
    return this.traversalIndex;
  }

  hasObject(id: string): boolean {
    return this.model.hasNode(id);
  }

  /** The object with this id; UnknownObjectError when there is none. */
  object(id: string): GraphNode {
    let node = this.nodeCache.get(id);
    if (node) return node;
    if (!this.model.hasNode(id)) throw new UnknownObjectError(`No object with id ${id} is in the graph.`, { reference: id });
    const a = this.model.getNodeAttributes(id);
    node = { id, type: a.type, name: a.name, record: a.record };
    this.nodeCache.set(id, node);
    return node;
  }

  /** Every object, or every object of a type, in the model's insertion order. */
  *objects(type?: string): Iterable<GraphNode> {
    for (const id of this.model.nodes()) {
      const node = this.object(id);
      if (type === undefined || node.type === type) yield node;
    }
  }

  private toTenantEdge(key: string): TenantEdge {
    const m = this.model;
    const a = m.getEdgeAttributes(key);
    const from = m.source(key);
    const to = m.target(key);
    return {
      kind: a.kind,
      from: { type: m.getNodeAttribute(from, 'type'), id: from },
      to: { type: m.getNodeAttribute(to, 'type'), id: to },
      attributes: a.attributes,
    };
  }

  /** Every edge in canonical TenantEdge form. */
  *edges(): Iterable<TenantEdge> {
    for (const key of this.model.edges()) yield this.toTenantEdge(key);
  }

  /** The edges touching an object (either end); UnknownObjectError when there is no such object. */
  edgesOf(id: string): TenantEdge[] {
    this.object(id);
    return this.model.edges(id).map((key) => this.toTenantEdge(key));
  }

  hasEdge(edge: EdgeIdentity): boolean {
    return this.model.hasEdge(edgeKey(canonicalEdge(edge)));
  }

  /** The attributes of an edge; GraphDataError when the graph has no such edge. */
  edgeAttributes(edge: EdgeIdentity): JsonObject | null {
    return this.model.getEdgeAttribute(this.existingEdgeKey(edge), 'attributes');
  }

  private existingEdgeKey(edge: EdgeIdentity): string {
    const c = canonicalEdge(edge);
    const key = edgeKey(c);
    if (!this.model.hasEdge(key)) throw new GraphDataError(`The graph has no ${describeEdge(c)}.`);
    return key;
  }

  private edit(fn: () => void): void {
    this.ownEdit = true;
    try {
      fn();
    } finally {
      this.ownEdit = false;
    }
  }

  /** Adds an object; GraphDataError when its id is taken. */
  addObject(obj: TenantObject): void {
    if (this.model.hasNode(obj.id)) throw new GraphDataError(`Object id ${obj.id} is already in the graph.`);
    const attrs: ModelNodeAttributes = { type: obj.type, name: objectName(obj.type, obj.record, obj.id), record: obj.record };
    this.edit(() => {
      this.model.addNode(obj.id, attrs);
      this.traversalIndex.addNode({ id: obj.id, type: obj.type, record: obj.record });
    });
  }

  /** Removes an object and every edge touching it; UnknownObjectError when it is not there. */
  removeObject(id: string): void {
    this.object(id);
    const keys = this.model.edges(id);
    this.edit(() => {
      for (const key of keys) {
        this.model.dropEdge(key);
        this.traversalIndex.removeEdge(key);
      }
      this.model.dropNode(id);
      this.traversalIndex.removeNode(id);
      this.nodeCache.delete(id);
    });
  }

  /**
   * Adds an edge (association ends in either order). UnknownObjectError when an end is missing;
   * GraphDataError when an end has another type, the membership is not group ⊇ member, or the edge exists.
   */
  addEdge(edge: TenantEdge): void {
    const c = canonicalEdge(edge);
    for (const end of [c.from, c.to]) {
      if (!this.model.hasNode(end.id)) throw new UnknownObjectError(`No object with id ${end.id} is in the graph, so the ${describeEdge(c)} cannot be added.`, { reference: end.id });
    }
    checkEdgeEnds(this.model, c);
    const key = edgeKey(c);
    if (this.model.hasEdge(key)) throw new GraphDataError(`The ${describeEdge(c)} is already in the graph.`);
    const attributes = c.attributes ?? null;
    this.edit(() => {
      this.model.addDirectedEdgeWithKey(key, c.from.id, c.to.id, { kind: c.kind, attributes });
      this.traversalIndex.addEdge({ key, kind: c.kind, from: c.from.id, to: c.to.id, attributes });
    });
  }

  /** Removes an edge; GraphDataError when the graph has no such edge. */
  removeEdge(edge: EdgeIdentity): void {
    const key = this.existingEdgeKey(edge);
    this.edit(() => {
      this.model.dropEdge(key);
      this.traversalIndex.removeEdge(key);
    });
  }

  /** Replaces an edge's attributes; GraphDataError when the graph has no such edge. */
  setEdgeAttributes(edge: EdgeIdentity, attributes: JsonObject | null): void {
    const key = this.existingEdgeKey(edge);
    this.edit(() => {
      this.model.setEdgeAttribute(key, 'attributes', attributes);
      this.traversalIndex.setEdgeAttributes(key, attributes);
    });
  }

  /** An independent copy (records and attribute objects are shared: they are never mutated). */
  clone(): AccessGraph {
    const model = this.model.copy();
    return new AccessGraph(this.orgId, model, this.dirty ? undefined : this.traversalIndex.clone());
  }

  /** The graph as TenantData, in sortTenant order. */
  toTenant(): TenantData {
    const objects: TenantObject[] = [];
    this.model.forEachNode((id, a) => objects.push({ type: a.type, id, record: a.record }));
    return sortTenant({ orgId: this.orgId, objects, edges: [...this.edges()] });
  }
}

/** Checks that an edge's ends exist with the types it names and that a membership is group ⊇ member. */
function checkEdgeEnds(model: AccessModel, edge: EdgeIdentity): void {
  for (const end of [edge.from, edge.to] as ObjectRef[]) {
    if (!model.hasNode(end.id)) {
      throw new GraphDataError(`The ${describeEdge(edge)} refers to ${end.type} ${end.id}, which is not among the objects.`);
    }
    const actual = model.getNodeAttribute(end.id, 'type');
    if (actual !== end.type) {
      throw new GraphDataError(`The ${describeEdge(edge)} names ${end.id} as a ${end.type}, but that object is a ${actual}.`);
    }
  }
  if (edge.from.id === edge.to.id) throw new GraphDataError(`The ${describeEdge(edge)} joins an object to itself.`);
  if (edge.kind === 'membership' && !MEMBERSHIPS.some((m) => m.group === edge.from.type && m.member === edge.to.type)) {
    throw new GraphDataError(`The ${describeEdge(edge)} is not a group-member pair jcgraph knows (user_group ⊇ user, system_group ⊇ system, policy_group ⊇ policy).`);
  }
  const kind: string = edge.kind; // typed, but a direct model edit or a JavaScript caller may put anything there
  if (kind !== 'membership' && kind !== 'association') {
    throw new GraphDataError(`Edge kind ${kind} between ${edge.from.id} and ${edge.to.id} is neither membership nor association.`);
  }
}

/** Builds the traversal index from the model, validating (when asked) what a direct model edit may have broken. */
function buildIndex(model: AccessModel, epoch: number, validate: boolean): TraversalIndex {
  const nodes: IndexNodeInput[] = [];
  model.forEachNode((id, a) => {
    if (typeof a.type !== 'string') throw new GraphDataError(`Model node ${id} has no type attribute.`);
    const record = a.record as ModelNodeAttributes['record'] | undefined; // absent after a direct model edit
    nodes.push({ id, type: a.type, record: record ?? {} });
  });
  const edges: IndexEdgeInput[] = [];
  model.forEachEdge((key, a, from, to, fromAttrs, toAttrs) => {
    if (validate) {
      const edge: EdgeIdentity = { kind: a.kind, from: { type: fromAttrs.type, id: from }, to: { type: toAttrs.type, id: to } };
      checkEdgeEnds(model, edge);
      if (key !== edgeKey(canonicalEdge(edge))) throw new GraphDataError(`Model edge ${key} is not keyed by its kind and canonical ends (${edgeKey(canonicalEdge(edge))}).`);
    }
    edges.push({ key, kind: a.kind, from, to, attributes: a.attributes ?? null });
  });
  return TraversalIndex.build(nodes, edges, epoch);
}

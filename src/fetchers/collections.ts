/**
 * The unit a fetch reads, records and resumes by: the **collection**. One list endpoint, or one object's
 * edge collection of one planned step (`GET /usergroups/{id}/members`, `GET /users/{id}/associations?
 * targets=…`). Each has a stable key, the request that reads it, and what it provides (object types, or
 * edge kinds of one source object). The coverage record (`meta.coverage`), the resume journal and the
 * "could this answer be affected" check speak in these units; so does an incremental refresh, which asks
 * a {@link CollectionPlan} which collections hold an object's edges or one edge.
 *
 * Keys: `list:v1:/systemusers`, `list:v2:/directories`; `associations:user:{id}`,
 * `members:user_group:{id}`, `memberof:user:{id}` (the step's name, then the source id).
 */
import {
  GRAPH_TYPES,
  TYPE_INFO,
  associationKindKey,
  edgeKindKey,
  isGraphType,
  membershipKindKey,
  type GraphType,
  type ObjectRef,
  type TenantEdge,
} from '../model/index.ts';
import type { PlanStepFigures } from '../snapshot/format.ts';
import { listSteps, type EdgeStep, type ListStep } from './planner.ts';

/** The request that reads a collection (every page of it: `limit` and `skip` are added when paging). */
export interface CollectionRequest {
  readonly api: 'v1' | 'v2';
  /** Path under the API root (`/api` for v1, `/api/v2` for v2). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
}

export interface ListCollection {
  readonly kind: 'list';
  readonly key: string;
  readonly list: ListStep['list'];
  /** Every type the list holds (`/directories`: four). */
  readonly types: readonly GraphType[];
  /** The types whose objects come from this list (it is their first list): what is missing when it is not read. */
  readonly provides: readonly GraphType[];
  readonly request: CollectionRequest;
}

export interface EdgeCollection {
  readonly kind: 'edges';
  readonly key: string;
  readonly step: EdgeStep;
  readonly source: { readonly type: GraphType; readonly id: string };
  /** The edge kinds it holds for its source (the step's `covers`). */
  readonly edgeKinds: readonly string[];
  readonly request: CollectionRequest;
}

export type Collection = ListCollection | EdgeCollection;

function listKey(list: ListStep['list']): string {
  return `list:${list.api}:${list.path}`;
}

function buildLists(): ListCollection[] {
  return listSteps().map(({ list, types }) => ({
    kind: 'list',
    key: listKey(list),
    list,
    types,
    provides: types.filter((t) => TYPE_INFO[t].lists[0] === list),
    request: { api: list.api, path: list.path, query: { sort: '_id' } },
  }));
}

/** Every list collection, in the order the fetch reads them. */
export const LIST_COLLECTIONS: readonly ListCollection[] = buildLists();

const LIST_BY_KEY: ReadonlyMap<string, ListCollection> = new Map(LIST_COLLECTIONS.map((c) => [c.key, c]));

/** The list whose reading provides objects of `type` (its own list; `/directories` for g_suite and office_365). */
export function listCollectionOf(type: GraphType): ListCollection | undefined {
  return LIST_COLLECTIONS.find((c) => c.provides.includes(type));
}

/** The edge kinds a step reads, from its endpoint, source and targets. */
export function stepCovers(endpoint: EdgeStep['endpoint'], source: GraphType, targets: readonly GraphType[]): string[] {
  if (endpoint === 'associations') return targets.map((t) => associationKindKey(source, t));
  const other = targets[0]!;
  return [endpoint === 'members' ? membershipKindKey(source, other) : membershipKindKey(other, source)];
}

/** An edge step again from what a snapshot records of it (meta.plan.steps). */
export function stepFromFigures(figures: PlanStepFigures): EdgeStep {
  const endpoint = figures.endpoint;
  if (endpoint !== 'associations' && endpoint !== 'members' && endpoint !== 'memberof')
    throw new Error(`unknown step endpoint "${endpoint}"`);
  if (!isGraphType(figures.source)) throw new Error(`unknown step source type "${figures.source}"`);
  const targets = figures.targets.filter(isGraphType);
  return {
    name: figures.name,
    endpoint,
    source: figures.source,
    targets,
    covers: stepCovers(endpoint, figures.source, targets),
    firstPageRequests: figures.firstPageRequests,
  };
}

/** The key of one step's collection for one source object (without building the collection). */
export function edgeCollectionKey(step: Pick<EdgeStep, 'name'>, id: string): string {
  return `${step.name}:${id}`;
}

/** One step's collection for one source object, named but not built, with its position in the plan's order. */
export interface PlannedCollection {
  readonly step: EdgeStep;
  readonly sourceId: string;
  /** Its key (edgeCollectionKey). */
  readonly key: string;
  /** Its position among the plan's collections (which decides between records of an object found twice). */
  readonly order: number;
}

/** The collection of one step for one source object. */
export function edgeCollection(step: EdgeStep, id: string): EdgeCollection {
  return {
    kind: 'edges',
    key: edgeCollectionKey(step, id),
    step,
    source: { type: step.source, id },
    edgeKinds: step.covers,
    request: {
      api: 'v2',
      path: `/${TYPE_INFO[step.source].pathPrefix}/${encodeURIComponent(id)}/${step.endpoint}`,
      query: step.endpoint === 'associations' ? { targets: step.targets.join(',') } : {},
    },
  };
}

/**
 * The collections of one fetch plan: which collection reads which objects and edges. Built from the
 * planner's steps, or from a snapshot's `meta.plan` (`CollectionPlan.fromFigures`), so that a later run
 * reads the same collections the snapshot was made of.
 */
export class CollectionPlan {
  readonly steps: readonly EdgeStep[];
  readonly #byName: ReadonlyMap<string, EdgeStep>;
  readonly #byKind: ReadonlyMap<string, EdgeStep>;

  constructor(steps: readonly EdgeStep[]) {
    this.steps = steps;
    this.#byName = new Map(steps.map((s) => [s.name, s]));
    const byKind = new Map<string, EdgeStep>();
    for (const step of steps) for (const kind of step.covers) byKind.set(kind, step);
    this.#byKind = byKind;
  }

  /** The plan a snapshot was fetched with (its `meta.plan.steps`). */
  static fromFigures(plan: { readonly steps: readonly PlanStepFigures[] }): CollectionPlan {
    return new CollectionPlan(plan.steps.map(stepFromFigures));
  }

  /** Every list (lists are read whatever the plan). */
  lists(): readonly ListCollection[] {
    return LIST_COLLECTIONS;
  }

  /** The step that reads an edge kind (`user|system`, `membership:user_group|user`), if the plan reads it. */
  stepOf(kindKey: string): EdgeStep | undefined {
    return this.#byKind.get(kindKey);
  }

  /** The edge collections whose source is this object (none for a type the plan reads no edges from). */
  ofObject(ref: ObjectRef): EdgeCollection[] {
    return this.steps.filter((s) => s.source === ref.type).map((s) => edgeCollection(s, ref.id));
  }

  /** The collections that read edges of this kind: one per object of the step's source type. */
  ofEdgeKind(kindKey: string, sourcesOf: (type: GraphType) => Iterable<string>): EdgeCollection[] {
    const step = this.stepOf(kindKey);
    return step ? [...sourcesOf(step.source)].map((id) => edgeCollection(step, id)) : [];
  }

  /** The one collection whose answer holds this edge (its end on the side the plan reads its kind from). */
  ofEdge(edge: Pick<TenantEdge, 'kind' | 'from' | 'to'>): EdgeCollection | undefined {
    const at = this.sourceOfEdge(edge);
    return at ? edgeCollection(at.step, at.end.id) : undefined;
  }

  /** The step that reads this edge and the end it reads it from, if the plan reads its kind. */
  sourceOfEdge(edge: Pick<TenantEdge, 'kind' | 'from' | 'to'>): { readonly step: EdgeStep; readonly end: ObjectRef } | undefined {
    const step = this.stepOf(edgeKindKey(edge));
    if (!step) return undefined;
    const end =
      edge.kind === 'membership'
        ? step.endpoint === 'members'
          ? edge.from
          : edge.to
        : edge.from.type === step.source
          ? edge.from
          : edge.to;
    return { step, end };
  }

  /**
   * Every edge collection for the given source objects, step by step, numbered in that order and generated
   * as asked for, each named by its key without being built (edgeCollection builds it): the one loop over
   * a plan's collections that a crawl reads, carries over and journals by.
   */
  *planned(sourcesOf: (type: GraphType) => Iterable<string>): Generator<PlannedCollection> {
    let order = 0;
    for (const step of this.steps) {
      for (const sourceId of sourcesOf(step.source)) yield { step, sourceId, key: edgeCollectionKey(step, sourceId), order: order++ };
    }
  }

  /** Every edge collection for the given source objects, step by step, generated as asked for. */
  *edgeCollections(sourcesOf: (type: GraphType) => Iterable<string>): Generator<EdgeCollection> {
    for (const p of this.planned(sourcesOf)) yield edgeCollection(p.step, p.sourceId);
  }

  /** The collection a key names under this plan, or undefined (an unknown step or list). */
  collection(key: string): Collection | undefined {
    const list = LIST_BY_KEY.get(key);
    if (list) return list;
    const [endpoint, type, ...rest] = key.split(':');
    const step = this.#byName.get(`${endpoint}:${type}`);
    return step && rest.length > 0 ? edgeCollection(step, rest.join(':')) : undefined;
  }
}

/** Types that can only be known through edges (no list endpoint). */
export const UNLISTED_TYPES: readonly GraphType[] = GRAPH_TYPES.filter((t) => TYPE_INFO[t].lists.length === 0);

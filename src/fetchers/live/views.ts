/**
 * An object's own view of its edges, read live: its direct associations with every target its type can
 * list (`…/{id}/associations?targets=…`), the groups it is a member of (`…/{id}/memberof`, their direct
 * hop) and, for a group, its members (`…/{id}/members`). Each view is one collection (an endpoint, a
 * source object, the edge kinds it holds), read in full (every page, the rules of ../paging.ts) and
 * turned into TenantEdges exactly as a fetch records them.
 */
import {
  TYPE_INFO,
  associationEdge,
  associationKindKey,
  groupTypeOf,
  isGraphType,
  isJsonObject,
  knownAssociationTargets,
  memberTypeOf,
  membershipEdge,
  type GraphType,
  type JsonObject,
  type ObjectRef,
  type TenantEdge,
  type TenantObject,
} from '../../model/index.ts';
import { JcApiError } from '../../errors.ts';
import type { ApiClient } from '../client.ts';
import { PAGE_LIMIT, collect } from '../paging.ts';
import { ShapeError, directHopAttributes, graphPage, graphRef } from '../shapes.ts';

export type ViewEndpoint = 'associations' | 'memberof' | 'members';

export interface ObjectView {
  readonly endpoint: ViewEndpoint;
  readonly source: { readonly type: GraphType; readonly id: string };
  /** associations: every modelled target the type can list; memberof: the group type; members: the member type. */
  readonly targets: readonly GraphType[];
}

export interface ViewRead {
  readonly view: ObjectView;
  readonly edges: readonly TenantEdge[];
  /** The objects at the other ends, as the API showed them (`{id, type}` and their attributes, if any). */
  readonly ends: readonly TenantObject[];
  /** Pages read. */
  readonly pages: number;
}

/** The views an object has of its own edges: what its type can list. */
export function viewsOf(ref: { readonly type: GraphType; readonly id: string }): ObjectView[] {
  const views: ObjectView[] = [];
  const targets = knownAssociationTargets(ref.type);
  if (targets.length > 0) views.push({ endpoint: 'associations', source: ref, targets });
  const group = groupTypeOf(ref.type);
  if (group) views.push({ endpoint: 'memberof', source: ref, targets: [group] });
  const member = memberTypeOf(ref.type);
  if (member) views.push({ endpoint: 'members', source: ref, targets: [member] });
  return views;
}

/** `associations:user:5f1e…`: the view's name, as collections are named. */
export function viewKey(view: ObjectView): string {
  return `${view.endpoint}:${view.source.type}:${view.source.id}`;
}

/** Whether `edge` is one the view shows (an edge of its kinds at its source). */
export function viewHolds(view: ObjectView, edge: Pick<TenantEdge, 'kind' | 'from' | 'to'>): boolean {
  const { source, endpoint, targets } = view;
  const at = (end: ObjectRef): boolean => end.type === source.type && end.id === source.id;
  if (endpoint === 'associations') {
    if (edge.kind !== 'association') return false;
    const other = at(edge.from) ? edge.to : at(edge.to) ? edge.from : undefined;
    return (
      other !== undefined &&
      targets.some((t) => t === other.type && associationKindKey(t, source.type) === associationKindKey(edge.from.type, edge.to.type))
    );
  }
  if (edge.kind !== 'membership') return false;
  return endpoint === 'memberof'
    ? at(edge.to) && targets.includes(edge.from.type as GraphType)
    : at(edge.from) && targets.includes(edge.to.type as GraphType);
}

function requestOf(view: ObjectView): { path: string; query: Record<string, string> } {
  return {
    path: `/${TYPE_INFO[view.source.type].pathPrefix}/${encodeURIComponent(view.source.id)}/${view.endpoint}`,
    query: view.endpoint === 'associations' ? { targets: view.targets.join(',') } : {},
  };
}

/**
 * Reads one view in full. A page of the wrong shape or a collection that stays inconsistent is a
 * JcApiError naming the request: a live check never answers on part of what it read.
 */
export async function readView(client: ApiClient, view: ObjectView, step = `live:${view.endpoint}`): Promise<ViewRead> {
  const { path, query } = requestOf(view);
  const endpoint = client.endpoint('v2', path, query);
  const memberof = view.endpoint === 'memberof';
  const result = await collect<Record<string, unknown>>(
    async (skip, limit) => {
      const response = await client.get('v2', path, { ...query, limit, skip }, step);
      try {
        return graphPage(response);
      } catch (error) {
        if (error instanceof ShapeError)
          throw new JcApiError(`${endpoint} (skip ${skip}): the answer has the wrong shape: ${error.message}.`, { endpoint });
        throw error;
      }
    },
    {
      idOf: (item) => {
        const r = graphRef(memberof ? item : item['to']);
        return r ? `${r.type}:${r.id}` : undefined;
      },
      limit: PAGE_LIMIT,
    },
  );
  const anomaly = result.anomalies[0];
  if (anomaly) throw new JcApiError(`${endpoint}: the collection is inconsistent: ${anomaly.message}.`, { endpoint });
  const edges: TenantEdge[] = [];
  const ends: TenantObject[] = [];
  for (const item of result.records) {
    if (!isJsonObject(item)) continue;
    const other = graphRef(memberof ? item : item['to']);
    if (!other || !isGraphType(other.type) || !view.targets.includes(other.type)) continue; // unmodelled types: left out, as a fetch does
    const record: JsonObject = { id: other.id, type: other.type };
    if (other.attributes) record['attributes'] = other.attributes;
    ends.push({ type: other.type, id: other.id, record });
    const end = { type: other.type, id: other.id };
    if (view.endpoint === 'associations')
      edges.push(associationEdge(view.source, end, isJsonObject(item['attributes']) ? item['attributes'] : null));
    else if (view.endpoint === 'members')
      edges.push(membershipEdge(view.source, end, isJsonObject(item['attributes']) ? item['attributes'] : null));
    else edges.push(membershipEdge(end, view.source, directHopAttributes(item).attributes));
  }
  return { view, edges, ends, pages: result.finalPages };
}

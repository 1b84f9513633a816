/** Shared helpers of the graph tests. */
import {
  GRAPH_ENDPOINTS,
  PATTERNS_BY_KIND,
  endpointPath,
  type GraphEndpoint,
  type PathPattern,
  type TenantData,
  type TenantEdge,
} from '../../src/model/index.ts';
import { answer, type AccessGraph } from '../../src/graph/index.ts';

/** Endpoints answering with paths (traversals, memberof, membership). */
export const PATH_ENDPOINTS: readonly GraphEndpoint[] = GRAPH_ENDPOINTS.filter(
  (e) => e.kind === 'traverse' || e.kind === 'memberof' || e.kind === 'membership',
);

export function patternsOf(endpoint: GraphEndpoint): readonly PathPattern[] {
  if (endpoint.kind === 'associations' || endpoint.kind === 'members') throw new Error(`${endpoint.path} has no path patterns`);
  return PATTERNS_BY_KIND[endpoint.kind];
}

/** The concrete request for an endpoint and source, asking associations for every target they allow. */
export function requestOf(endpoint: GraphEndpoint, id: string): string {
  const path = endpointPath(endpoint, id);
  return endpoint.kind === 'associations' ? `${path}?targets=${endpoint.targets.join(',')}` : path;
}

/** Every answer of every endpoint for every source, as JSON per source id. */
export function allAnswers(g: AccessGraph, objects: readonly { type: string; id: string }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of objects) {
    if (!g.hasObject(o.id)) continue;
    const parts: unknown[] = [];
    for (const e of GRAPH_ENDPOINTS) if (e.source === o.type) parts.push([e.operationId, answer(g, requestOf(e, o.id))]);
    out.set(o.id, JSON.stringify(parts));
  }
  return out;
}

/** Whether a path (hop ids from source) walks along an edge, in either direction. */
export function pathUsesEdge(source: string, hopIds: readonly string[], edge: Pick<TenantEdge, 'from' | 'to'>): boolean {
  const nodes = [source, ...hopIds];
  for (let i = 0; i + 1 < nodes.length; i++) {
    const a = nodes[i];
    const b = nodes[i + 1];
    if ((a === edge.from.id && b === edge.to.id) || (a === edge.to.id && b === edge.from.id)) return true;
  }
  return false;
}

export function objectsOf(tenant: TenantData, type: string): string[] {
  return tenant.objects.filter((o) => o.type === type).map((o) => o.id);
}

/** Every (path endpoint, source id) pair of a tenant. */
export function pathQueries(tenant: TenantData): [GraphEndpoint, string][] {
  return PATH_ENDPOINTS.flatMap((ep) => tenant.objects.filter((o) => o.type === ep.source).map((o): [GraphEndpoint, string] => [ep, o.id]));
}

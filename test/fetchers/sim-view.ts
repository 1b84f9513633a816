/**
 * What a fetch can know of a simulated tenant. Everything, except for the two types with no list endpoint
 * (idp_routing_policy, password_manager_item): the API shows them only as association ends, as
 * `{id, type}`, so a fetch finds exactly those that have an edge, with the record `{id, type}`. The
 * simulator gives them names and sometimes no edge; this view drops what no client could see.
 */
import { TYPE_INFO, canonicalJson, isGraphType, sortTenant, type TenantData } from '../../src/model/index.ts';

export function fetchableView(tenant: TenantData): TenantData {
  const ends = new Set(tenant.edges.flatMap((e) => [`${e.from.type}:${e.from.id}`, `${e.to.type}:${e.to.id}`]));
  const objects = tenant.objects.flatMap((o) => {
    if (!isGraphType(o.type) || TYPE_INFO[o.type].lists.length > 0) return [o];
    return ends.has(`${o.type}:${o.id}`) ? [{ type: o.type, id: o.id, record: { id: o.id, type: o.type } }] : [];
  });
  return { ...tenant, objects };
}

export function canonical(tenant: TenantData): string {
  return canonicalJson(sortTenant(tenant));
}

/** A short account of how two tenants differ, for failure messages. */
export function tenantDiff(actual: TenantData, expected: TenantData): string {
  const keyed = (t: TenantData) => ({
    objects: new Set(t.objects.map((o) => canonicalJson(o))),
    edges: new Set(t.edges.map((e) => canonicalJson(e))),
  });
  const a = keyed(actual);
  const b = keyed(expected);
  const only = (x: Set<string>, y: Set<string>) => [...x].filter((k) => !y.has(k)).slice(0, 3).map((k) => k.slice(0, 160));
  return JSON.stringify({
    counts: { actual: [actual.objects.length, actual.edges.length], expected: [expected.objects.length, expected.edges.length] },
    missingObjects: only(b.objects, a.objects),
    extraObjects: only(a.objects, b.objects),
    missingEdges: only(b.edges, a.edges),
    extraEdges: only(a.edges, b.edges),
  }, null, 1);
}

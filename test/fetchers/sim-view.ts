/** Comparing a fetched tenant with the one the simulator serves. */
import { canonicalJson, sortTenant, type TenantData } from '../../src/model/index.ts';

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
  const only = (x: Set<string>, y: Set<string>) =>
    [...x]
      .filter((k) => !y.has(k))
      .slice(0, 3)
      .map((k) => k.slice(0, 160));
  return JSON.stringify(
    {
      counts: { actual: [actual.objects.length, actual.edges.length], expected: [expected.objects.length, expected.edges.length] },
      missingObjects: only(b.objects, a.objects),
      extraObjects: only(a.objects, b.objects),
      missingEdges: only(b.edges, a.edges),
      extraEdges: only(a.edges, b.edges),
    },
    null,
    1,
  );
}

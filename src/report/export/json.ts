/**
 * JSON in graphology's serialization format (`Graph.from(json)` / `graph.import(json)` reads it back):
 * `{attributes: {orgId, generator}, options: {type: 'mixed', multi: true}, nodes: [{key, attributes:
 * {type, name, record}}], edges: [{key, source, target, undirected?, attributes: {kind, attributes}}]}`.
 * Records and edge attributes are kept whole, as JSON objects; associations are undirected edges.
 */
import { sortTenant, objectName, edgeKey, type JsonObject, type TenantData } from '../../model/index.ts';

export interface JsonExport {
  readonly attributes: { readonly orgId: string; readonly generator: 'jcgraph' };
  readonly options: { readonly type: 'mixed'; readonly multi: true; readonly allowSelfLoops: false };
  readonly nodes: readonly { key: string; attributes: { type: string; name: string; record: JsonObject } }[];
  readonly edges: readonly {
    key: string;
    source: string;
    target: string;
    undirected?: true;
    attributes: { kind: string; attributes: JsonObject | null };
  }[];
}

export function toJsonExport(tenant: TenantData): JsonExport {
  const sorted = sortTenant(tenant);
  return {
    attributes: { orgId: tenant.orgId, generator: 'jcgraph' },
    options: { type: 'mixed', multi: true, allowSelfLoops: false },
    nodes: sorted.objects.map((o) => ({ key: o.id, attributes: { type: o.type, name: objectName(o.type, o.record, o.id), record: o.record } })),
    edges: sorted.edges.map((e) => ({
      key: edgeKey(e),
      source: e.from.id,
      target: e.to.id,
      ...(e.kind === 'association' ? { undirected: true as const } : {}),
      attributes: { kind: e.kind, attributes: e.attributes },
    })),
  };
}

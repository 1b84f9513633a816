/**
 * JSON in graphology's serialization format (`Graph.from(json)` / `graph.import(json)` reads it back):
 * `{attributes: {orgId, generator}, options: {type: 'mixed', multi: true}, nodes: [{key, attributes:
 * {type, name, record}}], edges: [{key, source, target, undirected?, attributes: {kind, attributes}}]}`.
 * Records and edge attributes are kept whole, as JSON objects; associations are undirected edges.
 */
import {
  sortTenant,
  objectName,
  edgeKey,
  type JsonObject,
  type TenantData,
  type TenantEdge,
  type TenantObject,
} from '../../model/index.ts';
import { jsonTextChunks, streamedArray } from '../../io/json-text.ts';

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

type JsonNode = JsonExport['nodes'][number];
type JsonEdge = JsonExport['edges'][number];

function jsonNode(o: TenantObject): JsonNode {
  return { key: o.id, attributes: { type: o.type, name: objectName(o.type, o.record, o.id), record: o.record } };
}

function jsonEdge(e: TenantEdge): JsonEdge {
  return {
    key: edgeKey(e),
    source: e.from.id,
    target: e.to.id,
    ...(e.kind === 'association' ? { undirected: true as const } : {}),
    attributes: { kind: e.kind, attributes: e.attributes },
  };
}

function head(tenant: TenantData): Pick<JsonExport, 'attributes' | 'options'> {
  return { attributes: { orgId: tenant.orgId, generator: 'jcgraph' }, options: { type: 'mixed', multi: true, allowSelfLoops: false } };
}

export function toJsonExport(tenant: TenantData): JsonExport {
  const sorted = sortTenant(tenant);
  return { ...head(tenant), nodes: sorted.objects.map(jsonNode), edges: sorted.edges.map(jsonEdge) };
}

/**
 * The export as text in pieces (one per node or edge): exactly `JSON.stringify(toJsonExport(tenant),
 * null, 1)` and a line break, without ever holding the whole document (src/io/json-text.ts).
 */
export function jsonExportChunks(tenant: TenantData): Iterable<string> {
  const sorted = sortTenant(tenant);
  return jsonTextChunks(
    { ...head(tenant), nodes: streamedArray(mapped(sorted.objects, jsonNode)), edges: streamedArray(mapped(sorted.edges, jsonEdge)) },
    { indent: 1 },
  );
}

function* mapped<T, U>(items: Iterable<T>, f: (item: T) => U): Iterable<U> {
  for (const item of items) yield f(item);
}

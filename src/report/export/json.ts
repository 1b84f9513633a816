/**
 * JSON in graphology's serialization format (`Graph.from(json)` / `graph.import(json)` reads it back):
 * `{attributes: {orgId, generator}, options: {type: 'mixed', multi: true}, nodes: [{key, attributes:
 * {type, name, record}}], edges: [{key, source, target, undirected?, attributes: {kind, attributes}}]}`.
 * Records and edge attributes are kept whole, as JSON objects; associations are undirected edges.
 */
import { sortTenant, objectName, edgeKey, type JsonObject, type TenantData, type TenantEdge, type TenantObject } from '../../model/index.ts';

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

/** JSON.stringify(value, null, 1) for a value nested `depth` levels down. */
function nested(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 1).replaceAll('\n', `\n${' '.repeat(depth)}`);
}

function* arrayChunks<T>(items: readonly T[], toJson: (item: T) => unknown): Iterable<string> {
  if (items.length === 0) {
    yield '[]';
    return;
  }
  for (let i = 0; i < items.length; i++) yield `${i === 0 ? '[\n  ' : ',\n  '}${nested(toJson(items[i] as T), 2)}`;
  yield '\n ]';
}

/**
 * The export as text in pieces (one per node or edge): exactly `JSON.stringify(toJsonExport(tenant),
 * null, 1)` and a line break, without ever holding the whole document.
 */
export function* jsonExportChunks(tenant: TenantData): Iterable<string> {
  const sorted = sortTenant(tenant);
  const { attributes, options } = head(tenant);
  yield `{\n "attributes": ${nested(attributes, 1)},\n "options": ${nested(options, 1)},\n "nodes": `;
  yield* arrayChunks(sorted.objects, jsonNode);
  yield ',\n "edges": ';
  yield* arrayChunks(sorted.edges, jsonEdge);
  yield '\n}\n';
}

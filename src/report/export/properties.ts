/**
 * The graph as flat, typed properties: what every export format (GEXF, GraphML, Neo4j CSV) writes.
 *
 * Rules (chosen here; the specs say nothing about exports):
 * - A node has `type`, `name` and `record` (the raw record as JSON, so nothing is lost), plus each
 *   top-level scalar field of its record and each scalar field of a top-level object field, one level
 *   down, joined with `_` (`mfa_configured`). An edge has `kind`, `attributes` (JSON, absent when the
 *   edge has none) and its attributes flattened the same way (`sudo_enabled`, `sudo_withoutPassword`).
 * - Only field names made of letters, digits and `_` (not starting with a digit) are flattened, so
 *   every property name is safe as an XML attribute value, a CSV header and a Cypher identifier; other
 *   fields stay in the JSON. A flattened name that collides with a reserved one (`type`, `name`,
 *   `record`, `kind`, `attributes`, `id`) gets the prefix `record_` / `attr_`. The id fields (`_id`, `id`)
 *   of records are left out: the id is the node's key.
 * - A column's type is the narrowest that holds all its values: boolean, long (safe integers), double,
 *   else string (non-string values written as JSON). Null values are absent.
 */
import {
  isJsonObject,
  edgeKey,
  objectName,
  sortTenant,
  type EdgeKind,
  type JsonObject,
  type JsonValue,
  type ObjectRef,
  type TenantData,
  type TenantEdge,
  type TenantObject,
} from '../../model/index.ts';

export type Scalar = string | number | boolean;
export type PropertyType = 'boolean' | 'long' | 'double' | 'string';

export interface PropertyColumn {
  readonly name: string;
  readonly type: PropertyType;
}

export type Properties = Readonly<Record<string, Scalar>>;

export interface ExportNode {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly props: Properties;
}

export interface ExportEdge {
  /** The tenant's edge key (`kind:fromType:fromId>toType:toId`): unique per edge. */
  readonly key: string;
  readonly kind: EdgeKind;
  /** Membership: the group; association: the canonical first end. */
  readonly from: ObjectRef;
  readonly to: ObjectRef;
  readonly props: Properties;
}

export interface ExportData {
  readonly orgId: string;
  /** In sortTenant order: by type rank, then id. */
  readonly nodes: readonly ExportNode[];
  readonly edges: readonly ExportEdge[];
}

const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NODE_RESERVED = new Set(['id', 'type', 'name', 'record']);
const EDGE_RESERVED = new Set(['id', 'kind', 'attributes']);
const RECORD_ID_FIELDS = new Set(['_id', 'id']);

function isScalar(value: JsonValue | undefined): value is Scalar {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** Top-level scalars and one level of nested objects' scalars, under safe names. */
function flatten(
  fields: JsonObject,
  skip: ReadonlySet<string>,
  reserved: ReadonlySet<string>,
  prefix: string,
  into: Record<string, Scalar>,
): void {
  const put = (name: string, value: Scalar): void => {
    into[reserved.has(name) ? `${prefix}${name}` : name] = value;
  };
  for (const [key, value] of Object.entries(fields)) {
    if (skip.has(key) || !SAFE_NAME.test(key)) continue;
    if (isScalar(value)) put(key, value);
    else if (isJsonObject(value)) {
      for (const [inner, v] of Object.entries(value)) if (SAFE_NAME.test(inner) && isScalar(v)) put(`${key}_${inner}`, v);
    }
  }
}

export function nodeProperties(type: string, name: string, record: JsonObject): Properties {
  const props: Record<string, Scalar> = {};
  flatten(record, RECORD_ID_FIELDS, NODE_RESERVED, 'record_', props);
  props['type'] = type;
  props['name'] = name;
  props['record'] = JSON.stringify(record);
  return props;
}

export function edgeProperties(kind: EdgeKind, attributes: JsonObject | null): Properties {
  const props: Record<string, Scalar> = {};
  if (attributes) flatten(attributes, new Set(), EDGE_RESERVED, 'attr_', props);
  props['kind'] = kind;
  if (attributes) props['attributes'] = JSON.stringify(attributes);
  return props;
}

/**
 * What the export writers read: ExportData, or a lazy view of a tenant (exportView) whose nodes and
 * edges get their properties as they are read, so that a writer holds one node's properties at a time.
 * `nodes` and `edges` may be iterated more than once (the writers read them once for the columns, once
 * to write).
 */
export interface ExportInput {
  readonly orgId: string;
  readonly nodes: Iterable<ExportNode>;
  readonly edges: Iterable<ExportEdge>;
}

function exportNode(o: TenantObject): ExportNode {
  const name = objectName(o.type, o.record, o.id);
  return { id: o.id, type: o.type, name, props: nodeProperties(o.type, name, o.record) };
}

function exportEdge(e: TenantEdge): ExportEdge {
  return { key: edgeKey(e), kind: e.kind, from: e.from, to: e.to, props: edgeProperties(e.kind, e.attributes) };
}

/** An iterable that maps `items` afresh each time it is iterated. */
function lazyMap<T, U>(items: readonly T[], map: (item: T) => U): Iterable<U> {
  return {
    *[Symbol.iterator]() {
      for (const item of items) yield map(item);
    },
  };
}

/** The export form of a tenant (or of `graph.toTenant()`), every node's properties built up front. */
export function exportData(tenant: TenantData): ExportData {
  const sorted = sortTenant(tenant);
  return { orgId: tenant.orgId, nodes: sorted.objects.map(exportNode), edges: sorted.edges.map(exportEdge) };
}

/** A tenant in sorted order, for the export writers. */
export interface ExportView extends ExportInput {
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** The object types present, in sorted order, each with a lazy view of its nodes. */
  readonly nodesByType: readonly { readonly type: string; readonly nodes: Iterable<ExportNode> }[];
  /** Lazy views of the memberships and of the associations. */
  readonly memberships: Iterable<ExportEdge>;
  readonly associations: Iterable<ExportEdge>;
}

/** The same nodes and edges as exportData, in the same order, with properties built only as they are read. */
export function exportView(tenant: TenantData): ExportView {
  const sorted = sortTenant(tenant);
  const byType = new Map<string, TenantObject[]>();
  for (const o of sorted.objects) {
    let list = byType.get(o.type);
    if (!list) byType.set(o.type, (list = []));
    list.push(o);
  }
  return {
    orgId: tenant.orgId,
    nodeCount: sorted.objects.length,
    edgeCount: sorted.edges.length,
    nodes: lazyMap(sorted.objects, exportNode),
    edges: lazyMap(sorted.edges, exportEdge),
    nodesByType: [...byType].map(([type, objects]) => ({ type, nodes: lazyMap(objects, exportNode) })),
    memberships: lazyMap(
      sorted.edges.filter((e) => e.kind === 'membership'),
      exportEdge,
    ),
    associations: lazyMap(
      sorted.edges.filter((e) => e.kind === 'association'),
      exportEdge,
    ),
  };
}

function typeOf(value: Scalar): PropertyType {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'long' : 'double';
  return 'string';
}

function widen(a: PropertyType, b: PropertyType): PropertyType {
  if (a === b) return a;
  if ((a === 'long' && b === 'double') || (a === 'double' && b === 'long')) return 'double';
  return 'string';
}

/**
 * The columns of a set of items: every property name any of them has, with the narrowest type holding
 * all its values. `first` names come first in that order, the rest sorted by name.
 */
export function columnsOf(items: Iterable<{ readonly props: Properties }>, first: readonly string[] = []): PropertyColumn[] {
  const types = new Map<string, PropertyType>();
  for (const item of items) {
    for (const [name, value] of Object.entries(item.props)) {
      const t = typeOf(value);
      const known = types.get(name);
      types.set(name, known === undefined ? t : widen(known, t));
    }
  }
  const leading = first.filter((n) => types.has(n));
  const rest = [...types.keys()].filter((n) => !first.includes(n)).sort();
  return [...leading, ...rest].map((name) => ({ name, type: types.get(name) as PropertyType }));
}

/** Text that XML 1.0 can hold: characters it forbids (most C0 controls, lone surrogates, U+FFFE/FFFF) become U+FFFD. */
export function xmlSafe(text: string): string {
  return text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
}

/**
 * The plain-data form of one organization: every object with its raw record and every direct edge.
 * The simulator generates it, the fetchers produce it from the API, snapshots store it and the graph
 * is built from it; two tenants are equal when their canonical JSON (sortTenant) is equal.
 */
import { canonicalPair, typeRank } from './associations.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A JSON object (not null, not an array): the one check every layer uses on parsed JSON and records. */
export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export interface ObjectRef {
  /** A GraphType, or the raw type string of an object of a type jcgraph does not model. */
  readonly type: string;
  readonly id: string;
}

export interface TenantObject extends ObjectRef {
  /** The record exactly as its list endpoint returned it (v1 records keep `_id`). */
  readonly record: JsonObject;
}

export type EdgeKind = 'membership' | 'association';

/**
 * A direct edge. Membership: `from` is the group, `to` the member. Association: symmetric, stored once
 * with its ends in canonical order (canonicalPair: lower GRAPH_TYPES rank first).
 */
export interface TenantEdge {
  readonly kind: EdgeKind;
  readonly from: ObjectRef;
  readonly to: ObjectRef;
  /** The edge's `attributes` as the API returns them (e.g. `{sudo: {enabled, withoutPassword}}`), or null. */
  readonly attributes: JsonObject | null;
}

export interface TenantData {
  /** Organization id (`x-org-id`); empty when unknown. */
  readonly orgId: string;
  readonly objects: TenantObject[];
  readonly edges: TenantEdge[];
}

/** Builds an association edge with its ends in canonical order. */
export function associationEdge(x: ObjectRef, y: ObjectRef, attributes: JsonObject | null = null): TenantEdge {
  const [from, to] = canonicalPair(x, y);
  return { kind: 'association', from: { type: from.type, id: from.id }, to: { type: to.type, id: to.id }, attributes };
}

/** Builds a membership edge: `member` is a member of `group`. */
export function membershipEdge(group: ObjectRef, member: ObjectRef, attributes: JsonObject | null = null): TenantEdge {
  return { kind: 'membership', from: { type: group.type, id: group.id }, to: { type: member.type, id: member.id }, attributes };
}

/** Identity of an edge: kind and ends (attributes excluded). */
export function edgeKey(edge: Pick<TenantEdge, 'kind' | 'from' | 'to'>): string {
  return `${edge.kind}:${edge.from.type}:${edge.from.id}>${edge.to.type}:${edge.to.id}`;
}

/** The canonical order of objects: by type rank, then by id. */
export function compareRefs(x: ObjectRef, y: ObjectRef): number {
  const r = typeRank(x.type) - typeRank(y.type);
  if (r !== 0) return r;
  if (x.type !== y.type) return x.type < y.type ? -1 : 1;
  return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
}

/** JSON with object keys sorted recursively, so equal data serializes to equal bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/**
 * Whether two JSON values are equal as canonicalJson says (keys in any order; a key whose value is
 * undefined is absent), without building either string: what comparing every record of two snapshots needs.
 */
export function jsonEqual(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!jsonEqual(x[i] ?? null, y[i] ?? null)) return false;
    return true;
  }
  const a = x as Record<string, unknown>;
  const b = y as Record<string, unknown>;
  let keys = 0;
  for (const k of Object.keys(a)) {
    if (a[k] === undefined) continue;
    keys++;
    if (!jsonEqual(a[k], b[k])) return false;
  }
  for (const k of Object.keys(b)) if (b[k] !== undefined) keys--;
  return keys === 0;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** The canonical order of edges: by kind, then by their ends. */
export function compareEdges(e1: TenantEdge, e2: TenantEdge): number {
  if (e1.kind !== e2.kind) return e1.kind < e2.kind ? -1 : 1;
  return compareRefs(e1.from, e2.from) || compareRefs(e1.to, e2.to);
}

/** A copy of the tenant in canonical order: objects by type rank then id, edges by kind then ends. */
export function sortTenant(tenant: TenantData): TenantData {
  const objects = [...tenant.objects].sort(compareRefs);
  const edges = [...tenant.edges].sort(compareEdges);
  return { orgId: tenant.orgId, objects, edges };
}

/**
 * The structural half of drift: which objects and edges two tenants (two snapshots) do not share.
 * Objects are matched by type and id, edges by kind and ends (edgeKey); records and edge attributes are
 * compared by canonical JSON, so key order never counts as a change.
 */
import { canonicalJson, edgeKey, objectName, sortTenant, type JsonObject, type TenantData, type TenantEdge, type TenantObject } from '../model/index.ts';

export interface ObjectSummary {
  readonly type: string;
  readonly id: string;
  readonly name: string;
}

export interface ObjectChange extends ObjectSummary {
  /** Top-level record fields added, removed or changed, sorted. */
  readonly fields: readonly string[];
}

export interface EdgeAttributeChange {
  readonly edge: TenantEdge;
  readonly before: JsonObject | null;
  readonly after: JsonObject | null;
}

export interface TenantDiff {
  readonly objectsAdded: readonly ObjectSummary[];
  readonly objectsRemoved: readonly ObjectSummary[];
  readonly objectsChanged: readonly ObjectChange[];
  readonly edgesAdded: readonly TenantEdge[];
  readonly edgesRemoved: readonly TenantEdge[];
  readonly edgesChanged: readonly EdgeAttributeChange[];
}

function summary(o: TenantObject): ObjectSummary {
  return { type: o.type, id: o.id, name: objectName(o.type, o.record, o.id) };
}

/** Top-level fields whose values differ between two records. */
export function changedFields(before: JsonObject, after: JsonObject): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => canonicalJson(before[k] ?? null) !== canonicalJson(after[k] ?? null) || (k in before) !== (k in after)).sort();
}

export function diffTenants(before: TenantData, after: TenantData): TenantDiff {
  const a = sortTenant(before);
  const b = sortTenant(after);
  const objectKey = (o: { type: string; id: string }): string => `${o.type}:${o.id}`;
  const oldObjects = new Map(a.objects.map((o) => [objectKey(o), o]));
  const newObjects = new Map(b.objects.map((o) => [objectKey(o), o]));
  const objectsAdded: ObjectSummary[] = [];
  const objectsChanged: ObjectChange[] = [];
  for (const [key, o] of newObjects) {
    const old = oldObjects.get(key);
    if (!old) objectsAdded.push(summary(o));
    else if (canonicalJson(old.record) !== canonicalJson(o.record)) objectsChanged.push({ ...summary(o), fields: changedFields(old.record, o.record) });
  }
  const objectsRemoved = [...oldObjects].filter(([key]) => !newObjects.has(key)).map(([, o]) => summary(o));
  const oldEdges = new Map(a.edges.map((e) => [edgeKey(e), e]));
  const newEdges = new Map(b.edges.map((e) => [edgeKey(e), e]));
  const edgesAdded: TenantEdge[] = [];
  const edgesChanged: EdgeAttributeChange[] = [];
  for (const [key, e] of newEdges) {
    const old = oldEdges.get(key);
    if (!old) edgesAdded.push(e);
    else if (canonicalJson(old.attributes) !== canonicalJson(e.attributes)) edgesChanged.push({ edge: e, before: old.attributes, after: e.attributes });
  }
  const edgesRemoved = [...oldEdges].filter(([key]) => !newEdges.has(key)).map(([, e]) => e);
  return { objectsAdded, objectsRemoved, objectsChanged, edgesAdded, edgesRemoved, edgesChanged };
}

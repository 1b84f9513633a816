/**
 * The structural half of drift: which objects and edges two tenants (two snapshots) do not share.
 * Objects are matched by type and id, edges by kind and ends (edgeKey); records and edge attributes are
 * compared by canonical JSON, so key order never counts as a change.
 */
import {
  canonicalJson,
  edgeKey,
  groupRuleOf,
  objectName,
  sortTenant,
  type JsonObject,
  type TenantData,
  type TenantEdge,
  type TenantObject,
} from '../model/index.ts';

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

/** A dynamic-group rule that changed: its method, its rule in words, its exemptions, its error flags. */
export interface RuleChange extends ObjectSummary {
  readonly method: { readonly before: string; readonly after: string };
  readonly rule: { readonly before: string; readonly after: string };
  readonly exemptionsAdded: readonly ObjectSummary[];
  readonly exemptionsRemoved: readonly ObjectSummary[];
  readonly errorFlags: { readonly before: readonly string[]; readonly after: readonly string[] };
}

export interface TenantDiff {
  readonly objectsAdded: readonly ObjectSummary[];
  readonly objectsRemoved: readonly ObjectSummary[];
  readonly objectsChanged: readonly ObjectChange[];
  readonly edgesAdded: readonly TenantEdge[];
  readonly edgesRemoved: readonly TenantEdge[];
  readonly edgesChanged: readonly EdgeAttributeChange[];
  /** User and system groups whose membership method, rule, exemptions or error flags changed. */
  readonly rulesChanged: readonly RuleChange[];
}

function summary(o: TenantObject): ObjectSummary {
  return { type: o.type, id: o.id, name: objectName(o.type, o.record, o.id) };
}

/** Top-level fields whose values differ between two records. */
export function changedFields(before: JsonObject, after: JsonObject): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => canonicalJson(before[k] ?? null) !== canonicalJson(after[k] ?? null) || k in before !== k in after).sort();
}

/** Items only in `after`, only in `before`, and in both but unequal (as [before, after]). */
function diffByKey<T>(before: readonly T[], after: readonly T[], key: (item: T) => string, same: (x: T, y: T) => boolean) {
  const old = new Map(before.map((x) => [key(x), x]));
  const now = new Map(after.map((x) => [key(x), x]));
  const added = [...now].filter(([k]) => !old.has(k)).map(([, x]) => x);
  const removed = [...old].filter(([k]) => !now.has(k)).map(([, x]) => x);
  const changed: [T, T][] = [];
  for (const [k, x] of now) {
    const y = old.get(k);
    if (y !== undefined && !same(y, x)) changed.push([y, x]);
  }
  return { added, removed, changed };
}

const RULE_RECORD_FIELDS = ['membershipMethod', 'memberQuery', 'memberQueryExemptions', 'memberQueryErrorFlags'];

/** The rule change of a group whose record changed, when a rule field is among the changes. */
function ruleChange(
  old: TenantObject,
  now: TenantObject,
  fields: readonly string[],
  name: (id: string) => ObjectSummary,
): RuleChange | undefined {
  if (!fields.some((f) => RULE_RECORD_FIELDS.includes(f))) return undefined;
  const before = groupRuleOf(old.type, old.record);
  const after = groupRuleOf(now.type, now.record);
  if (!before || !after) return undefined;
  const ids = (r: typeof before) => new Set(r.exemptions.map((e) => e.id));
  const [was, is] = [ids(before), ids(after)];
  return {
    ...summary(now),
    method: { before: before.method, after: after.method },
    rule: { before: before.text, after: after.text },
    exemptionsAdded: [...is].filter((id) => !was.has(id)).map(name),
    exemptionsRemoved: [...was].filter((id) => !is.has(id)).map(name),
    errorFlags: { before: before.errorFlags, after: after.errorFlags },
  };
}

/** The objects and edges added, removed and changed between two tenants (structure only; see drift for access). */
export function diffTenants(before: TenantData, after: TenantData): TenantDiff {
  const a = sortTenant(before);
  const b = sortTenant(after);
  const objects = diffByKey(
    a.objects,
    b.objects,
    (o) => `${o.type}:${o.id}`,
    (x, y) => canonicalJson(x.record) === canonicalJson(y.record),
  );
  const edges = diffByKey(a.edges, b.edges, edgeKey, (x, y) => canonicalJson(x.attributes) === canonicalJson(y.attributes));
  const objectsChanged = objects.changed.map(([old, now]) => ({ ...summary(now), fields: changedFields(old.record, now.record) }));
  // Exempted objects by name, from either side (a deleted user's exemption is named from the old tenant).
  const known = new Map([...a.objects, ...b.objects].map((o) => [o.id, summary(o)]));
  const name = (id: string): ObjectSummary => known.get(id) ?? { type: 'unknown', id, name: id };
  return {
    objectsAdded: objects.added.map(summary),
    objectsRemoved: objects.removed.map(summary),
    objectsChanged,
    edgesAdded: edges.added,
    edgesRemoved: edges.removed,
    edgesChanged: edges.changed.map(([old, now]) => ({ edge: now, before: old.attributes, after: now.attributes })),
    rulesChanged: objects.changed.flatMap(([old, now], i) => ruleChange(old, now, objectsChanged[i]?.fields ?? [], name) ?? []),
  };
}

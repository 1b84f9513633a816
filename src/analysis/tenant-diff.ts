/**
 * The structural half of drift: which objects and edges two tenants (two snapshots) do not share.
 * Objects are matched by type and id, edges by kind and ends (edgeKey); records and edge attributes are
 * compared as canonical JSON would compare them (jsonEqual), so key order never counts as a change.
 */
import {
  canonicalJson,
  edgeKey,
  jsonEqual,
  groupRuleOf,
  objectName,
  compareEdges,
  compareRefs,
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
  // Plain loops: on a large organization this runs over tens of thousands of items on each side. An item
  // both sides hold as the same object (a refresh carries edges over as they were) is equal to itself:
  // only the others are keyed (a tenant holds one item per key).
  const shared = new Set<T>(before);
  const kept = new Set<T>();
  for (const x of after) if (shared.has(x)) kept.add(x);
  const old = new Map<string, T>();
  for (const x of before) if (!kept.has(x)) old.set(key(x), x);
  const now = new Map<string, T>();
  for (const x of after) if (!kept.has(x)) now.set(key(x), x);
  const added: T[] = [];
  const removed: T[] = [];
  const changed: [T, T][] = [];
  for (const [k, x] of now) {
    const y = old.get(k);
    if (y === undefined) added.push(x);
    else if (!same(y, x)) changed.push([y, x]);
  }
  for (const [k, x] of old) if (!now.has(k)) removed.push(x);
  return { added, removed, changed };
}

/** A diff's lists in the order `compare` gives (changed pairs by their item after). */
function sorted<T>(diff: ReturnType<typeof diffByKey<T>>, compare: (x: T, y: T) => number): ReturnType<typeof diffByKey<T>> {
  return {
    added: diff.added.sort(compare),
    removed: diff.removed.sort(compare),
    changed: diff.changed.sort(([, x], [, y]) => compare(x, y)),
  };
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
  // Compared in the tenants' own order; what differs is then put in the canonical order (sortTenant's).
  const a = before;
  const b = after;
  const objects = sorted(
    diffByKey(
      a.objects,
      b.objects,
      (o) => `${o.type}:${o.id}`,
      (x, y) => jsonEqual(x.record, y.record),
    ),
    compareRefs,
  );
  const edges = sorted(
    diffByKey(a.edges, b.edges, edgeKey, (x, y) => jsonEqual(x.attributes, y.attributes)),
    compareEdges,
  );
  const objectsChanged = objects.changed.map(([old, now]) => ({ ...summary(now), fields: changedFields(old.record, now.record) }));
  // Exempted objects by name, from either side (a deleted user's exemption is named from the old tenant); indexed only when a rule changed.
  let known: Map<string, ObjectSummary> | undefined;
  const name = (id: string): ObjectSummary =>
    (known ??= new Map([...a.objects, ...b.objects].map((o) => [o.id, summary(o)]))).get(id) ?? { type: 'unknown', id, name: id };
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

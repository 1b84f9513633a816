/**
 * The tests' own reading of a coverage record, written from the rule in src/model/coverage.ts and not
 * from the fetcher's code: what a clean tenant looks like once every gap is taken out of it.
 */
import { TYPE_INFO, edgeKindKey, isGraphType, type Coverage, type TenantData, type TenantEdge } from '../../src/model/index.ts';

const same = (a: { type: string; id: string }, b: { type: string; id: string }): boolean => a.type === b.type && a.id === b.id;

/** True when a gap of the coverage accounts for this edge's absence (unread, or read in part). */
export function edgeLost(coverage: Coverage, edge: TenantEdge, states: readonly ('unread' | 'incomplete')[] = ['unread']): boolean {
  const kind = edgeKindKey(edge);
  return coverage.gaps.some((g) => {
    if (!states.includes(g.state)) return false;
    if (g.provides.kind === 'objects')
      return g.provides.types.includes(edge.from.type as never) || g.provides.types.includes(edge.to.type as never);
    return g.provides.edgeKinds.includes(kind) && (same(edge.from, g.provides.source) || same(edge.to, g.provides.source));
  });
}

/**
 * The clean tenant minus exactly what the coverage says was not read: objects of the types of unread
 * lists, every edge touching one, the edges of unread edge collections, and then objects of types with no
 * list that no remaining edge names (they are only known through edges).
 */
export function minusCoverage(clean: TenantData, coverage: Coverage): TenantData {
  const lostTypes = new Set(coverage.gaps.flatMap((g) => (g.state === 'unread' && g.provides.kind === 'objects' ? g.provides.types : [])));
  const edges = clean.edges.filter((e) => !edgeLost(coverage, e));
  const named = new Set(edges.flatMap((e) => [`${e.from.type}:${e.from.id}`, `${e.to.type}:${e.to.id}`]));
  const objects = clean.objects.filter((o) => {
    if (lostTypes.has(o.type as never)) return false;
    const listed = isGraphType(o.type) && TYPE_INFO[o.type].lists.length > 0;
    return listed || named.has(`${o.type}:${o.id}`);
  });
  return { orgId: clean.orgId, objects, edges };
}

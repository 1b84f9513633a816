/**
 * The collection as a unit: keys are stable and parse back; a snapshot's plan says which collection holds
 * every edge and which collections an object has; and what a collection's request answers over HTTP is
 * exactly the edges the plan attributes to it.
 */
import { describe, expect, it } from 'vitest';
import {
  CollectionPlan,
  LIST_COLLECTIONS,
  fetchTenant,
  listCollectionOf,
  planFetch,
  type EdgeCollection,
} from '../../src/fetchers/index.ts';
import {
  GRAPH_TYPES,
  TYPE_INFO,
  associationEdge,
  edgeKey,
  edgeKindKey,
  membershipEdge,
  type GraphType,
  type TenantEdge,
} from '../../src/model/index.ts';
import { fetchAll, withSimulator } from '../helpers/sim.ts';

describe('collections', () => {
  it('name every list once, and the list that provides each listable type', () => {
    expect(new Set(LIST_COLLECTIONS.map((c) => c.key)).size).toBe(LIST_COLLECTIONS.length);
    for (const type of GRAPH_TYPES) {
      const list = listCollectionOf(type);
      if (TYPE_INFO[type].lists.length === 0) expect(list).toBeUndefined();
      else expect(list!.provides).toContain(type);
    }
    // /directories provides only the types that have no list of their own.
    expect(listCollectionOf('g_suite')!.key).toBe('list:v2:/directories');
    expect(listCollectionOf('ldap_server')!.key).toBe('list:v2:/ldapservers');
  });

  it('from a snapshot plan: keys parse back, each edge belongs to exactly one collection of one of its ends, and that collection answers it over HTTP', async () => {
    await withSimulator({ preset: 'tiny', seed: 3 }, async (sim) => {
      const { tenant, meta } = await fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl });
      const plan = CollectionPlan.fromFigures(meta.plan);
      // The plan read back from the snapshot is the planner's plan for these counts.
      const counts: Record<string, number> = {};
      for (const o of tenant.objects) counts[o.type] = (counts[o.type] ?? 0) + 1;
      expect(plan.steps.map((s) => ({ ...s, firstPageRequests: 0 }))).toEqual(
        planFetch(counts).edgeSteps.map((s) => ({ ...s, firstPageRequests: 0 })),
      );
      const ids = (type: GraphType): string[] => tenant.objects.filter((o) => o.type === type).map((o) => o.id);
      const all = [...plan.edgeCollections(ids)];
      expect(all.length + LIST_COLLECTIONS.length).toBe(meta.coverage!.planned);
      for (const c of [...all, ...LIST_COLLECTIONS]) expect(plan.collection(c.key)).toEqual(c);
      expect(plan.collection('associations:nosuchtype:1')).toBeUndefined();
      // An object's collections are those whose source it is.
      for (const o of tenant.objects) {
        expect(
          plan
            .ofObject(o)
            .map((c) => c.key)
            .sort(),
        ).toEqual(
          all
            .filter((c) => c.source.id === o.id && c.source.type === o.type)
            .map((c) => c.key)
            .sort(),
        );
      }
      // Every edge has one collection, at one of its ends, reading its kind.
      const byCollection = new Map<string, Set<string>>();
      for (const e of tenant.edges) {
        const c = plan.ofEdge(e)!;
        expect(c).toBeDefined();
        expect(c.edgeKinds).toContain(edgeKindKey(e));
        expect([e.from.id, e.to.id]).toContain(c.source.id);
        expect(plan.ofEdgeKind(edgeKindKey(e), ids).map((x) => x.key)).toContain(c.key);
        byCollection.set(c.key, (byCollection.get(c.key) ?? new Set()).add(edgeKey(e)));
      }
      // What each collection's request answers is exactly the edges attributed to it.
      for (const c of all.filter((_, i) => i % 3 === 0)) {
        const answer = await fetchAll(sim, `/api/v2${c.request.path}`, { ...c.request.query });
        const got = new Set(answer.map((item: any) => edgeKey(edgeOf(c, item))));
        expect(got).toEqual(byCollection.get(c.key) ?? new Set());
      }
    });
  });
});

/** The edge one item of a collection's answer stands for. */
function edgeOf(c: EdgeCollection, item: any): TenantEdge {
  const other = c.step.endpoint === 'memberof' ? { type: item.type, id: item.id } : { type: item.to.type, id: item.to.id };
  if (c.step.endpoint === 'members') return membershipEdge(c.source, other);
  if (c.step.endpoint === 'memberof') return membershipEdge(other, c.source);
  return associationEdge(c.source, other);
}

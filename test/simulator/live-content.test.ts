/**
 * The simulator keeps what it serves up to date as the organization changes (src/simulator/server/
 * content.ts with the live adjacency) instead of rebuilding it after every change: after any run of
 * changes, reads in between, every list and every graph endpoint answer equals what the reference builds
 * from scratch for the organization as it now is.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GRAPH_ENDPOINTS, canonicalJson, type TenantData } from '../../src/model/index.ts';
import { answerEndpoint, generateTenant } from '../../src/simulator/index.ts';
import { randomChange } from '../../src/simulator/changes/churn.ts';
import { Rng } from '../../src/simulator/random.ts';
import { OrgContent } from '../../src/simulator/server/content.ts';
import { LIST_ROUTES } from '../../src/simulator/server/routes.ts';

/**
 * Every list's records (ids only for `/directories`, whose items are summaries), in id order, from the
 * organization's objects as they are.
 */
function listsFromScratch(tenant: TenantData): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const route of LIST_ROUTES.values()) {
    const types: readonly string[] = route.types;
    const objects = tenant.objects.filter((o) => types.includes(o.type)).sort((x, y) => (x.id < y.id ? -1 : 1));
    out.set(
      route.path,
      objects.map((o) => (route.list.mixedTypes ? canonicalJson(o.id) : canonicalJson(o.record))),
    );
  }
  return out;
}

/** The answer as text, or the status of the error it throws. */
function attempt(answer: () => unknown): string {
  try {
    return canonicalJson(answer());
  } catch (e) {
    return `error ${(e as { status?: number }).status ?? '?'}`;
  }
}

describe('the simulator serves a changing organization without rebuilding it', () => {
  it('answers every list and graph endpoint as the reference does from scratch, whatever changes came between reads (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 }),
        (churnSeed, batches) => {
          const generated = generateTenant({ preset: 'tiny', seed: 3, orgId: 'org-live' });
          const org = new OrgContent(generated, {}, 0);
          const rng = new Rng(churnSeed);
          // Sources: every object the organization started with, and the ones created on the way.
          const sources = new Map(generated.objects.map((o) => [`${o.type}:${o.id}`, o]));
          let changed = 0;
          for (const size of batches) {
            // Read before the changes, so that every cache holds something the changes must not leave stale.
            for (const route of LIST_ROUTES.values()) org.listItems(route);
            for (const o of [...sources.values()].slice(0, 40))
              for (const endpoint of GRAPH_ENDPOINTS.filter((e) => e.source === o.type && e.kind !== 'associations'))
                attempt(() => org.graphItems({ kind: 'graph', api: 'v2', endpoint, id: o.id }, []));
            for (let i = 0; i < size; i++) {
              const change = randomChange(org.tenant, rng);
              if (!change) continue;
              const [applied] = org.apply([change], 0);
              if (applied?.effect === 'create')
                sources.set(`${applied.object.type}:${applied.object.id}`, { ...applied.object, record: {} });
              if (applied && applied.effect !== 'none') changed++;
            }
            // What the reference builds from scratch: a copy of the organization now, indexed afresh.
            const now: TenantData = { ...org.tenant, objects: [...org.tenant.objects], edges: [...org.tenant.edges] };
            const lists = listsFromScratch(now);
            for (const route of LIST_ROUTES.values())
              expect(
                org.listItems(route).map((r) => (route.list.mixedTypes ? canonicalJson(r['id']) : canonicalJson(r))),
                route.path,
              ).toEqual(lists.get(route.path));
            for (const o of sources.values())
              for (const endpoint of GRAPH_ENDPOINTS.filter((e) => e.source === o.type)) {
                const targets = endpoint.kind === 'associations' ? [...endpoint.targets].sort() : [];
                const served = attempt(() => org.graphItems({ kind: 'graph', api: 'v2', endpoint, id: o.id }, targets));
                expect(served, `${endpoint.path} ${o.id}`).toBe(attempt(() => answerEndpoint(now, endpoint, o.id, targets)));
              }
          }
          return changed > 0;
        },
      ),
      { numRuns: 12 },
    );
  });
});

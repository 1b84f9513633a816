/**
 * Properties of the traversal engine on random small tenants, against a brute-force enumeration of all
 * simple paths over the raw edge list (test/graph/brute-force.ts).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  GRAPH_ENDPOINTS,
  GRAPH_TYPES,
  canonicalJson,
  endpointPath,
  sortTenant,
  type PathPattern,
  type Step,
  type TenantData,
  type TenantEdge,
} from '../../src/model/index.ts';
import { AccessGraph, affectedSources, answer, inventory, bindingLabel, traverse, bindingsOf } from '../../src/graph/index.ts';
import { bruteForceAnswer } from './brute-force.ts';
import { tenantArb } from '../helpers/random-tenant.ts';
import { PATH_ENDPOINTS, allAnswers, pathQueries, pathUsesEdge, patternsOf } from './helpers.ts';

const RUNS = 40;

/** A tenant and one of its edges. */
const tenantWithEdge = tenantArb()
  .filter((t) => t.edges.length > 0)
  .chain((t) => fc.tuple(fc.constant(t), fc.integer({ min: 0, max: t.edges.length - 1 })));

/** Every (endpoint, source, target, path) of the path endpoints, as comparable keys. */
function pathKeys(g: AccessGraph, tenant: TenantData): Set<string> {
  const keys = new Set<string>();
  for (const [ep, id] of pathQueries(tenant)) {
    for (const t of traverse(g, id, ep))
      for (const p of t.paths) keys.add(`${ep.operationId}|${id}|${t.id}|${p.map((h) => h.to.id).join('>')}`);
  }
  return keys;
}

describe('traversal equals brute force on random tenants', () => {
  it('answers every path endpoint for every source exactly as the brute-force enumeration of the grammar', () => {
    fc.assert(
      fc.property(tenantArb(), (tenant) => {
        const g = AccessGraph.fromTenant(tenant);
        for (const [ep, id] of pathQueries(tenant)) {
          const expected = bruteForceAnswer(tenant, id, patternsOf(ep), ep.targets, { withCommandFields: ep.withCommandFields === true });
          expect(traverse(g, id, ep)).toEqual(expected);
          expect(answer(g, endpointPath(ep, id))).toEqual(expected);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('answers associations (only the asked targets) and members from the direct edges', () => {
    const direct = GRAPH_ENDPOINTS.filter((e) => e.kind === 'associations' || e.kind === 'members');
    fc.assert(
      fc.property(tenantArb(), fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })), (tenant, coins) => {
        const g = AccessGraph.fromTenant(tenant);
        const typeOf = new Map(tenant.objects.map((o) => [o.id, o.type]));
        const byId = (a: { to: { id: string } }, b: { to: { id: string } }) => (a.to.id < b.to.id ? -1 : 1);
        for (const ep of direct) {
          for (const o of tenant.objects) {
            if (o.type !== ep.source) continue;
            let targets = ep.targets.filter(() => coins.next().value < 0.5);
            if (targets.length === 0) targets = [ep.targets[0]!];
            const expected = tenant.edges
              .filter((e) =>
                ep.kind === 'associations'
                  ? e.kind === 'association' && (e.from.id === o.id || e.to.id === o.id)
                  : e.kind === 'membership' && e.from.id === o.id,
              )
              .map((e) => (e.from.id === o.id ? e.to.id : e.from.id))
              .filter((other) => targets.includes(typeOf.get(other)!))
              .map((other) => {
                const e = tenant.edges.find((x) => (x.from.id === o.id && x.to.id === other) || (x.to.id === o.id && x.from.id === other))!;
                return { to: { id: other, type: typeOf.get(other)!, attributes: null }, attributes: e.attributes };
              })
              .sort(byId);
            const query: Record<string, string> = ep.kind === 'associations' ? { targets: targets.join(',') } : {};
            expect(answer(g, `/api/v2${endpointPath(ep, o.id)}`, query)).toEqual(expected);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('answers custom queries (targets, patterns, via) as the brute force does', () => {
    const step = fc.constantFrom<Step>('up', 'association', 'down');
    const pattern: fc.Arbitrary<PathPattern> = fc.array(step, { minLength: 1, maxLength: 3 });
    const query = fc.record({
      targets: fc.subarray([...GRAPH_TYPES.filter((t) => t !== 'rule')], { minLength: 1 }),
      patterns: fc.uniqueArray(pattern, { minLength: 1, maxLength: 4, selector: (s) => s.join('>') }),
      via: fc.option(fc.subarray([...GRAPH_TYPES.filter((t) => t !== 'rule')]), { nil: undefined }),
    });
    fc.assert(
      fc.property(tenantArb(), query, (tenant, q) => {
        const g = AccessGraph.fromTenant(tenant);
        for (const o of tenant.objects) {
          const expected = bruteForceAnswer(tenant, o.id, q.patterns, q.targets, q.via ? { via: q.via } : {});
          expect(traverse(g, o.id, q)).toEqual(expected);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('answers user → user_group → application only, when asked that way', () => {
    fc.assert(
      fc.property(tenantArb(), (tenant) => {
        const g = AccessGraph.fromTenant(tenant);
        const q = { targets: ['application'], patterns: [['up', 'association']] as PathPattern[], via: ['user_group'] };
        for (const o of tenant.objects.filter((x) => x.type === 'user')) {
          const got = traverse(g, o.id, q);
          expect(got).toEqual(bruteForceAnswer(tenant, o.id, q.patterns, q.targets, { via: q.via }));
          for (const t of got) for (const p of t.paths) expect(p.map((h) => h.to.type)).toEqual(['user_group', 'application']);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('paths are made of the graph', () => {
  it('every hop of every path is an edge of the graph with its attributes, and no path repeats an object', () => {
    fc.assert(
      fc.property(tenantArb(), (tenant) => {
        const g = AccessGraph.fromTenant(tenant);
        for (const [ep, source] of pathQueries(tenant)) {
          for (const target of traverse(g, source, ep)) {
            expect(target.paths.length).toBeGreaterThan(0);
            for (const path of target.paths) {
              const ids = [source, ...path.map((h) => h.to.id)];
              expect(new Set(ids).size).toBe(ids.length);
              expect(path[path.length - 1]!.to.id).toBe(target.id);
              path.forEach((hop, i) => {
                const prev = ids[i]!;
                const edge = tenant.edges.find(
                  (e) => (e.from.id === prev && e.to.id === hop.to.id) || (e.to.id === prev && e.from.id === hop.to.id),
                );
                expect(edge, `edge ${prev}–${hop.to.id}`).toBeDefined();
                expect(hop.attributes).toEqual(edge!.attributes);
                expect(hop.to.type).toBe(tenant.objects.find((x) => x.id === hop.to.id)!.type);
              });
            }
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('edits', () => {
  it('removing one edge removes exactly the paths that used it, and adding it back restores every answer', () => {
    fc.assert(
      fc.property(tenantWithEdge, ([tenant, k]) => {
        const g = AccessGraph.fromTenant(tenant);
        const edge = tenant.edges[k]!;
        const answersBefore = allAnswers(g, tenant.objects);
        const before = pathKeys(g, tenant);
        g.removeEdge(edge);
        expect(g.hasEdge(edge)).toBe(false);
        const after = pathKeys(g, tenant);
        const expected = new Set(
          [...before].filter((key) => {
            const [, source, , hops] = key.split('|');
            return !pathUsesEdge(source!, hops!.split('>'), edge);
          }),
        );
        expect(after).toEqual(expected);
        g.addEdge(edge);
        expect(allAnswers(g, tenant.objects)).toEqual(answersBefore);
      }),
      { numRuns: RUNS },
    );
  });

  it('after a random series of edits, every answer equals that of a graph built fresh from toTenant()', () => {
    const edits = fc.array(fc.tuple(fc.constantFrom('removeEdge', 'readdEdge', 'setAttributes', 'removeObject', 'addObject'), fc.nat()), {
      maxLength: 12,
    });
    fc.assert(
      fc.property(tenantArb(), edits, (tenant, ops) => {
        const g = AccessGraph.fromTenant(tenant);
        const removed: TenantEdge[] = [];
        let fresh = 0;
        for (const [op, n] of ops) {
          const edges = [...g.edges()];
          const objects = [...g.objects()];
          if (op === 'removeEdge' && edges.length > 0) {
            const e = edges[n % edges.length]!;
            g.removeEdge(e);
            removed.push(e);
          } else if (op === 'readdEdge' && removed.length > 0) {
            const e = removed.splice(n % removed.length, 1)[0]!;
            if (g.hasObject(e.from.id) && g.hasObject(e.to.id))
              g.addEdge({ ...e, attributes: n % 2 ? { sudo: { enabled: true, withoutPassword: false } } : e.attributes });
          } else if (op === 'setAttributes' && edges.length > 0) {
            g.setEdgeAttributes(edges[n % edges.length]!, { sudo: { enabled: n % 3 === 0, withoutPassword: true } });
          } else if (op === 'removeObject' && objects.length > 0) {
            g.removeObject(objects[n % objects.length]!.id);
          } else if (op === 'addObject') {
            // a new user (ids sort anywhere among the existing ones) joined to a group and a system when there are some
            const id = `${(n % 65536).toString(16).padStart(4, '0')}z${fresh++}`;
            g.addObject({ type: 'user', id, record: { _id: id, username: id } });
            const group = objects.find((o) => o.type === 'user_group');
            if (group)
              g.addEdge({ kind: 'membership', from: { type: 'user_group', id: group.id }, to: { type: 'user', id }, attributes: null });
            const system = objects.find((o) => o.type === 'system');
            if (system)
              g.addEdge({
                kind: 'association',
                from: { type: 'system', id: system.id },
                to: { type: 'user', id },
                attributes: { sudo: { enabled: true, withoutPassword: true } },
              });
          }
        }
        const rebuilt = AccessGraph.fromTenant(g.toTenant());
        const objects = [...g.objects()];
        expect(allAnswers(g, objects)).toEqual(allAnswers(rebuilt, objects));
      }),
      { numRuns: RUNS },
    );
  });

  it('affectedSources holds every source whose answers change when an edge is removed or added', () => {
    fc.assert(
      fc.property(tenantWithEdge, ([tenant, k]) => {
        const g = AccessGraph.fromTenant(tenant);
        const edge = tenant.edges[k]!;
        const before = allAnswers(g, tenant.objects);
        const affectedByRemoval = affectedSources(g, edge);
        g.removeEdge(edge);
        const affectedByAddition = affectedSources(g, edge);
        const after = allAnswers(g, tenant.objects);
        expect(affectedByAddition).toEqual(affectedByRemoval);
        for (const o of tenant.objects) {
          if (before.get(o.id) !== after.get(o.id)) expect(affectedByRemoval.has(o.id), `${o.type} ${o.id}`).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('inventory and the integer API', () => {
  it('streams, per source in id order, exactly the traversal answers, labelled', () => {
    fc.assert(
      fc.property(tenantArb(), fc.constantFrom(...PATH_ENDPOINTS.filter((e) => e.kind === 'traverse')), (tenant, ep) => {
        const g = AccessGraph.fromTenant(tenant);
        const got = [...inventory(g, ep.source, ep.targets)];
        const sources = tenant.objects
          .filter((o) => o.type === ep.source)
          .map((o) => o.id)
          .sort();
        const expected = sources.flatMap((id) =>
          traverse(g, id, { targets: ep.targets }).map((target) => ({
            source: { type: ep.source, id },
            target,
            label: bindingLabel(target.paths),
            truncated: false,
          })),
        );
        expect(got).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('with a path cap keeps the shortest paths, at most cap of them, and flags exactly the bindings it cut', () => {
    fc.assert(
      fc.property(tenantArb({ scale: 1.5 }), fc.integer({ min: 1, max: 3 }), (tenant, cap) => {
        const g = AccessGraph.fromTenant(tenant);
        for (const b of inventory(g, 'user', ['system', 'system_group'], { pathCap: cap })) {
          const full = traverse(g, b.source.id, { targets: ['system', 'system_group'] }).find((t) => t.id === b.target.id)!;
          expect(b.truncated).toBe(full.paths.length > cap);
          expect(b.target.paths.length).toBe(Math.min(cap, full.paths.length));
          const fullKeys = full.paths.map((p) => JSON.stringify(p));
          for (const p of b.target.paths) expect(fullKeys).toContain(JSON.stringify(p));
          expect(b.target.paths.map((p) => p.length)).toEqual(full.paths.map((p) => p.length).slice(0, b.target.paths.length));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('bindingsOf gives, per source, every binding to every traversal target type, with paths as edge lists', () => {
    fc.assert(
      fc.property(tenantArb(), (tenant) => {
        const g = AccessGraph.fromTenant(tenant);
        const ix = g.index;
        for (const o of tenant.objects) {
          const b = bindingsOf(g, o.id);
          const endpoints = PATH_ENDPOINTS.filter((e) => e.source === o.type && e.kind === 'traverse');
          const expected = new Map<string, string[]>();
          for (const ep of endpoints)
            for (const t of traverse(g, o.id, ep))
              expected.set(
                t.id,
                t.paths.map((p) => p.map((h) => h.to.id).join('>')),
              );
          expect(b.size).toBe(expected.size);
          for (let i = 0; i < b.size; i++) {
            const target = ix.idOf(b.targets[i]!);
            const paths: string[] = [];
            for (let p = b.pathStart[i]!; p < b.pathStart[i + 1]!; p++) {
              const edges = [...b.pathEdges(p)].map((e) => ix.edgeRef(e));
              let at = o.id;
              const hops: string[] = [];
              for (const e of edges) {
                at = e.from.id === at ? e.to.id : e.from.id;
                hops.push(at);
              }
              expect(hops).toEqual([...b.pathNodes(p)].map((n) => ix.idOf(n)));
              paths.push(hops.join('>'));
            }
            expect(paths).toEqual(expected.get(target));
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('round trip', () => {
  it('toTenant() is the tenant in canonical order, whatever order its edges and association ends came in', () => {
    fc.assert(
      fc.property(tenantArb(), (tenant) => {
        const flipped: TenantData = {
          ...tenant,
          edges: tenant.edges.map((e) => (e.kind === 'association' ? { ...e, from: e.to, to: e.from } : e)),
        };
        expect(canonicalJson(AccessGraph.fromTenant(flipped).toTenant())).toBe(canonicalJson(sortTenant(tenant)));
      }),
      { numRuns: RUNS },
    );
  });
});

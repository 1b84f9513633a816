/** AccessGraph: building, validation, edits, clone, version, and the index kept in step. */
import { describe, expect, it } from 'vitest';
import { UnknownObjectError } from '../../src/errors.ts';
import { associationEdge, membershipEdge, type TenantData } from '../../src/model/index.ts';
import { AccessGraph, ConcurrentEditError, GraphDataError, inventory, traverse } from '../../src/graph/index.ts';
import { allAnswers } from './helpers.ts';

const u = (id: string) => ({ type: 'user', id, record: { _id: id, username: `name-${id}` } });
const ug = (id: string, attributes?: object) => ({
  type: 'user_group',
  id,
  record: { id, name: `group-${id}`, ...(attributes ? { attributes } : {}) } as never,
});
const sys = (id: string) => ({ type: 'system', id, record: { _id: id, displayName: `host-${id}` } });
const sg = (id: string) => ({ type: 'system_group', id, record: { id, name: `sgroup-${id}` } });
const ref = (o: { type: string; id: string }) => ({ type: o.type, id: o.id });

/** u1 ∈ g1; g1 ↔ s1; g1 ↔ sg1 ⊇ s2; u1 ↔ s1 (sudo). */
function smallTenant(): TenantData {
  const objects = [u('u1'), u('u2'), ug('g1'), sys('s1'), sys('s2'), sg('sg1')];
  return {
    orgId: 'org1',
    objects,
    edges: [
      membershipEdge(ref(ug('g1')), ref(u('u1'))),
      associationEdge(ref(ug('g1')), ref(sys('s1'))),
      associationEdge(ref(ug('g1')), ref(sg('sg1'))),
      membershipEdge(ref(sg('sg1')), ref(sys('s2'))),
      associationEdge(ref(u('u1')), ref(sys('s1')), { sudo: { enabled: true, withoutPassword: false } }),
    ],
  };
}

describe('building from a tenant', () => {
  it('holds objects with their names and records, and edges in canonical form', () => {
    const g = AccessGraph.fromTenant(smallTenant());
    expect(g.orgId).toBe('org1');
    expect(g.object('u1')).toEqual({ id: 'u1', type: 'user', name: 'name-u1', record: { _id: 'u1', username: 'name-u1' } });
    expect([...g.objects('system')].map((o) => o.id).sort()).toEqual(['s1', 's2']);
    expect(g.model.order).toBe(6);
    expect(g.model.size).toBe(5);
    expect(g.edgesOf('s1')).toHaveLength(2);
    expect(g.hasEdge({ kind: 'association', from: { type: 'system', id: 's1' }, to: { type: 'user', id: 'u1' } })).toBe(true);
    expect(g.edgeAttributes({ kind: 'association', from: { type: 'system', id: 's1' }, to: { type: 'user', id: 'u1' } })).toEqual({
      sudo: { enabled: true, withoutPassword: false },
    });
  });

  it('refuses an id used twice, an edge to a missing object, a wrong end type, and a membership that is not group ⊇ member', () => {
    const t = smallTenant();
    expect(() => AccessGraph.fromTenant({ ...t, objects: [...t.objects, sys('u1')] })).toThrow(/Object id u1 appears twice/);
    expect(() =>
      AccessGraph.fromTenant({ ...t, edges: [...t.edges, associationEdge({ type: 'user', id: 'u1' }, { type: 'system', id: 'nope' })] }),
    ).toThrow(GraphDataError);
    expect(() =>
      AccessGraph.fromTenant({ ...t, edges: [...t.edges, associationEdge({ type: 'user', id: 'u1' }, { type: 'system', id: 'g1' })] }),
    ).toThrow(/names g1 as a system, but that object is a user_group/);
    expect(() =>
      AccessGraph.fromTenant({
        ...t,
        edges: [...t.edges, membershipEdge({ type: 'system_group', id: 'sg1' }, { type: 'user', id: 'u2' })],
      }),
    ).toThrow(/not a group-member pair/);
    expect(() => AccessGraph.fromTenant({ ...t, edges: [...t.edges, { ...t.edges[4]!, attributes: null }] })).toThrow(
      /appears twice in the tenant with different attributes/,
    );
    // an exact repeat loses nothing and is accepted once
    expect(AccessGraph.fromTenant({ ...t, edges: [...t.edges, t.edges[0]!] }).model.size).toBe(5);
  });

  it('names the id of an unknown object', () => {
    const g = AccessGraph.fromTenant(smallTenant());
    expect(() => g.object('zzz')).toThrow(UnknownObjectError);
    expect(() => g.object('zzz')).toThrow(/zzz/);
    expect(() => traverse(g, 'zzz', { targets: ['system'] })).toThrow(UnknownObjectError);
  });
});

describe('edits', () => {
  it('bump the version and change answers at once', () => {
    const g = AccessGraph.fromTenant(smallTenant());
    const v0 = g.version;
    expect(traverse(g, 'u2', { targets: ['system'] })).toEqual([]);
    g.addEdge(membershipEdge({ type: 'user_group', id: 'g1' }, { type: 'user', id: 'u2' }));
    expect(g.version).toBeGreaterThan(v0);
    expect(traverse(g, 'u2', { targets: ['system'] }).map((t) => t.id)).toEqual(['s1', 's2']);
    g.removeEdge({ kind: 'association', from: { type: 'user_group', id: 'g1' }, to: { type: 'system_group', id: 'sg1' } });
    expect(traverse(g, 'u2', { targets: ['system'] }).map((t) => t.id)).toEqual(['s1']);
    g.removeObject('g1');
    expect(g.hasObject('g1')).toBe(false);
    expect(traverse(g, 'u2', { targets: ['system'] })).toEqual([]);
    expect(traverse(g, 'u1', { targets: ['system'] }).map((t) => t.id)).toEqual(['s1']);
  });

  it('accept association ends in either order and refuse duplicates, absent edges and missing ends', () => {
    const g = AccessGraph.fromTenant(smallTenant());
    g.addEdge({ kind: 'association', from: { type: 'system', id: 's2' }, to: { type: 'user', id: 'u2' }, attributes: null });
    expect(g.hasEdge(associationEdge({ type: 'user', id: 'u2' }, { type: 'system', id: 's2' }))).toBe(true);
    expect(() => g.addEdge(associationEdge({ type: 'user', id: 'u2' }, { type: 'system', id: 's2' }))).toThrow(/already in the graph/);
    expect(() => g.removeEdge(associationEdge({ type: 'user', id: 'u2' }, { type: 'system', id: 's1' }))).toThrow(
      /has no association user u2 ↔ system s1/,
    );
    expect(() => g.addEdge(associationEdge({ type: 'user', id: 'u2' }, { type: 'system', id: 'x9' }))).toThrow(UnknownObjectError);
    expect(() => g.addObject(u('u1'))).toThrow(/already in the graph/);
  });

  it('setEdgeAttributes changes hop attributes and compiled sudo', () => {
    const g = AccessGraph.fromTenant(smallTenant());
    const e = associationEdge({ type: 'user', id: 'u1' }, { type: 'system', id: 's1' });
    g.setEdgeAttributes(e, { sudo: { enabled: true, withoutPassword: true } });
    const s1 = traverse(g, 'u1', { targets: ['system'] }).find((t) => t.id === 's1')!;
    expect(s1.paths[0]!).toEqual([
      { to: { id: 's1', type: 'system', attributes: null }, attributes: { sudo: { enabled: true, withoutPassword: true } } },
    ]);
    expect(s1.compiledAttributes).toEqual({ sudo: { enabled: true, withoutPassword: true } });
  });

  it('clone() is independent in both directions', () => {
    const g = AccessGraph.fromTenant(smallTenant());
    traverse(g, 'u1', { targets: ['system'] }); // index built before cloning
    const c = g.clone();
    c.removeObject('g1');
    g.removeEdge(associationEdge({ type: 'user', id: 'u1' }, { type: 'system', id: 's1' }));
    expect(traverse(g, 'u1', { targets: ['system'] }).map((t) => t.id)).toEqual(['s1', 's2']);
    expect(traverse(c, 'u1', { targets: ['system'] }).map((t) => t.id)).toEqual(['s1']);
    expect(c.toTenant().objects.map((o) => o.id)).not.toContain('g1');
    expect(g.toTenant().objects.map((o) => o.id)).toContain('g1');
  });

  it('direct edits of the graphology model are seen: the index is rebuilt from the model', () => {
    const g = AccessGraph.fromTenant(smallTenant());
    const before = g.version;
    g.model.dropEdge(g.model.edges('u1', 's1')[0]!);
    expect(g.version).toBeGreaterThan(before);
    expect(traverse(g, 'u1', { targets: ['system'] }).find((t) => t.id === 's1')!.paths).toHaveLength(1);
    g.model.addNode('u3', { type: 'user', name: 'u3', record: { _id: 'u3' } });
    g.model.addDirectedEdgeWithKey('membership:user_group:g1>user:u3', 'g1', 'u3', { kind: 'membership', attributes: null });
    expect(traverse(g, 'u3', { targets: ['system'] }).map((t) => t.id)).toEqual(['s1', 's2']);
    g.model.addDirectedEdgeWithKey('whatever', 'u2', 's2', { kind: 'association', attributes: null });
    expect(() => traverse(g, 'u2', { targets: ['system'] })).toThrow(/not keyed by its kind and canonical ends/);
  });

  it('stays right through enough incremental edits to trigger a rebuild, which renumbers (new epoch)', () => {
    const g = AccessGraph.fromTenant(smallTenant());
    const fresh = allAnswers(g, smallTenant().objects);
    const epoch = g.index.epoch;
    const e = membershipEdge({ type: 'user_group', id: 'g1' }, { type: 'user', id: 'u1' });
    for (let i = 0; i < 1100; i++) {
      g.removeEdge(e);
      g.addEdge(e);
    }
    expect(allAnswers(g, smallTenant().objects)).toEqual(fresh);
    expect(g.index.epoch).toBeGreaterThan(epoch);
  });

  it('an inventory being read refuses to go on after an edit', () => {
    const g = AccessGraph.fromTenant(smallTenant());
    const it = inventory(g, 'user', ['system'])[Symbol.iterator]();
    expect(it.next().done).toBe(false);
    g.removeObject('u2');
    expect(() => it.next()).toThrow(ConcurrentEditError);
  });

  it('holds objects of types jcgraph does not model, before and after the build, and reaches them only when asked', () => {
    const t = smallTenant();
    const agents = { type: 'agent_group', id: 'ag1', record: { id: 'ag1', name: 'agents' } };
    const app = { type: 'application', id: 'app1', record: { _id: 'app1', name: 'Slack' } };
    const g = AccessGraph.fromTenant({
      ...t,
      objects: [...t.objects, agents, app],
      edges: [...t.edges, associationEdge(ref(app), ref(agents)), associationEdge(ref(ug('g1')), ref(app))],
    });
    expect(traverse(g, 'u1', { targets: ['application'] }).map((x) => x.id)).toEqual(['app1']);
    expect(traverse(g, 'app1', { targets: ['agent_group'] }).map((x) => x.id)).toEqual(['ag1']);
    g.addObject({ type: 'printer', id: 'p1', record: { id: 'p1' } });
    g.addEdge(associationEdge({ type: 'printer', id: 'p1' }, ref(u('u1'))));
    expect(traverse(g, 'u1', { targets: ['printer'] }).map((x) => [x.id, x.type])).toEqual([['p1', 'printer']]);
    expect(traverse(g, 'u1', { targets: ['system'] }).map((x) => x.id)).toEqual(['s1', 's2']);
    expect(g.toTenant().objects.map((o) => o.type)).toContain('printer');
  });
});

import { describe, expect, it } from 'vitest';
import { diffTenants } from '../../src/analysis/tenant-diff.ts';
import { TenantBuilder, SUDO } from './tenant-builder.ts';

describe('structural diff of two tenants', () => {
  it('finds added, removed and changed objects and edges', () => {
    const before = new TenantBuilder();
    const jdoe = before.user('jdoe');
    const ann = before.user('ann');
    const eng = before.userGroup('Engineering');
    const web = before.system('web-01');
    before.member(eng, jdoe).member(eng, ann).associate(eng, web);
    const after = new TenantBuilder();
    after.user('jdoe', { suspended: true, state: 'SUSPENDED' });
    const bob = after.user('bob');
    after.userGroup('Engineering');
    after.system('web-01');
    after.member(eng, jdoe).member(eng, bob).associate(eng, web, SUDO);

    const diff = diffTenants(before.build(), after.build());
    expect(diff.objectsAdded).toEqual([{ type: 'user', id: bob.id, name: 'bob' }]);
    expect(diff.objectsRemoved).toEqual([{ type: 'user', id: ann.id, name: 'ann' }]);
    expect(diff.objectsChanged).toEqual([{ type: 'user', id: jdoe.id, name: 'jdoe', fields: ['state', 'suspended'] }]);
    expect(diff.edgesAdded.map((e) => e.to.id)).toEqual([bob.id]);
    expect(diff.edgesRemoved.map((e) => e.to.id)).toEqual([ann.id]);
    expect(diff.edgesChanged).toEqual([{ edge: expect.objectContaining({ kind: 'association' }), before: null, after: SUDO }]);
  });

  it('sees nothing between a tenant and a reordered copy of it', () => {
    const b = new TenantBuilder();
    const u = b.user('u');
    const g = b.userGroup('g');
    b.member(g, u);
    const t = b.build();
    const reordered = { ...t, objects: [...t.objects].reverse(), edges: [...t.edges].reverse() };
    const diff = diffTenants(t, reordered);
    expect(Object.values(diff).every((list) => list.length === 0)).toBe(true);
  });
});

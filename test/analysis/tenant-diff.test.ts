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

  it('reports a dynamic group whose rule, method, exemptions or error flags changed, in words', () => {
    const side = (fields: Record<string, unknown>) => {
      const b = new TenantBuilder();
      const jdoe = b.user('jdoe');
      const ann = b.user('ann');
      b.dynamicGroup('user_group', 'Engineering', 'DYNAMIC_REVIEW_REQUIRED', [['department', 'eq', 'Engineering']], {
        memberQueryExemptions: [{ id: jdoe.id, type: 'user' }],
        ...(fields as object),
      });
      b.userGroup('Static');
      return { tenant: b.build(), jdoe, ann };
    };
    const before = side({});
    const after = side({
      membershipMethod: 'DYNAMIC_AUTOMATED',
      memberQuery: { filters: [{ field: 'department', operation: 'in', value: ['Engineering', 'R&D'] }] },
      memberQueryExemptions: [{ id: before.ann.id, type: 'user' }],
      memberQueryErrorFlags: ['CYCLE'],
    });
    const diff = diffTenants(before.tenant, after.tenant);
    expect(diff.rulesChanged).toEqual([
      {
        type: 'user_group',
        id: 'user_group-Engineering',
        name: 'Engineering',
        method: { before: 'DYNAMIC_REVIEW_REQUIRED', after: 'DYNAMIC_AUTOMATED' },
        rule: { before: 'department eq "Engineering"', after: 'department in ["Engineering", "R&D"]' },
        exemptionsAdded: [{ type: 'user', id: before.ann.id, name: 'ann' }],
        exemptionsRemoved: [{ type: 'user', id: before.jdoe.id, name: 'jdoe' }],
        errorFlags: { before: [], after: ['CYCLE'] },
      },
    ]);
    // A change of another field of a group is no rule change.
    const renamed = side({ description: 'the engineers' });
    expect(diffTenants(before.tenant, renamed.tenant).rulesChanged).toEqual([]);
  });
});

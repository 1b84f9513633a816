/**
 * Generated tenants give their dynamic groups real rules, and their members are what the rules give, so
 * the simulator's first re-evaluation changes nothing: "All Staff" on userState, the department groups on
 * department (with exemptions and members added by hand), the OS device groups on the OS, the small
 * dynamic groups on the documented attributes in both forms, one rule flagged in error and frozen.
 * The membership is checked both through the simulator's evaluator and by reading the records directly.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { JsonObject, TenantData, TenantObject } from '../../src/model/index.ts';
import { generateTenant } from '../../src/simulator/index.ts';
import { allRuleChanges, tenantRuleView } from '../../src/simulator/dynamic/rebuild.ts';

const PRESETS = ['tiny', 'small', 'large'] as const;
const tenants = new Map(PRESETS.map((p) => [p, generateTenant({ preset: p, seed: 1 })]));

function membersOf(t: TenantData, group: TenantObject): Set<string> {
  return new Set(t.edges.filter((e) => e.kind === 'membership' && e.from.id === group.id).map((e) => e.to.id));
}

function exempted(group: TenantObject): Set<string> {
  return new Set(((group.record['memberQueryExemptions'] ?? []) as JsonObject[]).map((e) => e['id'] as string));
}

const groupsOf = (t: TenantData) => t.objects.filter((o) => o.type === 'user_group' || o.type === 'system_group');
const named = (t: TenantData, name: string) => t.objects.find((o) => o.type.endsWith('group') && o.record['name'] === name);
const nameOf = (g: TenantObject): string => JSON.stringify(g.record['name']);
const isDynamic = (g: TenantObject) => JSON.stringify(g.record['membershipMethod']).startsWith('"DYNAMIC_');

describe('generated membership is what the rules give', () => {
  for (const preset of PRESETS) {
    it(`${preset}: a re-evaluation of every group changes nothing`, () => {
      expect(allRuleChanges(tenantRuleView(tenants.get(preset)!))).toEqual([]);
    });
  }

  it('for other seeds too (tiny and small)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 10_000 }), fc.constantFrom('tiny', 'small' as const), (seed, preset) => {
        expect(allRuleChanges(tenantRuleView(generateTenant({ preset, seed })))).toEqual([]);
      }),
      { numRuns: 12 },
    );
  });

  for (const preset of PRESETS) {
    it(`${preset}: "All Staff" holds every active user not exempted, and no one else`, () => {
      const t = tenants.get(preset)!;
      const allStaff = named(t, 'All Staff')!;
      expect(allStaff.record).toMatchObject({
        membershipMethod: 'DYNAMIC_AUTOMATED',
        memberQuery: { queryType: 'FilterQuery', filters: [{ field: 'userState', operator: 'eq', value: 'active' }] },
      });
      const exempt = exempted(allStaff);
      const expected = t.objects.filter((u) => u.type === 'user' && u.record['state'] === 'ACTIVATED' && !exempt.has(u.id));
      expect([...membersOf(t, allStaff)].sort()).toEqual(expected.map((u) => u.id).sort());
      // The exempted are active users (an exemption is what keeps them out).
      for (const id of exempt) expect(t.objects.find((u) => u.id === id)?.record['state']).toBe('ACTIVATED');
      if (preset !== 'tiny') expect(exempt.size).toBeGreaterThan(0);
    });

    it(`${preset}: a department group holds its department but the exempted, and a few added by hand`, () => {
      const t = tenants.get(preset)!;
      const departments = new Set(t.objects.filter((u) => u.type === 'user').map((u) => u.record['department']));
      const groups = t.objects.filter((g) => g.type === 'user_group' && departments.has(g.record['name']));
      expect(groups.length).toBeGreaterThanOrEqual(3);
      let handAdded = 0;
      let exemptions = 0;
      for (const g of groups) {
        expect(g.record['membershipMethod']).toBe('DYNAMIC_REVIEW_REQUIRED');
        expect(g.record['memberQuery']).toEqual({
          queryType: 'FilterQuery',
          filters: [{ field: 'department', operator: 'eq', value: g.record['name'] }],
        });
        const members = membersOf(t, g);
        const exempt = exempted(g);
        exemptions += exempt.size;
        for (const u of t.objects.filter((o) => o.type === 'user')) {
          const inDept = u.record['department'] === g.record['name'];
          if (inDept) expect(members.has(u.id), `${nameOf(g)} ${u.id}`).toBe(!exempt.has(u.id));
          else if (members.has(u.id)) handAdded++;
        }
      }
      expect(handAdded).toBeGreaterThan(0);
      expect(exemptions).toBeGreaterThan(0);
    });

    it(`${preset}: an OS device group holds every device of its OS but the exempted`, () => {
      const t = tenants.get(preset)!;
      const osGroups = t.objects.filter((g) => g.type === 'system_group' && /^"All /.test(nameOf(g)));
      expect(osGroups.length).toBe(3);
      for (const g of osGroups) {
        const query = g.record['memberQuery'] as { filters: JsonObject[] };
        expect(g.record['membershipMethod']).toBe('DYNAMIC_AUTOMATED');
        expect(g.record['memberQuery']).not.toHaveProperty('queryType');
        expect(query.filters).toEqual([{ field: 'osFamily', operation: 'eq', value: expect.any(String) }]);
        const os = query.filters[0]!['value'];
        const exempt = exempted(g);
        const expected = t.objects.filter((s) => s.type === 'system' && s.record['osFamily'] === os && !exempt.has(s.id)).map((s) => s.id);
        expect([...membersOf(t, g)].sort()).toEqual(expected.sort());
      }
    });

    it(`${preset}: exactly one rule is flagged in error; static groups carry no rule; both query forms appear`, () => {
      const t = tenants.get(preset)!;
      const flagged = groupsOf(t).filter((g) => g.record['memberQueryErrorFlags'] !== undefined);
      expect(flagged.map((g) => g.record['memberQueryErrorFlags'])).toEqual([['INVALID_GROUP_REFERENCE']]);
      expect(isDynamic(flagged[0]!)).toBe(true);
      for (const g of groupsOf(t)) {
        if (isDynamic(g)) expect(g.record['memberQuery'], nameOf(g)).toBeDefined();
        else
          expect(
            Object.keys(g.record).filter((k) => k.startsWith('memberQuery')),
            nameOf(g),
          ).toEqual([]);
      }
      const forms = new Set(
        groupsOf(t).flatMap((g) => (isDynamic(g) ? [(g.record['memberQuery'] as JsonObject)['queryType'] ?? 'v2'] : [])),
      );
      expect(forms).toEqual(new Set(['FilterQuery', 'v2']));
    });
  }

  it('small and large: the small dynamic groups stay small; on large they read many documented attributes', () => {
    for (const preset of ['small', 'large'] as const) {
      const t = tenants.get(preset)!;
      const users = t.objects.filter((o) => o.type === 'user');
      const departments = new Set(users.map((u) => u.record['department']));
      const small = groupsOf(t).filter(
        (g) =>
          isDynamic(g) &&
          !departments.has(g.record['name']) &&
          !/^"All /.test(nameOf(g)) &&
          g.record['memberQueryErrorFlags'] === undefined,
      );
      expect(small.length).toBeGreaterThan(0);
      const sizes = small.map((g) => membersOf(t, g).size).sort((a, b) => a - b);
      expect(sizes[Math.floor(sizes.length / 2)], preset).toBeLessThan(users.length * 0.1);
      if (preset === 'large') {
        const fields = new Set(
          small.flatMap((g) => (g.record['memberQuery'] as { filters: JsonObject[] }).filters.map((f) => f['field'] as string)),
        );
        expect([...fields].sort()).toEqual(
          expect.arrayContaining(['costCenter', 'created', 'department', 'jobTitle', 'lastContact', 'location']),
        );
      }
    }
  });
});

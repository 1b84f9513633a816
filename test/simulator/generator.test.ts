import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ASSOCIATION_KINDS,
  GRAPH_TYPES,
  MEMBERSHIPS,
  TYPE_INFO,
  associationEdge,
  canAssociate,
  canonicalJson,
  edgeKey,
  recordId,
  sortTenant,
  type TenantData,
} from '../../src/model/index.ts';
import { PRESETS, PRESET_COUNTS, generateTenant, writeTenantJson, referenceAnswer, SimulatorError } from '../../src/simulator/index.ts';
import { LIST_ITEM_SCHEMAS, validatorFor } from './spec-schemas.ts';
import { LIST_ROUTES } from '../../src/simulator/server/routes.ts';
import { OrgContent } from '../../src/simulator/server/content.ts';
import { groupRuleChanges, memberRuleChanges, tenantRuleView } from '../../src/simulator/dynamic/rebuild.ts';
import { Rng } from '../../src/simulator/random.ts';

const tiny = generateTenant({ preset: 'tiny', seed: 1 });
const small = generateTenant({ preset: 'small', seed: 1 });
const large = generateTenant({ preset: 'large', seed: 1 });

function countByType(t: TenantData): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of t.objects) out[o.type] = (out[o.type] ?? 0) + 1;
  return out;
}

function assocKinds(t: TenantData): Set<string> {
  return new Set(t.edges.filter((e) => e.kind === 'association').map((e) => `${e.from.type}|${e.to.type}`));
}

describe('determinism', () => {
  it('gives the same tenant byte for byte for the same preset and seed', () => {
    for (const preset of ['tiny', 'small', 'large'] as const) {
      const a = canonicalJson(sortTenant(generateTenant({ preset, seed: 7 })));
      const b = canonicalJson(sortTenant(generateTenant({ preset, seed: 7 })));
      expect(a === b, preset).toBe(true);
    }
  });

  it('gives the same tenant for any seed, and different tenants for different seeds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const a = canonicalJson(sortTenant(generateTenant({ preset: 'tiny', seed })));
        expect(canonicalJson(sortTenant(generateTenant({ preset: 'tiny', seed })))).toBe(a);
        expect(canonicalJson(sortTenant(generateTenant({ preset: 'tiny', seed: seed + 1 })))).not.toBe(a);
      }),
      { numRuns: 15 },
    );
  });

  it('writes the canonical bytes of the tenant to JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jcgraph-sim-'));
    try {
      const file = join(dir, 'tenant.json');
      await writeTenantJson(small, file);
      const text = await readFile(file, 'utf8');
      expect(text).toBe(canonicalJson(sortTenant(small)));
      expect(JSON.parse(text).orgId).toBe(small.orgId);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown preset or a fractional seed with a SimulatorError', () => {
    expect(() => generateTenant({ preset: 'huge' as never })).toThrow(SimulatorError);
    expect(() => generateTenant({ preset: 'tiny', seed: 1.5 })).toThrow(/seed must be an integer/);
  });
});

describe('preset sizes', () => {
  it('has exactly the preset counts of every type', () => {
    for (const [preset, tenant] of [
      ['tiny', tiny],
      ['small', small],
      ['large', large],
    ] as const) {
      expect(countByType(tenant), preset).toEqual(PRESET_COUNTS[preset]);
    }
  });

  it('follows the issue: large has 10,000 users, 1,000 user groups, 5,000 systems…; xl is ten times large; small about 200 users', () => {
    expect(PRESETS).toEqual(['tiny', 'small', 'large', 'xl']);
    const l = PRESET_COUNTS.large;
    expect([l.user, l.user_group, l.system, l.system_group, l.application, l.policy, l.policy_group, l.command, l.software_app]).toEqual([
      10_000, 1_000, 5_000, 500, 300, 200, 40, 300, 50,
    ]);
    for (const type of GRAPH_TYPES) expect(PRESET_COUNTS.xl[type]).toBe(10 * l[type]);
    expect(PRESET_COUNTS.small.user).toBe(200);
    for (const type of GRAPH_TYPES) expect(PRESET_COUNTS.tiny[type]).toBeLessThanOrEqual(12);
  });

  it('generates xl with the preset counts, its membership what the rules give (the big groups whole, a sample of objects)', () => {
    const xl = generateTenant({ preset: 'xl', seed: 1 });
    expect(countByType(xl)).toEqual(PRESET_COUNTS.xl);
    // A whole re-evaluation of xl's thousands of rule groups is slow: the big groups are re-evaluated
    // whole, and every group's rule for a sample of users and systems.
    const view = tenantRuleView(xl);
    const big = xl.objects.filter((o) => {
      const name = o.record['name'];
      return o.type.endsWith('_group') && typeof name === 'string' && /^(All .*|Engineering|Sales)$/.test(name);
    });
    expect(big.length).toBe(6);
    for (const group of big) expect(groupRuleChanges(view, group)).toEqual([]);
    const rng = new Rng(7);
    const sample = rng.sample(
      xl.objects.filter((o) => o.type === 'user' || o.type === 'system'),
      200,
    );
    for (const object of sample) expect(memberRuleChanges(view, object)).toEqual([]);
  }, 240_000);
});

describe('structure', () => {
  for (const [preset, tenant] of [
    ['tiny', tiny],
    ['small', small],
    ['large', large],
  ] as const) {
    it(`${preset}: ids are unique 24-hex ObjectIds held in each record's id field`, () => {
      const ids = new Set<string>();
      const problems: string[] = [];
      for (const o of tenant.objects) {
        if (!/^[0-9a-f]{24}$/.test(o.id)) problems.push(`bad id ${o.id}`);
        if (ids.has(o.id)) problems.push(`duplicate id ${o.id}`);
        ids.add(o.id);
        if (o.record[TYPE_INFO[o.type as keyof typeof TYPE_INFO].idField] !== o.id)
          problems.push(`${o.type} ${o.id}: record id field differs`);
        if (recordId(o.record) !== o.id) problems.push(`${o.type} ${o.id}: recordId differs`);
      }
      expect(problems).toEqual([]);
      expect(tenant.orgId).toMatch(/^[0-9a-f]{24}$/);
    });

    it(`${preset}: edges join existing objects, once, in canonical order, of allowed kinds only`, () => {
      const objects = new Set(tenant.objects.map((o) => `${o.type}:${o.id}`));
      const keys = new Set(tenant.edges.map(edgeKey));
      const problems: string[] = [];
      if (keys.size !== tenant.edges.length) problems.push('duplicate edges');
      for (const e of tenant.edges) {
        const key = edgeKey(e);
        if (!objects.has(`${e.from.type}:${e.from.id}`) || !objects.has(`${e.to.type}:${e.to.id}`)) problems.push(`${key}: dangling end`);
        if (e.kind === 'association') {
          if (!canAssociate(e.from.type, e.to.type)) problems.push(`${key}: not an association kind`);
          if (canonicalJson(associationEdge(e.to, e.from, e.attributes)) !== canonicalJson(e)) problems.push(`${key}: not canonical`);
        } else {
          if (!MEMBERSHIPS.some((m) => m.group === e.from.type && m.member === e.to.type)) problems.push(`${key}: not a membership kind`);
          if (e.attributes !== null) problems.push(`${key}: membership with attributes`);
        }
      }
      expect(problems).toEqual([]);
    });

    it(`${preset}: has every association kind the model allows`, () => {
      const present = assocKinds(tenant);
      expect(ASSOCIATION_KINDS.filter((k) => !present.has(k.key)).map((k) => k.key)).toEqual([]);
    });
  }

  it('records of every list are valid for the spec schema of that list (small and large)', () => {
    for (const tenant of [small, large]) {
      const content = new OrgContent(tenant, {}, Date.now());
      for (const route of LIST_ROUTES.values()) {
        const ref = LIST_ITEM_SCHEMAS[route.path];
        expect(ref, route.path).toBeDefined();
        const validate = validatorFor(ref as string);
        const items = content.listItems(route);
        expect(items.length, route.path).toBeGreaterThan(0);
        for (const item of items) {
          const problem = validate(item);
          if (problem) expect.fail(`${route.path} item ${JSON.stringify(item).slice(0, 120)}: ${problem}`);
        }
      }
    }
  });

  for (const preset of ['tiny', 'small'] as const) {
    it(`${preset}: types without a list (idp routing policies, password items) are only what the API shows: {id, type}, each with an association`, () => {
      const tenant = preset === 'tiny' ? tiny : generateTenant({ preset, seed: 1 });
      const ends = new Set(tenant.edges.flatMap((e) => [e.from.id, e.to.id]));
      const unlisted = tenant.objects.filter((x) => x.type === 'idp_routing_policy' || x.type === 'password_manager_item');
      expect(unlisted.length).toBeGreaterThan(0);
      for (const o of unlisted) {
        expect(o.record).toEqual({ id: o.id, type: o.type });
        expect(ends.has(o.id), `${o.type} ${o.id} has no association`).toBe(true);
      }
    });
  }
});

describe('realism', () => {
  const degree = (t: TenantData): Map<string, number> => {
    const d = new Map<string, number>();
    for (const e of t.edges) {
      if (e.kind !== 'association') continue;
      for (const end of [e.from, e.to]) d.set(`${end.type}:${end.id}`, (d.get(`${end.type}:${end.id}`) ?? 0) + 1);
    }
    return d;
  };

  for (const [preset, tenant] of [
    ['small', small],
    ['large', large],
  ] as const) {
    it(`${preset}: users are staged, suspended, locked and active; most are in several groups`, () => {
      const users = tenant.objects.filter((o) => o.type === 'user').map((o) => o.record);
      const states = new Set(users.map((u) => u['state']));
      expect(states).toEqual(new Set(['ACTIVATED', 'STAGED', 'SUSPENDED']));
      expect(users.some((u) => u['account_locked'] === true)).toBe(true);
      for (const u of users) expect(u['suspended']).toBe(u['state'] === 'SUSPENDED');
      const groupsPerUser = new Map<string, number>();
      for (const e of tenant.edges)
        if (e.kind === 'membership' && e.from.type === 'user_group') groupsPerUser.set(e.to.id, (groupsPerUser.get(e.to.id) ?? 0) + 1);
      const several = [...groupsPerUser.values()].filter((n) => n >= 3).length;
      expect(several / users.length).toBeGreaterThan(0.3);
    });

    it(`${preset}: users carry the attributes dynamic-group rules read, as strings, with every employee type`, () => {
      const users = tenant.objects.filter((o) => o.type === 'user').map((o) => o.record);
      for (const u of users) {
        for (const field of ['company', 'costCenter', 'description', 'department', 'employeeType', 'jobTitle', 'location']) {
          expect(typeof u[field], `${JSON.stringify(u['username'])}.${field}`).toBe('string');
        }
        // A contractor works for a staffing firm; an intern is titled so.
        expect(u['company'] === 'Example Corp').toBe(u['employeeType'] !== 'contractor');
        if (u['employeeType'] === 'intern') expect(u['jobTitle']).toMatch(/ Intern$/);
      }
      expect(new Set(users.map((u) => u['employeeType']))).toEqual(new Set(['employee', 'contractor', 'intern']));
      // A department has one cost center, and departments have different ones.
      const costCenters = new Map<unknown, Set<unknown>>();
      for (const u of users) costCenters.set(u['department'], (costCenters.get(u['department']) ?? new Set()).add(u['costCenter']));
      for (const set of costCenters.values()) expect(set.size).toBe(1);
      expect(new Set([...costCenters.values()].map((s) => [...s][0])).size).toBe(costCenters.size);
      expect(new Set(users.map((u) => u['description'])).size).toBeGreaterThan(1);
    });

    it(`${preset}: one very large group, most groups small, some empty, of every group type`, () => {
      for (const { group } of MEMBERSHIPS) {
        const sizes = new Map(tenant.objects.filter((o) => o.type === group).map((o) => [o.id, 0]));
        for (const e of tenant.edges)
          if (e.kind === 'membership' && e.from.type === group) sizes.set(e.from.id, (sizes.get(e.from.id) ?? 0) + 1);
        expect([...sizes.values()].filter((n) => n === 0).length, `empty ${group}`).toBeGreaterThan(0);
      }
      const ugSizes = new Map<string, number>();
      for (const e of tenant.edges)
        if (e.kind === 'membership' && e.from.type === 'user_group') ugSizes.set(e.from.id, (ugSizes.get(e.from.id) ?? 0) + 1);
      const allStaff = tenant.objects.find((o) => o.type === 'user_group' && o.record['name'] === 'All Staff');
      const users = PRESET_COUNTS[preset].user;
      expect(ugSizes.get(allStaff?.id ?? '')).toBeGreaterThan(users * 0.8);
      const sorted = [...ugSizes.values()].sort((a, b) => a - b);
      expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(users * 0.1);
    });

    it(`${preset}: sudo on direct user and group associations with devices, and group-level attributes`, () => {
      const withSudo = (a: string, b: string) =>
        tenant.edges.filter((e) => e.kind === 'association' && e.from.type === a && e.to.type === b && e.attributes?.['sudo']).length;
      expect(withSudo('user', 'system')).toBeGreaterThan(0);
      expect(withSudo('user', 'system_group')).toBeGreaterThan(0);
      expect(withSudo('user_group', 'system') + withSudo('user_group', 'system_group')).toBeGreaterThan(0);
      for (const e of tenant.edges) {
        if (e.attributes === null) continue;
        const sudoKind = ['user|system', 'user|system_group', 'user_group|system', 'user_group|system_group'].includes(
          `${e.from.type}|${e.to.type}`,
        );
        expect(sudoKind, `${e.from.type}|${e.to.type} carries attributes`).toBe(true);
      }
      const groups = tenant.objects.filter((o) => o.type === 'user_group').map((o) => o.record);
      for (const key of ['sudo', 'ldapGroups', 'posixGroups', 'radius', 'sambaEnabled']) {
        expect(
          groups.some((g) => (g['attributes'] as any)?.[key] !== undefined),
          key,
        ).toBe(true);
      }
      expect(new Set(groups.map((g) => g['membershipMethod']))).toEqual(
        new Set(['STATIC', 'DYNAMIC_REVIEW_REQUIRED', 'DYNAMIC_AUTOMATED']),
      );
    });

    it(`${preset}: unbound resources exist, and "All Staff" is bound to applications but to no devices`, () => {
      const d = degree(tenant);
      // Types with no list endpoint are never unbound: a client could not know they exist.
      for (const type of ['application', 'command', 'policy', 'software_app', 'rule'] as const) {
        expect(
          tenant.objects.some((o) => o.type === type && !d.has(`${type}:${o.id}`)),
          type,
        ).toBe(true);
      }
      const allStaff = tenant.objects.find((o) => o.type === 'user_group' && o.record['name'] === 'All Staff');
      const bound = tenant.edges.filter((e) => e.kind === 'association' && (e.from.id === allStaff?.id || e.to.id === allStaff?.id));
      const otherEnds = new Set(bound.map((e) => (e.from.id === allStaff?.id ? e.to.type : e.from.type)));
      expect(otherEnds.has('application')).toBe(true);
      expect(otherEnds.has('system') || otherEnds.has('system_group')).toBe(false);
    });

    it(`${preset}: some users reach a device through several paths at once, direct and through groups`, () => {
      const direct = new Set(
        tenant.edges.filter((e) => e.kind === 'association' && e.from.type === 'user' && e.to.type === 'system').map((e) => e.from.id),
      );
      let multi = 0;
      for (const u of tenant.objects.filter((o) => o.type === 'user' && direct.has(o.id))) {
        const answer = referenceAnswer(tenant, `/users/${u.id}/systems`) as any[];
        multi += answer.filter((b) => b.paths.length > 1 && b.paths[0].length === 1).length;
      }
      expect(multi).toBeGreaterThan(0);
    });
  }
});

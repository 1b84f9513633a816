/**
 * What the watch works out again after a refresh, only where the differences between the two snapshots
 * can reach, compared with the same worked out whole, over random organizations with dynamic groups
 * (test/helpers/random-tenant.ts), random differences (records changed, groups renamed or made static
 * or dynamic, memberships and associations added and removed, objects removed and added) and random
 * rule files (every kind, selectors by record, name and group, exceptions whose end dates fall before,
 * between and after the two checks' times):
 * - the rule file's check of the new snapshot, from the old snapshot's check and a re-check of the scope
 *   (recheck with snapshotScope), equals a whole check: the same violations in the same order, the same
 *   excused ones, the same counts per rule;
 * - the differences themselves (diffTenants) do not depend on whether the two tenants share objects;
 * - the dynamic groups' disagreements, evaluated again only for the groups the differences touch, equal
 *   those of every group evaluated.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { AccessGraph } from '../../src/graph/index.ts';
import { touchedSources } from '../../src/analysis/drift.ts';
import { diffTenants } from '../../src/analysis/tenant-diff.ts';
import { check, parseRuleFile, recheck, snapshotScope, type RuleFile } from '../../src/rules/index.ts';
import { ruleDisagreements, updatedDisagreements } from '../../src/watch/index.ts';
import type { JsonObject, TenantData, TenantEdge } from '../../src/model/index.ts';
import { allowedPairs, dynamicTenantArb, type RandomDynamicTenant } from '../helpers/random-tenant.ts';
import { TenantBuilder } from '../analysis/tenant-builder.ts';
import { associationEdge, edgeKey, membershipEdge } from '../../src/model/index.ts';

/** The two checks' times, and end dates before, between and after them. */
const BEFORE = Date.parse('2026-03-01T00:00:00Z');
const AFTER = Date.parse('2026-03-02T00:00:00Z');
const DATES = ['2026-02-01', '2026-03-01T12:00:00Z', '2026-04-01'];

type Sel = Record<string, unknown>;

const leafArb: fc.Arbitrary<Sel> = fc.oneof(
  fc.constantFrom('user', 'system', 'application', 'command', 'policy', 'user_group').map((type) => ({ type })),
  fc.constantFrom('Engineering', 'Sales').map((department) => ({ department })),
  fc.constantFrom('SUSPENDED', 'ACTIVATED').map((state) => ({ state })),
  fc.constantFrom('Mac OS X', 'Windows').map((os) => ({ os })),
  fc
    .constantFrom('user_group:ug0', 'user_group:ug1', 'user_group:renamed', 'system_group:sg0', 'system_group:sg1', 'system_group:renamed')
    .map((g) => ({ member_of: g })),
  fc.constantFrom('u*', 's1', 'app*', 'ug0').map((name) => ({ name })),
);

const selectorArb: fc.Arbitrary<Sel> = fc.oneof(
  leafArb,
  leafArb,
  fc.tuple(leafArb, leafArb).map(([a, b]) => ({ all: [a, b] })),
  fc.tuple(leafArb, leafArb).map(([a, b]) => ({ any: [a, b] })),
  leafArb.map((s) => ({ not: s })),
);

const exceptionArb = fc
  .record({ subjects: selectorArb, resources: fc.option(selectorArb, { nil: undefined }), expires: fc.constantFrom(...DATES) })
  .map((e) => ({ subjects: e.subjects, ...(e.resources ? { resources: e.resources } : {}), owner: 'o', reason: 'r', expires: e.expires }));

const ruleArb = fc.oneof(
  fc.record({ kind: fc.constant('forbid'), subjects: selectorArb, resources: selectorArb, sudo: fc.boolean(), direct: fc.boolean() }),
  fc.record({ kind: fc.constant('exclusive'), left: selectorArb, right: selectorArb }),
  fc.record({ kind: fc.constant('only_through'), resources: selectorArb, through: selectorArb }),
  fc.record({ kind: fc.constant('require'), subjects: selectorArb, resources: selectorArb }),
  fc.record({ kind: fc.constant('none'), subjects: selectorArb }),
);

const ruleFileArb: fc.Arbitrary<RuleFile> = fc
  .array(fc.tuple(ruleArb, fc.array(exceptionArb, { maxLength: 2 }), fc.constantFrom('low', 'high')), { minLength: 1, maxLength: 4 })
  .map((rules) =>
    parseRuleFile(
      stringify(
        {
          version: 1,
          rules: rules.map(([r, exceptions, severity], i) => ({
            id: `r${i}`,
            title: `rule ${i}`,
            severity,
            ...r,
            ...(exceptions.length > 0 ? { exceptions } : {}),
          })),
        },
        { aliasDuplicateObjects: false },
      ),
      'random.yaml',
    ),
  );

/** One difference between the two snapshots, its targets drawn by index. */
type Difference =
  | { readonly kind: 'department' | 'state' | 'os'; readonly at: number; readonly value: string }
  | { readonly kind: 'rename' | 'method'; readonly at: number; readonly value: string }
  | { readonly kind: 'toggle'; readonly at: number }
  | { readonly kind: 'remove'; readonly at: number }
  | { readonly kind: 'add-user'; readonly at: number; readonly value: string };

const differenceArb: fc.Arbitrary<Difference> = fc.oneof(
  fc.record({ kind: fc.constant('department' as const), at: fc.nat(), value: fc.constantFrom('Engineering', 'Sales') }),
  fc.record({ kind: fc.constant('state' as const), at: fc.nat(), value: fc.constantFrom('ACTIVATED', 'SUSPENDED') }),
  fc.record({ kind: fc.constant('os' as const), at: fc.nat(), value: fc.constantFrom('Mac OS X', 'Windows') }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), value: fc.constantFrom('ug0', 'ug1', 'sg0', 'sg1', 'renamed') }),
  fc.record({
    kind: fc.constant('method' as const),
    at: fc.nat(),
    value: fc.constantFrom('STATIC', 'DYNAMIC_AUTOMATED', 'DYNAMIC_REVIEW_REQUIRED'),
  }),
  fc.record({ kind: fc.constant('toggle' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('toggle' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('add-user' as const), at: fc.nat(), value: fc.constantFrom('Engineering', 'Sales') }),
);

/** The tenant with the differences made (records copied, never edited in place). */
function changed(r: RandomDynamicTenant, differences: readonly Difference[]): TenantData {
  let objects = r.tenant.objects.map((o) => ({ ...o, record: { ...o.record } }));
  let edges: TenantEdge[] = [...r.tenant.edges];
  const ofType = (types: readonly string[]) => objects.filter((o) => types.includes(o.type));
  const set = (types: readonly string[], at: number, fields: JsonObject): void => {
    const list = ofType(types);
    const o = list[at % Math.max(1, list.length)];
    if (o) o.record = { ...o.record, ...fields };
  };
  for (const d of differences) {
    switch (d.kind) {
      case 'department':
        set(['user'], d.at, { department: d.value });
        break;
      case 'state':
        set(['user'], d.at, { state: d.value, suspended: d.value === 'SUSPENDED' });
        break;
      case 'os':
        set(['system'], d.at, { os: d.value });
        break;
      case 'rename':
        set(['user_group', 'system_group'], d.at, { name: d.value });
        break;
      case 'method':
        set(['user_group', 'system_group'], d.at, { membershipMethod: d.value });
        break;
      case 'toggle': {
        const byType = new Map<string, { type: string; id: string }[]>();
        for (const o of objects) byType.set(o.type, [...(byType.get(o.type) ?? []), { type: o.type, id: o.id }]);
        const { memberships, associations } = allowedPairs(byType);
        const pairs = [...memberships.map(([g, m]) => membershipEdge(g, m)), ...associations.map(([a, b]) => associationEdge(a, b, null))];
        const edge = pairs[d.at % Math.max(1, pairs.length)];
        if (!edge) break;
        const key = edgeKey(edge);
        edges = edges.some((e) => edgeKey(e) === key) ? edges.filter((e) => edgeKey(e) !== key) : [...edges, edge];
        break;
      }
      case 'remove': {
        const gone = objects[d.at % objects.length];
        if (!gone) break;
        objects = objects.filter((o) => o !== gone);
        edges = edges.filter((e) => e.from.id !== gone.id && e.to.id !== gone.id);
        break;
      }
      case 'add-user': {
        if (objects.some((o) => o.id === 'user-unew')) break;
        objects.push({
          type: 'user',
          id: 'user-unew',
          record: { _id: 'user-unew', username: 'unew', department: d.value, state: 'ACTIVATED' },
        });
        const groups = ofType(['user_group']);
        const group = groups[d.at % Math.max(1, groups.length)];
        if (group) edges.push(membershipEdge(group, { type: 'user', id: 'user-unew' }));
        break;
      }
    }
  }
  return { ...r.tenant, objects, edges };
}

describe('what the watch works out again after a refresh, only where the differences reach', () => {
  it('the check of the new snapshot, re-checked where the differences reach, equals a whole check', () => {
    const seen = { narrower: 0, changedViolations: 0, expiryBetween: 0 };
    fc.assert(
      fc.property(dynamicTenantArb(), fc.array(differenceArb, { minLength: 1, maxLength: 4 }), ruleFileArb, (r, differences, file) => {
        const before = r.tenant;
        const after = changed(r, differences);
        const [g1, g2] = [AccessGraph.fromTenant(before), AccessGraph.fromTenant(after)];
        const diff = diffTenants(before, after);
        const scope = snapshotScope(g1, g2, diff, touchedSources(g1, g2, diff));
        const old = check(g1, file, { now: BEFORE });
        const scoped = recheck(old, g2, file, scope, { now: AFTER });
        const whole = check(g2, file, { now: AFTER });
        const keys = (vs: readonly { key: string }[]) => vs.map((v) => v.key);
        expect(keys(scoped.violations)).toEqual(keys(whole.violations));
        expect(keys(scoped.excused.map((e) => e.violation))).toEqual(keys(whole.excused.map((e) => e.violation)));
        expect(scoped.rules).toEqual(whole.rules);
        if (scoped.totals.subjects < whole.totals.subjects) seen.narrower++;
        if (keys(old.violations).join() !== keys(whole.violations).join()) seen.changedViolations++;
        if (file.rules.some((x) => x.exceptions.some((e) => e.expires?.text.startsWith('2026-03-01')))) seen.expiryBetween++;
      }),
      { numRuns: 300 },
    );
    // Not vacuous: the re-check often reads fewer subjects than a whole check, and the violations change.
    expect(seen.narrower).toBeGreaterThan(30);
    expect(seen.changedViolations).toBeGreaterThan(30);
    expect(seen.expiryBetween).toBeGreaterThan(10);
  });

  it('a group renamed: the objects `member_of` picked by its old name are checked again, also as resources reached directly', () => {
    const t = new TenantBuilder();
    const ann = t.user('ann');
    const db = t.system('db');
    const prod = t.systemGroup('prod');
    t.member(prod, db).associate(ann, db);
    const before = t.build();
    const after: TenantData = {
      ...before,
      objects: before.objects.map((o) => (o.id === prod.id ? { ...o, record: { ...o.record, name: 'staging' } } : o)),
    };
    const file = parseRuleFile(
      'version: 1\nrules:\n  - { id: no-prod, title: No prod, kind: forbid, subjects: { type: user }, resources: { member_of: "system_group:prod" } }\n',
      'rules.yaml',
    );
    const [g1, g2] = [AccessGraph.fromTenant(before), AccessGraph.fromTenant(after)];
    const diff = diffTenants(before, after);
    const old = check(g1, file, { now: BEFORE });
    expect(old.violations.map((v) => v.key)).toEqual([`no-prod|${ann.id}|${db.id}`]);
    const scope = snapshotScope(g1, g2, diff, touchedSources(g1, g2, diff));
    expect(recheck(old, g2, file, scope, { now: AFTER }).violations).toEqual([]);
  });

  it('the differences of two snapshots are the same whether they share objects (as a refresh carries edges over) or not', () => {
    let shared = 0;
    fc.assert(
      fc.property(dynamicTenantArb(), fc.array(differenceArb, { minLength: 1, maxLength: 4 }), (r, differences) => {
        const after = changed(r, differences);
        const copy = (t: TenantData): TenantData => JSON.parse(JSON.stringify(t)) as TenantData;
        if (after.edges.some((e) => r.tenant.edges.includes(e))) shared++;
        expect(diffTenants(r.tenant, after)).toEqual(diffTenants(copy(r.tenant), copy(after)));
      }),
      { numRuns: 200 },
    );
    expect(shared).toBeGreaterThan(100);
  });

  it('the disagreements of the groups the differences touch, evaluated again, equal those of every group', () => {
    let moved = 0;
    fc.assert(
      fc.property(dynamicTenantArb(), fc.array(differenceArb, { minLength: 1, maxLength: 4 }), (r, differences) => {
        const after = changed(r, differences);
        const [g1, g2] = [AccessGraph.fromTenant(r.tenant), AccessGraph.fromTenant(after)];
        const before = ruleDisagreements(g1);
        const updated = updatedDisagreements(g2, { before, diff: diffTenants(r.tenant, after) });
        const whole = ruleDisagreements(g2);
        expect([...updated.keys()].sort()).toEqual([...whole.keys()].sort());
        if ([...whole.keys()].sort().join() !== [...before.keys()].sort().join()) moved++;
      }),
      { numRuns: 300 },
    );
    expect(moved).toBeGreaterThan(30);
  });
});

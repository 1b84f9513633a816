/**
 * The engine's dynamic-group rule evaluator (src/model/member-query*.ts): both forms, every field and
 * operator, the unreadable forms with their reasons, the words, the membership methods, and properties
 * against brute force (AND is intersection, ne is the complement of eq, in is a union of eq, v1 = v2).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GROUP_PUT_FIELDS,
  MEMBERSHIP_METHODS,
  RULE_FIELDS,
  exemptionBody,
  filtersMatch,
  groupRuleOf,
  keepsMember,
  matchingFilters,
  memberQueryText,
  membersByRule,
  membershipOrigin,
  readMemberQuery,
  type JsonObject,
  type JsonValue,
  type RuleFilter,
  type RuleMemberType,
} from '../../src/model/index.ts';
import { deref, loadSpec, V2_SPEC_PATH } from '../helpers/spec.ts';

type Filter = readonly [string, string, unknown];
const v1 = (...filters: Filter[]): JsonObject => ({
  queryType: 'FilterQuery',
  filters: filters.map(([field, operator, value]) => ({ field, operator, value: value as JsonValue })),
});
const v2 = (...filters: [string, string, unknown][]) => ({
  filters: filters.map(([field, operation, value]) => ({ field, operation, value: value as JsonValue })),
});

function matches(query: unknown, record: JsonObject, type: RuleMemberType = 'user'): boolean {
  const reading = readMemberQuery(query, type);
  if (!reading.readable) throw new Error(`unreadable: ${reading.reason}`);
  return filtersMatch(reading.filters, record, type);
}

const jana = { _id: 'u1', username: 'jana', department: 'Engineering', location: 'Berlin', company: 'Acme', state: 'ACTIVATED' };
const mac = { _id: 's1', hostname: 'mac-1', os: 'Mac OS X', osFamily: 'darwin', created: '2024-03-01T10:00:00Z', lastContact: null };

describe('reading and evaluating a rule', () => {
  it.each([
    ['eq matches the same string', ['department', 'eq', 'Engineering'], true],
    ['eq is case-sensitive', ['department', 'eq', 'engineering'], false],
    ['eq on another value', ['department', 'eq', 'Sales'], false],
    ['ne on another value', ['department', 'ne', 'Sales'], true],
    ['ne on the same value', ['department', 'ne', 'Engineering'], false],
    ['in a list holding it', ['location', 'in', ['Paris', 'Berlin']], true],
    ['in a list without it', ['location', 'in', ['Paris']], false],
    ['in an empty list', ['location', 'in', []], false],
    ['in with a single string', ['location', 'in', 'Berlin'], true],
    ['a missing field: eq', ['jobTitle', 'eq', 'Engineer'], false],
    ['a missing field: ne', ['jobTitle', 'ne', 'Engineer'], true],
    ['a missing field: in', ['costCenter', 'in', ['x']], false],
    ['userState reads state ACTIVATED as active', ['userState', 'eq', 'active'], true],
    ['userState is not ACTIVATED', ['userState', 'eq', 'ACTIVATED'], false],
    ['userState ne suspended', ['userState', 'ne', 'suspended'], true],
  ] as const)('%s', (_, [field, operator, value], expected) => {
    expect(matches(v1([field, operator, value]), jana)).toBe(expected);
    expect(matches(v2([field, operator, value]), jana)).toBe(expected);
  });

  it.each([
    ['STAGED', 'staged'],
    ['SUSPENDED', 'suspended'],
    ['ACTIVATED', 'active'],
  ])('userState maps state %s to %s', (state, value) => {
    expect(matches(v1(['userState', 'eq', value]), { ...jana, state })).toBe(true);
    expect(matches(v1(['userState', 'in', ['active', 'staged', 'suspended'].filter((v) => v !== value)]), { ...jana, state })).toBe(false);
  });

  it('a user with no state matches userState ne, nothing else', () => {
    const stateless: JsonObject = { ...jana };
    delete stateless['state'];
    expect(matches(v1(['userState', 'eq', 'active']), stateless)).toBe(false);
    expect(matches(v1(['userState', 'ne', 'active']), stateless)).toBe(true);
    expect(matches(v1(['userState', 'eq', 'active']), { ...jana, state: 'SOMETHING' })).toBe(false);
  });

  it('a field that is not a string counts as missing', () => {
    expect(matches(v1(['department', 'eq', '7']), { ...jana, department: 7 })).toBe(false);
    expect(matches(v1(['department', 'ne', '7']), { ...jana, department: 7 })).toBe(true);
    expect(matches(v1(['department', 'ne', 'x']), { ...jana, department: null })).toBe(true);
  });

  it.each([
    ['os eq', ['os', 'eq', 'Mac OS X'], true],
    ['os in', ['os', 'in', ['Windows', 'Mac OS X']], true],
    ['osFamily ne', ['osFamily', 'ne', 'darwin'], false],
    ['hostname eq', ['hostname', 'eq', 'mac-1'], true],
    ['created gt an earlier date', ['created', 'gt', '2024-01-01'], true],
    ['created gt the same instant', ['created', 'gt', '2024-03-01T10:00:00Z'], false],
    ['created ge the same instant, written in another zone', ['created', 'ge', '2024-03-01T11:00:00+01:00'], true],
    ['created eq the same instant, written in another zone', ['created', 'eq', '2024-03-01T12:00:00+02:00'], true],
    ['created lt a later date', ['created', 'lt', '2025-01-01T00:00:00Z'], true],
    ['created le an earlier date', ['created', 'le', '2023-12-31'], false],
    ['created in a list of instants', ['created', 'in', ['2020-01-01', '2024-03-01T10:00:00.000Z']], true],
    ['a date-time without an offset is UTC', ['created', 'eq', '2024-03-01T10:00:00'], true],
    ['lastContact null: gt', ['lastContact', 'gt', '2000-01-01'], false],
    ['lastContact null: ne', ['lastContact', 'ne', '2000-01-01'], true],
    ['a missing serialNumber: eq', ['serialNumber', 'eq', 'X'], false],
  ] as const)('device: %s', (_, [field, operator, value], expected) => {
    expect(matches(v1([field, operator, value]), mac, 'system')).toBe(expected);
    expect(matches(v2([field, operator, value]), mac, 'system')).toBe(expected);
  });

  it('several filters all must hold (AND)', () => {
    expect(matches(v1(['department', 'eq', 'Engineering'], ['location', 'eq', 'Berlin']), jana)).toBe(true);
    expect(matches(v1(['department', 'eq', 'Engineering'], ['location', 'eq', 'Paris']), jana)).toBe(false);
  });

  it.each([
    ['no memberQuery', null, 'the group has no memberQuery'],
    ['a memberQuery that is not an object', 'department=x', 'not an object'],
    ['queryType Filter', { queryType: 'Filter', filters: [{ field: 'department', operator: 'eq', value: 'x' }] }, 'queryType "Filter"'],
    ['queryType Search', { queryType: 'Search', searchFilter: {} }, 'queryType "Search"'],
    ['no filters', { queryType: 'FilterQuery' }, 'has no filters'],
    ['an empty filter list', { queryType: 'FilterQuery', filters: [] }, 'empty list of filters'],
    ['a filter that is not an object', { filters: [null] }, 'filter 1 is not an object'],
    ['a filter with no field', v1(['', 'eq', 'x']), 'filter 1 has no "field"'],
    [
      'a v1 filter written with operation',
      { queryType: 'FilterQuery', filters: [{ field: 'department', operation: 'eq', value: 'x' }] },
      'has no "operator"',
    ],
    ['a v2 filter written with operator', { filters: [{ field: 'department', operator: 'eq', value: 'x' }] }, 'has no "operation"'],
    ['a filter with no value', { filters: [{ field: 'department', operation: 'eq' }] }, 'has no "value"'],
    ['an unknown field', v1(['title', 'eq', 'x']), 'field "title" is not a user attribute'],
    ['a device field on a user group', v1(['os', 'eq', 'x']), 'field "os" is not a user attribute'],
    ['an unknown operator', v1(['department', 'contains', 'x']), 'operator "contains" is not one jcgraph knows'],
    ['a comparison on a text field', v1(['department', 'gt', 'x']), 'operator "gt" does not apply to department'],
    ['a list for eq', v1(['department', 'eq', ['x']]), 'is a list'],
    ['a number value', v1(['department', 'eq', 3]), 'must be a string'],
    ['a list with a number for in', v1(['department', 'in', ['x', 3]]), 'must be a list of strings'],
    ['the second filter unreadable', v1(['department', 'eq', 'x'], ['nope', 'eq', 'y']), 'filter 2'],
  ])('unreadable: %s', (_, query, reason) => {
    const reading = readMemberQuery(query, 'user');
    expect(reading.readable).toBe(false);
    expect(reading.readable ? '' : reading.reason).toContain(reason);
  });

  it('unreadable device rules: a date that is not ISO-8601, a user field', () => {
    const date = readMemberQuery(v1(['created', 'gt', 'last week']), 'system');
    expect(date.readable ? '' : date.reason).toContain('not an ISO-8601 date');
    const spaced = readMemberQuery(v1(['created', 'gt', '2024-03-01 10:00:00']), 'system');
    expect(spaced.readable).toBe(false);
    const user = readMemberQuery(v2(['department', 'eq', 'x']), 'system');
    expect(user.readable ? '' : user.reason).toContain('not a system attribute');
  });

  it('a field or state named like a property every object has is no field and no state', () => {
    for (const field of ['constructor', 'toString', '__proto__']) {
      const read = readMemberQuery(v1([field, 'eq', 'x']), 'user');
      expect(read.readable ? '' : read.reason).toContain('not a user attribute');
    }
    const active = readMemberQuery(v1(['userState', 'eq', 'active']), 'user');
    const notActive = readMemberQuery(v1(['userState', 'ne', 'active']), 'user');
    if (!active.readable || !notActive.readable) throw new Error('the userState rules are readable');
    // A state jcgraph does not know reads as a missing field: ne holds, eq does not.
    expect(filtersMatch(active.filters, { state: 'toString' }, 'user')).toBe(false);
    expect(filtersMatch(notActive.filters, { state: 'toString' }, 'user')).toBe(true);
  });

  it('writes a rule in words', () => {
    expect(memberQueryText(readMemberQuery(v1(['department', 'eq', 'Engineering']), 'user'))).toBe('department eq "Engineering"');
    expect(memberQueryText(readMemberQuery(v2(['userState', 'eq', 'active']), 'user'))).toBe('userState eq "active"');
    expect(memberQueryText(readMemberQuery(v1(['os', 'in', ['Mac OS X']], ['created', 'ge', '2024-01-01']), 'system'))).toBe(
      'os in ["Mac OS X"] and created ge "2024-01-01"',
    );
    expect(memberQueryText(readMemberQuery({ queryType: 'Search' }, 'user'))).toMatch(/^unreadable rule: its queryType "Search"/);
  });

  it('says which record field makes a rule match', () => {
    const reading = readMemberQuery(v1(['department', 'eq', 'Engineering'], ['userState', 'eq', 'active']), 'user');
    if (!reading.readable) throw new Error('unreadable');
    expect(matchingFilters(reading.filters, jana, 'user').map((m) => [m.filter.field, m.recordField, m.recordValue])).toEqual([
      ['department', 'department', 'Engineering'],
      ['userState', 'state', 'ACTIVATED'],
    ]);
  });
});

const group = (fields: JsonObject): JsonObject => ({ id: 'g1', name: 'Engineering', type: 'user_group', ...fields });
const engineering = v1(['department', 'eq', 'Engineering']);
const users = [
  { id: 'u1', record: { department: 'Engineering' } },
  { id: 'u2', record: { department: 'Sales' } },
  { id: 'u3', record: { department: 'Engineering' } },
];

describe('what a rule does to a group', () => {
  it('AUTOMATED: every matching non-exempt object, whatever the group held', () => {
    const rule = groupRuleOf(
      'user_group',
      group({ membershipMethod: 'DYNAMIC_AUTOMATED', memberQuery: engineering, memberQueryExemptions: [{ id: 'u3', type: 'user' }] }),
    )!;
    expect(membersByRule(rule, new Set(['u2']), users)).toEqual(new Set(['u1']));
    expect(membershipOrigin(rule, users[0]!)).toBe('rule');
    expect(membershipOrigin(rule, users[2]!)).toBe('hand'); // exempt: a membership the rule does not produce
    expect(keepsMember(rule, users[1]!, true)).toBe(false);
  });

  it('REVIEW_REQUIRED: adds matching non-exempt objects and never removes a member', () => {
    const rule = groupRuleOf('user_group', group({ membershipMethod: 'DYNAMIC_REVIEW_REQUIRED', memberQuery: engineering }))!;
    expect(membersByRule(rule, new Set(['u2']), users)).toEqual(new Set(['u1', 'u2', 'u3']));
    expect(membershipOrigin(rule, users[1]!)).toBe('hand');
    expect(keepsMember(rule, users[1]!, true)).toBe(true);
    expect(keepsMember(rule, users[1]!, false)).toBe(false);
  });

  it.each(['STATIC', 'NOTSET', undefined])('%s: no rule runs', (method) => {
    const rule = groupRuleOf('user_group', group({ ...(method ? { membershipMethod: method } : {}), memberQuery: engineering }))!;
    expect(rule.dynamic).toBe(false);
    expect(membersByRule(rule, new Set(['u2']), users)).toEqual(new Set(['u2']));
    expect(membershipOrigin(rule, users[0]!)).toBe('hand');
  });

  it.each([
    ['error flags', { memberQuery: engineering, memberQueryErrorFlags: ['CYCLE'] }, 'the tenant flags its rule in error (CYCLE)'],
    ['an unreadable rule', { memberQuery: { queryType: 'Search' } }, 'queryType "Search"'],
    ['exemptions without ids', { memberQuery: engineering, memberQueryExemptions: [{ type: 'user' }] }, 'has no id'],
    ['exemptions that are not a list', { memberQuery: engineering, memberQueryExemptions: 'u3' }, 'memberQueryExemptions is not a list'],
    [
      'error flags that are not a list',
      { memberQuery: engineering, memberQueryErrorFlags: 'CYCLE' },
      'memberQueryErrorFlags is not a list',
    ],
  ])('cannot evaluate a dynamic group with %s', (_, fields, reason) => {
    const rule = groupRuleOf('user_group', group({ membershipMethod: 'DYNAMIC_AUTOMATED', ...fields }))!;
    expect(rule.cannotEvaluate).toContain(reason);
    expect(membersByRule(rule, new Set(['u2']), users)).toBeUndefined();
    expect(membershipOrigin(rule, users[0]!)).toBe('unknown');
  });

  it('an exemption names an object by id, its type not compared; missing or null flags and exemptions mean none', () => {
    const rule = groupRuleOf(
      'user_group',
      group({ membershipMethod: 'DYNAMIC_AUTOMATED', memberQuery: engineering, memberQueryExemptions: [{ id: 'u3', type: 'system' }] }),
    )!;
    expect(membersByRule(rule, new Set(), users)).toEqual(new Set(['u1']));
    const none: JsonObject[] = [
      {},
      { memberQueryErrorFlags: [], memberQueryExemptions: [] },
      { memberQueryErrorFlags: null, memberQueryExemptions: null },
    ];
    for (const fields of none) {
      const plain = groupRuleOf('user_group', group({ membershipMethod: 'DYNAMIC_AUTOMATED', memberQuery: engineering, ...fields }))!;
      expect(plain.cannotEvaluate).toBeUndefined();
      expect(membersByRule(plain, new Set(), users)).toEqual(new Set(['u1', 'u3']));
    }
  });

  it('an unknown membership method cannot be evaluated; policy groups have no rule', () => {
    expect(groupRuleOf('user_group', group({ membershipMethod: 'DYNAMIC_SOMEDAY', memberQuery: engineering }))?.cannotEvaluate).toContain(
      'DYNAMIC_SOMEDAY',
    );
    expect(groupRuleOf('policy_group', { id: 'p', name: 'p' })).toBeUndefined();
  });

  it('the exemption PUT sends the group as read, cut to the PUT fields, with the exemption appended', () => {
    const record = group({
      attributes: { sudo: { enabled: false, withoutPassword: false } },
      description: 'd',
      email: '',
      membershipMethod: 'DYNAMIC_REVIEW_REQUIRED',
      memberQuery: engineering,
      memberQueryExemptions: [{ id: 'u9', type: 'user' }],
      organizationObjectId: 'org',
      suggestionCounts: { add: 1, remove: 0, total: 1 },
    });
    const body = exemptionBody(record, { id: 'u1', type: 'user' });
    expect(Object.keys(body)).toEqual(GROUP_PUT_FIELDS.filter((f) => f in body));
    expect(body).toEqual({
      name: 'Engineering',
      description: 'd',
      email: '',
      attributes: { sudo: { enabled: false, withoutPassword: false } },
      memberQuery: engineering,
      membershipMethod: 'DYNAMIC_REVIEW_REQUIRED',
      memberQueryExemptions: [
        { id: 'u9', type: 'user' },
        { id: 'u1', type: 'user' },
      ],
    });
  });
});

describe('the tables agree with the v2 spec', () => {
  const spec = loadSpec(V2_SPEC_PATH);
  const schema = (name: string) => deref(spec, spec.components.schemas[name]);

  it('membership methods are GroupMembershipMethodType', () => {
    expect([...MEMBERSHIP_METHODS].sort()).toEqual([...schema('GroupMembershipMethodType').enum].sort());
  });

  it.each(['UserGroupPut', 'SystemGroupPut'])('the exemption PUT fields are those of %s', (name) => {
    expect([...GROUP_PUT_FIELDS].sort()).toEqual(Object.keys(schema(name).properties).sort());
    expect(schema(name).required).toEqual(['name']);
  });
});

// Properties against brute force, on records and filters drawn from small value sets so they collide.
const VALUES = ['Engineering', 'Sales', 'active', 'suspended', 'Berlin'];
const TEXT_FIELDS = Object.keys(RULE_FIELDS.user).filter((f) => f !== 'userState');
const recordArb: fc.Arbitrary<JsonObject> = fc.record(
  {
    ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, fc.oneof(fc.constantFrom(...VALUES), fc.constant(null))])),
    state: fc.constantFrom('ACTIVATED', 'STAGED', 'SUSPENDED'),
  },
  { requiredKeys: [] },
);
const filterArb: fc.Arbitrary<RuleFilter> = fc
  .record({
    field: fc.constantFrom(...Object.keys(RULE_FIELDS.user)),
    operator: fc.constantFrom('eq' as const, 'ne' as const, 'in' as const),
    values: fc.array(fc.constantFrom(...VALUES, 'staged'), { minLength: 1, maxLength: 3 }),
  })
  .map((f) => (f.operator === 'in' ? f : { ...f, values: f.values.slice(0, 1) }));
const asV1 = (filters: readonly RuleFilter[]) => ({
  queryType: 'FilterQuery',
  filters: filters.map((f) => ({ field: f.field, operator: f.operator, value: f.operator === 'in' ? [...f.values] : f.values[0]! })),
});
const asV2 = (filters: readonly RuleFilter[]) => ({
  filters: filters.map((f) => ({ field: f.field, operation: f.operator, value: f.operator === 'in' ? [...f.values] : f.values[0]! })),
});

describe('properties', () => {
  it('AND of filters = intersection of the single-filter results; v1 and v2 agree', () => {
    fc.assert(
      fc.property(fc.array(filterArb, { minLength: 1, maxLength: 4 }), fc.array(recordArb, { maxLength: 12 }), (filters, records) => {
        for (const r of records) {
          const together = matches(asV1(filters), r);
          expect(together).toBe(filters.every((f) => matches(asV1([f]), r)));
          expect(matches(asV2(filters), r)).toBe(together);
        }
      }),
    );
  });

  it('ne is the complement of eq where the field is present, and in is the union of eq', () => {
    fc.assert(
      fc.property(filterArb, recordArb, (f, r) => {
        const field = RULE_FIELDS.user[f.field]!;
        const present = typeof r[field.recordField] === 'string';
        const eq = (value: string) => matches(asV1([{ field: f.field, operator: 'eq', values: [value] }]), r);
        const ne = (value: string) => matches(asV1([{ field: f.field, operator: 'ne', values: [value] }]), r);
        if (present) expect(ne(f.values[0]!)).toBe(!eq(f.values[0]!));
        else expect([eq(f.values[0]!), ne(f.values[0]!)]).toEqual([false, true]);
        expect(matches(asV1([{ ...f, operator: 'in' }]), r)).toBe(f.values.some(eq));
      }),
    );
  });

  it('date comparisons order instants: gt = not le, ge = gt or eq, lt = not ge', () => {
    const day = fc.integer({ min: 0, max: 30 }).map((d) => new Date(Date.UTC(2024, 0, 1 + d)).toISOString());
    fc.assert(
      fc.property(day, day, (value, created) => {
        const m = (op: string) => matches(v1(['created', op, value]), { created }, 'system');
        expect(m('gt')).toBe(!m('le'));
        expect(m('ge')).toBe(m('gt') || m('eq'));
        expect(m('lt')).toBe(!m('ge'));
        expect(m('eq')).toBe(Date.parse(value) === Date.parse(created));
      }),
    );
  });

  it('membership methods: AUTOMATED ignores the current members, REVIEW_REQUIRED keeps them, neither adds an exempt object', () => {
    const candidates = fc.array(recordArb, { maxLength: 8 }).map((rs) => rs.map((record, i) => ({ id: `u${i}`, record })));
    fc.assert(
      fc.property(
        fc.array(filterArb, { minLength: 1, maxLength: 2 }),
        candidates,
        fc.array(fc.nat(8), { maxLength: 4 }),
        fc.array(fc.nat(8), { maxLength: 3 }),
        (filters, objects, currentIdx, exemptIdx) => {
          const current = new Set(currentIdx.map((i) => `u${i}`));
          const exempt = new Set(exemptIdx.map((i) => `u${i}`));
          const record = (method: string) =>
            group({
              membershipMethod: method,
              memberQuery: asV1(filters),
              memberQueryExemptions: [...exempt].map((id) => ({ id, type: 'user' })),
            });
          const matching = objects.filter((o) => !exempt.has(o.id) && filtersMatch(filters, o.record, 'user')).map((o) => o.id);
          const automated = membersByRule(groupRuleOf('user_group', record('DYNAMIC_AUTOMATED'))!, current, objects)!;
          const review = membersByRule(groupRuleOf('user_group', record('DYNAMIC_REVIEW_REQUIRED'))!, current, objects)!;
          expect([...automated].sort()).toEqual([...new Set(matching)].sort());
          expect([...review].sort()).toEqual([...new Set([...current, ...matching])].sort());
          for (const o of objects) {
            const rule = groupRuleOf('user_group', record('DYNAMIC_AUTOMATED'))!;
            expect(keepsMember(rule, o, current.has(o.id))).toBe(automated.has(o.id));
          }
        },
      ),
    );
  });
});

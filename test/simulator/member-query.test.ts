/**
 * The simulator's own dynamic-group rule evaluator (src/simulator/dynamic): both query forms, every
 * operator on the documented fields, the cases it refuses to read, and a group record read into the
 * rule the simulator runs (none, frozen, running with its exemptions).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { JsonObject } from '../../src/model/index.ts';
import { isoInstant, readMemberQuery, ruleFields, type RuleMemberType } from '../../src/simulator/dynamic/member-query.ts';
import { exemptIds, groupRule, ruleWants } from '../../src/simulator/dynamic/group-rule.ts';

const v1 = (...filters: [string, string, unknown][]) => ({
  queryType: 'FilterQuery',
  filters: filters.map(([field, operator, value]) => ({ field, operator, value })),
});
const v2 = (...filters: [string, string, unknown][]) => ({
  filters: filters.map(([field, operation, value]) => ({ field, operation, value })),
});

function matcher(query: unknown, memberType: RuleMemberType = 'user'): (record: JsonObject) => boolean {
  const read = readMemberQuery(query, memberType);
  if (!read.readable) throw new Error(`unreadable: ${read.reason}`);
  return read.matches;
}

const ada: JsonObject = {
  username: 'ada',
  department: 'Engineering',
  company: 'Example Corp',
  costCenter: 'CC-1234',
  employeeType: 'employee',
  jobTitle: 'Engineering Lead',
  location: 'Berlin',
  description: '',
  state: 'ACTIVATED',
};
const bo: JsonObject = { ...ada, username: 'bo', department: 'Sales', location: 'Paris', state: 'SUSPENDED', description: null };
const cy: JsonObject = { username: 'cy', state: 'STAGED' };

describe('reading a member query', () => {
  it('reads the v1 FilterQuery form and the v2 form alike', () => {
    for (const query of [v1(['department', 'eq', 'Engineering']), v2(['department', 'eq', 'Engineering'])]) {
      const read = readMemberQuery(query, 'user');
      expect(read).toMatchObject({ readable: true, filters: [{ field: 'department', operator: 'eq', values: ['Engineering'] }] });
      const matches = matcher(query);
      expect([ada, bo, cy].map(matches)).toEqual([true, false, false]);
    }
    expect(readMemberQuery(v1(['location', 'eq', 'Berlin']), 'user')).toMatchObject({ form: 'v1' });
    expect(readMemberQuery(v2(['location', 'eq', 'Berlin']), 'user')).toMatchObject({ form: 'v2' });
    expect(readMemberQuery({ queryType: null, ...v2(['location', 'eq', 'Berlin']) }, 'user')).toMatchObject({ form: 'v2' });
  });

  it('refuses, naming what is wrong, every query it cannot read', () => {
    const cases: [unknown, RuleMemberType, RegExp][] = [
      [null, 'user', /no member query/],
      [undefined, 'user', /no member query/],
      [[], 'user', /no member query/],
      [{ queryType: 'Filter', filters: [{ field: 'department', operator: 'eq', value: 'IT' }] }, 'user', /"Filter" is not FilterQuery/],
      [{ queryType: 'Search', searchFilter: { searchTerm: 'x' } }, 'user', /"Search" is not FilterQuery/],
      [{ queryType: null, filters: [] }, 'user', /no filters/],
      [{ queryType: 'FilterQuery' }, 'user', /no filters/],
      [{ queryType: 'FilterQuery', filters: [] }, 'user', /no filters/],
      [{ filters: {} }, 'user', /no filters/],
      [{ filters: ['department'] }, 'user', /filter 1 is not an object/],
      [v2(['department', 'eq', 'IT'], ['location', 'eq', undefined]), 'user', /filter 2 has no value/],
      [{ filters: [{ operation: 'eq', value: 'IT' }] }, 'user', /filter 1 has no field/],
      // The v1 form names the operator `operator`, the v2 form `operation`: the other name is a missing part.
      [{ queryType: 'FilterQuery', filters: [{ field: 'department', operation: 'eq', value: 'IT' }] }, 'user', /has no operator/],
      [{ filters: [{ field: 'department', operator: 'eq', value: 'IT' }] }, 'user', /has no operation/],
      [v2(['manager', 'eq', 'x']), 'user', /"manager", which is not one a rule can read/],
      [v2(['hostname', 'eq', 'x']), 'user', /"hostname"/],
      [v2(['department', 'eq', 'x']), 'system', /"department"/],
      [v2(['Department', 'eq', 'IT']), 'user', /"Department"/],
      [v2(['department', 'co', 'IT']), 'user', /operator "co"/],
      [v2(['department', 'gt', 'IT']), 'user', /operator "gt", which the field department does not take/],
      [v2(['department', 'EQ', 'IT']), 'user', /operator "EQ"/],
      [v2(['department', 'eq', 7]), 'user', /value of "eq" must be a string/],
      [v2(['department', 'eq', ['IT']]), 'user', /value of "eq" must be a string/],
      [v2(['department', 'in', ['IT', 3]]), 'user', /value of "in" must be a list of strings/],
      [v2(['created', 'gt', 'last week']), 'system', /must be an ISO-8601 date/],
      [v2(['created', 'gt', '2024-13-45']), 'system', /must be an ISO-8601 date/],
    ];
    for (const [query, memberType, reason] of cases) {
      const read = readMemberQuery(query, memberType);
      expect(read.readable, JSON.stringify(query)).toBe(false);
      if (!read.readable) expect(read.reason, JSON.stringify(query)).toMatch(reason);
    }
  });
});

describe('user fields', () => {
  it('compare exactly, case and spaces included', () => {
    const engineering = matcher(v2(['department', 'eq', 'Engineering']));
    expect(engineering({ department: 'engineering' })).toBe(false);
    expect(engineering({ department: 'Engineering ' })).toBe(false);
    expect(engineering({ department: 'Engineering' })).toBe(true);
    for (const field of ['company', 'costCenter', 'description', 'department', 'employeeType', 'jobTitle', 'location']) {
      const value = ada[field] as string;
      expect(matcher(v1([field, 'eq', value]))(ada), field).toBe(true);
      expect(matcher(v1([field, 'ne', value]))(ada), field).toBe(false);
      expect(matcher(v1([field, 'in', ['nothing', value]]))(ada), field).toBe(true);
    }
  });

  it('in takes a list, or a string as a one-element list; an empty list matches nothing', () => {
    expect([ada, bo, cy].map(matcher(v2(['location', 'in', ['Paris', 'Berlin']])))).toEqual([true, true, false]);
    expect([ada, bo, cy].map(matcher(v2(['location', 'in', 'Paris'])))).toEqual([false, true, false]);
    expect([ada, bo, cy].map(matcher(v2(['location', 'in', []])))).toEqual([false, false, false]);
  });

  it('a missing or null field: ne holds, eq and in do not', () => {
    // cy has no department; bo's description is null.
    expect(matcher(v2(['department', 'ne', 'Sales']))(cy)).toBe(true);
    expect(matcher(v2(['department', 'eq', 'Sales']))(cy)).toBe(false);
    expect(matcher(v2(['department', 'in', ['Sales']]))(cy)).toBe(false);
    expect(matcher(v2(['description', 'ne', '']))(bo)).toBe(true);
    expect(matcher(v2(['description', 'eq', '']))(bo)).toBe(false);
    expect(matcher(v2(['description', 'eq', '']))(ada)).toBe(true);
    // A field holding something other than a string counts as missing.
    expect(matcher(v2(['department', 'ne', '7']))({ department: 7 })).toBe(true);
    expect(matcher(v2(['department', 'eq', '7']))({ department: 7 })).toBe(false);
  });

  it('userState reads state: ACTIVATED is active, STAGED staged, SUSPENDED suspended', () => {
    expect([ada, bo, cy].map(matcher(v2(['userState', 'eq', 'active'])))).toEqual([true, false, false]);
    expect([ada, bo, cy].map(matcher(v2(['userState', 'eq', 'suspended'])))).toEqual([false, true, false]);
    expect([ada, bo, cy].map(matcher(v2(['userState', 'eq', 'staged'])))).toEqual([false, false, true]);
    expect([ada, bo, cy].map(matcher(v2(['userState', 'ne', 'active'])))).toEqual([false, true, true]);
    expect(matcher(v2(['userState', 'eq', 'ACTIVATED']))(ada)).toBe(false);
    // No state, or one it does not know: missing.
    expect(matcher(v2(['userState', 'ne', 'active']))({ state: 'ARCHIVED' })).toBe(true);
    expect(matcher(v2(['userState', 'in', ['active', 'staged', 'suspended']]))({})).toBe(false);
  });
});

describe('device fields', () => {
  const mac: JsonObject = {
    hostname: 'mac-00001',
    displayName: 'MAC-BER-00001',
    os: 'Mac OS X',
    osFamily: 'darwin',
    version: '14.5',
    arch: 'arm64',
    serialNumber: 'SN1',
    created: '2021-06-01T12:00:00Z',
    lastContact: '2024-02-01T00:00:00Z',
  };
  const stale: JsonObject = { ...mac, hostname: 'mac-00002', created: '2019-03-01T00:00:00Z', lastContact: null };

  it('strings compare exactly; every string field takes eq, ne and in', () => {
    for (const field of ['hostname', 'displayName', 'os', 'osFamily', 'version', 'arch', 'serialNumber']) {
      expect(matcher(v2([field, 'eq', mac[field]]), 'system')(mac), field).toBe(true);
      expect(matcher(v2([field, 'ne', mac[field]]), 'system')(mac), field).toBe(false);
      expect(matcher(v2([field, 'in', [mac[field]]]), 'system')(mac), field).toBe(true);
    }
    expect(matcher(v2(['os', 'eq', 'mac os x']), 'system')(mac)).toBe(false);
    expect(ruleFields('system')).toContain('lastContact');
  });

  it('dates compare as instants, whatever their spelling; a missing date: ne holds, the rest not', () => {
    const after = (op: string, when: string) => [mac, stale].map(matcher(v1(['created', op, when]), 'system'));
    expect(after('gt', '2020-01-01')).toEqual([true, false]);
    expect(after('lt', '2020-01-01T00:00:00+00:00')).toEqual([false, true]);
    expect(after('ge', '2021-06-01T12:00:00Z')).toEqual([true, false]);
    expect(after('gt', '2021-06-01T12:00:00Z')).toEqual([false, false]);
    expect(after('le', '2021-06-01T14:00:00+02:00')).toEqual([true, true]);
    expect(after('eq', '2021-06-01T12:00:00.000Z')).toEqual([true, false]);
    expect(after('eq', '2021-06-01T12:00:00')).toEqual([true, false]); // no offset: UTC
    expect(after('in', ['2019-03-01', '2021-06-01T12:00:00Z'] as never)).toEqual([true, true]);
    const contact = (op: string) => [mac, stale].map(matcher(v2(['lastContact', op, '2023-01-01T00:00:00Z']), 'system'));
    expect(contact('ne')).toEqual([true, true]);
    expect(contact('gt')).toEqual([true, false]);
    expect(contact('lt')).toEqual([false, false]);
    expect(contact('eq')).toEqual([false, false]);
    expect(isoInstant('2021-06-01')).toBe(Date.UTC(2021, 5, 1));
  });
});

describe('filters together (properties)', () => {
  const field = fc.constantFrom('department', 'location', 'employeeType', 'userState', 'company');
  const value = fc.constantFrom('Engineering', 'Sales', 'Berlin', 'Paris', 'active', 'suspended', 'employee', 'Example Corp', '');
  const filter = fc.tuple(field, fc.constantFrom('eq', 'ne', 'in'), fc.oneof(value, fc.array(value, { maxLength: 3 })));
  const record = fc.record(
    {
      department: fc.oneof(value, fc.constant(null)),
      location: value,
      employeeType: value,
      company: value,
      state: fc.constantFrom('ACTIVATED', 'STAGED', 'SUSPENDED'),
    },
    { requiredKeys: ['state'] },
  );
  const readable = (f: [string, string, unknown]) => f[1] === 'in' || typeof f[2] === 'string';

  it('several filters hold together exactly when each holds alone (AND), in either form', () => {
    fc.assert(
      fc.property(fc.array(filter.filter(readable), { minLength: 1, maxLength: 4 }), record, (filters, r) => {
        const each = filters.map((f) => matcher(v2(f))(r));
        expect(matcher(v2(...filters))(r)).toBe(each.every(Boolean));
        expect(matcher(v1(...filters))(r)).toBe(each.every(Boolean));
      }),
      { numRuns: 300 },
    );
  });

  it('in [v] is eq v; ne v is not eq v on a field that is there', () => {
    fc.assert(
      fc.property(field, value, record, (f, v, r) => {
        const eq = matcher(v2([f, 'eq', v]))(r);
        expect(matcher(v2([f, 'in', [v]]))(r)).toBe(eq);
        expect(matcher(v2([f, 'in', v]))(r)).toBe(eq);
        const present = f === 'userState' || typeof r[f] === 'string';
        if (present) expect(matcher(v2([f, 'ne', v]))(r)).toBe(!eq);
        else expect(matcher(v2([f, 'ne', v]))(r)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('a group record read into its rule', () => {
  const rule: JsonObject = { filters: [{ field: 'department', operation: 'eq', value: 'Engineering' }] };
  const ann = { type: 'user', id: 'a'.repeat(24) };
  const ben = { type: 'user', id: 'b'.repeat(24) };

  it('STATIC, NOTSET, no method, and policy groups run no rule', () => {
    for (const membershipMethod of ['STATIC', 'NOTSET', undefined]) {
      const record: JsonObject = { name: 'g', memberQuery: rule, ...(membershipMethod ? { membershipMethod } : {}) };
      expect(groupRule('user_group', record)).toEqual({ state: 'none' });
    }
    expect(groupRule('policy_group', { name: 'p', membershipMethod: 'DYNAMIC_AUTOMATED', memberQuery: rule })).toEqual({ state: 'none' });
  });

  it('a rule flagged in error, or one it cannot read, is frozen, saying why', () => {
    const flagged = groupRule('user_group', {
      membershipMethod: 'DYNAMIC_AUTOMATED',
      memberQuery: rule,
      memberQueryErrorFlags: ['INVALID_GROUP_REFERENCE'],
    });
    expect(flagged).toMatchObject({ state: 'frozen', method: 'DYNAMIC_AUTOMATED', why: expect.stringMatching(/INVALID_GROUP_REFERENCE/) });
    // An empty flag list is no error.
    expect(groupRule('user_group', { membershipMethod: 'DYNAMIC_AUTOMATED', memberQuery: rule, memberQueryErrorFlags: [] })).toMatchObject({
      state: 'running',
    });
    expect(groupRule('system_group', { membershipMethod: 'DYNAMIC_REVIEW_REQUIRED', memberQuery: rule })).toMatchObject({
      state: 'frozen',
      why: expect.stringMatching(/"department"/),
    });
    expect(groupRule('user_group', { membershipMethod: 'DYNAMIC_AUTOMATED', memberQuery: null })).toMatchObject({ state: 'frozen' });
  });

  it('a running rule wants the objects it matches that are not exempt, of its member type only', () => {
    const record: JsonObject = {
      membershipMethod: 'DYNAMIC_REVIEW_REQUIRED',
      memberQuery: rule,
      memberQueryExemptions: [{ id: ben.id, type: 'user' }],
    };
    const read = groupRule('user_group', record);
    if (read.state !== 'running') throw new Error(read.state);
    expect([...read.exempt]).toEqual([ben.id]);
    expect(exemptIds({ memberQueryExemptions: null })).toEqual(new Set());
    // Exemptions it cannot read freeze the rule: whom they meant to exempt is not guessed.
    for (const memberQueryExemptions of ['nope', [{ id: 7, type: 'user' }], [null], ['x']]) {
      expect(groupRule('user_group', { ...record, memberQueryExemptions }), JSON.stringify(memberQueryExemptions)).toMatchObject({
        state: 'frozen',
        why: expect.stringMatching(/memberQueryExemptions/),
      });
    }
    const engineer = { department: 'Engineering' };
    expect(ruleWants(read, ann, engineer)).toBe(true);
    expect(ruleWants(read, ben, engineer)).toBe(false); // exempt
    expect(ruleWants(read, ann, { department: 'Sales' })).toBe(false);
    expect(ruleWants(read, { type: 'system', id: ann.id }, engineer)).toBe(false); // not a user
  });
});

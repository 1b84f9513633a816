/**
 * The simulator's own reading of a dynamic group's `memberQuery` (v2 spec `MemberQuery`; JumpCloud's
 * "Configure Dynamic User Groups" and "Configure Dynamic Device Groups"), written apart from the
 * engine's (src/model), so a contract test can hold one against the other.
 *
 * Forms: v1 `{queryType: "FilterQuery", filters: [{field, operator, value}]}`; v2 (no or a null `queryType`)
 * `{filters: [{field, operation, value}]}`. Anything else is unreadable and is never guessed at: another
 * queryType (`Filter`, `Search`), no or an empty filter list, a filter missing a part, an unknown field,
 * an operator the field does not take, a value of the wrong kind. The simulator's own choices where the
 * documentation is silent: docs/rules.md#when-the-simulator-runs-the-rules.
 */
import type { JsonValue } from '../../model/index.ts';

/** The object type a group's rule selects: users for user groups, systems for system groups. */
export type RuleMemberType = 'user' | 'system';

export type RuleOperator = 'eq' | 'ne' | 'in' | 'gt' | 'ge' | 'lt' | 'le';

const EVERY_FIELD_OPERATORS: ReadonlySet<string> = new Set(['eq', 'ne', 'in']);
const DATE_OPERATORS: ReadonlySet<string> = new Set(['eq', 'ne', 'in', 'gt', 'ge', 'lt', 'le']);

type FieldKind = 'string' | 'date' | 'user-state';

/** The documented user attributes: record fields of the same name, and `userState` read from `state`. */
const USER_FIELDS: ReadonlyMap<string, FieldKind> = new Map([
  ['company', 'string'],
  ['costCenter', 'string'],
  ['description', 'string'],
  ['department', 'string'],
  ['employeeType', 'string'],
  ['jobTitle', 'string'],
  ['location', 'string'],
  ['userState', 'user-state'],
]);

/** Device attributes: strings, and the two dates compared as instants. */
const DEVICE_FIELDS: ReadonlyMap<string, FieldKind> = new Map([
  ['hostname', 'string'],
  ['displayName', 'string'],
  ['os', 'string'],
  ['osFamily', 'string'],
  ['version', 'string'],
  ['arch', 'string'],
  ['serialNumber', 'string'],
  ['created', 'date'],
  ['lastContact', 'date'],
]);

/** What `userState` reads for each v1 `state`. */
const USER_STATES: Readonly<Record<string, string>> = { ACTIVATED: 'active', STAGED: 'staged', SUSPENDED: 'suspended' };

/** The fields a rule over `memberType` may name. */
export function ruleFields(memberType: RuleMemberType): readonly string[] {
  return [...(memberType === 'user' ? USER_FIELDS : DEVICE_FIELDS).keys()];
}

/** One filter, read: the field, the operator, and its values (one for eq/ne and the comparisons). */
export interface RuleFilter {
  readonly field: string;
  readonly operator: RuleOperator;
  readonly values: readonly string[];
}

/** A query read: the filters, all of which must hold, and the test of one record. */
export interface ReadableQuery {
  readonly readable: true;
  readonly form: 'v1' | 'v2';
  readonly filters: readonly RuleFilter[];
  /** True when the record (a v1 list record of the member type) satisfies every filter. */
  readonly matches: (record: Readonly<Record<string, JsonValue | undefined>>) => boolean;
}

/** A query the simulator will not evaluate, and why (one sentence naming the part). */
export interface UnreadableQuery {
  readonly readable: false;
  readonly reason: string;
}

export type ReadQuery = ReadableQuery | UnreadableQuery;

function unreadable(reason: string): UnreadableQuery {
  return { readable: false, reason };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * The instant of an ISO-8601 date or date-time, or undefined. A date-time without an offset is read as
 * UTC (a rule choice: JavaScript would read it in the server's zone, and the docs name no zone).
 */
export function isoInstant(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const known = INSTANTS.get(text);
  if (known !== undefined || INSTANTS.has(text)) return known;
  const m = ISO_8601.exec(text);
  const ms = m ? Date.parse(text.includes('T') && m[1] === undefined ? `${text}Z` : text) : NaN;
  const instant = Number.isNaN(ms) ? undefined : ms;
  // Rules read the same dates over and over (every device, every rule): parsed once, in a bounded cache.
  if (INSTANTS.size >= 200_000) INSTANTS.clear();
  INSTANTS.set(text, instant);
  return instant;
}

const INSTANTS = new Map<string, number | undefined>();

/** The value a record gives a field: a string, an instant for dates, undefined when missing or not readable. */
function fieldValue(kind: FieldKind, field: string, record: Readonly<Record<string, JsonValue | undefined>>): string | number | undefined {
  if (kind === 'user-state') {
    const state = record['state'];
    return typeof state === 'string' && Object.hasOwn(USER_STATES, state) ? USER_STATES[state] : undefined;
  }
  const value = record[field];
  if (kind === 'date') return isoInstant(value);
  return typeof value === 'string' ? value : undefined;
}

type Test = (record: Readonly<Record<string, JsonValue | undefined>>) => boolean;

function readFilter(raw: unknown, index: number, form: 'v1' | 'v2', fields: ReadonlyMap<string, FieldKind>): RuleFilter | UnreadableQuery {
  const where = `filter ${index + 1}`;
  if (!isObject(raw)) return unreadable(`${where} is not an object`);
  const operatorKey = form === 'v1' ? 'operator' : 'operation';
  const { field, value } = raw;
  const operator = raw[operatorKey];
  if (typeof field !== 'string') return unreadable(`${where} has no field`);
  if (typeof operator !== 'string') return unreadable(`${where} has no ${operatorKey}`);
  if (value === undefined) return unreadable(`${where} has no value`);
  const kind = fields.get(field);
  if (kind === undefined) return unreadable(`${where} names the field "${field}", which is not one a rule can read`);
  if (!(kind === 'date' ? DATE_OPERATORS : EVERY_FIELD_OPERATORS).has(operator)) {
    return unreadable(`${where} uses the operator "${operator}", which the field ${field} does not take`);
  }
  let values: string[];
  if (operator === 'in') {
    // A string counts as a one-element list.
    if (typeof value === 'string') values = [value];
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) values = value;
    else return unreadable(`${where}: the value of "in" must be a list of strings`);
  } else if (typeof value === 'string') {
    values = [value];
  } else {
    return unreadable(`${where}: the value of "${operator}" must be a string`);
  }
  if (kind === 'date' && values.some((v) => isoInstant(v) === undefined)) {
    return unreadable(`${where}: the value of the date field ${field} must be an ISO-8601 date`);
  }
  return { field, operator: operator as RuleOperator, values };
}

function testOf(filter: RuleFilter, kind: FieldKind): Test {
  const { field, operator } = filter;
  const wanted: readonly (string | number)[] = kind === 'date' ? filter.values.map((v) => isoInstant(v) as number) : filter.values;
  const first = wanted[0] as string | number;
  const test = (have: string | number): boolean => {
    switch (operator) {
      case 'eq':
        return have === first;
      case 'ne':
        return have !== first;
      case 'in':
        return wanted.includes(have);
      case 'gt':
        return have > first;
      case 'ge':
        return have >= first;
      case 'lt':
        return have < first;
      case 'le':
        return have <= first;
    }
  };
  // A missing (or null, or unreadable) field: `ne` holds, every other operator does not.
  return (record) => {
    const have = fieldValue(kind, field, record);
    return have === undefined ? operator === 'ne' : test(have);
  };
}

/** Reads a group's `memberQuery` for its member type: the filters and their test, or why it cannot be read. */
export function readMemberQuery(query: unknown, memberType: RuleMemberType): ReadQuery {
  if (!isObject(query)) return unreadable('the group has no member query');
  let form: 'v1' | 'v2';
  // A null queryType is read as an omitted one (the schema allows an object or null throughout).
  if (query['queryType'] === undefined || query['queryType'] === null) form = 'v2';
  else if (query['queryType'] === 'FilterQuery') form = 'v1';
  else return unreadable(`the query type ${JSON.stringify(query['queryType'])} is not FilterQuery`);
  const raw = query['filters'];
  if (!Array.isArray(raw) || raw.length === 0) return unreadable('the query has no filters');
  const fields = memberType === 'user' ? USER_FIELDS : DEVICE_FIELDS;
  const filters: RuleFilter[] = [];
  for (const [i, item] of raw.entries()) {
    const filter = readFilter(item, i, form, fields);
    if ('readable' in filter) return filter;
    filters.push(filter);
  }
  // Several filters: all must hold (inferred; the docs do not say how filters combine).
  const tests = filters.map((f) => testOf(f, fields.get(f.field) as FieldKind));
  return { readable: true, form, filters, matches: (record) => tests.every((t) => t(record)) };
}

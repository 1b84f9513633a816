/**
 * Dynamic-group rules (`memberQuery`): reading both forms, evaluating them against a user's or system's
 * record, and writing them in words. Pure data and functions; what a rule does to a group's members is
 * in member-query-group.ts.
 *
 * Sources: the v2 spec (`MemberQuery`: v1 `{queryType: "FilterQuery", filters: [{field, operator, value}]}`;
 * v2, sent with `x-query-dsl: v2`, `{filters: [{field, operation, value}]}` without `queryType`), JumpCloud's
 * "Configure Dynamic User Groups" / "Configure Dynamic Device Groups" support articles and the community
 * article "Dynamic Groups Automation Using The API" (user attributes company, costCenter, description,
 * department, employeeType, jobTitle, location with eq, ne, in; userState with active, staged, suspended;
 * device attributes with comparisons on dates; values match exactly; nothing validates a rule).
 *
 * Rules chosen where the sources are silent (each marked RULE below; docs/rules.md#reading-a-rule):
 * - several filters all must hold (AND);
 * - `userState` reads the record's `state`: ACTIVATED → active, STAGED → staged, SUSPENDED → suspended;
 * - device fields: strings hostname, displayName, os, osFamily, version, arch, serialNumber; dates created
 *   and lastContact (ISO-8601, compared as instants, for every operator; a date-time without an offset
 *   is UTC);
 * - `in` takes an array of strings, a single string counting as a one-element list; `gt`, `ge`, `lt`,
 *   `le` apply to the date fields only; strings compare exactly (case-sensitive);
 * - a field missing from the record, null, or not of its kind (not a string; not an ISO-8601 date):
 *   `ne` holds, every other operator does not;
 * - anything else is unreadable and never guessed: a `queryType` other than FilterQuery (Filter, Search),
 *   no filters or an empty list, a filter missing a part, an unknown field or operator, an operator the
 *   field does not take, a value of the wrong kind.
 */
import { isJsonObject, type JsonObject } from './tenant.ts';

/** The objects a rule can select: a user group's users or a system group's systems. */
export type RuleMemberType = 'user' | 'system';

export const RULE_OPERATORS = ['eq', 'ne', 'in', 'gt', 'ge', 'lt', 'le'] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];

/** What kind of value a rule field holds, and so which operators it takes and how it compares. */
type FieldKind = 'text' | 'state' | 'date';

interface RuleField {
  /** The record field it reads. */
  readonly recordField: string;
  readonly kind: FieldKind;
}

const TEXT_OPERATORS: readonly RuleOperator[] = ['eq', 'ne', 'in'];
const OPERATORS_OF: { readonly [K in FieldKind]: readonly RuleOperator[] } = {
  text: TEXT_OPERATORS,
  state: TEXT_OPERATORS,
  date: RULE_OPERATORS,
};

const text = (recordField: string): RuleField => ({ recordField, kind: 'text' });

/** RULE: userState is the record's `state`, mapped to the values rules use. */
export const USER_STATE_VALUES: Readonly<Record<string, string>> = { ACTIVATED: 'active', STAGED: 'staged', SUSPENDED: 'suspended' };

/** The fields a rule may read, per member type (the documented attributes; devices as chosen above). */
export const RULE_FIELDS: { readonly [T in RuleMemberType]: Readonly<Record<string, RuleField>> } = {
  user: {
    company: text('company'),
    costCenter: text('costCenter'),
    description: text('description'),
    department: text('department'),
    employeeType: text('employeeType'),
    jobTitle: text('jobTitle'),
    location: text('location'),
    userState: { recordField: 'state', kind: 'state' },
  },
  system: {
    hostname: text('hostname'),
    displayName: text('displayName'),
    os: text('os'),
    osFamily: text('osFamily'),
    version: text('version'),
    arch: text('arch'),
    serialNumber: text('serialNumber'),
    created: { recordField: 'created', kind: 'date' },
    lastContact: { recordField: 'lastContact', kind: 'date' },
  },
};

/** The field a rule names, looked up among the object's own keys (a rule naming `constructor` names no field). */
function ruleFieldOf(memberType: RuleMemberType, name: string): RuleField | undefined {
  return Object.hasOwn(RULE_FIELDS[memberType], name) ? RULE_FIELDS[memberType][name] : undefined;
}

/** One condition of a readable rule. `values` holds one value except for `in`. */
export interface RuleFilter {
  readonly field: string;
  readonly operator: RuleOperator;
  readonly values: readonly string[];
}

/** A memberQuery as jcgraph reads it: its filters (all must hold), or why it cannot be read. */
export type MemberQueryReading =
  | { readonly readable: true; readonly form: 'v1' | 'v2'; readonly filters: readonly RuleFilter[] }
  | { readonly readable: false; readonly reason: string };

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * The instant of an ISO-8601 date or date-time, or undefined when `value` is not one. RULE: a date-time
 * without an offset is read as UTC (JavaScript would read it in the machine's zone; the docs name none).
 */
export function isoInstant(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = ISO_8601.exec(value);
  if (!m) return undefined;
  const t = Date.parse(value.includes('T') && m[1] === undefined ? `${value}Z` : value);
  return Number.isNaN(t) ? undefined : t;
}

function unreadable(reason: string): MemberQueryReading {
  return { readable: false, reason };
}

/** Reads one filter; a string says why it cannot be read. */
function readFilter(item: unknown, at: number, memberType: RuleMemberType, operatorKey: 'operator' | 'operation'): RuleFilter | string {
  const where = `filter ${at + 1}`;
  if (!isJsonObject(item)) return `${where} is not an object`;
  const field = item['field'];
  const operator = item[operatorKey];
  const value = item['value'];
  if (typeof field !== 'string' || field.length === 0) return `${where} has no "field"`;
  if (typeof operator !== 'string' || operator.length === 0) return `${where} has no "${operatorKey}"`;
  if (value === undefined || value === null) return `${where} has no "value"`;
  const known = ruleFieldOf(memberType, field);
  if (!known)
    return `${where}'s field "${field}" is not a ${memberType} attribute jcgraph can read (${Object.keys(RULE_FIELDS[memberType]).join(', ')})`;
  if (!(RULE_OPERATORS as readonly string[]).includes(operator))
    return `${where}'s ${operatorKey} "${operator}" is not one jcgraph knows (${RULE_OPERATORS.join(', ')})`;
  const op = operator as RuleOperator;
  if (!OPERATORS_OF[known.kind].includes(op))
    return `${where}'s ${operatorKey} "${op}" does not apply to ${field} (${OPERATORS_OF[known.kind].join(', ')})`;
  // RULE: `in` takes an array of strings; a single string counts as a one-element list.
  const values = op === 'in' && Array.isArray(value) ? value : [value];
  if (op !== 'in' && Array.isArray(value)) return `${where}'s value for ${op} is a list; it must be one string`;
  if (!values.every((v): v is string => typeof v === 'string'))
    return `${where}'s value must be ${op === 'in' ? 'a list of strings' : 'a string'}`;
  if (known.kind === 'date' && values.some((v) => isoInstant(v) === undefined))
    return `${where}'s value for the date ${field} is not an ISO-8601 date`;
  return { field, operator: op, values };
}

/** Reads a group's `memberQuery` for members of `memberType`: its filters, or why jcgraph cannot read it (never a guess). */
export function readMemberQuery(query: unknown, memberType: RuleMemberType): MemberQueryReading {
  if (query === undefined || query === null) return unreadable('the group has no memberQuery');
  if (!isJsonObject(query)) return unreadable('its memberQuery is not an object');
  const queryType = query['queryType'];
  let form: 'v1' | 'v2';
  if (queryType === undefined || queryType === null) form = 'v2';
  else if (queryType === 'FilterQuery') form = 'v1';
  else
    return unreadable(
      `its queryType ${JSON.stringify(queryType)} is not one jcgraph reads (FilterQuery, or the v2 form without queryType)`,
    );
  const list = query['filters'];
  if (!Array.isArray(list)) return unreadable('its memberQuery has no filters');
  if (list.length === 0) return unreadable('its memberQuery has an empty list of filters');
  const filters: RuleFilter[] = [];
  for (let i = 0; i < list.length; i++) {
    const read = readFilter(list[i], i, memberType, form === 'v1' ? 'operator' : 'operation');
    if (typeof read === 'string') return unreadable(read);
    filters.push(read);
  }
  return { readable: true, form, filters };
}

/** The value a filter compares: the record's string, a userState, or an instant; undefined when missing or not of the field's kind. */
function recordValue(field: RuleField, record: JsonObject): string | number | undefined {
  const raw = record[field.recordField];
  if (field.kind === 'date') return isoInstant(raw);
  if (typeof raw !== 'string') return undefined;
  if (field.kind !== 'state') return raw;
  return Object.hasOwn(USER_STATE_VALUES, raw) ? USER_STATE_VALUES[raw] : undefined;
}

/** Whether one filter holds for a record of `memberType`. */
export function filterMatches(filter: RuleFilter, record: JsonObject, memberType: RuleMemberType): boolean {
  const field = ruleFieldOf(memberType, filter.field);
  if (!field) return false;
  const actual = recordValue(field, record);
  // RULE: a missing field (or one not of its kind): ne holds, every other operator does not.
  if (actual === undefined) return filter.operator === 'ne';
  const wanted = filter.values.map((v) => (field.kind === 'date' ? (isoInstant(v) as number) : v));
  const first = wanted[0] as string | number;
  switch (filter.operator) {
    case 'eq':
      return actual === first;
    case 'ne':
      return actual !== first;
    case 'in':
      return wanted.includes(actual);
    case 'gt':
      return actual > first;
    case 'ge':
      return actual >= first;
    case 'lt':
      return actual < first;
    case 'le':
      return actual <= first;
  }
}

/** Whether every filter holds (RULE: filters combine with AND). */
export function filtersMatch(filters: readonly RuleFilter[], record: JsonObject, memberType: RuleMemberType): boolean {
  return filters.every((f) => filterMatches(f, record, memberType));
}

/** `department eq "Engineering"`, `os in ["Mac OS X"]`. */
export function filterText(filter: RuleFilter): string {
  const value = filter.operator === 'in' ? `[${filter.values.map((v) => JSON.stringify(v)).join(', ')}]` : JSON.stringify(filter.values[0]);
  return `${filter.field} ${filter.operator} ${value}`;
}

/** A rule in words: `department eq "Engineering" and userState eq "active"`; an unreadable one as what makes it so. */
export function memberQueryText(reading: MemberQueryReading): string {
  return reading.readable ? reading.filters.map(filterText).join(' and ') : `unreadable rule: ${reading.reason}`;
}

/**
 * The filters that hold for a record, with the value each read: what makes a rule match a member (the
 * attribute to change where an exemption is not wanted).
 */
export function matchingFilters(
  filters: readonly RuleFilter[],
  record: JsonObject,
  memberType: RuleMemberType,
): { readonly filter: RuleFilter; readonly recordField: string; readonly recordValue: unknown }[] {
  return filters
    .filter((f) => filterMatches(f, record, memberType))
    .map((filter) => {
      const recordField = ruleFieldOf(memberType, filter.field)?.recordField ?? filter.field;
      return { filter, recordField, recordValue: record[recordField] ?? null };
    });
}

/**
 * The `filter` query parameter of the lists, as the specs document it: `<field>:<operator>:<value>`.
 *
 * - v1 operators: `$eq`, `$ne`, `$in` and `$nin` (terms separated by `|`, `\|` for a literal bar),
 *   `$lt`, `$lte`, `$gt`, `$gte`, `$sw` (begins with), and `$ew`, `$co`, `$nco` (ends with, contains,
 *   contains none; `$sw`, `$ew`, `$co`, `$nco` take several `|` terms). `filter=…` and `filter[0]=…`,
 *   `filter[1]=…` are ANDed; `filter[or][0]=…`, `filter[or][1]=…` are ORed.
 * - v2 operators: `eq`, `ne`, `gt`, `ge`, `lt`, `le`, `between` (`low,high`, inclusive), `search`
 *   (contains, ignoring case), `in` (terms separated by `|`). Repeated `filter` parameters, or several
 *   filters in one separated by commas, are ANDed.
 *
 * Rules chosen where the specs are silent (docs/rules.md#replica): values are compared as the field's
 * type (numbers as numbers, booleans as `true`/`false`, `null` matches a missing or null field with
 * `eq`); an array field matches when any element does; `$ew`, `$co`, `$nco` and multi-term `$sw` are
 * answered without the `x-eventually-consistent` header (a snapshot is consistent); v1 operators written
 * without their `$` are read as with it; wildcards are not expanded. An unknown operator or a filter that
 * is not `field:operator:value` is a 400 naming `filter`.
 */
import type { JsonObject, JsonValue } from '../../model/index.ts';
import { badParameter } from '../errors.ts';
import { compareValues, fieldValue, type ApiVersion } from './query.ts';

export type Predicate = (item: JsonObject, id: string) => boolean;

const V1_OPERATORS = ['$eq', '$ne', '$in', '$nin', '$lt', '$lte', '$gt', '$gte', '$sw', '$ew', '$co', '$nco'] as const;
const V2_OPERATORS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'between', 'search', 'in'] as const;

/** One operator's test of a field value against the filter's value text. */
type Test = (field: JsonValue | undefined, value: string) => boolean;

/** `a|b\|c` → [`a`, `b|c`]. */
function terms(value: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\' && value[i + 1] === '|') {
      current += '|';
      i++;
    } else if (c === '|') {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

/** The filter's text as a value of the field's type, for comparison. */
function typed(field: JsonValue | undefined, text: string): JsonValue {
  if (typeof field === 'number' && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  if (typeof field === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  if ((field === null || field === undefined) && text === 'null') return null;
  return text;
}

/** Applies a scalar test to a field, or to each element of an array field (any may match). */
function anyElement(test: (field: JsonValue | undefined, value: string) => boolean): Test {
  return (field, value) => (Array.isArray(field) ? field.some((e) => test(e, value)) : test(field, value));
}

const equals = anyElement((field, value) => {
  const v = typed(field, value);
  if (v === null) return field === null || field === undefined;
  return field !== undefined && compareValues(field, v) === 0 && typeof field === typeof v;
});

function ordered(accept: (c: number) => boolean): Test {
  return anyElement((field, value) => field !== undefined && field !== null && accept(compareValues(field, typed(field, value))));
}

function text(field: JsonValue | undefined): string | undefined {
  if (field === undefined || field === null) return undefined;
  return typeof field === 'string' ? field : typeof field === 'object' ? JSON.stringify(field) : String(field);
}

function stringTest(test: (field: string, term: string) => boolean, all = false): Test {
  return anyElement((field, value) => {
    const s = text(field);
    if (s === undefined) return false;
    const ts = terms(value);
    return all ? ts.every((t) => test(s, t)) : ts.some((t) => test(s, t));
  });
}

const lt = ordered((c) => c < 0);
const le = ordered((c) => c <= 0);
const gt = ordered((c) => c > 0);
const ge = ordered((c) => c >= 0);
const inTerms: Test = (field, value) => terms(value).some((t) => equals(field, t));

const TESTS: Readonly<Record<string, Test>> = {
  $eq: equals,
  $ne: (field, value) => !equals(field, value),
  $in: inTerms,
  $nin: (field, value) => !inTerms(field, value),
  $lt: lt,
  $lte: le,
  $gt: gt,
  $gte: ge,
  $sw: stringTest((s, t) => s.startsWith(t)),
  $ew: stringTest((s, t) => s.endsWith(t)),
  $co: stringTest((s, t) => s.includes(t)),
  $nco: (field, value) => !stringTest((s, t) => s.includes(t))(field, value),
  eq: equals,
  ne: (field, value) => !equals(field, value),
  gt,
  ge,
  lt,
  le,
  in: inTerms,
  search: anyElement((field, value) => text(field)?.toLowerCase().includes(value.toLowerCase()) ?? false),
  between: (field, value) => {
    const [low, high, ...rest] = value.split(',');
    if (low === undefined || high === undefined || rest.length > 0) return false;
    return ge(field, low) && le(field, high);
  },
};

interface Clause {
  readonly field: string;
  readonly test: Test;
  readonly value: string;
}

function operatorsOf(api: ApiVersion): readonly string[] {
  return api === 'v1' ? V1_OPERATORS : V2_OPERATORS;
}

function parseClause(api: ApiVersion, raw: string, parameter: string): Clause {
  const first = raw.indexOf(':');
  const second = first < 0 ? -1 : raw.indexOf(':', first + 1);
  if (first <= 0 || second < 0) {
    throw badParameter(
      parameter,
      `The filter "${raw}" is not field:operator:value (e.g. ${api === 'v1' ? 'username:$eq:jdoe' : 'name:eq:Engineering'}).`,
    );
  }
  const field = raw.slice(0, first);
  let operator = raw.slice(first + 1, second);
  if (api === 'v1' && !operator.startsWith('$')) operator = `$${operator}`;
  if (!operatorsOf(api).includes(operator)) {
    throw badParameter(
      parameter,
      `The filter "${raw}" uses the operator "${raw.slice(first + 1, second)}", which the ${api} API does not have; its operators are ${operatorsOf(api).join(', ')}.`,
    );
  }
  if (operator === 'between' && raw.slice(second + 1).split(',').length !== 2) {
    throw badParameter(parameter, `The filter "${raw}" needs two values for between: field:between:low,high.`);
  }
  return { field, test: TESTS[operator] as Test, value: raw.slice(second + 1) };
}

/**
 * Splits one v2 filter value at the commas that start another filter (`a:eq:1,b:ne:2`), not at those
 * inside a value (`name:eq:Doe, Jane`, `n:between:1,5`).
 */
function splitV2(value: string): string[] {
  const starts = new RegExp(`,(?=[^,:]+:(?:${V2_OPERATORS.join('|')}):)`, 'g');
  return value.split(starts);
}

function matches(clause: Clause, item: JsonObject, id: string): boolean {
  return clause.test(fieldValue(item, clause.field, id), clause.value);
}

/** The filters of a request as one predicate, or undefined when it has none. */
export function parseFilters(api: ApiVersion, params: URLSearchParams): Predicate | undefined {
  const all: Clause[] = [];
  const any: Clause[] = [];
  for (const [key, value] of params) {
    if (key === 'filter' || /^filter\[\d*\]$/.test(key)) {
      for (const raw of api === 'v2' ? splitV2(value) : [value]) all.push(parseClause(api, raw, key));
    } else if (/^filter\[or\]\[\d*\]$/.test(key)) {
      any.push(parseClause(api, value, key));
    } else if (key.startsWith('filter[')) {
      throw badParameter(key, `The query parameter ${key} is not a filter form the API knows: use filter, filter[N] or filter[or][N].`);
    }
  }
  if (all.length === 0 && any.length === 0) return undefined;
  return (item, id) => all.every((c) => matches(c, item, id)) && (any.length === 0 || any.some((c) => matches(c, item, id)));
}

/**
 * The v1 `search` parameter ("a nested object containing a searchTerm string or array of strings and a
 * list of fields to search on"), as a query string writes it: `search[searchTerm]=…` (repeatable, or
 * `search[searchTerm][]=…`) and `search[fields][]=…`; a plain `search=…` is a term over every field.
 * An item matches when any term is in any of the fields, ignoring case.
 */
export function parseSearch(params: URLSearchParams): Predicate | undefined {
  const searchTerms: string[] = [];
  const fields: string[] = [];
  for (const [key, value] of params) {
    if (key === 'search' || /^search\[searchTerm\](\[\d*\])?$/.test(key)) searchTerms.push(value);
    else if (/^search\[fields\](\[\d*\])?$/.test(key)) fields.push(...value.split(/[\s,]+/).filter((f) => f.length > 0));
    else if (key.startsWith('search['))
      throw badParameter(key, `The query parameter ${key} is not part of search: use search[searchTerm] and search[fields][].`);
  }
  const wanted = searchTerms.map((t) => t.toLowerCase()).filter((t) => t.length > 0);
  if (wanted.length === 0) return undefined;
  return (item, id) => {
    const values = fields.length > 0 ? fields.map((f) => fieldValue(item, f, id)) : Object.values(item);
    return values.some((v) => {
      const s = text(v)?.toLowerCase();
      return s !== undefined && wanted.some((t) => s.includes(t));
    });
  };
}

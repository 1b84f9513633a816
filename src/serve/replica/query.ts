/**
 * The list and paging query parameters of the JumpCloud API, read as the specs define them
 * (spec/api/1.0 and 2.0): `limit` (default 10, or 100 on the health-monitoring rules; at most 100),
 * `skip` (from 0), `sort` (v1: space-separated fields; v2: comma-separated; `-` in front for
 * descending) and `fields` (v1: space-separated; v2: comma-separated). Filters are in ./filter.ts.
 *
 * Rules chosen where the specs are silent (docs/rules.md#replica): `limit` must be a whole number from
 * 1 to 100 and `skip` a whole number from 0, else 400 naming the parameter; v1 also takes commas in
 * `sort` and `fields`, v2 also spaces; `_id` and `id` both name the object's id in `sort`, `fields` and
 * `filter`, in either API; records sort in MongoDB's order of types (missing and null first, then
 * numbers, strings, objects, arrays, booleans), ties by id.
 */
import type { JsonObject, JsonValue } from '../../model/index.ts';
import { badParameter } from '../errors.ts';

export type ApiVersion = 'v1' | 'v2';

export const MAX_LIMIT = 100;

export interface Paging {
  readonly limit: number;
  readonly skip: number;
}

function wholeNumber(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw badParameter(name, `The query parameter ${name} must be a whole number ${range}, not "${raw}".`);
  }
  return value;
}

function single(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name);
  if (all.length > 1) throw badParameter(name, `The query parameter ${name} is given ${all.length} times; give it once.`);
  return all[0];
}

export function parsePaging(params: URLSearchParams, defaultLimit = 10): Paging {
  const limit = single(params, 'limit');
  const skip = single(params, 'skip');
  return {
    limit: limit === undefined ? defaultLimit : wholeNumber('limit', limit, 1, MAX_LIMIT),
    skip: skip === undefined ? 0 : wholeNumber('skip', skip, 0, Number.MAX_SAFE_INTEGER),
  };
}

/** The words of a list-valued parameter, repeated or not, split at spaces and commas. */
function words(params: URLSearchParams, name: string): string[] {
  return params
    .getAll(name)
    .flatMap((v) => v.split(/[\s,]+/))
    .filter((w) => w.length > 0);
}

export interface SortKey {
  readonly field: string;
  readonly descending: boolean;
}

export function parseSort(params: URLSearchParams): SortKey[] {
  return words(params, 'sort').map((w) => {
    const descending = w.startsWith('-');
    const field = descending || w.startsWith('+') ? w.slice(1) : w;
    if (field.length === 0) throw badParameter('sort', `The query parameter sort names an empty field ("${w}").`);
    return { field, descending };
  });
}

/** The fields to keep (the id field is always kept), or undefined for whole records. */
export function parseFields(params: URLSearchParams): string[] | undefined {
  const fields = words(params, 'fields');
  return fields.length > 0 ? fields : undefined;
}

const ID_FIELDS: ReadonlySet<string> = new Set(['_id', 'id']);

/** A field of an item by dotted path (`mfa.configured`); `_id` and `id` both give the item's id. */
export function fieldValue(item: JsonObject, field: string, id: string): JsonValue | undefined {
  if (ID_FIELDS.has(field)) return id;
  if (field in item) return item[field];
  let value: JsonValue | undefined = item;
  for (const part of field.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = value[part];
  }
  return value;
}

/** MongoDB's order of BSON types: missing and null, numbers, strings, objects, arrays, booleans. */
function typeOrder(value: JsonValue | undefined): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return 1;
  if (typeof value === 'string') return 2;
  if (typeof value === 'boolean') return 5;
  return Array.isArray(value) ? 4 : 3;
}

export function compareValues(a: JsonValue | undefined, b: JsonValue | undefined): number {
  const ta = typeOrder(a);
  const tb = typeOrder(b);
  if (ta !== tb) return ta - tb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = typeof a === 'string' ? a : JSON.stringify(a ?? null);
  const y = typeof b === 'string' ? b : JSON.stringify(b ?? null);
  return x < y ? -1 : x > y ? 1 : 0;
}

export interface Item {
  readonly id: string;
  readonly value: JsonObject;
}

/** Sorts items by the keys, ties (and no keys) by id ascending. */
export function sortItems(items: readonly Item[], keys: readonly SortKey[]): Item[] {
  const byId = (x: Item, y: Item): number => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
  return [...items].sort((x, y) => {
    for (const { field, descending } of keys) {
      const c = compareValues(fieldValue(x.value, field, x.id), fieldValue(y.value, field, y.id));
      if (c !== 0) return descending ? -c : c;
    }
    return byId(x, y);
  });
}

/** The record with only `fields` (and its id field) kept, in the record's own field order (`a.b` keeps `a`). */
export function project(record: JsonObject, fields: readonly string[]): JsonObject {
  const keep = new Set(fields.map((f) => f.split('.')[0]));
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(record)) if (ID_FIELDS.has(key) || keep.has(key)) out[key] = value;
  return out;
}

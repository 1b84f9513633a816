/**
 * Reading pages off the wire: list pages in their three shapes (TYPE_INFO's ListShape) and the graph
 * collections (`GraphConnection[]`, `GraphObjectWithPaths[]`), with the total from `totalCount` or the
 * `x-total-count` header. A body of the wrong shape is a `ShapeError`, which the crawl reports with the
 * request it came from.
 */
import { JcGraphError } from '../errors.ts';
import type { JsonObject, ListShape } from '../model/index.ts';
import { isJsonObject } from '../model/index.ts';
import type { ApiResponse } from './client.ts';
import type { Page } from './paging.ts';

/** A response body that does not have the documented shape (the fetch reports it as a JcApiError naming the request). */
export class ShapeError extends JcGraphError {
  override name = 'ShapeError';
}

/** `x-total-count` as a non-negative integer, when present and readable. */
function headerTotal(headers: Headers): number | undefined {
  const raw = headers.get('x-total-count');
  if (raw === null || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

function arrayOf(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(`expected ${what}, got ${describe(value)}`);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? `an object with keys ${Object.keys(value).slice(0, 5).join(', ') || '(none)'}` : `a ${typeof value}`;
}

export function listPage(shape: ListShape, response: ApiResponse): Page {
  const body = response.body;
  switch (shape) {
    case 'v1': {
      if (!isJsonObject(body)) throw new ShapeError(`expected {totalCount, results}, got ${describe(body)}`);
      const total = body['totalCount'];
      return {
        items: arrayOf(body['results'], 'a results array'),
        total: typeof total === 'number' && Number.isInteger(total) && total >= 0 ? total : headerTotal(response.headers),
      };
    }
    case 'v2':
      return { items: arrayOf(body, 'an array'), total: headerTotal(response.headers) };
    case 'v2-rules': {
      if (!isJsonObject(body)) throw new ShapeError(`expected {count, rules}, got ${describe(body)}`);
      // `count` is the size of the page, not a total: the header is the only total.
      return { items: arrayOf(body['rules'] ?? [], 'a rules array'), total: headerTotal(response.headers) };
    }
  }
}

/** A graph collection page: a bare array, total in `x-total-count`. */
export function graphPage(response: ApiResponse): Page {
  return { items: arrayOf(response.body, 'an array'), total: headerTotal(response.headers) };
}

/** A graph object reference from the wire: `{id, type}` with string fields, or undefined. */
export function graphRef(value: unknown): { id: string; type: string; attributes: JsonObject | null } | undefined {
  if (!isJsonObject(value)) return undefined;
  const { id, type } = value;
  if (typeof id !== 'string' || id === '' || typeof type !== 'string' || type === '') return undefined;
  return { id, type, attributes: attributesOf(value['attributes']) };
}

/** An `attributes` field: an object, else null (absent, null, or anything else). */
export function attributesOf(value: unknown): JsonObject | null {
  return isJsonObject(value) ? value : null;
}

/** The direct hop of a memberof item: the attributes of its one-hop path. */
export function directHopAttributes(item: Record<string, unknown>): { found: boolean; attributes: JsonObject | null } {
  const paths = item['paths'];
  if (!Array.isArray(paths)) return { found: false, attributes: null };
  for (const path of paths) {
    if (Array.isArray(path) && path.length === 1 && isJsonObject(path[0]))
      return { found: true, attributes: attributesOf(path[0]['attributes']) };
  }
  return { found: false, attributes: null };
}

/**
 * Paging parameters as the API reads them: `limit` an integer 1..100 (default 10, or 100 on the
 * health-monitoring rules list), `skip` an integer ≥ 0, `sort` by id only (`_id`, `id`, `-_id`, `-id`;
 * the simulator holds no other order, so other fields are refused rather than silently ignored).
 * `filter`, `fields`, `search` and `details` are accepted and ignored.
 */
import { SimulatorError } from '../errors.ts';

export const MAX_LIMIT = 100;

export interface Paging {
  readonly limit: number;
  readonly skip: number;
  readonly descending: boolean;
}

function integerParam(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new SimulatorError(`${name} must be an integer ${range}, not "${value}"`, 400, name === 'limit' ? 'invalidLimit' : 'invalidSkip');
  }
  return Number(value);
}

export function parsePaging(params: URLSearchParams, defaultLimit: number): Paging {
  const limitRaw = params.get('limit');
  const skipRaw = params.get('skip');
  const limit = limitRaw === null ? defaultLimit : integerParam('limit', limitRaw, 1, MAX_LIMIT);
  const skip = skipRaw === null ? 0 : integerParam('skip', skipRaw, 0, Number.MAX_SAFE_INTEGER);
  let descending = false;
  for (const field of params
    .getAll('sort')
    .flatMap((v) => v.split(/[\s,]+/))
    .filter((f) => f.length > 0)) {
    const name = field.startsWith('-') ? field.slice(1) : field;
    if (name !== '_id' && name !== 'id') {
      throw new SimulatorError(`sort "${field}" is not supported by the simulator; use _id or -_id`, 400, 'invalidSort');
    }
    descending = field.startsWith('-');
  }
  return { limit, skip, descending };
}

/**
 * The JSON body of `POST /insights/directory/v1/events`, read as Directory Insights reads it (its spec,
 * spec/api/insights/directory/1.0/index.yaml): `service` (an array of known service names) and
 * `start_time` (RFC 3339) are required; `end_time` optional and not before the start; a start in the
 * future is refused; `limit` defaults to 1000, at most 10000, and any other value falls back to the
 * default; `sort` is ASC (default) or DESC; `search_after` is the token of the `X-Search_after` header.
 * `fields`, `search_term`, `q`, `exact_match`, `skip` and the rest are accepted and ignored.
 * Anything else wrong is a 400 whose message says what.
 */
import { SimulatorError } from '../errors.ts';

/** The `service` values the spec lists. */
export const INSIGHTS_SERVICES: readonly string[] = [
  'alerts',
  'all',
  'directory',
  'ldap',
  'mdm',
  'notifications',
  'object_storage',
  'password_manager',
  'password_vault',
  'radius',
  'reports',
  'saas_app_management',
  'software',
  'sso',
  'systems',
  'access_management',
  'asset_management',
  'workflows',
  'genai',
  'aigw',
  'ai_admin',
  'generic_di',
];

export const DEFAULT_EVENT_LIMIT = 1000;
export const MAX_EVENT_LIMIT = 10_000;

/** A page position: the sort key of the last event of the previous page. */
export type SearchAfter = readonly [timestampMs: number, seq: string];

export interface EventsQuery {
  readonly services: readonly string[];
  readonly startMs: number;
  readonly endMs: number | undefined;
  readonly limit: number;
  readonly sort: 'ASC' | 'DESC';
  readonly searchAfter: SearchAfter | undefined;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function bad(message: string): SimulatorError {
  return new SimulatorError(message, 400);
}

function time(body: Record<string, unknown>, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' && RFC3339.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw bad(`${field} must be an RFC 3339 date such as 2020-01-01T14:00:00Z, not ${JSON.stringify(value)}`);
  return ms;
}

export function parseEventsQuery(text: string, nowMs: number): EventsQuery {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw bad('the request body is not valid JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw bad('the request body must be a JSON object');
  const q = body as Record<string, unknown>;
  const services = q['service'];
  if (!Array.isArray(services) || services.length === 0 || !services.every((s) => typeof s === 'string')) {
    throw bad('service is required: an array of service names');
  }
  const unknown = services.filter((s) => !INSIGHTS_SERVICES.includes(s));
  if (unknown.length > 0) throw bad(`unknown service ${JSON.stringify(unknown[0])}; supported values are ${INSIGHTS_SERVICES.join(', ')}`);
  const startMs = time(q, 'start_time');
  if (startMs === undefined) throw bad('start_time is required');
  if (startMs > nowMs) throw bad('start_time is in the future');
  const endMs = time(q, 'end_time');
  if (endMs !== undefined && endMs < startMs) throw bad('end_time is before start_time');
  const rawLimit = q['limit'];
  const limit =
    Number.isInteger(rawLimit) && (rawLimit as number) >= 1 && (rawLimit as number) <= MAX_EVENT_LIMIT
      ? (rawLimit as number)
      : DEFAULT_EVENT_LIMIT;
  const rawSort = q['sort'];
  if (rawSort !== undefined && rawSort !== null && (typeof rawSort !== 'string' || !/^(asc|desc)$/i.test(rawSort))) {
    throw bad(`sort must be ASC or DESC, not ${JSON.stringify(rawSort)}`);
  }
  const sort = typeof rawSort === 'string' && rawSort.toUpperCase() === 'DESC' ? 'DESC' : 'ASC';
  const rawAfter = q['search_after'];
  let searchAfter: SearchAfter | undefined;
  if (rawAfter !== undefined && rawAfter !== null) {
    if (!Array.isArray(rawAfter) || rawAfter.length !== 2 || typeof rawAfter[0] !== 'number' || typeof rawAfter[1] !== 'string') {
      throw bad('search_after must be the X-Search_after value of the previous page');
    }
    searchAfter = [rawAfter[0], rawAfter[1]];
  }
  return { services: services, startMs, endMs, limit, sort, searchAfter };
}

/**
 * Reads the `directory` events of a time window from Directory Insights, every page, as its spec says:
 * `POST …/events` with `{service, start_time, limit, sort: "ASC"}`, then the same body again with
 * `search_after` set to the `X-Search_after` header (a JSON array) of the previous answer, until
 * `X-Result-Count` is below `X-Limit`. A page that cannot be read (not an array, headers missing or
 * unreadable, a count that is not the page's length, a token that does not move) is a JcApiError naming
 * the request: the caller then falls back rather than act on part of the log.
 */
import { JcApiError } from '../../errors.ts';
import type { ApiClient } from '../client.ts';

/** Rows per page: the most the API allows, so a window of changes costs as few requests as possible. */
export const EVENTS_PAGE_LIMIT = 10_000;

export interface EventWindow {
  /** Events from this time on (inclusive). */
  readonly start: Date;
  /** Events up to this time; open when absent. */
  readonly end?: Date;
}

export interface EventsRead {
  readonly events: readonly unknown[];
  /** Requests made (pages; retries are counted by the client). */
  readonly pages: number;
  /** The oldest event timestamp seen, when any. */
  readonly oldest: Date | undefined;
}

export interface ReadEventsOptions {
  /** Stop with `tooMany: true` past this many events (a full fetch is then cheaper). */
  readonly maxEvents?: number;
  readonly limit?: number;
  readonly step?: string;
}

function headerInt(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || !/^\d+$/.test(raw.trim())) return undefined;
  return Number(raw.trim());
}

/** RFC 3339 in UTC, second precision (as the spec's examples write it). */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function readEvents(
  client: ApiClient,
  window: EventWindow,
  options: ReadEventsOptions = {},
): Promise<EventsRead & { tooMany: boolean }> {
  const limit = options.limit ?? EVENTS_PAGE_LIMIT;
  const endpoint = client.eventsEndpoint;
  const base: Record<string, unknown> = {
    service: ['directory'],
    start_time: rfc3339(window.start),
    ...(window.end ? { end_time: rfc3339(window.end) } : {}),
    limit,
    sort: 'ASC',
  };
  const events: unknown[] = [];
  let oldest: number | undefined;
  let searchAfter: unknown[] | undefined;
  for (let pages = 1; ; pages++) {
    const response = await client.postEvents(searchAfter ? { ...base, search_after: searchAfter } : base, 'events');
    const where = `${endpoint} (page ${pages})`;
    const unreadable = (why: string): JcApiError =>
      new JcApiError(`${where}: the page of events cannot be read: ${why}.`, { endpoint, status: response.status });
    if (!Array.isArray(response.body)) throw unreadable('its body is not a JSON array');
    const count = headerInt(response.headers, 'x-result-count');
    const pageLimit = headerInt(response.headers, 'x-limit');
    if (count === undefined || pageLimit === undefined) throw unreadable('the X-Result-Count or X-Limit header is missing');
    if (count !== response.body.length) throw unreadable(`X-Result-Count says ${count} but it holds ${response.body.length} events`);
    for (const event of response.body) {
      events.push(event);
      const ts = timestampOf(event);
      if (!Number.isNaN(ts) && (oldest === undefined || ts < oldest)) oldest = ts;
    }
    const result = { events, pages, oldest: oldest === undefined ? undefined : new Date(oldest) };
    if (count < pageLimit) return { ...result, tooMany: false };
    if (options.maxEvents !== undefined && events.length > options.maxEvents) return { ...result, tooMany: true };
    let next: unknown;
    try {
      next = JSON.parse(response.headers.get('x-search_after') ?? '');
    } catch {
      throw unreadable('the X-Search_after header is missing or not JSON');
    }
    if (!Array.isArray(next) || next.length === 0) throw unreadable('the X-Search_after header is not a position to page from');
    if (searchAfter && JSON.stringify(next) === JSON.stringify(searchAfter))
      throw unreadable('X-Search_after did not move from the previous page');
    searchAfter = next;
  }
}

/** Every JumpCloud plan keeps at least this many days of events (the lowest plans 15, the others 90). */
export const MIN_RETENTION_DAYS = 15;
const DAY_MS = 86_400_000;

/**
 * Whether Directory Insights still holds the events from `since` on. Within MIN_RETENTION_DAYS of `now`
 * every plan keeps them; further back, only an event at or before `since` that is still there proves it
 * (one request: the oldest event of the 90 days before `since`). A log with nothing that old cannot be
 * told apart from one whose retention ended later, and counts as not reaching back.
 */
export async function eventsReachBack(
  client: ApiClient,
  since: Date,
  now: Date,
): Promise<{ covered: boolean; requests: number; proof?: Date }> {
  if (now.getTime() - since.getTime() <= MIN_RETENTION_DAYS * DAY_MS) return { covered: true, requests: 0 };
  const response = await client.postEvents(
    {
      service: ['directory'],
      start_time: rfc3339(new Date(since.getTime() - 90 * DAY_MS)),
      end_time: rfc3339(since),
      limit: 1,
      sort: 'ASC',
    },
    'events',
  );
  const ts = Array.isArray(response.body) ? timestampOf(response.body[0]) : NaN;
  return Number.isNaN(ts) || ts > since.getTime() ? { covered: false, requests: 1 } : { covered: true, requests: 1, proof: new Date(ts) };
}

/** An event's `timestamp` in milliseconds, or NaN when it has none that parses. */
function timestampOf(event: unknown): number {
  const timestamp = event !== null && typeof event === 'object' ? (event as { timestamp?: unknown }).timestamp : undefined;
  return typeof timestamp === 'string' ? Date.parse(timestamp) : NaN;
}

/**
 * `POST /insights/directory/v1/events`: Directory Insights' read-only events query, as its spec says (the
 * body read by ../insights/query.ts): a JSON array of events, with the headers `X-Result-Count`,
 * `X-Limit`, `X-Sort`, `X-Search_after` (a JSON array, present on every page, the last one included) and
 * `X-Request-Id`; errors are `{message}`. A denial option makes it answer 401 (key refused), 402
 * (Directory Insights not in the plan) or 403 (the key lacks the `directoryinsights.readonly` scope).
 */
import { randomUUID } from 'node:crypto';
import { SimulatorError } from '../errors.ts';
import type { InsightsLog } from '../insights/log.ts';
import { parseEventsQuery } from '../insights/query.ts';
import { type Answer, type Dialect, type Step, bodyOf, orgOf } from './exchange.ts';

export const INSIGHTS_EVENTS_PATH = '/insights/directory/v1/events';

/** What the events API answers instead of events, when access is denied. */
export type InsightsDenial = 401 | 402 | 403;

export const INSIGHTS_DENIALS: readonly InsightsDenial[] = [401, 402, 403];

const DENIAL_MESSAGES: Readonly<Record<InsightsDenial, string>> = {
  401: 'Unauthorized (Invalid API Key)',
  402: 'Directory Insights is not enabled for your organization',
  403: 'Forbidden: the API key lacks the directoryinsights.readonly scope',
};

/** A Directory Insights error: `{message}` (the spec's ErrorMessage). */
export function insightsError(status: number, message: string, headers: Record<string, string> = {}): Answer {
  return { status, body: { message }, headers };
}

/** The error answers of the Directory Insights API. */
export const INSIGHTS_DIALECT: Dialect = {
  error: (status, message, _reason, headers) => insightsError(status, message, headers),
  unauthorized: DENIAL_MESSAGES[401],
  unknownOrg: (orgHeader) => `Unauthorized: organization "${orgHeader}" is not served here`,
  methodNotAllowed: (_method, allowed) => `${allowed} only`,
  tooManyRequests: 'Too Many Requests',
  serverError: () => 'Technical difficulties processing your request (simulated)',
};

export function answerEvents(log: InsightsLog, body: string, nowMs: number, denied: InsightsDenial | undefined): Answer {
  if (denied !== undefined) return insightsError(denied, DENIAL_MESSAGES[denied]);
  try {
    const query = parseEventsQuery(body, nowMs);
    const { events, searchAfter } = log.query(query, nowMs);
    return {
      status: 200,
      body: events,
      headers: {
        'X-Result-Count': String(events.length),
        'X-Limit': String(query.limit),
        'X-Sort': query.sort,
        'X-Search_after': JSON.stringify(searchAfter ?? []),
        'X-Request-Id': randomUUID(),
      },
    };
  } catch (e) {
    if (e instanceof SimulatorError && e.status === 400) return insightsError(400, e.message);
    throw e;
  }
}

/** The events query's answer (garbled when a fault says so). */
export const serveEvents: Step = (x, ctx) => ({
  ...answerEvents(orgOf(x).insights, bodyOf(x), ctx.clock.epochMs(), ctx.insightsDenied),
  malformed: x.malformed === true,
});

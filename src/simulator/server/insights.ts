/**
 * The simulator's two POST endpoints.
 *
 * - `POST /insights/directory/v1/events`: Directory Insights' read-only events query, as its spec says
 *   (the body read by ../insights/query.ts): a JSON array of events, with the headers `X-Result-Count`,
 *   `X-Limit`, `X-Sort`, `X-Search_after` (a JSON array, present on every page, the last one included)
 *   and `X-Request-Id`; errors are `{message}`. A denial option makes it answer 401 (key refused), 402
 *   (Directory Insights not in the plan) or 403 (the key lacks the `directoryinsights.readonly` scope).
 * - `POST /simulator/v1/changes`: `{"changes": [SimChange, …]}` applied in order (tests), or
 *   `{"random": N}` for N random changes (what churn applies), answered with `{"applied": [AppliedChange, …]}`;
 *   served only when the simulator was started with `allowChanges`, and only to loopback clients.
 */
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { JsonValue } from '../../model/index.ts';
import { SimulatorError } from '../errors.ts';
import type { InsightsLog } from '../insights/log.ts';
import { parseEventsQuery } from '../insights/query.ts';
import type { AppliedChange, SimChange } from '../changes/changes.ts';
import { errorBody } from './responses.ts';

export const INSIGHTS_EVENTS_PATH = '/insights/directory/v1/events';
export const CHANGES_PATH = '/simulator/v1/changes';

/** What the events API answers instead of events, when access is denied. */
export type InsightsDenial = 401 | 402 | 403;

export const INSIGHTS_DENIALS: readonly InsightsDenial[] = [401, 402, 403];

const DENIAL_MESSAGES: Readonly<Record<InsightsDenial, string>> = {
  401: 'Unauthorized (Invalid API Key)',
  402: 'Directory Insights is not enabled for your organization',
  403: 'Forbidden: the API key lacks the directoryinsights.readonly scope',
};

export interface PostAnswer {
  readonly status: number;
  readonly body: JsonValue;
  readonly headers?: Record<string, string>;
}

/** Longest request body read (a list of changes for a large test, or an events query). */
const MAX_BODY_BYTES = 8 * 2 ** 20;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new SimulatorError(`the request body is larger than ${MAX_BODY_BYTES} bytes`, 400);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A Directory Insights error: `{message}` (the spec's ErrorMessage). */
export function insightsError(status: number, message: string, headers: Record<string, string> = {}): PostAnswer {
  return { status, body: { message }, headers };
}

export function answerEvents(log: InsightsLog, body: string, nowMs: number, denied: InsightsDenial | undefined): PostAnswer {
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

export function answerChanges(
  body: string,
  apply: (changes: readonly SimChange[]) => AppliedChange[],
  random: (count: number) => AppliedChange[],
): PostAnswer {
  let parsed: { changes?: unknown; random?: unknown } | null;
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return { status: 400, body: errorBody('v2', 400, 'the request body is not valid JSON', 'invalidBody') };
  }
  const changes = parsed?.changes;
  const count = parsed?.random;
  const isCount = typeof count === 'number' && Number.isInteger(count) && count >= 0 && count <= 1_000_000;
  if (!Array.isArray(changes) && !isCount) {
    return { status: 400, body: errorBody('v2', 400, 'the body must be {"changes": [ … ]} or {"random": N}', 'invalidBody') };
  }
  try {
    const applied = Array.isArray(changes) ? apply(changes as SimChange[]) : random(count as number);
    return { status: 200, body: { applied: applied as unknown as JsonValue } };
  } catch (e) {
    if (e instanceof SimulatorError && e.status !== undefined)
      return { status: e.status, body: errorBody('v2', e.status, e.message, e.reason) };
    throw e;
  }
}

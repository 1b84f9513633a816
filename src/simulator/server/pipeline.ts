/**
 * The steps each kind of request goes through, in order (./exchange.ts runs them):
 *
 * - a read (every GET of the v1 and v2 APIs): counted, GET only, authenticated, rate-limited, refused by
 *   list faults, broken objects, transient faults, 404 for an unserved path, then its page;
 * - the Directory Insights events query: counted, POST only, authenticated, body read, rate-limited,
 *   transient faults, then its events;
 * - the change door: counted, open only when asked for, POST only, authenticated, body read, then the
 *   changes applied (no rate limit, no faults: it is the tests' tool, not the API).
 */
import { allowOnly, authenticate, countRequest } from './admission.ts';
import { readRequestBody } from './body.ts';
import { CHANGES_PATH, applyDoorChanges, openDoor } from './change-door.ts';
import type { Dialect, Step, Target } from './exchange.ts';
import { INSIGHTS_DIALECT, INSIGHTS_EVENTS_PATH, serveEvents } from './insights.ts';
import { rateLimit } from './rate-limit.ts';
import { servePage, unknownPath } from './reads.ts';
import { breakObjects, refuse, transientFaults } from './request-faults.ts';
import { API_DIALECTS } from './responses.ts';
import { apiOf, resolveRoute } from './routes.ts';

export const PIPELINES: { readonly [K in Target['kind']]: readonly Step[] } = {
  read: [countRequest, allowOnly('GET'), authenticate, rateLimit, refuse, breakObjects, transientFaults, unknownPath, servePage],
  insights: [countRequest, allowOnly('POST'), authenticate, readRequestBody, rateLimit, transientFaults, serveEvents],
  'change-door': [countRequest, openDoor, allowOnly('POST'), authenticate, readRequestBody, applyDoorChanges],
};

/** What a request path asks for, and the dialect its errors are answered in. */
export function targetOf(pathname: string): { target: Target; dialect: Dialect } {
  if (pathname === INSIGHTS_EVENTS_PATH) return { target: { kind: 'insights' }, dialect: INSIGHTS_DIALECT };
  if (pathname === CHANGES_PATH) return { target: { kind: 'change-door' }, dialect: API_DIALECTS.v2 };
  return { target: { kind: 'read', route: resolveRoute(pathname) }, dialect: API_DIALECTS[apiOf(pathname)] };
}

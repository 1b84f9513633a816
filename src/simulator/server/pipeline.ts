/**
 * The steps each kind of request goes through, in order (./exchange.ts runs them):
 *
 * - a write (the members and associations POSTs, the group and user PUTs): counted, authenticated, body
 *   read, rate-limited, transient faults (a write they strike is not applied), received (numbered), the
 *   write faults, then applied and answered (./writes.ts);
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
import { resolveWriteRoute, writeApi, writeMethod } from './write-routes.ts';
import { applyWrite, receiveWrite, writeFaults } from './writes.ts';

export const PIPELINES: { readonly [K in Target['kind']]: readonly Step[] } = {
  read: [countRequest, allowOnly('GET'), authenticate, rateLimit, refuse, breakObjects, transientFaults, unknownPath, servePage],
  insights: [countRequest, allowOnly('POST'), authenticate, readRequestBody, rateLimit, transientFaults, serveEvents],
  'change-door': [countRequest, openDoor, allowOnly('POST'), authenticate, readRequestBody, applyDoorChanges],
  write: [countRequest, authenticate, readRequestBody, rateLimit, transientFaults, receiveWrite, writeFaults, applyWrite],
};

/** What a request (its method and path) asks for, and the dialect its errors are answered in. */
export function targetOf(method: string | undefined, pathname: string): { target: Target; dialect: Dialect } {
  if (pathname === INSIGHTS_EVENTS_PATH) return { target: { kind: 'insights' }, dialect: INSIGHTS_DIALECT };
  if (pathname === CHANGES_PATH) return { target: { kind: 'change-door' }, dialect: API_DIALECTS.v2 };
  const write = resolveWriteRoute(pathname);
  if (write && method === writeMethod(write)) return { target: { kind: 'write', route: write }, dialect: API_DIALECTS[writeApi(write)] };
  const read: Target = { kind: 'read', route: resolveRoute(pathname), ...(write ? { writeMethod: writeMethod(write) } : {}) };
  return { target: read, dialect: API_DIALECTS[apiOf(pathname)] };
}

/**
 * `POST /simulator/v1/changes`, the tests' change door: `{"changes": [SimChange, …]}` applied in order,
 * or `{"random": N}` for N random changes (what churn applies), answered with `{"applied": [AppliedChange, …]}`;
 * served only when the simulator was started with `allowChanges`, and only to loopback clients.
 */
import type { JsonValue } from '../../model/index.ts';
import type { AppliedChange, SimChange } from '../changes/changes.ts';
import { SimulatorError } from '../errors.ts';
import { type Answer, type Step, bodyOf, orgOf } from './exchange.ts';
import { errorBody } from './responses.ts';

export const CHANGES_PATH = '/simulator/v1/changes';

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

/** 404, as if there were no such endpoint, unless the door is open and the client is on loopback. */
export const openDoor: Step = (x, ctx) =>
  ctx.allowChanges && isLoopback(x.req.socket.remoteAddress)
    ? undefined
    : x.dialect.error(404, `not found: the simulator serves no endpoint at ${x.url.pathname} (start it with allowChanges)`);

export function answerChanges(
  body: string,
  apply: (changes: readonly SimChange[]) => AppliedChange[],
  random: (count: number) => AppliedChange[],
): Answer {
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

/**
 * Applies the changes; before it answers, the organization builds what the first request after a change
 * would otherwise build (see OrgContent.warm), so the state it reports serves at the API's usual pace.
 */
export const applyDoorChanges: Step = (x, ctx) => {
  const org = orgOf(x);
  const answer = answerChanges(
    bodyOf(x),
    (changes) => ctx.orgs.apply(org, changes),
    (n) => ctx.orgs.churn(org, n),
  );
  org.warm();
  return answer;
};

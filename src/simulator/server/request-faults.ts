/**
 * The fault steps (./faults.ts decides, these apply): a list fault refuses the request (402, 403, 404);
 * a broken object answers 500 on every graph endpoint; a transient fault answers 429 or 5xx, resets the
 * connection, delays the answer or marks it to be garbled.
 */
import type { Step } from './exchange.ts';
import { orgOf, requestKey } from './exchange.ts';
import { V1_ROOT, V2_ROOT } from './routes.ts';

const REFUSALS = {
  402: 'payment required: this feature is not in the plan',
  403: 'forbidden: the API key lacks the rights for this',
  404: 'not found: this feature is not enabled',
} as const;

/** `forbidden`, `not-found`, `payment-required`: the status of the first list fault that names the request. */
export const refuse: Step = (x, ctx) => {
  if (x.target.kind !== 'read') return undefined;
  const { route } = x.target;
  const path = x.url.pathname;
  const relative = path.startsWith(`${V2_ROOT}/`) ? path.slice(V2_ROOT.length) : path.slice(V1_ROOT.length);
  const refusal = ctx.faults.refusal({
    path: relative,
    ...(route?.kind === 'list' ? { listTypes: route.types } : {}),
    ...(route?.kind === 'object' ? { listTypes: [route.type] } : {}),
    ...(route?.kind === 'graph' ? { sourceType: route.endpoint.source } : {}),
  });
  return refusal ? x.dialect.error(refusal.status, `${REFUSALS[refusal.status]} (simulated ${refusal.fault})`) : undefined;
};

/** `broken-objects`: 500 on every graph endpoint of a broken object. */
export const breakObjects: Step = (x, ctx) => {
  if (x.target.kind !== 'read' || x.target.route?.kind !== 'graph') return undefined;
  const id = x.target.route.id;
  const broken = ctx.broken.get(orgOf(x).orgId) ?? [];
  return broken.some((o) => o.id === id) ? x.dialect.error(500, 'internal server error (simulated: a broken object)') : undefined;
};

/** The transient faults of one attempt: 429 storms, 5xx, resets, slow answers, garbled bodies. */
export const transientFaults: Step = async (x, ctx) => {
  const fault = ctx.faults.beforeRequest(requestKey(x));
  switch (fault.kind) {
    case 'rate-limited': {
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
      return x.dialect.error(429, x.dialect.tooManyRequests, undefined, headers);
    }
    case 'server-error':
      return x.dialect.error(fault.status, x.dialect.serverError(fault.status));
    case 'reset':
      return { hangUp: 'reset' };
    case 'none':
      if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      x.malformed = fault.malformed;
      return undefined;
  }
};

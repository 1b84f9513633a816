/**
 * The first steps of every request: it is counted (and may be the last before `drop-after` takes the
 * network down), its method must be one the endpoint serves, and its `x-api-key` must match and its
 * `x-org-id` (absent: the first organization) name an organization served here.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Step, Target } from './exchange.ts';
import { routeName } from './routes.ts';
import { writeRouteName } from './write-routes.ts';

function nameOf(target: Target, pathname: string): string {
  switch (target.kind) {
    case 'read':
      return routeName(target.route);
    case 'write':
      return writeRouteName(target.route);
    default:
      return pathname;
  }
}

/**
 * Counts the request under its route template (its path for the POST endpoints); `drop-after` takes the
 * network down after the N-th request of the API (the change door, the tests' tool, is not the API).
 */
export const countRequest: Step = (x, ctx) => {
  const n = ctx.stats.request(nameOf(x.target, x.url.pathname));
  if (x.target.kind !== 'change-door') ctx.network.count(n, x.res);
  return undefined;
};

/** A step that answers 405 to any method but `method`, with `allow` naming every method the path takes. */
export function allowOnly(method: string): Step {
  return (x) => {
    if (x.req.method === method) return undefined;
    const allow = x.target.kind === 'read' && x.target.writeMethod ? `${method}, ${x.target.writeMethod}` : method;
    return x.dialect.error(405, x.dialect.methodNotAllowed(String(x.req.method), allow), undefined, { allow });
  };
}

function keyMatches(expected: Buffer, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false;
  const buffer = Buffer.from(given);
  return buffer.length === expected.length && timingSafeEqual(buffer, expected);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** 401 unless the key matches and the organization is served; sets the exchange's organization. */
export const authenticate: Step = (x, ctx) => {
  if (!keyMatches(ctx.expectedKey, x.req.headers['x-api-key'])) return x.dialect.error(401, x.dialect.unauthorized);
  const orgHeader = headerValue(x.req.headers['x-org-id']);
  const org = ctx.orgs.find(orgHeader);
  if (!org) return x.dialect.error(401, x.dialect.unknownOrg(orgHeader ?? ''));
  x.org = org;
  return undefined;
};

/**
 * The first steps of every request: it is counted (and may be the last before `drop-after` takes the
 * network down), its method must be one the endpoint serves, and its `x-api-key` must match and its
 * `x-org-id` (absent: the first organization) name an organization served here.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Step } from './exchange.ts';
import { routeName } from './routes.ts';

/** Counts the request under its route template (reads) or its path (the POST endpoints). */
export const countRequest: Step = (x, ctx) => {
  if (x.target.kind !== 'read') {
    ctx.stats.request(x.url.pathname);
    return undefined;
  }
  // drop-after counts every request, and strikes when a read is its N-th.
  ctx.network.count(ctx.stats.request(routeName(x.target.route)), x.res);
  return undefined;
};

/** A step that answers 405 (with `allow`) to any method but `method`. */
export function allowOnly(method: string): Step {
  return (x) =>
    x.req.method === method
      ? undefined
      : x.dialect.error(405, x.dialect.methodNotAllowed(String(x.req.method), method), undefined, { allow: method });
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

/**
 * Error bodies in the specs' `Error` shape: `{code, message, status}`. v1 documents `status` as the
 * HTTP status description; v2 as a machine-readable code "omitted on generic errors", so v2 answers
 * carry one on validation errors only.
 */
import { STATUS_CODES } from 'node:http';
import type { JsonObject } from '../../model/index.ts';
import type { Dialect } from './exchange.ts';

export type ApiVersion = 'v1' | 'v2';

export function errorBody(api: ApiVersion, code: number, message: string, reason?: string): JsonObject {
  if (api === 'v1') return { code, message, status: STATUS_CODES[code] ?? 'Error' };
  return reason ? { code, message, status: reason } : { code, message };
}

const SERVER_ERRORS = { 500: 'internal server error', 502: 'bad gateway', 503: 'service unavailable' } as const;

function dialectOf(api: ApiVersion): Dialect {
  return {
    error: (status, message, reason, headers) => ({
      status,
      body: errorBody(api, status, message, reason),
      ...(headers ? { headers } : {}),
    }),
    unauthorized: 'unauthorized: the x-api-key header is missing or does not match',
    unknownOrg: (orgHeader) => `unauthorized: organization "${orgHeader}" is not served here (x-org-id)`,
    methodNotAllowed: (method, allowed) =>
      allowed === 'GET'
        ? `method ${method} is not allowed: the simulator answers GET only`
        : `method ${method} is not allowed: ${allowed} only`,
    tooManyRequests: 'too many requests: rate limit exceeded',
    serverError: (status) => `${SERVER_ERRORS[status]} (simulated)`,
  };
}

/** The error answers of the v1 (`/api`) and v2 (`/api/v2`) APIs. */
export const API_DIALECTS: { readonly [A in ApiVersion]: Dialect } = { v1: dialectOf('v1'), v2: dialectOf('v2') };

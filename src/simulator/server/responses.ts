/**
 * Error bodies in the specs' `Error` shape: `{code, message, status}`. v1 documents `status` as the
 * HTTP status description; v2 as a machine-readable code "omitted on generic errors", so v2 answers
 * carry one on validation errors only.
 */
import { STATUS_CODES } from 'node:http';
import type { JsonObject } from '../../model/index.ts';

export type ApiVersion = 'v1' | 'v2';

export function errorBody(api: ApiVersion, code: number, message: string, reason?: string): JsonObject {
  if (api === 'v1') return { code, message, status: STATUS_CODES[code] ?? 'Error' };
  return reason ? { code, message, status: reason } : { code, message };
}

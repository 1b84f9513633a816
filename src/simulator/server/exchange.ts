/**
 * One request on its way through the server's pipeline (./pipeline.ts): what it asks for, the error
 * dialect of the API it speaks, and what the steps before have found (the organization, the body, the
 * fault that will distort the answer). A step either lets the request go on or ends it with a reply.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonValue } from '../../model/index.ts';
import { SimulatorError } from '../errors.ts';
import type { OrgContent } from './content.ts';
import type { ServerContext } from './context.ts';
import type { Route } from './routes.ts';
import type { WriteRoute } from './write-routes.ts';

/** An answer with a JSON body (none for a 204). */
export interface Answer {
  readonly status: number;
  /** The JSON body; ignored on a 204 (No Content). */
  readonly body: JsonValue;
  readonly headers?: Record<string, string>;
}

/** How a request ends: an answer (possibly cut short or garbled by a fault), or a connection closed without one. */
export type Reply =
  | (Answer & {
      /** The body sent half-written (`malformed`): invalid JSON, length announced for what is sent. */
      readonly malformed?: boolean;
      /** The whole length announced, half of the body sent, then the connection closed (`truncated`). */
      readonly truncated?: boolean;
    })
  /** `reset`: a transient fault; `lost-ack`: a write carried out whose answer is lost (`write-lost-ack`). */
  | { readonly hangUp: 'reset' | 'lost-ack' };

/** What a request is for: the API's reads and writes, Directory Insights' events query, or the tests' change door. */
export type Target =
  | {
      readonly kind: 'read';
      readonly route: Route | undefined;
      /** The method of the write taken at the same path (a members or associations POST, a PUT), if any. */
      readonly writeMethod?: 'POST' | 'PUT';
    }
  | { readonly kind: 'write'; readonly route: WriteRoute }
  | { readonly kind: 'insights' }
  | { readonly kind: 'change-door' };

/** The error answers of one API: its error body, and its wording for the refusals every pipeline shares. */
export interface Dialect {
  error(status: number, message: string, reason?: string, headers?: Record<string, string>): Answer;
  readonly unauthorized: string;
  unknownOrg(orgHeader: string): string;
  methodNotAllowed(method: string, allowed: string): string;
  readonly tooManyRequests: string;
  serverError(status: 500 | 502 | 503): string;
}

/** One request in the pipeline; steps fill in `org`, `body` and `malformed` as they pass it on. */
export interface Exchange {
  readonly req: IncomingMessage;
  /** Where the reply goes; steps never write to it (the server sends what the pipeline replies). */
  readonly res: ServerResponse;
  readonly url: URL;
  readonly target: Target;
  readonly dialect: Dialect;
  /** The organization the request addresses (set by `authenticate`). */
  org?: OrgContent;
  /** The request body (set by `readRequestBody`). */
  body?: string;
  /** The answer is to be garbled (set by `transientFaults`). */
  malformed?: boolean;
  /** The write's number among those the organization received, from 1 (set by `receiveWrite`). */
  writeNumber?: number;
}

/** One step of a pipeline: undefined lets the request go on, a reply ends it. */
export type Step = (x: Exchange, ctx: ServerContext) => Reply | undefined | Promise<Reply | undefined>;

/** The organization a step after `authenticate` works on. */
export function orgOf(x: Exchange): OrgContent {
  if (!x.org) throw new Error(`pipeline order: ${x.url.pathname} reached a step that needs its organization before authenticate`);
  return x.org;
}

/** The body a step after `readRequestBody` works on. */
export function bodyOf(x: Exchange): string {
  if (x.body === undefined) throw new Error(`pipeline order: ${x.url.pathname} reached a step that needs its body before it was read`);
  return x.body;
}

/**
 * The key of a request for the fault decisions: organization, path and query of a read; method, path
 * and body of the others (the same events query or write sent again is the same request).
 */
export function requestKey(x: Exchange): string {
  const orgId = orgOf(x).orgId;
  return x.target.kind === 'read' ? `${orgId}|${x.req.url ?? ''}` : `${orgId}|${String(x.req.method)} ${x.url.pathname}|${x.body ?? ''}`;
}

/** Runs the steps in order until one replies; a SimulatorError with a status becomes that error answer. */
export async function runPipeline(steps: readonly Step[], x: Exchange, ctx: ServerContext): Promise<Reply> {
  try {
    for (const step of steps) {
      const reply = await step(x, ctx);
      if (reply) return reply;
    }
  } catch (e) {
    if (e instanceof SimulatorError && e.status !== undefined) return x.dialect.error(e.status, e.message, e.reason);
    throw e;
  }
  throw new Error(`pipeline for ${x.target.kind} ended without a reply`);
}

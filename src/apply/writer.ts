/**
 * The writer client: the one client in jcgraph that sends anything but reads. It is the read client
 * (src/fetchers/client.ts: the same rate gate, concurrency limit, retry budget, key handling and error
 * naming) with its allowlist widened to exactly the requests of one plan: a POST or PUT whose method,
 * URL and body are not among them is refused before it leaves (`write` checks all three; the client's
 * last hook before sending checks method and URL again, whatever asked for the request).
 *
 * Retries: a read is retried as the read client retries it. A write is retried blindly only when it
 * cannot have taken effect: no connection could be made, 429 (Too Many Requests), or 503 with a
 * Retry-After. Any other failure (a timeout, a reset mid-request, a 5xx, a 4xx) is handed back to the
 * caller, which reads the edge back and decides (src/apply/run.ts). Rule chosen: docs/rules.md#retrying-a-write.
 */
import { canonicalJson } from '../model/index.ts';
import { JcApiError } from '../errors.ts';
import { ApiClient, type ApiResponse, type AttemptFailure, type ClientOptions, type OutgoingRequest } from '../fetchers/index.ts';
import type { PlanRequest } from '../plan/index.ts';

/** What a write got back: its status and body (null for 204). Failures are JcApiErrors with their outcome. */
export type WriteAnswer = ApiResponse;

export interface WriterOptions extends ClientOptions {
  /** Every request the client may send besides GETs: the plan's requests (and, for an undo, their inverses). */
  readonly allowed: readonly PlanRequest[];
}

function requestKey(method: string, url: string, body?: unknown): string {
  return body === undefined ? `${method} ${url}` : `${method} ${url} ${canonicalJson(body)}`;
}

export class WriterClient extends ApiClient {
  /** `METHOD URL` of every allowed write (what the last hook checks). */
  readonly #urls = new Set<string>();
  /** `METHOD URL BODY` of every allowed write (what `write` checks). */
  readonly #requests = new Set<string>();

  constructor(options: WriterOptions) {
    super(options);
    for (const r of options.allowed) {
      const url = this.urlOf(r);
      this.#urls.add(requestKey(r.method, url));
      this.#requests.add(requestKey(r.method, url, r.body));
    }
  }

  /** The absolute URL of a plan request's path (`/api/v2/…` under the v2 root, `/api/…` under the v1 root). */
  urlOf(request: Pick<PlanRequest, 'path'>): string {
    const { path } = request;
    if (path.startsWith('/api/v2/')) return this.roots.v2 + path.slice('/api/v2'.length);
    if (path.startsWith('/api/')) return this.roots.v1 + path.slice('/api'.length);
    throw new JcApiError(`${path}: a plan's request path must start with /api/.`, { endpoint: path });
  }

  /** How a write is named in errors and the journal: `POST /api/v2/usergroups/…/members` (no host, no header, no body). */
  writeEndpoint(request: Pick<PlanRequest, 'method' | 'path'>): string {
    return `${request.method} ${new URL(this.urlOf(request)).pathname}`;
  }

  /**
   * Sends one of the plan's writes. A request not in the plan (method, URL and body) throws a JcApiError
   * and nothing is sent. Retried only as the module doc says; other failures throw a JcApiError whose
   * `outcome` says how it ended (`timeout`, `network`, a status), for the caller to read back.
   */
  async write(request: PlanRequest, step: string): Promise<WriteAnswer> {
    const url = this.urlOf(request);
    const endpoint = this.writeEndpoint(request);
    if (!this.#requests.has(requestKey(request.method, url, request.body))) {
      throw new JcApiError(`${endpoint}: refused before sending: this request (with this body) is not one of the plan's.`, { endpoint });
    }
    const outgoing: OutgoingRequest = { method: request.method, url, json: request.body };
    return this.send(outgoing, endpoint, step);
  }

  protected override refusal(method: string, url: string): string | undefined {
    if (method === 'GET' || this.#urls.has(requestKey(method, url))) return undefined;
    return "refused before sending: the writer sends only the plan's requests";
  }

  protected override mayRetry(request: OutgoingRequest, failure: AttemptFailure): boolean {
    if (request.method === 'GET') return failure.retryable;
    return failure.unsent === true || failure.outcome === 429 || (failure.outcome === 503 && failure.retryAfterMs !== undefined);
  }
}

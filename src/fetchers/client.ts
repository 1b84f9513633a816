/**
 * The JumpCloud API client: GET only, over ky, with the key in `x-api-key` and the organization in
 * `x-org-id`. The one exception is Directory Insights' events query (`postEvents`), a read-only query
 * that the API takes as a POST: a POST to that one URL is allowed, and the request hook refuses any other
 * method or URL, so nothing else can ever be sent. Every request passes the rate gate (a hard cap) and the adaptive concurrency limit; transient
 * failures (429, 500, 502, 503, 504, resets and other network errors, timeouts, bodies that are not JSON)
 * are retried, waiting as long as `Retry-After` says when the server says, else with jittered exponential
 * backoff, within a per-request limit and a retry budget shared by the whole fetch (docs/rules.md#retries). Anything else fails at
 * once with a JcApiError naming the request (method and path, never a header) and the cause.
 */
import ky, { TimeoutError } from 'ky';
import { ConfigError, ConnectionLostError, JcApiError, type RequestOutcome } from '../errors.ts';
import { AdaptiveConcurrency, RateGate, abortReason, sleep } from './rate.ts';

export const DEFAULT_BASE_URL = 'https://console.jumpcloud.com';
/** The JumpCloud API hosts a key may be sent to (besides loopback, for simulators and mocks; docs/rules.md#api-hosts). */
export const JUMPCLOUD_HOSTS: readonly string[] = ['console.jumpcloud.com', 'console.eu.jumpcloud.com', 'console.in.jumpcloud.com'];
/** Directory Insights' host for each API host (JumpCloud's data centres: US, EU, IN). */
export const INSIGHTS_HOSTS: Readonly<Record<string, string>> = {
  'console.jumpcloud.com': 'api.jumpcloud.com',
  'console.eu.jumpcloud.com': 'api.eu.jumpcloud.com',
  'console.in.jumpcloud.com': 'api.in.jumpcloud.com',
};
/** Directory Insights' API root under its host. */
export const INSIGHTS_ROOT_PATH = '/insights/directory/v1';

const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** Options of the client (and of every fetch, which passes them on). */
export interface ClientOptions {
  /** The API key, sent as `x-api-key` and nowhere else. Required. */
  readonly apiKey: string;
  /**
   * API host: https://console.jumpcloud.com (default), https://console.eu.jumpcloud.com,
   * https://console.in.jumpcloud.com, or any loopback URL (http allowed there only). v1 is under `/api`,
   * v2 under `/api/v2`.
   * @default 'https://console.jumpcloud.com'
   */
  readonly baseUrl?: string;
  /**
   * Separate roots for v1, v2 and Directory Insights when they are not `{baseUrl}/api`, `{baseUrl}/api/v2`
   * and `{insights host}/insights/directory/v1` (e.g. mocks). The insights host is api.jumpcloud.com for
   * console.jumpcloud.com (api.eu.… and api.in.… likewise) and the base URL's own origin for loopback.
   * @default derived from `baseUrl`
   */
  readonly apiRoots?: { readonly v1?: string; readonly v2?: string; readonly insights?: string };
  /**
   * Organization id, sent as `x-org-id` (multi-tenant administrators).
   * @default none (the key's own organization)
   */
  readonly orgId?: string;
  /**
   * Hard cap on requests per second, never exceeded whatever the concurrency.
   * @default none (no cap)
   */
  readonly rate?: number;
  /**
   * Most requests in flight; lowered on 429 and raised back after successes.
   * @default 8
   */
  readonly concurrency?: number;
  /**
   * Per-request timeout in milliseconds.
   * @default 30000
   */
  readonly timeoutMs?: number;
  /**
   * Retries allowed over the whole fetch. Default: 200 plus a fifth of the requests answered so far, so a
   * long fetch through a flaky link keeps going while a dead one stops early.
   * @default 200 plus a fifth of the requests answered so far
   */
  readonly retryBudget?: number;
  /**
   * Attempts allowed for one request.
   * @default 8
   */
  readonly maxAttempts?: number;
  /**
   * First backoff delay in milliseconds when the server gives no Retry-After; doubles per attempt.
   * @default 250
   */
  readonly backoffMs?: number;
  /**
   * Longest backoff delay, and longest Retry-After honoured (a longer one fails the request).
   * @default 60000
   */
  readonly maxWaitMs?: number;
  /**
   * Cancels every request.
   * @default none (never cancelled)
   */
  readonly signal?: AbortSignal;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** What happened to one attempt, for statistics and progress. */
export interface AttemptEvent {
  readonly step: string;
  /** HTTP status, or `network`, `timeout`, `truncated` (body cut short), `malformed` (body not JSON), `refused`. */
  readonly outcome: RequestOutcome;
  /** True when the attempt will be retried. */
  readonly retry: boolean;
}

export interface RequestStats {
  /** Every HTTP request sent, retries included. */
  requests: number;
  retries: number;
  /** Requests per step (`list:/systemusers`, `associations:user`, …), retries included. */
  byStep: Record<string, number>;
  /** Outcomes: status codes and `network`, `timeout`, `truncated`, `malformed`, `refused`. */
  byOutcome: Record<string, number>;
  /** Times the concurrency limit was lowered after a 429. */
  throttled: number;
}

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Checks an API root URL: https to a JumpCloud host, or http(s) to loopback. A key never crosses the network
 * in clear and is never sent to a host that is not JumpCloud's.
 */
export function checkApiUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`The API base URL "${raw}" is not a valid URL.`);
  }
  if (url.username || url.password) throw new ConfigError(`The API base URL ${url.origin} must not carry credentials.`);
  if (isLoopback(url.hostname)) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`The API base URL ${raw} must be http or https.`);
    return url;
  }
  if (url.protocol !== 'https:') {
    throw new ConfigError(
      `Refusing ${url.protocol}//${url.host}: the API key may only travel over https, or plain http to a loopback address.`,
    );
  }
  if (!JUMPCLOUD_HOSTS.includes(url.hostname)) {
    throw new ConfigError(
      `Refusing to send the API key to ${url.host}: it is not a JumpCloud API host (${JUMPCLOUD_HOSTS.join(', ')}) nor loopback.`,
    );
  }
  return url;
}

/** Checks a Directory Insights root: https to one of JumpCloud's insights hosts, or loopback. */
export function checkInsightsUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`The Directory Insights URL "${raw}" is not a valid URL.`);
  }
  if (isLoopback(url.hostname)) return checkApiUrl(raw);
  const hosts = Object.values(INSIGHTS_HOSTS);
  if (url.protocol !== 'https:' || url.username || url.password || !hosts.includes(url.hostname)) {
    throw new ConfigError(
      `Refusing to send the API key to ${url.protocol}//${url.host}: it is not a Directory Insights host (${hosts.join(', ')}) over https, nor loopback.`,
    );
  }
  return url;
}

/** Directory Insights' root for an API base URL: `https://api.jumpcloud.com/insights/directory/v1` for the US console, the same origin for loopback. */
export function insightsRootFor(base: URL): string {
  if (isLoopback(base.hostname)) return joinRoot(new URL(base.origin), INSIGHTS_ROOT_PATH);
  const host = INSIGHTS_HOSTS[base.hostname];
  if (!host) throw new ConfigError(`No Directory Insights host is known for ${base.host}.`);
  return `https://${host}${INSIGHTS_ROOT_PATH}`;
}

function joinRoot(base: URL, suffix: string): string {
  return base.href.replace(/\/+$/, '') + suffix;
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export type Query = Readonly<Record<string, string | number>>;

/**
 * A request as the client sends it: a GET, or the one POST (the events query) with its JSON body. A
 * writer client (src/apply, the one layer that writes) also sends the POSTs and PUTs of its plan.
 */
export interface OutgoingRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly url: string;
  readonly json?: Readonly<Record<string, unknown>>;
}

/** How one attempt failed, as a retry policy (ApiClient.mayRetry) sees it. */
export interface AttemptFailure {
  /** HTTP status, or `network`, `timeout`, `truncated`, `malformed`, `refused`. */
  readonly outcome: RequestOutcome;
  /** Whether a read may be sent again after it (a transient failure). */
  readonly retryable: boolean;
  /** What the server's Retry-After asked for, when it sent one. */
  readonly retryAfterMs?: number;
  /** True when no connection could be made (refused, no such host): the request never left, so it cannot have taken effect. */
  readonly unsent?: boolean;
}

/** Error codes of a connection that could not be made: nothing of the request reached the host. */
const UNSENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export class ApiClient {
  readonly roots: { readonly v1: string; readonly v2: string; readonly insights: string };
  /** The API origin, for snapshot metadata. */
  readonly origin: string;
  readonly stats: RequestStats = { requests: 0, retries: 0, byStep: {}, byOutcome: {}, throttled: 0 };
  readonly concurrency: AdaptiveConcurrency;
  readonly #headers: Record<string, string>;
  readonly #gate: RateGate;
  readonly #options: Required<Pick<ClientOptions, 'timeoutMs' | 'maxAttempts' | 'backoffMs' | 'maxWaitMs'>> & {
    retryBudget: number | undefined;
  };
  readonly #signal: AbortSignal | undefined;
  /** The one URL a POST may go to: Directory Insights' events query. */
  readonly #eventsUrl: string;
  readonly #listeners: ((event: AttemptEvent) => void)[] = [];
  /** When the latest request that got an HTTP answer (any status) was sent: the host was alive then. */
  #lastAnsweredSentAt = -Infinity;
  /** Rounds of 429s without Retry-After since the last success: the whole client backs off together on them. */
  #throttleStreak = 0;
  /** End of the current client-wide backoff; 429s to requests sent before it do not lengthen it. */
  #backoffUntil = -Infinity;

  constructor(options: ClientOptions) {
    if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') {
      throw new ConfigError('No API key: set JC_API_KEY (or JUMPCLOUD_API_KEY) to a JumpCloud API key.');
    }
    checkApiKey(options.apiKey);
    if (options.rate !== undefined && !(options.rate > 0))
      throw new ConfigError(`The request rate must be a positive number, not ${options.rate}.`);
    const base = checkApiUrl(options.baseUrl ?? DEFAULT_BASE_URL);
    this.roots = {
      v1: checkApiUrl(options.apiRoots?.v1 ?? joinRoot(base, '/api')).href.replace(/\/+$/, ''),
      v2: checkApiUrl(options.apiRoots?.v2 ?? joinRoot(base, '/api/v2')).href.replace(/\/+$/, ''),
      insights: checkInsightsUrl(options.apiRoots?.insights ?? insightsRootFor(base)).href.replace(/\/+$/, ''),
    };
    this.#eventsUrl = `${this.roots.insights}/events`;
    this.origin = base.origin;
    this.#headers = { 'x-api-key': options.apiKey.trim(), accept: 'application/json' };
    if (options.orgId) this.#headers['x-org-id'] = options.orgId;
    this.#gate = new RateGate(options.rate);
    this.concurrency = new AdaptiveConcurrency(options.concurrency ?? 8);
    this.#options = {
      timeoutMs: options.timeoutMs ?? 30_000,
      retryBudget: options.retryBudget,
      maxAttempts: options.maxAttempts ?? 8,
      backoffMs: options.backoffMs ?? 250,
      maxWaitMs: options.maxWaitMs ?? 60_000,
    };
    this.#signal = options.signal;
  }

  /** The request rate in force: the configured cap, or lower when the server's 429s showed it allows less. */
  get rate(): number {
    return this.#gate.rate;
  }

  /** Retries allowed now (see ClientOptions.retryBudget). */
  get retryBudget(): number {
    return this.#options.retryBudget ?? 200 + Math.floor((this.stats.requests - this.stats.retries) / 5);
  }

  onAttempt(listener: (event: AttemptEvent) => void): void {
    this.#listeners.push(listener);
  }

  #url(api: 'v1' | 'v2', path: string, query: Query): URL {
    const url = new URL(this.roots[api] + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
    return url;
  }

  /** How a request is named in errors and reports: `GET /api/v2/users/…/associations?targets=…` (no host, no header). */
  endpoint(api: 'v1' | 'v2', path: string, query: Query = {}): string {
    const url = this.#url(api, path, query);
    return `GET ${url.pathname}${url.search.replace(/%2C/g, ',')}`;
  }

  /** `GET {root}{path}?{query}`; the answer of a 2xx, parsed, or a JcApiError. */
  async get(api: 'v1' | 'v2', path: string, query: Query, step: string): Promise<ApiResponse> {
    // Commas in `targets=a,b` are the API's list syntax (explode: false); keep them as they are.
    const target = this.#url(api, path, query).href.replace(/%2C/g, ',');
    return this.#send({ method: 'GET', url: target }, this.endpoint(api, path, query), step);
  }

  /** How the events query is named in errors: `POST /insights/directory/v1/events`. */
  get eventsEndpoint(): string {
    return `POST ${new URL(this.#eventsUrl).pathname}`;
  }

  /**
   * Directory Insights' events query, `POST {insights root}/events` with a JSON body: read-only, and the
   * only request jcgraph sends that is not a GET. Retried like a GET (it changes nothing).
   */
  async postEvents(body: Readonly<Record<string, unknown>>, step: string): Promise<ApiResponse> {
    return this.#send({ method: 'POST', url: this.#eventsUrl, json: body }, this.eventsEndpoint, step);
  }

  /**
   * Why a request may not leave, or undefined when it may: this client sends GETs and the events query
   * only. Checked in the last hook before a request is sent, whatever asked for it.
   */
  protected refusal(method: string, url: string): string | undefined {
    if (method === 'GET' || (method === 'POST' && url === this.#eventsUrl)) return undefined;
    return "jcgraph only ever sends GET requests (and Directory Insights' read-only events query)";
  }

  /** Whether a failed attempt of `request` may be sent again (within the attempts and the budget): every transient failure of a read. */
  protected mayRetry(_request: OutgoingRequest, failure: AttemptFailure): boolean {
    return failure.retryable;
  }

  /** Sends a request through the rate gate, the concurrency limit and the retries: what get and postEvents do, for a client that sends more. */
  protected send(request: OutgoingRequest, endpoint: string, step: string): Promise<ApiResponse> {
    return this.#send(request, endpoint, step);
  }

  async #send(request: OutgoingRequest, endpoint: string, step: string): Promise<ApiResponse> {
    // When this request first failed: if no request sent since then is answered, the host is gone.
    let failingSince: number | undefined;
    for (let attempt = 1; ; attempt++) {
      const result = await this.concurrency.run(() => this.#attempt(request, endpoint));
      if (result.answered) this.#lastAnsweredSentAt = Math.max(this.#lastAnsweredSentAt, result.sentAt);
      if ('response' in result) {
        this.#record(step, result.response.status, false);
        this.concurrency.onSuccess();
        this.#gate.succeeded();
        this.#throttleStreak = 0;
        return result.response;
      }
      failingSince ??= performance.now();
      const budget = this.retryBudget;
      const retry = this.mayRetry(request, result) && attempt < this.#options.maxAttempts && this.stats.retries < budget;
      // A 429 is about the whole client, not this request: without a Retry-After every request backs off
      // together, longer at each 429 in a row, so a storm costs a few retries rather than one per request.
      let globalBackoff: number | undefined;
      if (result.outcome === 429 && result.retryAfterMs === undefined) {
        const now = performance.now();
        if (now >= this.#backoffUntil) {
          globalBackoff = this.#backoff(++this.#throttleStreak);
          this.#backoffUntil = now + globalBackoff;
        } else globalBackoff = this.#backoffUntil - now;
      }
      const waitMs = result.retryAfterMs ?? globalBackoff ?? this.#backoff(attempt);
      const tooLong = result.retryAfterMs !== undefined && result.retryAfterMs > this.#options.maxWaitMs;
      this.#record(step, result.outcome, retry && !tooLong);
      if (result.outcome === 429) {
        this.stats.throttled += 1;
        this.concurrency.onThrottled();
        this.#gate.throttled();
        if (!tooLong) this.#gate.pauseFor(waitMs);
      }
      if (!retry || tooLong) {
        if (!result.answered && result.outcome !== 'refused' && this.#lastAnsweredSentAt < failingSince) {
          throw new ConnectionLostError(
            `${endpoint} failed: ${result.cause}, and the API host answered no request sent since (${attempt === 1 ? 'no retry was left' : `${attempt} attempts`}): the connection is lost.`,
            { endpoint, outcome: result.outcome, attempts: attempt, cause: result.error },
          );
        }
        const why = !result.retryable
          ? result.cause
          : tooLong
            ? `${result.cause}, and the server asked to wait ${Math.round(waitMs / 1000)} s, longer than the ${Math.round(this.#options.maxWaitMs / 1000)} s allowed`
            : attempt >= this.#options.maxAttempts
              ? `${result.cause}, still after ${attempt} attempts`
              : `${result.cause}, and the retry budget of ${budget} retries for this fetch is spent`;
        throw new JcApiError(`${endpoint} failed: ${why}.`, {
          endpoint,
          ...(typeof result.outcome === 'number' ? { status: result.outcome } : {}),
          outcome: result.outcome,
          attempts: attempt,
          cause: result.error,
        });
      }
      this.stats.retries += 1;
      await sleep(waitMs, this.#signal);
    }
  }

  /** An error body could echo what it was sent: never let the key through into a message. */
  #redact(text: string): string {
    const key = this.#headers['x-api-key']!;
    return text.split(key).join('[key]');
  }

  #backoff(attempt: number): number {
    const ceiling = Math.min(this.#options.maxWaitMs, this.#options.backoffMs * 2 ** (attempt - 1));
    return ceiling / 2 + Math.random() * (ceiling / 2); // "equal jitter": never less than half the step
  }

  #record(step: string, outcome: AttemptEvent['outcome'], retry: boolean): void {
    this.stats.requests += 1;
    this.stats.byStep[step] = (this.stats.byStep[step] ?? 0) + 1;
    this.stats.byOutcome[String(outcome)] = (this.stats.byOutcome[String(outcome)] ?? 0) + 1;
    const event: AttemptEvent = { step, outcome, retry };
    for (const listener of this.#listeners) listener(event);
  }

  async #attempt(request: OutgoingRequest, endpoint: string): Promise<AttemptResult> {
    if (this.#signal?.aborted) throw abortReason(this.#signal);
    await this.#gate.acquire(this.#signal);
    const sentAt = performance.now();
    const timer = AbortSignal.timeout(this.#options.timeoutMs);
    const deadline = this.#signal ? AbortSignal.any([this.#signal, timer]) : timer;
    let response: Response | undefined;
    let text: string;
    try {
      response = await ky(request.url, {
        method: request.method,
        headers: this.#headers,
        ...(request.json !== undefined ? { json: request.json } : {}),
        // The timeout covers the whole answer, body included: a server that stalls mid-body would
        // otherwise hold the request for ever (ky's own timeout ends once the headers are in).
        timeout: false,
        retry: 0,
        throwHttpErrors: false,
        redirect: 'error', // a redirect could carry the key to another host
        signal: deadline,
        hooks: {
          beforeRequest: [
            (outgoing) => {
              const refused = this.refusal(outgoing.method, outgoing.url);
              if (refused !== undefined) throw new JcApiError(`${endpoint}: ${refused}.`, { endpoint });
            },
          ],
        },
      });
      text = await response.text();
    } catch (error) {
      if (this.#signal?.aborted) throw abortReason(this.#signal);
      if (error instanceof JcApiError) throw error;
      const answered = response !== undefined;
      if (error instanceof TimeoutError || timer.aborted || isTimeout(error)) {
        return { sentAt, answered, outcome: 'timeout', retryable: true, cause: `no answer within ${this.#options.timeoutMs} ms`, error };
      }
      const detail = this.#redact(describeNetworkError(error));
      if (answered) {
        // The status line and headers came, the body did not: the host is there, this answer was cut short.
        return {
          sentAt,
          answered,
          outcome: 'truncated',
          retryable: true,
          cause: `the ${response!.status} answer was cut short (${detail})`,
          error,
        };
      }
      if (isPermanentTransportError(error)) {
        return {
          sentAt,
          answered,
          outcome: 'refused',
          retryable: false,
          cause: `the request could not be made (${detail}); retrying cannot help`,
          error,
        };
      }
      const unsent = errorChain(error).some((e) => UNSENT_CODES.has(String((e as { code?: unknown }).code)));
      return { sentAt, answered, outcome: 'network', retryable: true, cause: `network error (${detail})`, error, unsent };
    }
    const status = response.status;
    if (status >= 200 && status < 300) {
      try {
        return {
          sentAt,
          answered: true,
          response: { status, headers: response.headers, body: text === '' ? null : (JSON.parse(text) as unknown) },
        };
      } catch (error) {
        return { sentAt, answered: true, outcome: 'malformed', retryable: true, cause: `the ${status} answer was not valid JSON`, error };
      }
    }
    const cause = this.#redact(describeStatus(status, text));
    if (RETRYABLE_STATUSES.has(status)) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      return { sentAt, answered: true, outcome: status, retryable: true, cause, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    return { sentAt, answered: true, outcome: status, retryable: false, cause };
  }
}

/** One attempt: the answer, or how it failed. `answered`: an HTTP status line came back (the host is alive). */
type AttemptResult = { readonly sentAt: number; readonly answered: boolean } & (
  { readonly response: ApiResponse } | (AttemptFailure & { readonly cause: string; readonly error?: unknown })
);

/**
 * Checks that a key can be sent as a header value. A key pasted with a line break or another control
 * character inside it cannot: say so at once (without the key), rather than fail every request.
 */
export function checkApiKey(key: string): void {
  const trimmed = key.trim();
  for (let i = 0; i < trimmed.length; i++) {
    const code = trimmed.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code > 0xff) {
      const what = code === 0x0a || code === 0x0d ? 'a line break' : code > 0xff ? 'a character outside Latin-1' : 'a control character';
      throw new ConfigError(
        `The API key holds ${what} at character ${i + 1} of ${trimmed.length}, which cannot be sent in an HTTP header; set JC_API_KEY to the key alone.`,
      );
    }
  }
}

/** Error codes of failures that no retry can mend: certificates refused, TLS mismatches, invalid requests. */
const PERMANENT_CODES =
  /^(CERT_|ERR_TLS_CERT|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_(VERIFY|GET)_|ERR_INVALID_(CHAR|URL|ARG|HTTP_TOKEN)|UND_ERR_INVALID_ARG$|EPROTO$)/;

function errorChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = error; e !== undefined && e !== null && chain.length < 5; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

function isPermanentTransportError(error: unknown): boolean {
  return errorChain(error).some((e) => {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && PERMANENT_CODES.test(code)) return true;
    // undici names a header it cannot send this way, without a code.
    return e instanceof TypeError && /invalid header|header value|invalid url/i.test(e.message);
  });
}

function isTimeout(error: unknown): boolean {
  return errorChain(error).some((e) => e instanceof TimeoutError || (e as { name?: unknown }).name === 'TimeoutError');
}

function describeNetworkError(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error && parts.length < 3; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? code : e.message);
  }
  return parts.join(': ') || String(error);
}

function describeStatus(status: number, text: string): string {
  let message = '';
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    const m = body.message ?? body.error;
    if (typeof m === 'string') message = m;
  } catch {
    // not JSON: the status alone says it
  }
  const short = message.length > 200 ? `${message.slice(0, 200)}…` : message;
  const what =
    status === 401
      ? 'the API key was refused (401 Unauthorized)'
      : status === 402
        ? 'not in the plan (402 Payment Required)'
        : status === 403
          ? 'access denied (403 Forbidden): the key lacks rights for this organization'
          : status === 429
            ? 'rate limited (429 Too Many Requests)'
            : `HTTP ${status}`;
  return short ? `${what}: ${short}` : what;
}

/**
 * Switchable misbehaviour, each off unless asked for, all transient and bounded so that a client that
 * retries, honours Retry-After and refetches a collection whose total changed always ends with the
 * clean tenant.
 *
 * Two families:
 * - per request (`rate-limit*`, `server-errors`, `slow`, `reset`, `malformed`): the intensity is the
 *   probability that one request meets the fault. No request key (org, path and query) fails more than
 *   MAX_CONSECUTIVE_FAILURES times in a row; 429 storms last at most STORM_MAX_MS and are followed by a
 *   calm of STORM_CALM_MS.
 * - per collection (`nulls`, `short-page`, `churn`, `no-total`): the intensity is the probability that a
 *   collection (org, path, targets, sort) is affected; being affected is stable for the collection.
 *   `short-page` and `churn` touch only responses that report a total, since without a total no client
 *   could tell a short page from the end or notice a shift; `churn` strikes at most MAX_CHURN_EPISODES
 *   times per collection.
 *
 * Two more act on the Directory Insights log (./../insights/log.ts), not on requests: `events-lag=S`
 * makes every event visible S seconds after it happened (its value is seconds, not a probability), and
 * `silent-changes=P` lets a change leave no event with probability P.
 *
 * Every random decision is a hash of (faultSeed, what it is about, how many times that request was
 * seen), so runs are reproducible whatever the interleaving of concurrent requests.
 */
import { SimulatorError } from '../errors.ts';
import { unitHash } from '../random.ts';

export type FaultName =
  | 'rate-limit'
  | 'rate-limit-no-retry-after'
  | 'server-errors'
  | 'slow'
  | 'reset'
  | 'malformed'
  | 'nulls'
  | 'short-page'
  | 'churn'
  | 'no-total'
  | 'events-lag'
  | 'silent-changes';

export const FAULT_NAMES: readonly FaultName[] = [
  'rate-limit',
  'rate-limit-no-retry-after',
  'server-errors',
  'slow',
  'reset',
  'malformed',
  'nulls',
  'short-page',
  'churn',
  'no-total',
  'events-lag',
  'silent-changes',
];

/** Intensity used when a fault is named without one. */
export const DEFAULT_FAULT_INTENSITY: { readonly [F in FaultName]: number } = {
  'rate-limit': 0.03,
  'rate-limit-no-retry-after': 0.03,
  'server-errors': 0.05,
  slow: 0.05,
  reset: 0.03,
  malformed: 0.03,
  nulls: 0.5,
  'short-page': 0.5,
  churn: 0.5,
  'no-total': 1,
  'events-lag': 5,
  'silent-changes': 0.1,
};

/** Faults whose value is a number of seconds rather than a probability. */
const SECONDS_FAULTS: ReadonlySet<FaultName> = new Set(['events-lag']);

export const MAX_CONSECUTIVE_FAILURES = 2;
export const MAX_CHURN_EPISODES = 2;
export const STORM_MAX_MS = 1000;
export const STORM_CALM_MS = 1500;
/** Retry-After (seconds) sent with storm 429s. */
export const STORM_RETRY_AFTER_SECONDS = 1;
export const SLOW_MAX_MS = 1000;
/** Share of a collection's length that `nulls` adds as null entries (at least one). */
const NULL_SHARE = 0.03;

export type FaultSettings = Partial<Record<FaultName, number>>;

export function isFaultName(value: string): value is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(value);
}

/** Why `value` cannot be the value of fault `name` ("needs a probability from 0 to 1"), or undefined when it can. */
export function faultValueProblem(name: FaultName, value: unknown): string | undefined {
  if (SECONDS_FAULTS.has(name)) return typeof value === 'number' && value >= 0 && Number.isFinite(value) ? undefined : 'needs a number of seconds';
  return typeof value === 'number' && value >= 0 && value <= 1 ? undefined : 'needs a probability from 0 to 1';
}

/** Normalizes the `faults` option: names (default intensity) or name → probability in [0, 1]. */
export function faultSettings(faults: readonly FaultName[] | FaultSettings | undefined): FaultSettings {
  const out: FaultSettings = {};
  if (!faults) return out;
  const entries: [string, number][] = Array.isArray(faults)
    ? (faults as readonly string[]).map((name) => [name, DEFAULT_FAULT_INTENSITY[name as FaultName] ?? 0])
    : Object.entries(faults as FaultSettings).map(([name, p]) => [name, p ?? 0]);
  for (const [name, p] of entries) {
    if (!isFaultName(name)) throw new SimulatorError(`unknown fault "${name}"; faults are ${FAULT_NAMES.join(', ')}`);
    const problem = faultValueProblem(name, p);
    if (problem) throw new SimulatorError(`fault "${name}" ${problem}, not ${String(p)}`);
    out[name] = p;
  }
  return out;
}

/** What happens to one request before it is answered. */
export type RequestFault =
  | { readonly kind: 'none'; readonly delayMs: number; readonly malformed: boolean }
  | { readonly kind: 'rate-limited'; readonly retryAfterSeconds: number | undefined }
  | { readonly kind: 'server-error'; readonly status: 500 | 502 | 503 }
  | { readonly kind: 'reset' };

/** How one page of a collection is distorted. */
export interface PageDistortion {
  /** Records dropped from the end of this page although more follow. */
  readonly shortBy: number;
  /** A transient shift: a row hidden (-1) or added (+1) before `skip`, with the total moved to match. */
  readonly shift: -1 | 0 | 1;
}

export class FaultInjector {
  private readonly seen = new Map<string, number>();
  private readonly failuresInARow = new Map<string, number>();
  private readonly churnEpisodes = new Map<string, number>();
  private stormUntil = -Infinity;
  private calmUntil = -Infinity;

  constructor(
    private readonly settings: FaultSettings,
    private readonly seed: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  private p(name: FaultName): number {
    return this.settings[name] ?? 0;
  }

  /** True when Retry-After must be left out of 429 answers: `rate-limit-no-retry-after` is named, at any intensity. */
  get withholdRetryAfter(): boolean {
    return this.settings['rate-limit-no-retry-after'] !== undefined;
  }

  /** Decides the fate of a request, identified by its org, path and query. */
  beforeRequest(requestKey: string): RequestFault {
    const attempt = (this.seen.get(requestKey) ?? 0) + 1;
    this.seen.set(requestKey, attempt);
    const u = (what: string): number => unitHash(this.seed, what, requestKey, attempt);
    const t = this.now();

    const stormP = Math.max(this.p('rate-limit'), this.p('rate-limit-no-retry-after'));
    if (stormP > 0 && t >= this.stormUntil && t >= this.calmUntil && u('storm') < stormP) {
      this.stormUntil = t + 200 + u('storm-length') * (STORM_MAX_MS - 200);
      this.calmUntil = this.stormUntil + STORM_CALM_MS;
    }
    if (t < this.stormUntil) {
      return { kind: 'rate-limited', retryAfterSeconds: this.withholdRetryAfter ? undefined : STORM_RETRY_AFTER_SECONDS };
    }

    const inARow = this.failuresInARow.get(requestKey) ?? 0;
    if (inARow < MAX_CONSECUTIVE_FAILURES) {
      const fail = (fault: RequestFault): RequestFault => {
        this.failuresInARow.set(requestKey, inARow + 1);
        return fault;
      };
      if (u('server-errors') < this.p('server-errors')) {
        return fail({ kind: 'server-error', status: ([500, 502, 503] as const)[Math.floor(u('status') * 3)] ?? 503 });
      }
      if (u('reset') < this.p('reset')) return fail({ kind: 'reset' });
      if (u('malformed') < this.p('malformed')) {
        this.failuresInARow.set(requestKey, inARow + 1);
        return { kind: 'none', delayMs: this.delay(u), malformed: true };
      }
    }
    this.failuresInARow.delete(requestKey);
    return { kind: 'none', delayMs: this.delay(u), malformed: false };
  }

  private delay(u: (what: string) => number): number {
    return u('slow') < this.p('slow') ? Math.round(100 + u('slow-length') * (SLOW_MAX_MS - 100)) : 0;
  }

  private affects(name: FaultName, collectionKey: string): boolean {
    const p = this.p(name);
    return p > 0 && unitHash(this.seed, name, collectionKey) < p;
  }

  /** True when the v2 total header is withheld for this collection. */
  withholdsTotal(collectionKey: string): boolean {
    return this.affects('no-total', collectionKey);
  }

  /** Positions (in the clean collection of `length` entries) before which `nulls` inserts a null; stable per collection. */
  nullPositions(collectionKey: string, length: number): number[] {
    const positions: number[] = [];
    if (length > 0 && this.affects('nulls', collectionKey)) {
      const count = Math.max(1, Math.round(length * NULL_SHARE));
      for (let j = 0; j < count; j++) positions.push(Math.floor(unitHash(this.seed, 'null-at', collectionKey, j) * (length + 1)));
      positions.sort((a, b) => a - b);
    }
    return positions;
  }

  /**
   * How the page [skip, skip+limit) of a collection of `length` entries (nulls included) is distorted.
   * `hasTotal` says whether this response reports a total at all.
   */
  pageDistortion(collectionKey: string, requestKey: string, length: number, skip: number, limit: number, hasTotal: boolean): PageDistortion {
    let shift: -1 | 0 | 1 = 0;
    if (hasTotal && skip > 0 && skip < length && this.affects('churn', collectionKey)) {
      const episodes = this.churnEpisodes.get(collectionKey) ?? 0;
      const attempt = this.seen.get(requestKey) ?? 0;
      if (episodes < MAX_CHURN_EPISODES && unitHash(this.seed, 'churn', requestKey, attempt) < 0.5) {
        this.churnEpisodes.set(collectionKey, episodes + 1);
        shift = unitHash(this.seed, 'churn-kind', requestKey, attempt) < 0.5 ? -1 : 1;
      }
    }
    let shortBy = 0;
    if (hasTotal && limit >= 2 && skip + limit < length + shift && this.affects('short-page', collectionKey)) {
      shortBy = 1 + Math.floor(unitHash(this.seed, 'short-by', collectionKey, skip) * Math.floor(limit / 2));
    }
    return { shortBy, shift };
  }
}

/** The clean collection with its null entries inserted (nulls count as positions and in the total). */
export function withNulls<T>(items: readonly T[], nullsBefore: readonly number[]): readonly (T | null)[] {
  if (nullsBefore.length === 0) return items;
  const out: (T | null)[] = [];
  let n = 0;
  for (let i = 0; i <= items.length; i++) {
    while (n < nullsBefore.length && nullsBefore[n] === i) {
      out.push(null);
      n++;
    }
    if (i < items.length) out.push(items[i] as T);
  }
  return out;
}

/**
 * One page of the collection (nulls already inserted) and the total to report, after the transient
 * distortions. A shift hides or adds a row somewhere before `skip`, so the page starts one row later
 * (a row is missed) or one row earlier (a row is repeated); the added row itself is never served.
 */
export function distortedPage<T>(virtual: readonly T[], skip: number, limit: number, d: PageDistortion): { page: T[]; total: number } {
  const start = skip - d.shift;
  return { page: virtual.slice(start, start + Math.max(1, limit - d.shortBy)), total: virtual.length + d.shift };
}

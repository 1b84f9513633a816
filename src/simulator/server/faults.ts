/**
 * Switchable misbehaviour, each off unless asked for.
 *
 * Transient faults, bounded so that a client that retries, honours Retry-After and refetches a collection
 * whose total changed always ends with the clean tenant:
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
 * Faults a real tenant has and no retry mends (what a fetch must record as not read, and go on):
 * - `forbidden=LIST` (403), `not-found=LIST` (404), `payment-required=LIST` (402): on every request to the
 *   named endpoints or types. An entry is a type (`user_group`: its own list and every graph endpoint of a
 *   user group) or an API path below the root (`healthmonitoring`, `v2/softwareapps`, `usergroups`:
 *   that path and everything under it). Entries are joined with `+` on the command line.
 * - `broken-objects=N`: N objects, picked by the fault seed, whose every graph endpoint answers 500.
 * - `truncated=P`: each answer with a body is, with probability P, a 200 whose body stops mid-JSON (the
 *   connection closes after half of it). Not bounded: at a high P a page can fail on every attempt.
 * - `drop-after=N`: after N requests the server closes every connection and refuses new ones for the
 *   drop pause (SimulatorOptions.dropPauseMs, default 60 s), once: a network gone for longer than a
 *   client's retries.
 *
 * Faults of writes (../server/writes.ts), each acting on the writes the organization receives (those that
 * passed authentication, the rate limit and the transient faults), numbered from 1:
 * - `write-fails-after=N`: every write after the N-th answers 500 and is not applied.
 * - `write-lost-ack=N`: the N-th write is carried out, then its connection is closed without an answer.
 * - `read-only-key`: every write answers 403 (a key whose role cannot write), nothing applied.
 *
 * Two more act on the Directory Insights log (../insights/log.ts), not on requests: `events-lag=S`
 * makes every event visible S seconds after it happened (its value is seconds, not a probability), and
 * `silent-changes=P` lets a change leave no event with probability P.
 *
 * Every random decision is a hash of (faultSeed, what it is about, how many times that request was
 * seen), so runs are reproducible whatever the interleaving of concurrent requests.
 */
import { GRAPH_TYPES, TYPE_INFO, isGraphType, type TenantObject } from '../../model/index.ts';
import { SimulatorError } from '../errors.ts';
import { unitHash } from '../random.ts';

/** Faults whose intensity is a probability from 0 to 1. */
export type ProbabilityFaultName =
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
  | 'truncated';

/** Faults that take a list of endpoints or types. */
export type ListFaultName = 'forbidden' | 'not-found' | 'payment-required';

/** Faults that take a count. */
export type CountFaultName = 'broken-objects' | 'drop-after' | 'write-fails-after' | 'write-lost-ack';

/** Faults that are on or off. */
export type SwitchFaultName = 'read-only-key';

/** Faults of the Directory Insights log: `events-lag` in seconds, `silent-changes` a probability. */
export type LogFaultName = 'events-lag' | 'silent-changes';

export type FaultName = ProbabilityFaultName | ListFaultName | CountFaultName | SwitchFaultName | LogFaultName;

/** The transient faults: a client that retries and refetches always ends with the clean tenant. */
export const TRANSIENT_FAULT_NAMES: readonly ProbabilityFaultName[] = [
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
];

export const LIST_FAULT_NAMES: readonly ListFaultName[] = ['forbidden', 'not-found', 'payment-required'];
export const COUNT_FAULT_NAMES: readonly CountFaultName[] = ['broken-objects', 'drop-after', 'write-fails-after', 'write-lost-ack'];
export const SWITCH_FAULT_NAMES: readonly SwitchFaultName[] = ['read-only-key'];
/** The faults of writes. */
export const WRITE_FAULT_NAMES: readonly FaultName[] = ['write-fails-after', 'write-lost-ack', 'read-only-key'];

/** The least value of each count fault (the first write is write 1; `write-fails-after=0` fails every write). */
export const COUNT_FAULT_MINIMUM: { readonly [F in CountFaultName]: number } = {
  'broken-objects': 0,
  'drop-after': 1,
  'write-fails-after': 0,
  'write-lost-ack': 1,
};
export const LOG_FAULT_NAMES: readonly LogFaultName[] = ['events-lag', 'silent-changes'];

/** Every fault. */
export const FAULT_NAMES: readonly FaultName[] = [
  ...TRANSIENT_FAULT_NAMES,
  ...LIST_FAULT_NAMES,
  ...COUNT_FAULT_NAMES,
  ...SWITCH_FAULT_NAMES,
  'truncated',
  ...LOG_FAULT_NAMES,
];

/** Intensity used when a probability fault is named without one. */
export const DEFAULT_FAULT_INTENSITY: { readonly [F in ProbabilityFaultName | LogFaultName]: number } = {
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
  truncated: 0.05,
  'events-lag': 5,
  'silent-changes': 0.1,
};

/** What a list or count fault means when named without a value. */
export const DEFAULT_FAULT_VALUES: { readonly [F in ListFaultName]: readonly string[] } & { readonly [F in CountFaultName]: number } = {
  forbidden: ['softwareapps'],
  'not-found': ['healthmonitoring'],
  'payment-required': ['directories'],
  'broken-objects': 3,
  'drop-after': 500,
  'write-fails-after': 1,
  'write-lost-ack': 1,
};

/** The status each list fault answers. */
export const LIST_FAULT_STATUS: { readonly [F in ListFaultName]: 402 | 403 | 404 } = {
  forbidden: 403,
  'not-found': 404,
  'payment-required': 402,
};

export const DEFAULT_DROP_PAUSE_MS = 60_000;

export const MAX_CONSECUTIVE_FAILURES = 2;
export const MAX_CHURN_EPISODES = 2;
export const STORM_MAX_MS = 1000;
export const STORM_CALM_MS = 1500;
/** Retry-After (seconds) sent with storm 429s. */
export const STORM_RETRY_AFTER_SECONDS = 1;
export const SLOW_MAX_MS = 1000;
/** Share of a collection's length that `nulls` adds as null entries (at least one). */
const NULL_SHARE = 0.03;

export type FaultSettings = { [F in ProbabilityFaultName | LogFaultName]?: number } & { [F in ListFaultName]?: readonly string[] } & {
  [F in CountFaultName]?: number;
} & { [F in SwitchFaultName]?: boolean };

export function isFaultName(value: string): value is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(value);
}

export function isListFault(name: FaultName): name is ListFaultName {
  return (LIST_FAULT_NAMES as readonly string[]).includes(name);
}

export function isCountFault(name: FaultName): name is CountFaultName {
  return (COUNT_FAULT_NAMES as readonly string[]).includes(name);
}

export function isSwitchFault(name: FaultName): name is SwitchFaultName {
  return (SWITCH_FAULT_NAMES as readonly string[]).includes(name);
}

/** The value a fault takes when named alone. */
export function defaultFaultValue(name: FaultName): number | readonly string[] | boolean {
  if (isSwitchFault(name)) return true;
  return isListFault(name) || isCountFault(name) ? DEFAULT_FAULT_VALUES[name] : DEFAULT_FAULT_INTENSITY[name];
}

/**
 * Normalizes the `faults` option: names (each at its default) or name → value: a probability in [0, 1],
 * a list of endpoints or types, or a count.
 */
export function faultSettings(faults: readonly FaultName[] | FaultSettings | undefined): FaultSettings {
  const out: Record<string, unknown> = {};
  if (!faults) return out;
  const entries: [string, unknown][] = Array.isArray(faults)
    ? (faults as readonly string[]).map((name) => [name, isFaultName(name) ? defaultFaultValue(name) : undefined])
    : Object.entries(faults as FaultSettings);
  for (const [name, value] of entries) {
    if (!isFaultName(name)) throw new SimulatorError(`unknown fault "${name}"; faults are ${FAULT_NAMES.join(', ')}`);
    if (value === undefined) continue;
    if (isListFault(name)) {
      if (!Array.isArray(value) || value.length === 0 || !value.every((e) => typeof e === 'string' && e.trim() !== '')) {
        throw new SimulatorError(
          `fault "${name}" needs a list of endpoints or types, e.g. ${name}=${DEFAULT_FAULT_VALUES[name].join('+')}`,
        );
      }
      out[name] = (value as string[]).map((e) => e.trim());
    } else if (isCountFault(name)) {
      const least = COUNT_FAULT_MINIMUM[name];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < least) {
        throw new SimulatorError(
          `fault "${name}" needs a whole number${least > 0 ? ` of at least ${least}` : ''}, not ${JSON.stringify(value)}`,
        );
      }
      out[name] = value;
    } else if (isSwitchFault(name)) {
      if (typeof value !== 'boolean') throw new SimulatorError(`fault "${name}" is on (true) or off (false), not ${JSON.stringify(value)}`);
      if (value) out[name] = true;
    } else {
      const problem = faultValueProblem(name, value);
      if (problem) throw new SimulatorError(`fault "${name}" ${problem}, not ${JSON.stringify(value)}`);
      out[name] = value;
    }
  }
  return out;
}

/**
 * Why `value` cannot be the value of the probability or log fault `name` ("needs a probability from 0
 * to 1"), or undefined when it can.
 */
export function faultValueProblem(name: ProbabilityFaultName | LogFaultName, value: unknown): string | undefined {
  if (name === 'events-lag')
    return typeof value === 'number' && value >= 0 && Number.isFinite(value) ? undefined : 'needs a number of seconds';
  return typeof value === 'number' && value >= 0 && value <= 1 ? undefined : 'needs a probability from 0 to 1';
}

/** What a request is about, for the refusal faults. */
export interface RequestTarget {
  /** The path under the API root (`/systemusers`, `/usergroups/{id}/members`). */
  readonly path: string;
  /** A list's types, or a graph endpoint's source type. */
  readonly listTypes?: readonly string[];
  readonly sourceType?: string;
}

/** True when a `forbidden`/`not-found`/`payment-required` entry names this request. */
export function entryMatches(entry: string, target: RequestTarget): boolean {
  if (isGraphType(entry)) {
    return (target.listTypes?.length === 1 && target.listTypes[0] === entry) || target.sourceType === entry;
  }
  const e = entry
    .replace(/^\/+/, '')
    .replace(/^api\/(v2\/)?/, '')
    .replace(/^v2\//, '')
    .replace(/\/+$/, '');
  const path = target.path.replace(/^\/+/, '');
  return e !== '' && (path === e || path.startsWith(`${e}/`));
}

/** The objects `broken-objects` breaks: N objects of listed types, picked by the seed alone. */
export function pickBrokenObjects(objects: readonly TenantObject[], count: number, seed: number): TenantObject[] {
  if (count <= 0) return [];
  const listed = new Set(GRAPH_TYPES.filter((t) => TYPE_INFO[t].lists.length > 0));
  return objects
    .filter((o) => isGraphType(o.type) && listed.has(o.type))
    .map((o) => ({ o, u: unitHash(seed, 'broken', o.type, o.id) }))
    .sort((x, y) => x.u - y.u)
    .slice(0, count)
    .map((x) => x.o);
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
    /** Milliseconds on a monotonic clock (the simulator's). */
    private readonly now: () => number,
  ) {}

  private p(name: ProbabilityFaultName): number {
    return this.settings[name] ?? 0;
  }

  /** The refusal (402, 403, 404) the list faults give this request, if any. */
  refusal(target: RequestTarget): { status: 402 | 403 | 404; fault: ListFaultName } | undefined {
    for (const fault of LIST_FAULT_NAMES) {
      if ((this.settings[fault] ?? []).some((entry) => entryMatches(entry, target))) return { status: LIST_FAULT_STATUS[fault], fault };
    }
    return undefined;
  }

  /** The write faults' answer to the write numbered `n` (from 1), before it is applied, if any. */
  writeRefusal(n: number): { status: 403 | 500; fault: 'read-only-key' | 'write-fails-after' } | undefined {
    if (this.settings['read-only-key'] === true) return { status: 403, fault: 'read-only-key' };
    const failsAfter = this.settings['write-fails-after'];
    if (failsAfter !== undefined && n > failsAfter) return { status: 500, fault: 'write-fails-after' };
    return undefined;
  }

  /** True when the write numbered `n` is carried out and its answer lost (`write-lost-ack`). */
  losesAck(n: number): boolean {
    return this.settings['write-lost-ack'] === n;
  }

  /** True when this answer is to be cut short (`truncated`), decided per request and attempt, unbounded. */
  truncates(requestKey: string): boolean {
    const p = this.p('truncated');
    return p > 0 && unitHash(this.seed, 'truncated', requestKey, this.seen.get(requestKey) ?? 0) < p;
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

  private affects(name: ProbabilityFaultName, collectionKey: string): boolean {
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
  pageDistortion(
    collectionKey: string,
    requestKey: string,
    length: number,
    skip: number,
    limit: number,
    hasTotal: boolean,
  ): PageDistortion {
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

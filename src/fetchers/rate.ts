/**
 * Request pacing. `RateGate` is a hard cap: no window of one second ever holds more than `rate` request
 * starts (a sliding-window log), whatever the concurrency. When the server answers 429 it also learns the
 * server's rate (measured between two throttling episodes) and keeps a little under it, probing slowly
 * upwards while no 429 comes, so a fetch saturates an unpublished limit without tripping it for long. It also holds a shared "not before" instant, set when the server answers 429 with a
 * Retry-After, so every request waits out the server's pause instead of tripping it again.
 *
 * `AdaptiveConcurrency` is additive-increase / multiplicative-decrease over a p-limit queue: it halves the
 * number of requests in flight on a 429 and adds one back after each run of successes as long as the current
 * limit, up to the configured maximum.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { CancelledError } from '../errors.ts';

/** Monotonic milliseconds. */
export type Clock = () => number;
export const monotonicNow: Clock = () => performance.now();

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error to throw for an aborted signal: its reason when that is a CancelledError, else a new one. */
export function abortReason(signal: AbortSignal): CancelledError {
  return signal.reason instanceof CancelledError ? signal.reason : new CancelledError('the fetch was cancelled');
}

/** Seconds between 429 episodes below which the rate between them is not measured. */
const MIN_MEASURE_MS = 1000;
/** Fewest accepted requests between two episodes for a measure. */
const MIN_MEASURE_REQUESTS = 20;
/** 429s closer together than this belong to one episode. */
const EPISODE_MS = 500;
/** Without a 429 for this long, the learned rate is raised by RAISE_FACTOR (probing for more). */
const RAISE_EVERY_MS = 10_000;
const RAISE_FACTOR = 1.02;
/** Two measures agree when they differ by at most this share. */
const AGREEMENT = 0.15;
/** Once a rate is learned, measures under this share of it are taken for random 429s, not a lower limit. */
const PLAUSIBLE_DROP = 0.8;
/** The learned rate stays this far under the rate measured between two throttling episodes. */
const LEARN_MARGIN = 0.95;

export class RateGate {
  readonly #configured: number;
  readonly #now: Clock;
  /** Start times of recent requests, oldest first (as many as the current rate's window holds). */
  readonly #starts: number[] = [];
  #notBefore = -Infinity;
  /** The server's rate as learned from its 429s; Infinity until two episodes were seen. */
  #learned = Infinity;
  #lastEpisode: { at: number; successesBefore: number } | undefined;
  #lastMeasure: number | undefined;
  #successes = 0;
  #lastChange = -Infinity;

  readonly #onStart: ((at: number) => void) | undefined;

  /**
   * @param rate requests per second; `undefined` or `Infinity` for no cap (Retry-After pauses still apply).
   * @param onStart told the clock time of every start it allows (for statistics and tests).
   */
  constructor(rate: number | undefined, now: Clock = monotonicNow, onStart?: (at: number) => void) {
    this.#configured = rate !== undefined && Number.isFinite(rate) ? rate : Infinity;
    this.#now = now;
    this.#onStart = onStart;
  }

  /** The rate in force: the configured cap, or less when the server showed it allows less. */
  get rate(): number {
    return Math.min(this.#configured, this.#learned);
  }

  /** Resolves when the caller may start one request; records its start. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.#now();
      this.#probe(now);
      const rate = this.rate;
      // A sliding window rather than fixed spacing: a waiter woken late (a busy event loop) does not lose
      // its slot, yet no window of burst/rate seconds ever holds more than `burst` starts (rate per second).
      const burst = Number.isFinite(rate) ? Math.max(1, Math.floor(rate)) : 0;
      while (this.#starts.length > burst) this.#starts.shift();
      const windowFree = burst === 0 || this.#starts.length < burst ? -Infinity : this.#starts[0]! + (burst / rate) * 1000;
      const start = Math.max(windowFree, this.#notBefore);
      if (start <= now) {
        if (burst > 0) this.#starts.push(now);
        this.#onStart?.(now);
        return;
      }
      // Timers may fire a little early: loop until the clock has really reached the slot.
      await sleep(Math.max(1, Math.ceil(start - now)), signal);
    }
  }

  /** Holds every request until `ms` from now (a server-requested pause); never shortens a longer pause. */
  pauseFor(ms: number): void {
    this.#notBefore = Math.max(this.#notBefore, this.#now() + ms);
  }

  /** A request succeeded (counts towards the rate measured between throttling episodes). */
  succeeded(): void {
    this.#successes += 1;
  }

  /**
   * The server answered 429. Between the starts of two throttling episodes the server's bucket went from
   * empty to empty, so the requests it accepted in between, over the time in between, is its rate: keep a
   * little under it, once two measures running agree. A measure over too short a time or too few requests is
   * not taken. Once a rate is learned, a measure far below it is not a limit (the client was already pacing at the learned rate, a
   * real bucket would have let that through): it is a burst of 429s unrelated to the rate, left to the
   * backoff, so random 429 storms cannot drive the rate down step by step.
   */
  throttled(): void {
    const now = this.#now();
    const last = this.#lastEpisode;
    if (last && now - last.at < EPISODE_MS) return;
    const accepted = last ? this.#successes - last.successesBefore : 0;
    if (last && now - last.at >= MIN_MEASURE_MS && accepted >= MIN_MEASURE_REQUESTS) {
      const measured = ((accepted * 1000) / (now - last.at)) * LEARN_MARGIN;
      // A real limit measures the same twice running; random 429 storms give measures that wander.
      const confirmed = this.#lastMeasure !== undefined && Math.abs(measured - this.#lastMeasure) <= this.#lastMeasure * AGREEMENT;
      const plausible = !Number.isFinite(this.#learned) || measured >= this.#learned * PLAUSIBLE_DROP;
      if (confirmed && plausible && measured < this.#learned) {
        this.#learned = Math.max(1, measured);
        this.#lastChange = now;
      }
      this.#lastMeasure = measured;
    }
    this.#lastEpisode = { at: now, successesBefore: this.#successes };
  }

  #probe(now: number): void {
    if (!Number.isFinite(this.#learned) || now - this.#lastChange < RAISE_EVERY_MS) return;
    const lastThrottle = this.#lastEpisode?.at ?? -Infinity;
    if (now - lastThrottle < RAISE_EVERY_MS) return;
    this.#learned *= RAISE_FACTOR;
    this.#lastChange = now;
  }
}

export class AdaptiveConcurrency {
  readonly max: number;
  readonly #limit: LimitFunction;
  #successes = 0;
  #backoffs = 0;

  constructor(max: number) {
    this.max = Math.max(1, Math.floor(max));
    this.#limit = pLimit(this.max);
  }

  get current(): number {
    return this.#limit.concurrency;
  }

  /** How many times the limit was lowered. */
  get backoffs(): number {
    return this.#backoffs;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    return this.#limit(task);
  }

  /** A 429: halve the requests in flight. */
  onThrottled(): void {
    this.#successes = 0;
    this.#backoffs += 1;
    this.#limit.concurrency = Math.max(1, Math.floor(this.#limit.concurrency / 2));
  }

  /** A success: after `current` successes in a row, allow one more request in flight. */
  onSuccess(): void {
    if (this.#limit.concurrency >= this.max) return;
    this.#successes += 1;
    if (this.#successes >= this.#limit.concurrency) {
      this.#successes = 0;
      this.#limit.concurrency += 1;
    }
  }
}

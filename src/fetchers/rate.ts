/**
 * Request pacing. `RateGate` is a hard cap: no window of one second ever holds more than `rate` request
 * starts (a sliding-window log), whatever the concurrency. It also holds a shared "not before" instant, set when the server answers 429 with a
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

export class RateGate {
  /** At most `#burst` starts in any window of `#windowMs`: `rate` per second, measured over a sliding window. */
  readonly #burst: number;
  readonly #windowMs: number;
  readonly #now: Clock;
  /** Start times of the last `#burst` requests, oldest first. */
  readonly #starts: number[] = [];
  #notBefore = -Infinity;

  /** @param rate requests per second; `undefined` or `Infinity` for no cap (Retry-After pauses still apply). */
  constructor(rate: number | undefined, now: Clock = monotonicNow) {
    const capped = rate !== undefined && Number.isFinite(rate);
    this.#burst = capped ? Math.max(1, Math.floor(rate)) : 0;
    this.#windowMs = capped ? (this.#burst / rate) * 1000 : 0;
    this.#now = now;
  }

  /** Resolves when the caller may start one request; records its start. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.#now();
      // A sliding window rather than fixed spacing: a waiter woken late (a busy event loop) does not lose
      // its slot, yet no window of `#windowMs` ever holds more than `#burst` starts.
      const windowFree = this.#burst === 0 || this.#starts.length < this.#burst ? -Infinity : this.#starts[0]! + this.#windowMs;
      const start = Math.max(windowFree, this.#notBefore);
      if (start <= now) {
        if (this.#burst > 0) {
          this.#starts.push(now);
          if (this.#starts.length > this.#burst) this.#starts.shift();
        }
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

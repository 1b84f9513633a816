/**
 * The rate limit: a token bucket shared by every organization the simulator serves, `rate` tokens per
 * second, holding at most one second's worth (and at least one token). A request that finds it empty is
 * answered 429, with `Retry-After` unless `rate-limit-no-retry-after` withholds it.
 */
import type { Step } from './exchange.ts';

export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;

  constructor(
    private readonly rate: number,
    /** Milliseconds on a monotonic clock (the simulator's). */
    private readonly now: () => number,
  ) {
    this.capacity = Math.max(1, rate);
    this.tokens = this.capacity;
    this.last = this.now();
  }

  /** Takes a token; returns 0 when granted, else the whole seconds to wait before one is available. */
  take(): number {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.rate));
  }
}

/** 429 when the bucket is empty (no limit when the simulator has none). */
export const rateLimit: Step = (x, ctx) => {
  const wait = ctx.bucket?.take() ?? 0;
  if (wait === 0) return undefined;
  const headers: Record<string, string> = ctx.faults.withholdRetryAfter ? {} : { 'retry-after': String(wait) };
  return x.dialect.error(429, x.dialect.tooManyRequests, undefined, headers);
};

import { describe, expect, it } from 'vitest';
import { AdaptiveConcurrency, RateGate } from '../../src/fetchers/rate.ts';
import { CancelledError } from '../../src/errors.ts';

describe('RateGate', () => {
  it('never starts more than `rate` requests in any one-second window, whatever the concurrency', async () => {
    const rate = 40;
    const gate = new RateGate(rate);
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 100 }, async () => {
      await gate.acquire();
      starts.push(performance.now());
    }));
    starts.sort((a, b) => a - b);
    // (A few ms of slack: the times are taken when each waiter resumes, a little after the gate let it go.)
    for (let i = 0; i + rate < starts.length; i++) expect(starts[i + rate]! - starts[i]!).toBeGreaterThanOrEqual(995);
    // …and keeps close to the rate (100 requests at 40/s: the last starts after 2 s).
    expect(starts.at(-1)! - starts[0]!).toBeLessThan(2600);
  });

  it('holds every request during a server-requested pause', async () => {
    const gate = new RateGate(undefined);
    const t0 = performance.now();
    gate.pauseFor(150);
    await Promise.all([gate.acquire(), gate.acquire()]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(149);
  });

  it('stops waiting when cancelled', async () => {
    const gate = new RateGate(0.5);
    await gate.acquire();
    const controller = new AbortController();
    const waiting = gate.acquire(controller.signal);
    controller.abort(new CancelledError('stop'));
    await expect(waiting).rejects.toThrow(CancelledError);
  });
});

describe('AdaptiveConcurrency', () => {
  it('halves on 429 and climbs back by one per run of successes, up to its maximum', () => {
    const c = new AdaptiveConcurrency(8);
    c.onThrottled();
    expect(c.current).toBe(4);
    c.onThrottled();
    c.onThrottled();
    c.onThrottled();
    expect(c.current).toBe(1);
    for (let i = 0; i < 100; i++) c.onSuccess();
    expect(c.current).toBe(8);
    expect(c.backoffs).toBe(4);
  });

  it('never runs more tasks at once than its current limit', async () => {
    const c = new AdaptiveConcurrency(3);
    let running = 0;
    let peak = 0;
    await Promise.all(Array.from({ length: 20 }, () => c.run(async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
    })));
    expect(peak).toBe(3);
  });
});

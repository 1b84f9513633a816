import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdaptiveConcurrency, RateGate } from '../../src/fetchers/rate.ts';
import { CancelledError } from '../../src/errors.ts';

describe('RateGate', () => {
  // The gate's waits are timers and its clock is performance.now(): both fake here, so what is checked is
  // the gate's schedule, in its own clock, whatever else the machine is doing.
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never starts more than `rate` requests in any one-second window, whatever the concurrency', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const rate = 40;
    const starts: number[] = [];
    const gate = new RateGate(
      rate,
      () => performance.now(),
      (at) => starts.push(at),
    );
    const all = Promise.all(Array.from({ length: 100 }, () => gate.acquire()));
    await vi.runAllTimersAsync();
    await all;
    expect(starts.length).toBe(100);
    for (let i = 0; i + rate < starts.length; i++) expect(starts[i + rate]! - starts[i]!).toBeGreaterThanOrEqual(1000);
    // …and keeps to the rate: 100 requests at 40/s, a burst each second, the last one 2 s after the first.
    expect(starts.at(-1)! - starts[0]!).toBe(2000);
  });

  it('holds every request during a server-requested pause', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const gate = new RateGate(undefined);
    gate.pauseFor(150);
    let released = false;
    const both = Promise.all([gate.acquire(), gate.acquire()]).then(() => (released = true));
    await vi.advanceTimersByTimeAsync(149);
    expect(released).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await both;
    expect(released).toBe(true);
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

describe('RateGate learning an unpublished limit', () => {
  it('keeps a little under the rate measured between 429 episodes once two measures agree, then probes slowly upwards', async () => {
    let t = 0;
    const gate = new RateGate(undefined, () => t);
    const episode = async (requests: number, ms: number) => {
      for (let i = 0; i < requests; i++) {
        t += ms / requests;
        await gate.acquire();
        gate.succeeded();
      }
      gate.throttled();
    };
    gate.throttled(); // first episode: nothing to measure yet
    await episode(300, 3000); // 100/s: a first measure, not yet confirmed
    expect(gate.rate).toBe(Infinity);
    await episode(200, 2000); // 100/s again: confirmed
    expect(gate.rate).toBeCloseTo(95, 5);
    t += 100;
    gate.throttled(); // the same episode: no new measure
    expect(gate.rate).toBeCloseTo(95, 5);
    t += 10_001;
    await gate.acquire();
    expect(gate.rate).toBeCloseTo(95 * 1.02, 5);
  });

  it('never learns above a configured cap, nor from too few requests, nor from random 429 storms', () => {
    let t = 0;
    const measure = (gate: RateGate, accepted: number, ms: number) => {
      for (let i = 0; i < accepted; i++) gate.succeeded();
      t += ms;
      gate.throttled();
    };
    const capped = new RateGate(20, () => t);
    capped.throttled();
    measure(capped, 500, 5000);
    measure(capped, 500, 5000); // 100/s, twice: the cap of 20 stands
    expect(capped.rate).toBe(20);
    const free = new RateGate(undefined, () => t);
    free.throttled();
    measure(free, 10, 5000);
    measure(free, 10, 5000); // 10 requests each: too few to measure
    expect(free.rate).toBe(Infinity);
    measure(free, 1000, 1000);
    measure(free, 1000, 1000); // 1000/s twice
    expect(free.rate).toBeCloseTo(950, 5);
    measure(free, 500, 1000);
    measure(free, 480, 1000); // about 500/s while pacing at 950/s: random storms, not a limit
    expect(free.rate).toBeCloseTo(950, 5);
    measure(free, 850, 1000);
    measure(free, 860, 1000); // 850/s then 860/s: a plausible lower limit
    expect(free.rate).toBeCloseTo(860 * 0.95, 5);
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
    await Promise.all(
      Array.from({ length: 20 }, () =>
        c.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 2));
          running--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });
});

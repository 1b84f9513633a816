/**
 * A simulator clock the test holds (the `clock` option of startSimulator): it stands still from the
 * moment it is made, at the real time then, until the test moves it with `advance`. A rate-limit window,
 * a 429 storm, the drop pause or the events' lag then passes exactly when the test says so, however busy
 * the machine, and without waiting for it.
 *
 *   const clock = manualClock();
 *   await withSimulator({ rate: 3, clock }, async (sim) => { …; clock.advance(1_000); … });
 */
import type { SimulatorClock } from '../../src/simulator/index.ts';

export interface ManualClock extends SimulatorClock {
  /** Moves both readings forward by `ms` milliseconds. */
  advance(ms: number): void;
}

/** A clock standing at the real time now, which moves only when advanced. */
export function manualClock(): ManualClock {
  // Whole milliseconds, so that whole advances add up exactly (a bucket refilled by 1000 ms holds `rate` tokens, not 2.999…).
  let monotonic = Math.floor(performance.now());
  let epoch = Date.now();
  return {
    monotonicMs: () => monotonic,
    epochMs: () => epoch,
    advance(ms: number): void {
      if (!(ms >= 0)) throw new Error(`a clock moves forward only, not by ${String(ms)} ms`);
      monotonic += ms;
      epoch += ms;
    },
  };
}

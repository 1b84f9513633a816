/**
 * The simulator's two readings of time. Every part of it that asks what time it is asks its clock, so
 * that a test can hold the clock still and move it by hand instead of sleeping (rate-limit windows,
 * fault storms, the drop pause, the events' lag and timestamps). Timers (churn, slow answers) are not
 * readings: they stay real timers, which a test drives with fake timers.
 */
export interface SimulatorClock {
  /** Milliseconds on a clock that never goes back, for durations: the rate limit, fault storms, the drop pause. */
  monotonicMs(): number;
  /** Milliseconds since the Unix epoch, for instants: changes' times, events' timestamps and lag, the events query's window. */
  epochMs(): number;
}

/** The real clocks: `performance.now()` and `Date.now()`. */
export const REAL_CLOCK: SimulatorClock = {
  monotonicMs: () => performance.now(),
  epochMs: () => Date.now(),
};

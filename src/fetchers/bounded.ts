/**
 * A bounded work queue: items are taken from an iterable only as a worker comes free, so the memory held
 * is O(width) pending work whatever the number of items (a crawl of 131,540 collections holds 32).
 */
import { abortReason } from './rate.ts';

/**
 * Runs `work` on every item, `width` at a time, taking the next item only when a worker is free. The first
 * failure rejects; workers take nothing new once `signal` is aborted (the caller aborts it on that failure).
 */
export async function forEachBounded<T>(
  items: Iterable<T>,
  width: number,
  signal: AbortSignal,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  const worker = async (): Promise<void> => {
    while (!signal.aborted) {
      const next = iterator.next();
      if (next.done) return;
      await work(next.value);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, width) }, worker));
  // Workers that saw the abort between two items stopped without an error: the work is not all done.
  if (signal.aborted) throw abortReason(signal);
}

/**
 * Longest stretch of synchronous work between two chances for I/O. Short, because one request's answer
 * needs several turns of the event loop, each of which may wait behind a slice: at 2 ms the requests in
 * flight beside the work keep their pace.
 */
const SLICE_MS = 2;

/** Lets I/O in (setImmediate) once SLICE_MS of synchronous work have passed since the last time. */
export class TimeSlicer {
  #sliceStart = performance.now();

  /** A promise to await when the slice is used up, else undefined (no await, no cost). */
  pause(): Promise<void> | undefined {
    if (performance.now() - this.#sliceStart < SLICE_MS) return undefined;
    return new Promise<void>((resolve) => {
      setImmediate(() => {
        this.#sliceStart = performance.now();
        resolve();
      });
    });
  }
}

/**
 * Runs synchronous `work` on every item in slices of SLICE_MS, letting the answers to requests in flight
 * in between: CPU work beside a rate-limited crawl then costs no time. Throws the abort reason once
 * `signal` is aborted.
 */
export async function forEachInSlices<T>(items: Iterable<T>, signal: AbortSignal, work: (item: T) => void): Promise<void> {
  const slicer = new TimeSlicer();
  for (const item of items) {
    if (signal.aborted) throw abortReason(signal);
    work(item);
    const pause = slicer.pause();
    if (pause) await pause;
  }
  if (signal.aborted) throw abortReason(signal);
}

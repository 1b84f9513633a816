/**
 * A bounded work queue: items are taken from an iterable only as a worker comes free, so the memory held
 * is O(width) pending work whatever the number of items (a crawl of 131,540 collections holds 32).
 */
import { abortReason } from './rate.ts';

/**
 * Runs `work` on every item, `width` at a time, taking the next item only when a worker is free. The first
 * failure rejects; workers take nothing new once `signal` is aborted (the caller aborts it on that failure).
 */
export async function forEachBounded<T>(items: Iterable<T>, width: number, signal: AbortSignal, work: (item: T) => Promise<void>): Promise<void> {
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

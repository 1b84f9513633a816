/**
 * The crawl's bounded work queue: every item done once, never more than `width` in progress, items
 * taken from the iterable only as a worker comes free (the memory a crawl holds is O(width)), the first
 * failure reported, nothing new taken after an abort and never a silent early end.
 */
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import fc from 'fast-check';
import { forEachBounded, forEachInSlices } from '../../src/fetchers/bounded.ts';
import { CancelledError } from '../../src/errors.ts';

const tick = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('forEachBounded', () => {
  it('does every item once, at most `width` at a time, pulling items no further ahead than the free workers (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        async (delays, width) => {
          const done: number[] = [];
          let inProgress = 0;
          let most = 0;
          let pulled = 0;
          let aheadMost = 0;
          function* items(): Generator<number> {
            for (let i = 0; i < delays.length; i++) {
              pulled += 1;
              aheadMost = Math.max(aheadMost, pulled - done.length);
              yield i;
            }
          }
          await forEachBounded(items(), width, new AbortController().signal, async (i) => {
            inProgress += 1;
            most = Math.max(most, inProgress);
            await tick(delays[i]!);
            inProgress -= 1;
            done.push(i);
          });
          expect([...done].sort((a, b) => a - b)).toEqual(delays.map((_, i) => i));
          expect(most).toBeLessThanOrEqual(width);
          expect(aheadMost).toBeLessThanOrEqual(width);
          if (delays.length >= width) expect(most).toBe(width);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('rejects with the first failure and takes nothing new once the caller aborts', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const controller = new AbortController();
    const started: number[] = [];
    const run = forEachBounded(
      Array.from({ length: 100 }, (_, i) => i),
      4,
      controller.signal,
      async (i) => {
        started.push(i);
        await tick(1);
        if (i === 5) {
          controller.abort(new CancelledError('stopped after an earlier failure'));
          throw new Error('item 5 failed');
        }
      },
    );
    const rejected = expect(run).rejects.toThrow('item 5 failed');
    // Every timer runs, those of items started after the abort too: such an item would show in `started`.
    await vi.runAllTimersAsync();
    await rejected;
    expect(started.length).toBeLessThanOrEqual(9); // items 0–5 and the three other workers' current ones
  });

  it('fails with a CancelledError, never ends quietly, when aborted between items', async () => {
    const controller = new AbortController();
    const done: number[] = [];
    const run = forEachBounded(
      Array.from({ length: 50 }, (_, i) => i),
      2,
      controller.signal,
      async (i) => {
        done.push(i);
        if (i === 9) controller.abort(new CancelledError('the fetch was cancelled')); // the work itself succeeds
      },
    );
    await expect(run).rejects.toThrow(CancelledError);
    expect(done.length).toBeLessThan(50);
  });
});

describe('forEachInSlices', () => {
  const busy = (ms: number): void => {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // synchronous work, as carrying a collection over is
    }
  };

  it('does every item once, in order, and lets I/O in between slices of synchronous work', async () => {
    const done: number[] = [];
    const ticks: number[] = [];
    // An I/O callback that re-arms itself: it runs only when the loop lets the event loop turn.
    let stop = false;
    const poll = (): void => {
      ticks.push(done.length);
      if (!stop) setImmediate(poll);
    };
    setImmediate(poll);
    await forEachInSlices(
      Array.from({ length: 200 }, (_, i) => i),
      new AbortController().signal,
      (i) => {
        busy(0.1);
        done.push(i);
      },
    );
    stop = true;
    expect(done).toEqual(Array.from({ length: 200 }, (_, i) => i));
    // 20 ms of work in 2 ms slices: the callback ran while items were still left, several times.
    expect(ticks.filter((n) => n > 0 && n < 200).length).toBeGreaterThanOrEqual(3);
  });

  it('fails with the abort reason, never ends quietly, when aborted while items remain', async () => {
    const controller = new AbortController();
    const done: number[] = [];
    const run = forEachInSlices(
      Array.from({ length: 50 }, (_, i) => i),
      controller.signal,
      (i) => {
        done.push(i);
        if (i === 9) controller.abort(new CancelledError('the fetch was cancelled'));
      },
    );
    await expect(run).rejects.toThrow(CancelledError);
    expect(done).toHaveLength(10);
  });
});

/**
 * Back-pressure bounds memory (issue "Time, async and rate"): a fast source of 1e6 elements runs through
 * `mapAsync(4)` and an async boundary into a slow sink, and the heap it keeps alive must not depend on how
 * many elements flow — the run with 1e6 elements may not retain (much) more than the run with 1e5.
 *
 * What is measured is the *live* heap: the sink forces a full GC every n/20 elements and samples
 * `heapUsed` right after it, so garbage that simply has not been collected yet (which depends on GC timing,
 * not on the stream) does not count. Any unbounded buffer between the source and the sink would retain
 * elements, promises or slots in proportion to n, and show up as growth 10× larger in the second run.
 * The bounds are generous on purpose: a bounded stream retains well under a megabyte either way.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { Materializer, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';

/** `global.gc` if node runs with --expose-gc, else the flag is switched on at runtime (as bench/ does). */
function resolveGc(): () => void {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as () => void;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs n elements through the pipeline; returns the peak live-heap growth over the run, in bytes. */
async function peakLiveGrowth(n: number, gc: () => void): Promise<number> {
  const mat = new Materializer({ logger: null });
  gc();
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  const every = n / 20;
  let count = 0;
  await Source.range(1, n)
    .mapAsync(4, (x) => Promise.resolve(x * 2))
    .async()
    .runWith(
      Sink.foreachAsync(1, (x: number) => {
        if (++count % every === 0) {
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed - base);
        }
        // The slow consumer: a 1 ms pause every 500 elements.
        return x % 500 === 0 ? sleep(1) : undefined;
      }),
      mat,
    );
  expect(count).toBe(n);
  return peak;
}

describe('memory under back-pressure', () => {
  it('retains the same (small) heap for 1e6 elements as for 1e5 through mapAsync(4) and an async boundary into a slow sink', async () => {
    const gc = resolveGc();
    const small = await peakLiveGrowth(100_000, gc);
    const large = await peakLiveGrowth(1_000_000, gc);
    const MiB = 2 ** 20;
    // Same order: 10× the elements may not retain more than twice as much, plus 4 MiB of slack.
    expect(large, `peak live heap growth: 1e5 → ${(small / MiB).toFixed(2)} MiB, 1e6 → ${(large / MiB).toFixed(2)} MiB`).toBeLessThan(2 * small + 4 * MiB);
    expect(large).toBeLessThan(16 * MiB);
  }, 60_000);
});

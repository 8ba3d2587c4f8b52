/**
 * Epoch milliseconds with sub-millisecond resolution: `Date.now()` is too coarse for in-process
 * latencies, `performance.now()` alone is not comparable between processes.
 */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

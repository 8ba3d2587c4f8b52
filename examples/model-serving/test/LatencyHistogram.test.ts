import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../src/scoring/LatencyHistogram.js';

/** The exact nearest-rank percentile of the values, the oracle the histogram approximates. */
function exactPercentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

describe('LatencyHistogram', () => {
  it('reports null percentiles when empty', () => {
    const h = new LatencyHistogram();
    expect(h.percentile(0.5)).toBeNull();
    expect(h.count).toBe(0);
    expect(h.maxMs).toBe(0);
  });

  it('is exact for latencies below 64 µs', () => {
    const h = new LatencyHistogram();
    for (let us = 1; us <= 50; us++) h.record(us / 1000);
    expect(h.percentile(0.5)).toBe(0.025);
    expect(h.percentile(1)).toBe(0.05);
  });

  it('law: every percentile is within 1.6% (or 1 µs) of the exact one, for any values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 3_600_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          const h = new LatencyHistogram();
          for (const v of values) h.record(v);
          const exact = Math.round(exactPercentile(values, q) * 1000) / 1000;
          const approx = h.percentile(q)!;
          expect(Math.abs(approx - exact)).toBeLessThanOrEqual(Math.max(exact / 64, 0.001) + 1e-9);
        },
      ),
    );
  });

  it('counts negative latencies (two clocks) as zero and caps huge ones', () => {
    const h = new LatencyHistogram();
    h.record(-5);
    h.record(Number.NaN);
    h.record(1e12);
    expect(h.count).toBe(3);
    expect(h.percentile(0.5)).toBe(0);
    expect(h.maxMs).toBeCloseTo((2 ** 32 - 1) / 1000, 6);
  });

  it('rejects a quantile outside [0, 1]', () => {
    expect(() => new LatencyHistogram().percentile(99)).toThrow(/quantile must be within \[0, 1\], got 99/);
  });
});

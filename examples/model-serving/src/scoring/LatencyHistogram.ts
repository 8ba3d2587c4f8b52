/**
 * Latencies in a fixed amount of memory, whatever the number of samples (an HdrHistogram in
 * miniature). Values are kept in microseconds in log-linear buckets: exact below 64 µs, then 64
 * sub-buckets per power of two, so a reported percentile is within about 1.6% of the true value,
 * from 1 µs up to about 71 minutes (2^32 µs; longer latencies count as that). 1,728 counters,
 * allocated once.
 */
export class LatencyHistogram {
  private static readonly SUB_BITS = 6;
  private static readonly SUB_COUNT = 1 << LatencyHistogram.SUB_BITS; // 64
  private static readonly MAX_EXPONENT = 31; // values below 2^32 µs: the bit operations below are 32-bit
  private static readonly BUCKETS = LatencyHistogram.SUB_COUNT * (LatencyHistogram.MAX_EXPONENT - LatencyHistogram.SUB_BITS + 2);
  private static readonly MAX_MICROS = 2 ** (LatencyHistogram.MAX_EXPONENT + 1) - 1;

  private readonly counts = new Float64Array(LatencyHistogram.BUCKETS);
  private total = 0;
  private maxMicros = 0;

  /** Number of values recorded. */
  get count(): number {
    return this.total;
  }

  /** The largest value recorded, in milliseconds (exact, not bucketed); 0 when empty. */
  get maxMs(): number {
    return this.maxMicros / 1000;
  }

  /** Records one latency in milliseconds; negative values (clocks of two machines) and NaN count as 0. */
  record(ms: number): void {
    const micros = ms > 0 ? Math.min(LatencyHistogram.MAX_MICROS, Math.round(ms * 1000)) : 0;
    this.counts[LatencyHistogram.bucketOf(micros)]!++;
    this.total++;
    if (micros > this.maxMicros) this.maxMicros = micros;
  }

  /**
   * The value at or below which `quantile` (0..1) of the recorded values lie, in milliseconds (the
   * upper end of its bucket, capped at the maximum seen); `null` when nothing was recorded.
   */
  percentile(quantile: number): number | null {
    if (!(quantile >= 0 && quantile <= 1)) throw new RangeError(`LatencyHistogram.percentile: quantile must be within [0, 1], got ${quantile}`);
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(quantile * this.total));
    let seen = 0;
    for (let b = 0; b < this.counts.length; b++) {
      seen += this.counts[b]!;
      if (seen >= rank) return Math.min(LatencyHistogram.upperBoundOf(b), this.maxMicros) / 1000;
    }
    return this.maxMicros / 1000;
  }

  private static bucketOf(micros: number): number {
    const sub = LatencyHistogram.SUB_COUNT;
    if (micros < sub) return micros;
    const exponent = 31 - Math.clz32(micros); // ≥ SUB_BITS
    const shift = exponent - LatencyHistogram.SUB_BITS;
    return sub + shift * sub + ((micros >>> shift) - sub);
  }

  private static upperBoundOf(bucket: number): number {
    const sub = LatencyHistogram.SUB_COUNT;
    if (bucket < sub) return bucket;
    const shift = Math.floor((bucket - sub) / sub);
    const mantissa = sub + ((bucket - sub) % sub);
    return (mantissa + 1) * 2 ** shift - 1;
  }
}

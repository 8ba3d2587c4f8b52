import { requireMillis, requirePositiveInt } from './internal/validate.js';

const W = 'CommitterSettings';

/**
 * Immutable settings of `Committer.sink` / `Committer.flow` (Alpakka's `CommitterSettings`): offsets are
 * aggregated into batches that are committed when `maxBatch` offsets have arrived or `maxIntervalMs`
 * has passed, with at most `parallelism` commits in flight. Defaults: 1000 / 10 s / 100.
 */
export class CommitterSettings {
  private constructor(
    readonly maxBatch: number,
    readonly maxIntervalMs: number,
    readonly parallelism: number,
  ) {}

  static readonly defaults = new CommitterSettings(1000, 10_000, 100);

  static create(): CommitterSettings {
    return CommitterSettings.defaults;
  }

  /** Commit once this many offsets have been aggregated. */
  withMaxBatch(maxBatch: number): CommitterSettings {
    return new CommitterSettings(requirePositiveInt(`${W}.withMaxBatch`, 'maxBatch', maxBatch), this.maxIntervalMs, this.parallelism);
  }

  /** Commit whatever has been aggregated at least this often. */
  withMaxInterval(ms: number): CommitterSettings {
    return new CommitterSettings(this.maxBatch, requireMillis(`${W}.withMaxInterval`, 'maxIntervalMs', ms), this.parallelism);
  }

  /** Most commit requests in flight at once. */
  withParallelism(parallelism: number): CommitterSettings {
    return new CommitterSettings(this.maxBatch, this.maxIntervalMs, requirePositiveInt(`${W}.withParallelism`, 'parallelism', parallelism));
  }

  toString(): string {
    return `CommitterSettings(maxBatch=${this.maxBatch}, maxIntervalMs=${this.maxIntervalMs}, parallelism=${this.parallelism})`;
  }
}

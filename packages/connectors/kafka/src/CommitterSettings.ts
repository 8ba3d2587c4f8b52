import { requireMillis, requireOneOf, requirePositiveInt } from './internal/validate.js';

const W = 'CommitterSettings';

/**
 * When an offset may be committed (Alpakka's `CommitWhen`):
 * - `'OffsetFirstObserved'` (default): as soon as the committer sees it.
 * - `'NextOffsetObserved'`: only once a higher offset of the same partition has been seen (or upstream
 *   ended). For streams where several elements carry the same offset — `mapConcat` over a record,
 *   `ProducerMessage.multi` results — so that an offset is committed only after *every* element that
 *   carries it has passed the committer.
 */
export type CommitWhen = 'OffsetFirstObserved' | 'NextOffsetObserved';

/**
 * Whether the committer waits for the broker's answer (Alpakka's `CommitDelivery`):
 * - `'WaitForAck'` (default): a batch is emitted once its commit succeeded; a failed commit fails the stage.
 * - `'SendAndForget'`: a batch is emitted as soon as its commit is sent; a failed commit is logged and
 *   does not fail the stream (the next commit carries higher offsets anyway). Faster, and the window of
 *   records re-delivered after a crash grows by the commits that were lost.
 */
export type CommitDelivery = 'WaitForAck' | 'SendAndForget';

export const CommitWhen = { OffsetFirstObserved: 'OffsetFirstObserved', NextOffsetObserved: 'NextOffsetObserved' } as const;
export const CommitDelivery = { WaitForAck: 'WaitForAck', SendAndForget: 'SendAndForget' } as const;

/**
 * Immutable settings of `Committer.sink` / `Committer.flow` (Alpakka's `CommitterSettings`): offsets are
 * aggregated into batches that are committed when `maxBatch` offsets have arrived or `maxIntervalMs`
 * has passed, with at most `parallelism` commits in flight. Defaults: 1000 / 10 s / 100, commit when an
 * offset is first observed, wait for the broker's acknowledgement.
 *
 * These defaults bound the at-least-once window: after a crash, at most the records of one uncommitted
 * batch (up to `maxBatch` records, or `maxIntervalMs` worth of them) per partition are delivered again.
 */
export class CommitterSettings {
  private constructor(
    readonly maxBatch: number,
    readonly maxIntervalMs: number,
    readonly parallelism: number,
    readonly when: CommitWhen,
    readonly delivery: CommitDelivery,
  ) {}

  static readonly defaults = new CommitterSettings(1000, 10_000, 100, 'OffsetFirstObserved', 'WaitForAck');

  static create(): CommitterSettings {
    return CommitterSettings.defaults;
  }

  /** Commit once this many offsets have been aggregated. */
  withMaxBatch(maxBatch: number): CommitterSettings {
    return new CommitterSettings(requirePositiveInt(`${W}.withMaxBatch`, 'maxBatch', maxBatch), this.maxIntervalMs, this.parallelism, this.when, this.delivery);
  }

  /** Commit whatever has been aggregated at least this often. */
  withMaxInterval(ms: number): CommitterSettings {
    return new CommitterSettings(this.maxBatch, requireMillis(`${W}.withMaxInterval`, 'maxIntervalMs', ms), this.parallelism, this.when, this.delivery);
  }

  /** Most commit requests in flight at once. */
  withParallelism(parallelism: number): CommitterSettings {
    return new CommitterSettings(
      this.maxBatch,
      this.maxIntervalMs,
      requirePositiveInt(`${W}.withParallelism`, 'parallelism', parallelism),
      this.when,
      this.delivery,
    );
  }

  /** When an offset may be committed: `'OffsetFirstObserved'` (default) or `'NextOffsetObserved'`. */
  withCommitWhen(when: CommitWhen): CommitterSettings {
    const w = requireOneOf(`${W}.withCommitWhen`, 'when', when, ['OffsetFirstObserved', 'NextOffsetObserved']);
    return new CommitterSettings(this.maxBatch, this.maxIntervalMs, this.parallelism, w, this.delivery);
  }

  /** Wait for the commit's acknowledgement (`'WaitForAck'`, default) or not (`'SendAndForget'`). */
  withDelivery(delivery: CommitDelivery): CommitterSettings {
    const d = requireOneOf(`${W}.withDelivery`, 'delivery', delivery, ['WaitForAck', 'SendAndForget']);
    return new CommitterSettings(this.maxBatch, this.maxIntervalMs, this.parallelism, this.when, d);
  }

  toString(): string {
    return (
      `CommitterSettings(maxBatch=${this.maxBatch}, maxIntervalMs=${this.maxIntervalMs}, parallelism=${this.parallelism}, ` +
      `when=${this.when}, delivery=${this.delivery})`
    );
  }
}

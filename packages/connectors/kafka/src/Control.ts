/**
 * The materialized value of every consumer source (Alpakka's `Consumer.Control`): stops the source,
 * shuts its Kafka consumer down, and reports metrics.
 */
import type { TopicPartition } from './ConsumerRecord.js';

/**
 * Where a consumer source is in one assigned partition. Offsets are "next offset" positions, as Kafka
 * counts them: a partition whose records 0…99 were all emitted has `position` 100.
 */
export interface PartitionMetrics {
  readonly topic: string;
  readonly partition: number;
  /** The offset after the last record the source emitted (−1: none emitted yet). */
  readonly position: number;
  /** The group's committed offset: as fetched when the partition was assigned, or as last committed through this source (−1: unknown / none). */
  readonly committedOffset: number;
  /**
   * The log end offset (high watermark) as of the latest fetch that returned records (−1: none yet). It
   * counts transaction markers too: on a transactional topic a consumer that has read everything shows a
   * lag of the markers after its last record.
   */
  readonly endOffset: number;
  /**
   * Records in the log the source has not emitted yet: `endOffset − position` (while nothing was emitted,
   * from the committed offset or, without one, from where `autoOffsetReset` starts; −1 while unknown).
   * Kafka's own consumer `records-lag`.
   */
  readonly lag: number;
  readonly bufferedRecords: number;
  readonly bufferedBytes: number;
}

/**
 * A snapshot of a consumer source's state. Taking one reads counters the source keeps anyway — no request
 * goes to Kafka — so it is cheap enough to poll every second.
 */
export interface ConsumerMetrics {
  readonly assignedPartitions: readonly TopicPartition[];
  readonly pausedPartitions: readonly TopicPartition[];
  /** Per assigned partition: position, committed offset, end offset, lag, what is buffered. */
  readonly partitions: readonly PartitionMetrics[];
  /** The sum of the partitions' known lags. */
  readonly lag: number;
  /** Records fetched and not yet emitted, over all partitions (including those on their way to a sub-source). */
  readonly bufferedRecords: number;
  /** Their bytes (keys, values, headers). */
  readonly bufferedBytes: number;
  /** The most records one partition ever had buffered — never above `maxBufferedRecordsPerPartition`. */
  readonly maxBufferedRecordsObserved: number;
  /** The most bytes one partition ever had buffered — above `maxBufferedBytesPerPartition` only by a single oversized record. */
  readonly maxBufferedBytesObserved: number;
  /** The configured bound (`ConsumerSettings.maxBufferedRecordsPerPartition`). */
  readonly maxBufferedRecordsPerPartition: number;
  /** The configured bound (`ConsumerSettings.maxBufferedBytesPerPartition`). */
  readonly maxBufferedBytesPerPartition: number;
  readonly recordsEmitted: number;
  /** Records fetched for partitions that were revoked or lost before they could be emitted. */
  readonly recordsDroppedOnRevoke: number;
  readonly rebalances: number;
}

export interface Control {
  /**
   * Stops emitting: the source completes, the stream drains, but the Kafka consumer stays open so that
   * offsets of records already emitted can still be committed. Resolves once the source has completed.
   */
  stop(): Promise<void>;
  /** Stops the source (if not yet stopped) and closes the Kafka consumer once in-flight commits are done. */
  shutdown(): Promise<void>;
  /** Resolves when the Kafka consumer has been closed — whatever ended the source. */
  readonly isShutdown: Promise<void>;
  /**
   * The orderly way down for committing streams: `stop()`, wait for `streamCompletion` (every emitted
   * offset has gone through the committer), then `shutdown()`. Resolves (or rejects) like `streamCompletion`.
   */
  drainAndShutdown<T>(streamCompletion: Promise<T>): Promise<T>;
  metrics(): ConsumerMetrics;
}

function drainAndShutdownOf<T>(control: Control, streamCompletion: Promise<T>): Promise<T> {
  return control
    .stop()
    .then(() => streamCompletion)
    .then(
      (value) => control.shutdown().then(() => value),
      (error: unknown) => control.shutdown().then(() => Promise.reject(error)),
    );
}

/**
 * A `Control` together with the stream's completion, so that `drainAndShutdown()` needs no argument.
 * Build it where the stream is run: `.toMat(Committer.sink(settings), DrainingControl.create)`.
 */
export class DrainingControl<T> implements Control {
  constructor(
    readonly control: Control,
    readonly streamCompletion: Promise<T>,
  ) {
    // The completion is observed through drainAndShutdown; a failure must not also surface as unhandled.
    streamCompletion.catch(() => undefined);
  }

  /** Combiner for `toMat`/`mapMaterializedValue`: `(control, completion) => DrainingControl`. */
  static create<T>(this: void, control: Control, streamCompletion: Promise<T>): DrainingControl<T> {
    return new DrainingControl(control, streamCompletion);
  }

  stop(): Promise<void> {
    return this.control.stop();
  }
  shutdown(): Promise<void> {
    return this.control.shutdown();
  }
  get isShutdown(): Promise<void> {
    return this.control.isShutdown;
  }
  drainAndShutdown<U = T>(streamCompletion?: Promise<U>): Promise<U> {
    return drainAndShutdownOf(this.control, (streamCompletion ?? this.streamCompletion) as Promise<U>);
  }
  metrics(): ConsumerMetrics {
    return this.control.metrics();
  }
}

const emptyMetrics: ConsumerMetrics = Object.freeze({
  assignedPartitions: [],
  pausedPartitions: [],
  partitions: [],
  lag: 0,
  bufferedRecords: 0,
  bufferedBytes: 0,
  maxBufferedRecordsObserved: 0,
  maxBufferedBytesObserved: 0,
  maxBufferedRecordsPerPartition: 0,
  maxBufferedBytesPerPartition: 0,
  recordsEmitted: 0,
  recordsDroppedOnRevoke: 0,
  rebalances: 0,
});

/** A control that controls nothing (a placeholder until a restarted source has materialized its own). */
export const NoopControl: Control = Object.freeze({
  stop: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
  isShutdown: Promise.resolve(),
  drainAndShutdown: <T>(streamCompletion: Promise<T>) => streamCompletion,
  metrics: () => emptyMetrics,
});

/** @internal */
export { drainAndShutdownOf as _drainAndShutdown };

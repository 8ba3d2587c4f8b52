/**
 * Consumer sources (Alpakka's `Consumer`): Kafka topics as back-pressured streams. Each source owns one
 * kafkajs consumer, created when the stream starts and closed when it ends, and materializes a `Control`.
 *
 * All sources share these semantics:
 * - **Emits when** a fetched record is available and downstream pulls (nothing during a rebalance).
 * - **Backpressures when** downstream does not pull: at most `maxBufferedRecordsPerPartition` records
 *   per partition are held; beyond that the consumer stops fetching that partition.
 * - **Completes when** `Control.stop()` / `shutdown()` is called; **fails** when the consumer fails for
 *   good, or a record cannot be deserialized (unless supervision says resume).
 * - **Cancels when** downstream cancels: the source stops and its consumer is closed.
 */
import { Flow, Source, SourceWithContext } from '@tributary/core';
import type { CommittableMessage, CommittableOffset } from './ConsumerMessage.js';
import type { ConsumerRecord, TopicPartition, TopicPartitionOffset } from './ConsumerRecord.js';
import type { ConsumerSettings } from './ConsumerSettings.js';
import type { Control } from './Control.js';
import { CommitEachStage } from './internal/CommitEachStage.js';
import { KafkaSourceStage } from './internal/KafkaSourceStage.js';
import { type ManualOffsets, PartitionedSourceStage } from './internal/PartitionedSourceStage.js';
import { describeValue, requireFunction } from './internal/validate.js';
import { AssignmentSubscription, type AutoSubscription, type Subscription, TopicPatternSubscription, TopicSubscription } from './Subscriptions.js';

function checkSubscription(op: string, subscription: unknown, autoOnly: boolean): Subscription {
  const auto = subscription instanceof TopicSubscription || subscription instanceof TopicPatternSubscription;
  if (auto) return subscription;
  if (subscription instanceof AssignmentSubscription) {
    if (autoOnly)
      throw new TypeError(`${op}: partitioned sources follow the group's assignment; use Subscriptions.topics or topicPattern, got ${subscription}`);
    return subscription;
  }
  throw new TypeError(
    `${op}: subscription must come from Subscriptions (topics, topicPattern, assignment, assignmentWithOffset), got ${describeValue(subscription)}`,
  );
}

function checkSettings(op: string, settings: unknown, requireGroupId: boolean): void {
  if (settings === null || typeof settings !== 'object' || typeof (settings as { _validate?: unknown })._validate !== 'function') {
    throw new TypeError(`${op}: settings must be ConsumerSettings, got ${describeValue(settings)}`);
  }
  (settings as ConsumerSettings<unknown, unknown>)._validate(op, requireGroupId);
}

export const Consumer = {
  /**
   * Records as they are, without offset handling (store offsets elsewhere, or start from
   * `Subscriptions.assignmentWithOffset`). Without a group id a private group is used.
   *
   * @example
   * const control = Consumer.plainSource(settings, Subscriptions.topics('events'))
   *   .map((r) => r.value)
   *   .to(Sink.foreach(console.log))
   *   .run();
   */
  plainSource<K, V>(settings: ConsumerSettings<K, V>, subscription: Subscription): Source<ConsumerRecord<K, V>, Control> {
    checkSettings('Consumer.plainSource', settings, false);
    checkSubscription('Consumer.plainSource', subscription, false);
    return Source.fromGraph(new KafkaSourceStage<K, V, ConsumerRecord<K, V>>('plainSource', settings, subscription, 'plain'));
  },

  /**
   * Records with their committable offset: commit after processing (`Committer.sink`) for at-least-once.
   *
   * @example
   * const control = Consumer.committableSource(settings, Subscriptions.topics('orders'))
   *   .map((msg) => { handle(msg.record); return msg.committableOffset; })
   *   .toMat(Committer.sink(CommitterSettings.create()), DrainingControl.create)
   *   .run();
   * await control.drainAndShutdown();
   */
  committableSource<K, V>(settings: ConsumerSettings<K, V>, subscription: Subscription): Source<CommittableMessage<K, V>, Control> {
    checkSettings('Consumer.committableSource', settings, true);
    checkSubscription('Consumer.committableSource', subscription, false);
    return Source.fromGraph(new KafkaSourceStage<K, V, CommittableMessage<K, V>>('committableSource', settings, subscription, 'committable'));
  },

  /**
   * Like `committableSource`, and each offset is committed with a metadata string computed from its record
   * (Kafka's offset metadata, e.g. the record's timestamp or the host that processed it). The committable
   * offsets are `CommittableOffsetMetadata`s. A function that throws is handled like a deserialization
   * failure (the source fails, unless supervision says resume).
   *
   * @example
   * Consumer.commitWithMetadataSource(settings, Subscriptions.topics('orders'), (r) => String(r.timestamp))
   *   .map((msg) => msg.committableOffset)
   *   .toMat(Committer.sink(CommitterSettings.create()), DrainingControl.create)
   *   .run();
   */
  commitWithMetadataSource<K, V>(
    settings: ConsumerSettings<K, V>,
    subscription: Subscription,
    metadataFromRecord: (record: ConsumerRecord<K, V>) => string,
  ): Source<CommittableMessage<K, V>, Control> {
    checkSettings('Consumer.commitWithMetadataSource', settings, true);
    checkSubscription('Consumer.commitWithMetadataSource', subscription, false);
    requireFunction('Consumer.commitWithMetadataSource', 'metadataFromRecord', metadataFromRecord);
    return Source.fromGraph(
      new KafkaSourceStage<K, V, CommittableMessage<K, V>>('commitWithMetadataSource', settings, subscription, 'committable', metadataFromRecord),
    );
  },

  /**
   * Records with their committable offset as context (Alpakka's `sourceWithOffsetContext`): the operators
   * of `SourceWithContext` carry each offset along with its record, so the stream commits after
   * processing without threading offsets by hand. Commit with `Committer.sinkWithOffsetContext` (or
   * `Producer.committableSinkWithOffsetContext` after producing).
   *
   * @example
   * const control = Consumer.sourceWithOffsetContext(settings, Subscriptions.topics('orders'))
   *   .mapAsync(4, (record) => bill(record.value))
   *   .toMat(Committer.sinkWithOffsetContext(CommitterSettings.create()), DrainingControl.create)
   *   .run();
   */
  sourceWithOffsetContext<K, V>(
    settings: ConsumerSettings<K, V>,
    subscription: Subscription,
  ): SourceWithContext<ConsumerRecord<K, V>, CommittableOffset, Control> {
    checkSettings('Consumer.sourceWithOffsetContext', settings, true);
    checkSubscription('Consumer.sourceWithOffsetContext', subscription, false);
    return SourceWithContext.fromTuples(
      Source.fromGraph(
        new KafkaSourceStage<K, V, [ConsumerRecord<K, V>, CommittableOffset]>('sourceWithOffsetContext', settings, subscription, 'offsetContext'),
      ),
    );
  },

  /**
   * The pairs `[record, committableOffset]` of `sourceWithOffsetContext` as a plain `Source` (what
   * `sourceWithOffsetContext` emitted before core had `SourceWithContext`).
   */
  sourceWithOffsetTuples<K, V>(
    settings: ConsumerSettings<K, V>,
    subscription: Subscription,
  ): Source<readonly [ConsumerRecord<K, V>, CommittableOffset], Control> {
    checkSettings('Consumer.sourceWithOffsetTuples', settings, true);
    checkSubscription('Consumer.sourceWithOffsetTuples', subscription, false);
    return Source.fromGraph(
      new KafkaSourceStage<K, V, readonly [ConsumerRecord<K, V>, CommittableOffset]>('sourceWithOffsetTuples', settings, subscription, 'offsetContext'),
    );
  },

  /**
   * Commits each record's offset *before* emitting the record: at-most-once. One commit per record —
   * slow; prefer batched commits where duplicates are acceptable.
   */
  atMostOnceSource<K, V>(settings: ConsumerSettings<K, V>, subscription: Subscription): Source<ConsumerRecord<K, V>, Control> {
    checkSettings('Consumer.atMostOnceSource', settings, true);
    checkSubscription('Consumer.atMostOnceSource', subscription, false);
    return Source.fromGraph(new KafkaSourceStage<K, V, CommittableMessage<K, V>>('atMostOnceSource', settings, subscription, 'committable')).via(
      Flow.fromGraph(new CommitEachStage<K, V>()),
    );
  },

  /**
   * One sub-source per assigned partition: emits `[partition, source]` when the group assigns a partition;
   * the sub-source completes when the partition is revoked. Each partition is back-pressured on its own
   * (a partition whose sub-source does not pull is paused). If a sub-source is cancelled, a new one is
   * emitted for the same partition, starting after the last record the cancelled one emitted.
   */
  plainPartitionedSource<K, V>(
    settings: ConsumerSettings<K, V>,
    subscription: AutoSubscription,
  ): Source<readonly [TopicPartition, Source<ConsumerRecord<K, V>>], Control> {
    checkSettings('Consumer.plainPartitionedSource', settings, false);
    checkSubscription('Consumer.plainPartitionedSource', subscription, true);
    return Source.fromGraph(new PartitionedSourceStage<K, V, ConsumerRecord<K, V>>('plainPartitionedSource', settings, subscription, 'plain'));
  },

  /**
   * Like `plainPartitionedSource`, with the start offsets chosen by the user: when partitions are assigned,
   * `getOffsetsOnAssign(partitions)` is asked where to start (offsets kept outside Kafka, say, in the same
   * database transaction as the results); each partition's sub-source is emitted once the answer is in,
   * starting there (a partition left out of the answer starts at its committed offset). `onRevoke` is called
   * with the partitions a rebalance took away. A rejected lookup fails the source.
   *
   * @example
   * Consumer.plainPartitionedManualOffsetSource(settings, Subscriptions.topics('events'), (tps) => db.loadOffsets(tps))
   *   .flatMapMerge(8, ([, source]) => source.mapAsync(1, (r) => db.saveResultAndOffset(r)))
   *   .to(Sink.ignore())
   *   .run();
   */
  plainPartitionedManualOffsetSource<K, V>(
    settings: ConsumerSettings<K, V>,
    subscription: AutoSubscription,
    getOffsetsOnAssign: (partitions: readonly TopicPartition[]) => Promise<readonly TopicPartitionOffset[]>,
    onRevoke: (partitions: readonly TopicPartition[]) => void = () => undefined,
  ): Source<readonly [TopicPartition, Source<ConsumerRecord<K, V>>], Control> {
    const op = 'Consumer.plainPartitionedManualOffsetSource';
    checkSettings(op, settings, false);
    checkSubscription(op, subscription, true);
    const manual = {
      getOffsetsOnAssign: requireFunction<ManualOffsets['getOffsetsOnAssign']>(op, 'getOffsetsOnAssign', getOffsetsOnAssign),
      onRevoke: requireFunction<ManualOffsets['onRevoke']>(op, 'onRevoke', onRevoke),
    };
    return Source.fromGraph(
      new PartitionedSourceStage<K, V, ConsumerRecord<K, V>>('plainPartitionedManualOffsetSource', settings, subscription, 'plain', manual),
    );
  },

  /** Like `plainPartitionedManualOffsetSource`, with committable messages (offsets can be committed to Kafka as well). */
  committablePartitionedManualOffsetSource<K, V>(
    settings: ConsumerSettings<K, V>,
    subscription: AutoSubscription,
    getOffsetsOnAssign: (partitions: readonly TopicPartition[]) => Promise<readonly TopicPartitionOffset[]>,
    onRevoke: (partitions: readonly TopicPartition[]) => void = () => undefined,
  ): Source<readonly [TopicPartition, Source<CommittableMessage<K, V>>], Control> {
    const op = 'Consumer.committablePartitionedManualOffsetSource';
    checkSettings(op, settings, true);
    checkSubscription(op, subscription, true);
    const manual = {
      getOffsetsOnAssign: requireFunction<ManualOffsets['getOffsetsOnAssign']>(op, 'getOffsetsOnAssign', getOffsetsOnAssign),
      onRevoke: requireFunction<ManualOffsets['onRevoke']>(op, 'onRevoke', onRevoke),
    };
    return Source.fromGraph(
      new PartitionedSourceStage<K, V, CommittableMessage<K, V>>('committablePartitionedManualOffsetSource', settings, subscription, 'committable', manual),
    );
  },

  /** Like `plainPartitionedSource`, with committable messages. */
  committablePartitionedSource<K, V>(
    settings: ConsumerSettings<K, V>,
    subscription: AutoSubscription,
  ): Source<readonly [TopicPartition, Source<CommittableMessage<K, V>>], Control> {
    checkSettings('Consumer.committablePartitionedSource', settings, true);
    checkSubscription('Consumer.committablePartitionedSource', subscription, true);
    return Source.fromGraph(new PartitionedSourceStage<K, V, CommittableMessage<K, V>>('committablePartitionedSource', settings, subscription, 'committable'));
  },
} as const;

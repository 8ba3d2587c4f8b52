/**
 * Exactly-once consume-transform-produce (Alpakka's `Transactional`): a transactional source emits
 * records with the offset to commit; the transactional sink/flow produces the transformed records and
 * commits those offsets in the same Kafka transaction (kafkajs `sendOffsets`), every
 * `ProducerSettings.eosCommitIntervalMs`. Consumers of the output that read `read_committed` see every
 * input record's output exactly once, even when the stream is killed mid-transaction and restarted with the
 * same `transactionalId` (the open transaction is aborted, or fenced by the restarted producer).
 *
 * Caveat (kafkajs): `sendOffsets` does not carry the consumer's group generation (KIP-447), so exactly-once
 * holds for one running instance per `transactionalId` and its input partitions; if partitions move to
 * another instance while a transaction is open, records may be produced twice.
 */
import { Source as CoreSource, Flow, FlowWithContext, Keep, type NotUsed, Sink, type Source, SourceWithContext } from '@tributary/core';
import type { PartitionOffset, TransactionalMessage } from './ConsumerMessage.js';
import type { ConsumerRecord } from './ConsumerRecord.js';
import type { ConsumerSettings } from './ConsumerSettings.js';
import type { Control } from './Control.js';
import { KafkaSourceStage } from './internal/KafkaSourceStage.js';
import { TransactionalProducerStage } from './internal/TransactionalProducerStage.js';
import { describeValue } from './internal/validate.js';
import { checkProducerSettings, withPassThrough } from './Producer.js';
import type { Envelope, Results } from './ProducerMessage.js';
import type { ProducerSettings } from './ProducerSettings.js';
import { AssignmentSubscription, type Subscription, TopicPatternSubscription, TopicSubscription } from './Subscriptions.js';

export const Transactional = {
  /**
   * Like `Consumer.committableSource`, reading `read_committed`, emitting each record with the
   * `PartitionOffset` the transactional sink commits. Requires a group id. Stop it with
   * `Control.shutdown()` to commit the last transaction.
   */
  source<K, V>(settings: ConsumerSettings<K, V>, subscription: Subscription): Source<TransactionalMessage<K, V>, Control> {
    return transactionalSource('Transactional.source', settings, subscription);
  },

  /**
   * `source` with context (Alpakka's `Transactional.sourceWithOffsetContext`): records with their
   * `PartitionOffset` as context, for `Transactional.flowWithOffsetContext` / `sinkWithOffsetContext`.
   */
  sourceWithOffsetContext<K, V>(
    settings: ConsumerSettings<K, V>,
    subscription: Subscription,
  ): SourceWithContext<ConsumerRecord<K, V>, PartitionOffset, Control> {
    return SourceWithContext.fromTuples(
      transactionalSource('Transactional.sourceWithOffsetContext', settings, subscription).map((m): [ConsumerRecord<K, V>, PartitionOffset] => [
        m.record,
        m.partitionOffset,
      ]),
    );
  },

  /**
   * `flow` with context (Alpakka's `Transactional.flowWithOffsetContext`): produces each envelope in a
   * transaction that also commits its context, the consumed `PartitionOffset`; emits the results with it.
   */
  flowWithOffsetContext<K, V>(
    settings: ProducerSettings<K, V>,
  ): FlowWithContext<Envelope<K, V, NotUsed>, PartitionOffset, Results<K, V, PartitionOffset>, PartitionOffset> {
    checkProducerSettings('Transactional.flowWithOffsetContext', settings, true);
    const stage = new TransactionalProducerStage<K, V, PartitionOffset>(settings, 'Transactional.flowWithOffsetContext');
    return FlowWithContext.fromTuples(
      Flow.create<[Envelope<K, V, NotUsed>, PartitionOffset]>()
        .map(([envelope, offset]) => withPassThrough(envelope, offset, 'Transactional.flowWithOffsetContext'))
        .via(Flow.fromGraph(stage))
        .map((results): [Results<K, V, PartitionOffset>, PartitionOffset] => [results, results.passThrough]),
    );
  },

  /** `sink` with context (Alpakka's `Transactional.sinkWithOffsetContext`); resolves when the last transaction committed. */
  sinkWithOffsetContext<K, V>(settings: ProducerSettings<K, V>): Sink<readonly [Envelope<K, V, unknown>, PartitionOffset], Promise<void>> {
    checkProducerSettings('Transactional.sinkWithOffsetContext', settings, true);
    const stage = new TransactionalProducerStage<K, V, PartitionOffset>(settings, 'Transactional.sinkWithOffsetContext');
    return Flow.create<readonly [Envelope<K, V, unknown>, PartitionOffset]>()
      .map(([envelope, offset]) => withPassThrough(envelope, offset, 'Transactional.sinkWithOffsetContext'))
      .via(Flow.fromGraph(stage))
      .toMat(Sink.ignore(), Keep.right);
  },

  /** Produces in transactions, committing the pass-through offsets with them; resolves when the last transaction committed. */
  sink<K, V>(settings: ProducerSettings<K, V>): Sink<Envelope<K, V, PartitionOffset>, Promise<void>> {
    checkProducerSettings('Transactional.sink', settings, true);
    return Flow.fromGraph(new TransactionalProducerStage<K, V, PartitionOffset>(settings, 'Transactional.sink')).toMat(Sink.ignore(), Keep.right);
  },

  /** Like `sink`, emitting the results (as soon as acknowledged, before their transaction commits). */
  flow<K, V>(settings: ProducerSettings<K, V>): Flow<Envelope<K, V, PartitionOffset>, Results<K, V, PartitionOffset>> {
    checkProducerSettings('Transactional.flow', settings, true);
    return Flow.fromGraph(new TransactionalProducerStage<K, V, PartitionOffset>(settings, 'Transactional.flow'));
  },
} as const;

function transactionalSource<K, V>(op: string, settings: ConsumerSettings<K, V>, subscription: Subscription): Source<TransactionalMessage<K, V>, Control> {
  if (settings === null || typeof settings !== 'object' || typeof (settings as { _validate?: unknown })._validate !== 'function') {
    throw new TypeError(`${op}: settings must be ConsumerSettings, got ${describeValue(settings)}`);
  }
  settings._validate(op, true);
  if (!(subscription instanceof TopicSubscription || subscription instanceof TopicPatternSubscription || subscription instanceof AssignmentSubscription)) {
    throw new TypeError(`${op}: subscription must come from Subscriptions, got ${describeValue(subscription)}`);
  }
  return CoreSource.fromGraph(new KafkaSourceStage<K, V, TransactionalMessage<K, V>>(op, settings, subscription, 'transactional'));
}

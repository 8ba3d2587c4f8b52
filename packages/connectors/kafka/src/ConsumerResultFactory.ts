/**
 * Builds consumer results without a broker, for unit tests of code that handles them (Alpakka testkit's
 * `ConsumerResultFactory`): records, committable offsets that commit through a function of yours,
 * committable and transactional messages.
 *
 * @example
 * const commits: CommitOffset[][] = [];
 * const committer = ConsumerResultFactory.committer('group', async (offsets) => void commits.push([...offsets]));
 * const messages = [0, 1, 2].map((offset) =>
 *   ConsumerResultFactory.committableMessage(
 *     ConsumerResultFactory.consumerRecord('orders', 0, offset, 'key', `value ${offset}`),
 *     ConsumerResultFactory.committableOffset(committer, 'orders', 0, offset),
 *   ),
 * );
 * const control = ConsumerControlFactory.controlSource(Source.from(messages))
 *   .map((m) => m.committableOffset)
 *   .toMat(Committer.sink(CommitterSettings.create()), DrainingControl.create)
 *   .run();
 * await control.drainAndShutdown(); // commits: [[{ topic: 'orders', partition: 0, offset: 3 }]]
 */
import { Keep, KillSwitches, type Source, type UniqueKillSwitch } from '@tributary/core';
import { type CommittableMessage, type CommittableOffset, CommittableOffsetImpl, type PartitionOffset, type TransactionalMessage } from './ConsumerMessage.js';
import type { ConsumerRecord, RecordHeaders } from './ConsumerRecord.js';
import { _drainAndShutdown, type ConsumerMetrics, type Control, NoopControl } from './Control.js';
import { type CommitOffset, FunctionCommitter } from './internal/KafkaCommitter.js';
import { ConsumerRecordImpl } from './internal/records.js';
import { requireFiniteNonNegativeInt, requireNonEmptyString } from './internal/validate.js';

/** Receives the offsets a committer commits (next offsets to read: record offset + 1, with metadata if any). */
export type CommitFunction = (offsets: readonly CommitOffset[]) => Promise<void>;
export type { CommitOffset };

const F = 'ConsumerResultFactory';

export const ConsumerResultFactory = {
  /** A committer for `groupId` that commits by calling `commit`. Offsets made with the same committer share it. */
  committer(groupId: string, commit: CommitFunction = () => Promise.resolve()): FunctionCommitter {
    requireNonEmptyString(`${F}.committer`, 'groupId', groupId);
    return new FunctionCommitter(groupId, commit);
  },

  /** A committable offset of a record (its own offset, not + 1); `metadata` is committed with it. */
  committableOffset(committer: FunctionCommitter, topic: string, partition: number, offset: number, metadata?: string): CommittableOffset {
    if (!(committer instanceof FunctionCommitter)) throw new TypeError(`${F}.committableOffset: committer must come from ConsumerResultFactory.committer(...)`);
    requireNonEmptyString(`${F}.committableOffset`, 'topic', topic);
    requireFiniteNonNegativeInt(`${F}.committableOffset`, 'partition', partition);
    requireFiniteNonNegativeInt(`${F}.committableOffset`, 'offset', offset);
    return new CommittableOffsetImpl(committer, topic, partition, offset, metadata);
  },

  /** The position `TransactionalMessage`s carry. */
  partitionOffset(groupId: string, topic: string, partition: number, offset: number): PartitionOffset {
    return { key: { groupId, topic, partition }, offset };
  },

  consumerRecord<K, V>(topic: string, partition: number, offset: number, key: K, value: V, headers: RecordHeaders = {}, timestamp = 0): ConsumerRecord<K, V> {
    return new ConsumerRecordImpl(topic, partition, offset, timestamp, key, value, headers);
  },

  committableMessage<K, V>(record: ConsumerRecord<K, V>, committableOffset: CommittableOffset): CommittableMessage<K, V> {
    return { record, committableOffset };
  },

  transactionalMessage<K, V>(record: ConsumerRecord<K, V>, partitionOffset: PartitionOffset): TransactionalMessage<K, V> {
    return { record, partitionOffset };
  },
} as const;

/**
 * Controls for tests without a broker (Alpakka testkit's `ConsumerControlFactory`): `controlSource`
 * turns any source — of messages from `ConsumerResultFactory`, say — into one that materializes a
 * `Control`, so that code built around `DrainingControl` runs unchanged: `stop()` completes the source
 * (the stream drains), `shutdown()` too.
 */
export const ConsumerControlFactory = {
  /** `source` with a `Control` as its materialized value. */
  controlSource<T>(source: Source<T, unknown>): Source<T, Control> {
    return source.viaMat(KillSwitches.single<T>(), Keep.right).mapMaterializedValue((killSwitch) => ConsumerControlFactory.control(killSwitch));
  },

  /** A `Control` whose `stop()`/`shutdown()` shut `killSwitch` down. */
  control(killSwitch: UniqueKillSwitch): Control {
    let stopped = false;
    const stop = (): Promise<void> => {
      if (!stopped) {
        stopped = true;
        killSwitch.shutdown();
      }
      return Promise.resolve();
    };
    const control: Control = {
      stop,
      shutdown: stop,
      get isShutdown(): Promise<void> {
        return stopped ? Promise.resolve() : new Promise<void>(() => undefined);
      },
      drainAndShutdown: <R>(streamCompletion: Promise<R>) => _drainAndShutdown(control, streamCompletion),
      metrics: (): ConsumerMetrics => NoopControl.metrics(),
    };
    return control;
  },
} as const;

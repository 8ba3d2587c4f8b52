/**
 * Builds consumer results without a broker, for unit tests of code that handles them (Alpakka testkit's
 * `ConsumerResultFactory`): committable offsets commit through the function given.
 */
import { type CommittableMessage, type CommittableOffset, CommittableOffsetImpl } from './ConsumerMessage.js';
import type { ConsumerRecord, RecordHeaders } from './ConsumerRecord.js';
import { type CommitOffset, FunctionCommitter } from './internal/KafkaCommitter.js';
import { ConsumerRecordImpl } from './internal/records.js';

/** Receives the offsets a committer commits (next offsets to read: record offset + 1). */
export type CommitFunction = (offsets: readonly CommitOffset[]) => Promise<void>;
export type { CommitOffset };

export const ConsumerResultFactory = {
  /** A committer for `groupId` that commits by calling `commit`. Offsets made with the same committer share it. */
  committer(groupId: string, commit: CommitFunction = () => Promise.resolve()): FunctionCommitter {
    return new FunctionCommitter(groupId, commit);
  },

  committableOffset(committer: FunctionCommitter, topic: string, partition: number, offset: number): CommittableOffset {
    return new CommittableOffsetImpl(committer, topic, partition, offset);
  },

  consumerRecord<K, V>(topic: string, partition: number, offset: number, key: K, value: V, headers: RecordHeaders = {}, timestamp = 0): ConsumerRecord<K, V> {
    return new ConsumerRecordImpl(topic, partition, offset, timestamp, key, value, headers);
  },

  committableMessage<K, V>(record: ConsumerRecord<K, V>, committableOffset: CommittableOffset): CommittableMessage<K, V> {
    return { record, committableOffset };
  },
} as const;

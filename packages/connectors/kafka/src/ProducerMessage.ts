/**
 * What producer stages take and emit (Alpakka's `ProducerMessage`): envelopes carrying zero, one or many
 * records plus a pass-through value (typically the consumed offset to commit afterwards), and results
 * that carry the same pass-through value along with where each record was written.
 */
import type { RecordHeaders } from './ConsumerRecord.js';

/** A record to produce. Without `partition`, the partition is chosen from the key (murmur2, as Kafka's Java client). */
export interface ProducerRecord<K, V> {
  readonly topic: string;
  readonly value: V;
  readonly key?: K;
  readonly partition?: number;
  /** Milliseconds since the epoch; default: now. */
  readonly timestamp?: number;
  readonly headers?: RecordHeaders;
}

/** Where a record was written. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  /** The record's offset (−1 when `acks` is 0: the broker does not say). */
  readonly offset: number;
}

export interface Message<K, V, P> {
  readonly kind: 'message';
  readonly record: ProducerRecord<K, V>;
  readonly passThrough: P;
}

export interface MultiMessage<K, V, P> {
  readonly kind: 'multi';
  readonly records: readonly ProducerRecord<K, V>[];
  readonly passThrough: P;
}

/** Produces nothing; its pass-through value is emitted in order with the others (e.g. an offset to commit). */
export interface PassThroughMessage<P> {
  readonly kind: 'passThrough';
  readonly passThrough: P;
}

export type Envelope<K, V, P> = Message<K, V, P> | MultiMessage<K, V, P> | PassThroughMessage<P>;

export interface Result<K, V, P> {
  readonly kind: 'result';
  readonly metadata: RecordMetadata;
  readonly message: Message<K, V, P>;
  readonly passThrough: P;
}

export interface MultiResultPart<K, V> {
  readonly metadata: RecordMetadata;
  readonly record: ProducerRecord<K, V>;
}

export interface MultiResult<K, V, P> {
  readonly kind: 'multiResult';
  readonly parts: readonly MultiResultPart<K, V>[];
  readonly passThrough: P;
}

export interface PassThroughResult<P> {
  readonly kind: 'passThroughResult';
  readonly passThrough: P;
}

export type Results<K, V, P> = Result<K, V, P> | MultiResult<K, V, P> | PassThroughResult<P>;

function single<K, V>(record: ProducerRecord<K, V>): Message<K, V, undefined>;
function single<K, V, P>(record: ProducerRecord<K, V>, passThrough: P): Message<K, V, P>;
function single<K, V, P>(record: ProducerRecord<K, V>, passThrough?: P): Message<K, V, P | undefined> {
  return { kind: 'message', record, passThrough };
}

function multi<K, V>(records: readonly ProducerRecord<K, V>[]): MultiMessage<K, V, undefined>;
function multi<K, V, P>(records: readonly ProducerRecord<K, V>[], passThrough: P): MultiMessage<K, V, P>;
function multi<K, V, P>(records: readonly ProducerRecord<K, V>[], passThrough?: P): MultiMessage<K, V, P | undefined> {
  return { kind: 'multi', records, passThrough };
}

export const ProducerMessage = {
  /** One record. */
  single,
  /** Several records (possibly none) under one pass-through value. */
  multi,
  /** No record, only the pass-through value. */
  passThrough<P>(passThrough: P): PassThroughMessage<P> {
    return { kind: 'passThrough', passThrough };
  },
} as const;

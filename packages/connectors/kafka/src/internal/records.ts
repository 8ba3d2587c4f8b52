/** Turns kafkajs messages into `ConsumerRecord`s, deserializing key and value. */
import type { KafkaMessage } from 'kafkajs';
import type { ConsumerRecord, RecordHeaders } from '../ConsumerRecord.js';
import { KafkaDeserializationError } from '../errors.js';
import type { DeserializationContext, Deserializer } from '../Serialization.js';

const noHeaders: RecordHeaders = Object.freeze({});

/** One record; a class so that every record has the same shape. */
export class ConsumerRecordImpl<K, V> implements ConsumerRecord<K, V> {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    readonly timestamp: number,
    readonly key: K,
    readonly value: V,
    readonly headers: RecordHeaders,
  ) {}
}

/** A reusable deserialization context (deserializers must not keep it). */
class Context implements DeserializationContext {
  topic = '';
  partition = 0;
  headers: RecordHeaders = noHeaders;
}

/** Deserializes records for one stage; errors name the stage, topic, partition and offset. */
export class RecordReader<K, V> {
  private readonly ctx = new Context();
  constructor(
    private readonly keyDeserializer: Deserializer<K>,
    private readonly valueDeserializer: Deserializer<V>,
  ) {}

  /** Throws `KafkaDeserializationError` if the key or value cannot be deserialized. */
  read(stage: string, topic: string, partition: number, m: KafkaMessage): ConsumerRecordImpl<K, V> {
    const ctx = this.ctx;
    const headers = (m.headers as RecordHeaders | undefined) ?? noHeaders;
    ctx.topic = topic;
    ctx.partition = partition;
    ctx.headers = headers;
    let key: K;
    let value: V;
    try {
      key = this.keyDeserializer(m.key, ctx);
    } catch (e) {
      throw new KafkaDeserializationError(stage, topic, partition, Number(m.offset), 'key', e);
    }
    try {
      value = this.valueDeserializer(m.value, ctx);
    } catch (e) {
      throw new KafkaDeserializationError(stage, topic, partition, Number(m.offset), 'value', e);
    }
    return new ConsumerRecordImpl(topic, partition, decimal(m.offset), decimal(m.timestamp), key, value, headers);
  }
}

/**
 * `Number(s)` for kafkajs' offsets and timestamps (decimal strings, fresh per record): digit strings of up
 * to 15 characters (exact below 2^53) are read with a loop, about twice as fast as `Number` on strings
 * it has not seen; anything else (`"-1"`, longer strings) goes to `Number`.
 */
export function decimal(s: string): number {
  if (typeof s !== 'string') return Number(s);
  const n = s.length;
  if (n === 0 || n > 15) return Number(s);
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number(s);
    v = v * 10 + d;
  }
  return v;
}

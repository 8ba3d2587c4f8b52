/**
 * What the producer stages and `SendProducer` share: turning a `ProducerRecord` into a kafkajs message
 * (serialization errors name the producer), its approximate size, the compression codec, and the kafkajs
 * producer itself — created with kafkajs' default (Java-compatible) partitioner, wrapped so that the
 * chosen partition is written into the message and results can name it.
 */
import { CompressionTypes, type IHeaders, type Kafka, type Message as KafkaJsMessage, type Producer as KafkaJsProducer, Partitioners } from 'kafkajs';
import { KafkaSerializationError } from '../errors.js';
import type { ProducerRecord } from '../ProducerMessage.js';
import type { Compression, ProducerSettings } from '../ProducerSettings.js';
import { kafkaRetry } from './clients.js';
import { describeValue } from './validate.js';

export function createProducer(kafka: Kafka, s: ProducerSettings<unknown, unknown>, transactional: boolean): KafkaJsProducer {
  const partitioner = Partitioners.DefaultPartitioner;
  return kafka.producer({
    createPartitioner: () => {
      const choose = partitioner();
      return (args) => {
        const p = choose(args);
        args.message.partition = p;
        return p;
      };
    },
    idempotent: transactional || s.idempotent,
    ...(transactional ? { transactionalId: s.transactionalId!, maxInFlightRequests: 1, transactionTimeout: s.transactionTimeoutMs } : {}),
    retry: kafkaRetry(s.retry),
  });
}

export function compressionType(c: Compression): CompressionTypes {
  switch (c) {
    case 'gzip':
      return CompressionTypes.GZIP;
    case 'snappy':
      return CompressionTypes.Snappy;
    case 'lz4':
      return CompressionTypes.LZ4;
    case 'zstd':
      return CompressionTypes.ZSTD;
    case 'none':
      return CompressionTypes.None;
  }
}

/** Serializes a record into a kafkajs message; throws `KafkaSerializationError` naming `stage`. */
export function toKafkaMessage<K, V>(stage: string, s: ProducerSettings<K, V>, r: ProducerRecord<K, V>): KafkaJsMessage {
  if (r === null || typeof r !== 'object' || typeof r.topic !== 'string' || r.topic.length === 0) {
    throw new TypeError(`${stage}: a producer record needs a non-empty topic, got ${describeValue(r)}`);
  }
  let key: Buffer | string | null = null;
  let value: Buffer | string | null;
  if (r.key !== undefined) {
    try {
      key = s.keySerializer(r.key, r.topic);
    } catch (e) {
      throw new KafkaSerializationError(stage, r.topic, 'key', e);
    }
  }
  try {
    value = s.valueSerializer(r.value, r.topic);
  } catch (e) {
    throw new KafkaSerializationError(stage, r.topic, 'value', e);
  }
  const m: KafkaJsMessage = { key, value };
  if (r.partition !== undefined) m.partition = r.partition;
  if (r.timestamp !== undefined) m.timestamp = String(r.timestamp);
  if (r.headers !== undefined) m.headers = r.headers as IHeaders;
  return m;
}

/** A record's approximate size on the wire: key, value, headers, plus per-record overhead. */
export function sizeOf(m: KafkaJsMessage): number {
  let n = 24 + byteLength(m.key) + byteLength(m.value);
  if (m.headers !== undefined) {
    for (const k in m.headers) {
      const v = m.headers[k];
      n += k.length + 8 + (Array.isArray(v) ? v.reduce((a: number, x: Buffer | string) => a + byteLength(x), 0) : byteLength(v as Buffer | string | undefined));
    }
  }
  return n;
}

function byteLength(v: Buffer | string | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}

/**
 * Builds producer results without a broker (Alpakka testkit's `ProducerResultFactory`), for testing code
 * that consumes what `Producer.flexiFlow` emits — or for standing in for the producer in a test:
 * `Flow.create<Envelope<K, V, P>>().map(ProducerResultFactory.resultOf)` emits what a producer that wrote
 * every record at offset 0 of partition 0 would.
 */
import type { Envelope, Message, MultiResult, MultiResultPart, PassThroughResult, ProducerRecord, RecordMetadata, Result, Results } from './ProducerMessage.js';

export const ProducerResultFactory = {
  recordMetadata(topic: string, partition: number, offset: number): RecordMetadata {
    return { topic, partition, offset };
  },

  result<K, V, P>(metadata: RecordMetadata, message: Message<K, V, P>): Result<K, V, P> {
    return { kind: 'result', metadata, message, passThrough: message.passThrough };
  },

  multiResultPart<K, V>(metadata: RecordMetadata, record: ProducerRecord<K, V>): MultiResultPart<K, V> {
    return { metadata, record };
  },

  multiResult<K, V, P>(parts: readonly MultiResultPart<K, V>[], passThrough: P): MultiResult<K, V, P> {
    return { kind: 'multiResult', parts, passThrough };
  },

  passThroughResult<P>(passThrough: P): PassThroughResult<P> {
    return { kind: 'passThroughResult', passThrough };
  },

  /** The result a producer would emit for `envelope`, every record written at `partition`/`offset` (default 0/0). */
  resultOf<K, V, P>(this: void, envelope: Envelope<K, V, P>, partition = 0, offset = 0): Results<K, V, P> {
    switch (envelope.kind) {
      case 'message':
        return ProducerResultFactory.result({ topic: envelope.record.topic, partition, offset }, envelope);
      case 'multi':
        return ProducerResultFactory.multiResult(
          envelope.records.map((r) => ({ metadata: { topic: r.topic, partition, offset }, record: r })),
          envelope.passThrough,
        );
      case 'passThrough':
        return ProducerResultFactory.passThroughResult(envelope.passThrough);
    }
  },
} as const;

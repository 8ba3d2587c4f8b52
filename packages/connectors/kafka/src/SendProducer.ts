/**
 * A promise-based producer for code outside streams (Alpakka's `SendProducer`): `send(record)` resolves
 * with where the record was written once the broker acknowledged it. It owns one kafkajs producer,
 * connected on the first send and disconnected by `close()`.
 *
 * Sends issued while a request is in flight are collected and go together in the next request (at most
 * `maxBatchRecords` records / `maxBatchBytes` bytes), one request at a time — so many concurrent `send`s
 * cost few requests, and records keep their order per partition.
 *
 * @example
 * const producer = SendProducer.create(ProducerSettings.create(Serializers.string, Serializers.json<Order>())
 *   .withBootstrapServers('127.0.0.1:9092'));
 * const { partition, offset } = await producer.send({ topic: 'orders', key: order.id, value: order });
 * await producer.close();
 */
import type { Kafka, Message as KafkaJsMessage, Producer as KafkaJsProducer } from 'kafkajs';
import { createKafka } from './internal/clients.js';
import { compressionType, createProducer, sizeOf, toKafkaMessage } from './internal/producerInternals.js';
import { describeValue } from './internal/validate.js';
import { checkProducerSettings } from './Producer.js';
import type { Envelope, MultiResultPart, ProducerRecord, RecordMetadata, Results } from './ProducerMessage.js';
import type { ProducerSettings } from './ProducerSettings.js';

const NAME = 'SendProducer';

interface Queued {
  readonly topic: string;
  readonly message: KafkaJsMessage;
  readonly size: number;
  readonly resolve: (m: RecordMetadata) => void;
  readonly reject: (e: unknown) => void;
}

/** Thrown by `send` after `close()`. */
export class ProducerClosedError extends Error {
  constructor() {
    super(`${NAME}: the producer is closed; nothing can be sent any more`);
    this.name = 'ProducerClosedError';
  }
}

export class SendProducer<K, V> {
  private kafka: Kafka | null = null;
  private producer: KafkaJsProducer | null = null;
  private connecting: Promise<KafkaJsProducer> | null = null;
  private queue: Queued[] = [];
  private inFlight: Promise<void> | null = null;
  private closing: Promise<void> | null = null;

  private constructor(readonly settings: ProducerSettings<K, V>) {}

  /** A producer with these settings; it connects on the first send. */
  static create<K, V>(settings: ProducerSettings<K, V>): SendProducer<K, V> {
    checkProducerSettings(`${NAME}.create`, settings, false);
    return new SendProducer(settings);
  }

  /** Sends one record; resolves with its topic, partition and offset once acknowledged. */
  send(record: ProducerRecord<K, V>): Promise<RecordMetadata> {
    if (this.closing !== null) return Promise.reject(new ProducerClosedError());
    let message: KafkaJsMessage;
    try {
      message = toKafkaMessage(`${NAME}.send`, this.settings, record);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<RecordMetadata>((resolve, reject) => {
      this.queue.push({ topic: record.topic, message, size: sizeOf(message), resolve, reject });
      this.pump();
    });
  }

  /** Sends an envelope (single, multi or pass-through); resolves with its results, like `Producer.flexiFlow` emits them. */
  async sendEnvelope<P>(envelope: Envelope<K, V, P>): Promise<Results<K, V, P>> {
    switch (envelope?.kind) {
      case 'message':
        return { kind: 'result', metadata: await this.send(envelope.record), message: envelope, passThrough: envelope.passThrough };
      case 'multi': {
        const metadata = await Promise.all(envelope.records.map((r) => this.send(r)));
        const parts: MultiResultPart<K, V>[] = envelope.records.map((record, i) => ({ metadata: metadata[i]!, record }));
        return { kind: 'multiResult', parts, passThrough: envelope.passThrough };
      }
      case 'passThrough':
        return { kind: 'passThroughResult', passThrough: envelope.passThrough };
      default:
        throw new TypeError(`${NAME}.sendEnvelope: expected a ProducerMessage envelope (single, multi or passThrough), got ${describeValue(envelope)}`);
    }
  }

  /** Waits for the sends issued so far, then disconnects. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      while (this.inFlight !== null || this.queue.length > 0) {
        if (this.inFlight !== null) await this.inFlight;
        else this.pump();
      }
      const producer = this.producer ?? (this.connecting !== null ? await this.connecting.catch(() => null) : null);
      this.producer = null;
      await producer?.disconnect();
    })();
    return this.closing;
  }

  private connect(): Promise<KafkaJsProducer> {
    this.connecting ??= (async () => {
      const kafka = (this.kafka ??= createKafka(this.settings));
      const producer = createProducer(kafka, this.settings as ProducerSettings<unknown, unknown>, false);
      try {
        await producer.connect();
      } catch (e) {
        // The next send tries again.
        this.connecting = null;
        throw e;
      }
      this.producer = producer;
      return producer;
    })();
    return this.connecting;
  }

  /** Sends what is queued, unless a request is in flight (its completion sends the rest). */
  private pump(): void {
    if (this.inFlight !== null || this.queue.length === 0) return;
    const { maxBatchRecords, maxBatchBytes } = this.settings;
    let count = 0;
    let bytes = 0;
    while (count < this.queue.length && count < maxBatchRecords) {
      const size = this.queue[count]!.size;
      if (count > 0 && bytes + size > maxBatchBytes) break;
      bytes += size;
      count++;
    }
    const batch = this.queue.slice(0, count);
    this.queue = this.queue.slice(count);
    this.inFlight = this.sendBatch(batch).finally(() => {
      this.inFlight = null;
      this.pump();
    });
  }

  private async sendBatch(batch: Queued[]): Promise<void> {
    try {
      const producer = await this.connect();
      const byTopic = new Map<string, KafkaJsMessage[]>();
      for (const q of batch) {
        let list = byTopic.get(q.topic);
        if (list === undefined) byTopic.set(q.topic, (list = []));
        list.push(q.message);
      }
      const results = await producer.sendBatch({
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        acks: this.settings.acks,
        timeout: this.settings.produceTimeoutMs,
        compression: compressionType(this.settings.compression),
      });
      // Records of one partition were appended in request order from the partition's base offset.
      const next = new Map<string, number>();
      for (const r of results) next.set(`${r.topicName}:${r.partition}`, r.baseOffset !== undefined ? Number(r.baseOffset) : -1);
      for (const q of batch) {
        const partition = q.message.partition ?? -1;
        const key = `${q.topic}:${partition}`;
        const offset = next.get(key) ?? -1;
        if (offset >= 0) next.set(key, offset + 1);
        q.resolve({ topic: q.topic, partition, offset });
      }
    } catch (e) {
      for (const q of batch) q.reject(e);
    }
  }
}

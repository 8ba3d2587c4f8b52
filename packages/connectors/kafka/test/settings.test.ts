import {
  CommitterSettings,
  Consumer,
  ConsumerSettings,
  Deserializers,
  Producer,
  ProducerSettings,
  Serializers,
  Subscriptions,
  Transactional,
} from '@tributary/kafka';
import { describe, expect, it } from 'vitest';

const base = () => ConsumerSettings.create(Deserializers.string, Deserializers.string);

describe('ConsumerSettings', () => {
  it('is immutable: withX returns a new instance and leaves the original alone', () => {
    const a = base();
    const b = a.withGroupId('g').withBootstrapServers('127.0.0.1:9092');
    expect(b).not.toBe(a);
    expect(a.groupId).toBeUndefined();
    expect(a.bootstrapServers).toEqual([]);
    expect(b.groupId).toBe('g');
    expect(b.bootstrapServers).toEqual(['127.0.0.1:9092']);
  });

  it('has Alpakka/Kafka defaults', () => {
    const s = base();
    expect(s.autoOffsetReset).toBe('latest');
    expect(s.isolationLevel).toBe('read_uncommitted');
    expect(s.sessionTimeoutMs).toBe(30_000);
    expect(s.heartbeatIntervalMs).toBe(3_000);
    expect(s.fetchMaxWaitMs).toBe(500);
    expect(s.commitTimeoutMs).toBe(15_000);
    expect(s.stopTimeoutMs).toBe(30_000);
    expect(s.maxBufferedRecordsPerPartition).toBe(16_384);
    expect(s.maxBufferedBytesPerPartition).toBe(4 * 1024 * 1024);
  });

  it('accepts bootstrap servers as a list or a comma-separated string', () => {
    expect(base().withBootstrapServers('a:1, b:2').bootstrapServers).toEqual(['a:1', 'b:2']);
    expect(base().withBootstrapServers(['a:1']).bootstrapServers).toEqual(['a:1']);
  });

  it.each([
    [() => base().withBootstrapServers(''), /ConsumerSettings.withBootstrapServers: bootstrapServers must be a non-empty list/],
    [
      () => base().withBootstrapServers(['localhost']),
      /ConsumerSettings.withBootstrapServers: bootstrapServers entries must look like "host:port", got "localhost"/,
    ],
    [() => base().withGroupId(''), /ConsumerSettings.withGroupId: groupId must be a non-empty string, got ""/],
    [() => base().withSessionTimeout(-1), /ConsumerSettings.withSessionTimeout: sessionTimeoutMs must be a positive finite number of milliseconds, got -1/],
    [() => base().withHeartbeatInterval(0), /ConsumerSettings.withHeartbeatInterval: heartbeatIntervalMs must be a positive/],
    [
      () => base().withFetchMaxWait(Number.NaN),
      /ConsumerSettings.withFetchMaxWait: fetchMaxWaitMs must be a non-negative finite number of milliseconds, got NaN/,
    ],
    [
      () => base().withMaxBufferedRecordsPerPartition(0),
      /ConsumerSettings.withMaxBufferedRecordsPerPartition: maxBufferedRecordsPerPartition must be a positive integer, got 0/,
    ],
    [
      () => base().withMaxBufferedBytesPerPartition(1.5),
      /ConsumerSettings.withMaxBufferedBytesPerPartition: maxBufferedBytesPerPartition must be a positive integer, got 1.5/,
    ],
    [() => base().withMaxPartitionFetchBytes(1.5), /maxPartitionFetchBytes must be a positive integer, got 1.5/],
    [
      () => base().withAutoOffsetReset('first' as never),
      /ConsumerSettings.withAutoOffsetReset: autoOffsetReset must be one of "earliest", "latest", got "first"/,
    ],
    [() => base().withIsolationLevel('x' as never), /isolationLevel must be one of "read_uncommitted", "read_committed"/],
    [() => base().withCommitTimeout(Infinity), /ConsumerSettings.withCommitTimeout: commitTimeoutMs must be a positive finite number/],
    [() => base().withStopTimeout(-5), /ConsumerSettings.withStopTimeout: stopTimeoutMs must be a non-negative finite number/],
    [() => base().withRetry({ retries: -1 }), /ConsumerSettings.withRetry: retries must be a non-negative integer, got -1/],
    [() => base().withRetry({ factor: 2 }), /ConsumerSettings.withRetry: factor must be a number in \[0, 1\), got 2/],
    [() => base().withKafkaLogLevel('loud' as never), /kafkaLogLevel must be one of/],
    [() => base().withKeyDeserializer('utf8' as never), /ConsumerSettings.withKeyDeserializer: keyDeserializer must be a function, got "utf8"/],
    [() => ConsumerSettings.create(null as never, Deserializers.string), /ConsumerSettings.create: keyDeserializer must be a function, got null/],
  ])('rejects bad values with an error naming the setting (%#)', (f, message) => {
    expect(f).toThrow(message);
  });

  it('is checked as a whole when a source is built from it', () => {
    const sub = Subscriptions.topics('t');
    expect(() => Consumer.plainSource(base(), sub)).toThrow(/Consumer.plainSource: ConsumerSettings.bootstrapServers is not set/);
    const s = base().withBootstrapServers('127.0.0.1:1');
    expect(() => Consumer.committableSource(s, sub)).toThrow(/Consumer.committableSource: ConsumerSettings.groupId is required/);
    expect(() => Transactional.source(s, sub)).toThrow(/Transactional.source: ConsumerSettings.groupId is required/);
    expect(() => Consumer.plainSource(s.withSessionTimeout(1000).withHeartbeatInterval(1000), sub)).toThrow(
      /heartbeatIntervalMs \(1000\) must be below sessionTimeoutMs \(1000\)/,
    );
    expect(() => Consumer.plainSource(s, 'topic' as never)).toThrow(/Consumer.plainSource: subscription must come from Subscriptions/);
    expect(() => Consumer.plainPartitionedSource(s.withGroupId('g'), Subscriptions.assignment({ topic: 't', partition: 0 }) as never)).toThrow(
      /partitioned sources follow the group's assignment/,
    );
    expect(() => Consumer.plainSource({} as never, sub)).toThrow(/settings must be ConsumerSettings/);
    // A valid combination builds (nothing connects until the stream runs).
    expect(() => Consumer.committableSource(s.withGroupId('g'), sub)).not.toThrow();
  });

  it('hides SASL passwords in toString', () => {
    const s = base().withConnectionConfig({ sasl: { mechanism: 'plain', username: 'u', password: 'secret' } });
    expect(s.toString()).not.toContain('secret');
    expect(s.toString()).toContain('sasl=***');
  });
});

describe('ProducerSettings', () => {
  const p = () => ProducerSettings.create(Serializers.string, Serializers.json());
  it('has defaults and is immutable', () => {
    const a = p();
    const b = a.withAcks(1).withParallelism(5);
    expect(a.acks).toBe(-1);
    expect(a.parallelism).toBe(10_000);
    expect(a.eosCommitIntervalMs).toBe(100);
    expect(b.acks).toBe(1);
    expect(b.parallelism).toBe(5);
  });

  it.each([
    [() => p().withAcks(2 as never), /ProducerSettings.withAcks: acks must be one of -1, 0, 1, got 2/],
    [() => p().withParallelism(0), /ProducerSettings.withParallelism: parallelism must be a positive integer, got 0/],
    [() => p().withMaxBatchRecords(-1), /ProducerSettings.withMaxBatchRecords: maxBatchRecords must be a positive integer/],
    [
      () => p().withCompression('brotli' as never),
      /ProducerSettings.withCompression: compression must be one of "none", "gzip", "snappy", "lz4", "zstd", got "brotli"/,
    ],
    [() => p().withTransactionalId(''), /ProducerSettings.withTransactionalId: transactionalId must be a non-empty string/],
    [() => p().withEosCommitInterval(0), /ProducerSettings.withEosCommitInterval: eosCommitIntervalMs must be a positive/],
    [() => p().withIdempotence('yes' as never), /ProducerSettings.withIdempotence: idempotent must be a boolean/],
  ])('rejects bad values naming the setting (%#)', (f, message) => {
    expect(f).toThrow(message);
  });

  it("takes core's answer on Infinity: retries is a count (Infinity = no limit), partitions and offsets are positions", () => {
    expect(p().withRetry({ retries: Infinity }).retry.retries).toBe(Infinity);
    expect(() => Subscriptions.assignment({ topic: 't', partition: Infinity })).toThrow(/Subscriptions.assignment: partition must be finite, got Infinity/);
    expect(() => Subscriptions.assignmentWithOffset({ topic: 't', partition: 0, offset: Infinity })).toThrow(/offset must be finite, got Infinity/);
  });

  it('is checked as a whole when a stage is built from it', () => {
    expect(() => Producer.plainSink(p())).toThrow(/Producer.plainSink: ProducerSettings.bootstrapServers is not set/);
    const s = p().withBootstrapServers('127.0.0.1:1');
    expect(() => Transactional.sink(s)).toThrow(/Transactional.sink: ProducerSettings.transactionalId is required/);
    expect(() => Producer.flexiFlow(s.withIdempotence(true).withAcks(1))).toThrow(/acks must be -1 \(all\) for an idempotent producer, got 1/);
    expect(() => Transactional.flow(s.withTransactionalId('t').withAcks(0))).toThrow(/acks must be -1 \(all\) for transactions, got 0/);
    expect(() => Producer.flexiFlow(s)).not.toThrow();
  });
});

describe('CommitterSettings', () => {
  it('has Alpakka defaults 1000 / 10 s / 100', () => {
    const s = CommitterSettings.create();
    expect([s.maxBatch, s.maxIntervalMs, s.parallelism]).toEqual([1000, 10_000, 100]);
    expect(s.withMaxBatch(5).maxBatch).toBe(5);
    expect(s.maxBatch).toBe(1000);
  });

  it.each([
    [() => CommitterSettings.create().withMaxBatch(0), /CommitterSettings.withMaxBatch: maxBatch must be a positive integer, got 0/],
    [() => CommitterSettings.create().withMaxInterval(-1), /CommitterSettings.withMaxInterval: maxIntervalMs must be a positive finite number/],
    [() => CommitterSettings.create().withParallelism(2.5), /CommitterSettings.withParallelism: parallelism must be a positive integer, got 2.5/],
  ])('rejects bad values naming the setting (%#)', (f, message) => {
    expect(f).toThrow(message);
  });
});

describe('Subscriptions', () => {
  it('builds topic, pattern and assignment subscriptions', () => {
    expect(Subscriptions.topics('a', 'b', 'a').topics).toEqual(['a', 'b']);
    expect(Subscriptions.topicPattern('orders-.*').pattern.test('orders-eu')).toBe(true);
    expect(Subscriptions.topicPattern('orders-.*').pattern.test('xorders-eu')).toBe(false);
    const a = Subscriptions.assignmentWithOffset({ topic: 't', partition: 1, offset: 42 });
    expect(a.startOffset({ topic: 't', partition: 1 })).toBe(42);
    expect(a.startOffset({ topic: 't', partition: 0 })).toBeUndefined();
  });

  it('rejects bad input', () => {
    expect(() => Subscriptions.topics()).toThrow(/Subscriptions.topics: at least one topic is required/);
    expect(() => Subscriptions.topics('')).toThrow(/Subscriptions.topics: topic must be a non-empty string/);
    expect(() => Subscriptions.assignment({ topic: 't', partition: -1 })).toThrow(/Subscriptions.assignment: partition must be a non-negative integer, got -1/);
    expect(() => Subscriptions.assignmentWithOffset({ topic: 't', partition: 0, offset: 1.5 })).toThrow(/offset must be a non-negative integer, got 1.5/);
    expect(() => Subscriptions.topics('t').withRebalanceListener({ onAssign: 1 } as never)).toThrow(/listener.onAssign must be a function/);
  });
});

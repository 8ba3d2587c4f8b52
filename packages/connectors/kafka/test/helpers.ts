/** Shared helpers of the Kafka integration tests: topics, raw producing/reading with kafkajs, offsets. */

import { ConsumerSettings, Deserializers, ProducerSettings, Serializers } from '@tributary/kafka';
import { type Admin, Kafka, logLevel, Partitioners } from 'kafkajs';
import { inject } from 'vitest';
import './kafkaContext.js';

export const bootstrap = (): string => inject('kafkaBootstrap');

let counter = 0;
/** A name no other test uses (topics, groups, transactional ids). */
export const unique = (prefix: string): string => `${prefix}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

export function client(brokers: string = bootstrap()): Kafka {
  return new Kafka({
    clientId: 'tributary-test',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 2000, multiplier: 2, factor: 0.2 },
  });
}

export async function withAdmin<T>(f: (admin: Admin) => Promise<T>, brokers: string = bootstrap()): Promise<T> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    return await f(admin);
  } finally {
    await admin.disconnect();
  }
}

export async function createTopic(topic: string, partitions = 1, brokers: string = bootstrap()): Promise<string> {
  await withAdmin((admin) => admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true }), brokers);
  return topic;
}

/** Produces `values` (keyed by their index, spread over partitions by key) in batches, with raw kafkajs. */
export async function produce(
  topic: string,
  values: readonly (string | Buffer)[],
  brokers: string = bootstrap(),
  keyOf: (i: number) => string = String,
): Promise<void> {
  const producer = client(brokers).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    // Requests of at most ~512 KB (the broker takes up to 1 MB per request).
    const step = Math.max(1, Math.min(5000, Math.floor((512 * 1024) / Math.max(1, values[0]?.length ?? 1))));
    for (let i = 0; i < values.length; i += step) {
      await producer.send({
        topic,
        acks: -1,
        messages: values.slice(i, i + step).map((value, j) => ({ key: keyOf(i + j), value })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** The group's committed offsets per partition (−1: none). */
export async function committed(groupId: string, topic: string, brokers: string = bootstrap()): Promise<Map<number, number>> {
  return withAdmin(async (admin) => {
    // Right after a broker restart the coordinator is still loading its offsets: kafkajs' admin does not retry that.
    for (let attempt = 0; ; attempt++) {
      try {
        const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return new Map(t!.partitions.map((p) => [p.partition, Number(p.offset)]));
      } catch (e) {
        if (attempt >= 50 || (e as { retriable?: unknown }).retriable !== true) throw e;
        await sleep(200);
      }
    }
  }, brokers);
}

/** High watermarks (end offsets) per partition. */
export async function endOffsets(topic: string, brokers: string = bootstrap()): Promise<Map<number, number>> {
  return withAdmin(async (admin) => new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)])), brokers);
}

/** Reads every record of `topic` from the beginning with raw kafkajs until `expected` have arrived (plus a quiet period). */
export async function readAll(
  topic: string,
  expected: number,
  opts: { readCommitted?: boolean; brokers?: string; timeoutMs?: number } = {},
): Promise<{ key: string | null; value: string; partition: number; offset: number }[]> {
  const consumer = client(opts.brokers).consumer({
    groupId: unique('reader'),
    readUncommitted: !(opts.readCommitted ?? false),
    maxWaitTimeInMs: 100,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
  });
  const got: { key: string | null; value: string; partition: number; offset: number }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages)
          got.push({ key: m.key?.toString() ?? null, value: m.value?.toString() ?? '', partition: batch.partition, offset: Number(m.offset) });
      },
    });
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    while (got.length < expected && Date.now() < deadline) await sleep(50);
    await sleep(300);
  } finally {
    await consumer.disconnect();
  }
  return got;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `pred` until it holds; on time-out fails naming `what`, with `details()` (the state it saw) if given. */
export async function eventually(what: string, pred: () => boolean | Promise<boolean>, timeoutMs = 60_000, details?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${details === undefined ? '' : `\n${details()}`}`);
    await sleep(50);
  }
}

/** Consumer settings for tests: fast heartbeats and rebalances, quiet kafkajs, string key/value. */
export function stringConsumer(groupId: string, brokers: string = bootstrap()): ConsumerSettings<string | null, string | null> {
  return ConsumerSettings.create(Deserializers.string, Deserializers.string)
    .withBootstrapServers(brokers)
    .withGroupId(groupId)
    .withAutoOffsetReset('earliest')
    .withSessionTimeout(6_000)
    .withHeartbeatInterval(500)
    .withRebalanceTimeout(10_000)
    .withFetchMaxWait(100)
    .withStopTimeout(5_000)
    .withKafkaLogLevel('nothing');
}

export function stringProducer(brokers: string = bootstrap()): ProducerSettings<string | null, string | null> {
  return ProducerSettings.create(Serializers.string, Serializers.string).withBootstrapServers(brokers).withKafkaLogLevel('nothing');
}

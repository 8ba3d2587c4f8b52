/**
 * The model-serving example's Kafka mode against a hand-written raw-kafkajs service doing the same job:
 * consume `sensor-data`, parse, score with the latest model from `models`, produce the scored record to
 * `scored-records`, commit the offset after the produce was acknowledged (at least once).
 *
 * Contenders (a fresh set of topics, 6 partitions, and a fresh service per run):
 *   kafkajs    consumer.run({ eachBatch }): parse and score the fetched batch, one producer.send per
 *              ≤ 2000 scored records (acks -1, awaited), then commitOffsets for the batch; models read by a
 *              second consumer's eachMessage.
 *   tributary  startKafkaService: Consumer.sourceWithOffsetContext → parse → ModelScoringStage →
 *              Producer.flowWithContext → Committer.sinkWithOffsetContext (the example's code), committing
 *              every 100 ms or 1000 records (the example's default interval is 1 s).
 *
 * Untimed: creating the topics, publishing the model, starting the service and waiting until it holds all
 * six partitions. Timed: a raw kafkajs producer in this process publishes N generated records (batches of
 * 1000, acks -1, each record stamped with its creation time) while the service runs, until the service
 * has committed the offsets of all N. The report gives each contender's latency from record creation to
 * scored (p50/p99, the median over its runs, warmups included).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StreamLogger } from '@tributary/core';
import {
  ensureKafkaTopics,
  epochNow,
  type KafkaServiceRun,
  type KafkaTopicNames,
  kafkaTopicNames,
  LatencyHistogram,
  type Model,
  ModelFactory,
  parseSensorRecord,
  SensorGenerator,
  shippedModelsDir,
  startKafkaService,
} from '@tributary/example-model-serving';
import * as kafkajs from 'kafkajs';
import type { Contender, Scenario } from '../harness.js';
import { broker } from './kafka.bench.js';

const { Kafka, logLevel, Partitioners } = kafkajs;

const PARTITIONS = 6;
const PUBLISH_BATCH = 1000;
const SEND_CHUNK = 2000;
const FETCH_MAX_WAIT_MS = 100;
const MODEL = readFileSync(join(shippedModelsDir, '3-boosted-trees.json'), 'utf8');
const silent: StreamLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let runs = 0;

interface Latencies {
  readonly p50: number[];
  readonly p99: number[];
}

/** A running service under test. */
interface Service {
  /** Offsets of `sensor-data` committed so far (over all partitions). */
  committed(): number;
  /** Latency from record creation to scored, over this service's records: [p50, p99] ms. */
  latency(): [number, number];
  close(): Promise<void>;
}

const client = (bootstrap: string, clientId: string): kafkajs.Kafka => new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING });

/** Topics of their own for a run (`prefix` + the example's names), the model already published. */
async function freshTopics(bootstrap: string): Promise<{ topics: KafkaTopicNames; prefix: string }> {
  const prefix = `bench-ms-${process.pid}-${++runs}.`;
  const topics = kafkaTopicNames(prefix);
  await ensureKafkaTopics(bootstrap, PARTITIONS, topics);
  const producer = client(bootstrap, 'bench-models').producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic: topics.models, acks: -1, messages: [{ key: 'boosted-trees', value: MODEL }] });
  await producer.disconnect();
  return { topics, prefix };
}

async function until(what: string, pred: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`modelServingKafka: timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Publishes `n` generated records, each stamped with its creation time, then waits until the service committed them all. */
async function publishAndAwait(bootstrap: string, topics: KafkaTopicNames, n: number, service: Service, seed: number): Promise<{ records: number }> {
  const producer = client(bootstrap, 'bench-publisher').producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const generator = new SensorGenerator(seed);
    for (let i = 0; i < n; i += PUBLISH_BATCH) {
      const messages: kafkajs.Message[] = [];
      for (let j = i; j < Math.min(n, i + PUBLISH_BATCH); j++) {
        const record = generator.next(epochNow());
        messages.push({ key: record.deviceId, value: JSON.stringify(record) });
      }
      await producer.send({ topic: topics.data, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
  await until(`the service committed ${n} offsets`, () => service.committed() >= n);
  return { records: service.committed() };
}

// ───────────────────────────── raw kafkajs ─────────────────────────────

async function startRawService(bootstrap: string, topics: KafkaTopicNames): Promise<Service> {
  const kafka = client(bootstrap, 'bench-raw-service');
  const group = `bench-ms-raw-${process.pid}-${runs}`;
  const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: FETCH_MAX_WAIT_MS });
  const models = kafka.consumer({ groupId: `${group}-models`, maxWaitTimeInMs: FETCH_MAX_WAIT_MS });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await Promise.all([consumer.connect(), models.connect(), producer.connect()]);
  let model: Model | null = null;
  await models.subscribe({ topics: [topics.models], fromBeginning: true });
  await models.run({
    eachMessage: async ({ message }) => {
      try {
        model = ModelFactory.standard.create(message.value);
      } catch {
        // a bad model is ignored; the current one stays
      }
    },
  });
  const histogram = new LatencyHistogram();
  let committed = 0;
  let assigned = 0;
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    assigned = Object.values(e.payload.memberAssignment).reduce((sum, ps) => sum + ps.length, 0);
  });
  await consumer.subscribe({ topics: [topics.data], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const scored: kafkajs.Message[] = [];
      for (const m of batch.messages) {
        let record;
        try {
          record = parseSensorRecord(m.value);
        } catch {
          continue;
        }
        const current: Model | null = model;
        const score = current === null ? null : current.score(record);
        const scoredTs = epochNow();
        histogram.record(scoredTs - record.ts);
        const prediction = current === null || score === null ? null : score >= current.threshold ? 1 : 0;
        const modelRef = current === null ? null : { name: current.name, version: current.version };
        scored.push({ key: record.deviceId, value: JSON.stringify({ record, model: modelRef, score, prediction, createdTs: record.ts, scoredTs }) });
      }
      for (let i = 0; i < scored.length; i += SEND_CHUNK) await producer.send({ topic: topics.scored, acks: -1, messages: scored.slice(i, i + SEND_CHUNK) });
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }]);
      committed += batch.messages.length;
    },
  });
  await until('the raw service holds all partitions', () => assigned === PARTITIONS);
  return {
    committed: () => committed,
    latency: () => [histogram.percentile(0.5) ?? 0, histogram.percentile(0.99) ?? 0],
    close: async () => {
      await Promise.all([consumer.disconnect(), models.disconnect()]);
      await producer.disconnect();
    },
  };
}

// ───────────────────────────── Tributary ─────────────────────────────

async function startTributaryService(bootstrap: string, topics: KafkaTopicNames, topicPrefix: string): Promise<Service> {
  const run: KafkaServiceRun = await startKafkaService({
    bootstrap,
    topicPrefix,
    group: `bench-ms-tributary-${process.pid}-${runs}`,
    print: () => {},
    logger: silent,
    progressIntervalMs: 3_600_000,
    // The raw service commits after every fetched batch; the same cadence here (the example's default is
    // 1 s), or the last partial batch would wait up to a second before the timed part could end.
    commitIntervalMs: 100,
  });
  await until(
    'the Tributary service holds all partitions',
    () => run.metrics().assignedPartitions.filter((tp) => tp.topic === topics.data).length === PARTITIONS,
  );
  return {
    committed: () => run.metrics().partitions.reduce((sum, p) => sum + Math.max(0, p.committedOffset), 0),
    latency: () => {
      const { p50Ms, p99Ms } = run.stats().latency;
      return [p50Ms ?? 0, p99Ms ?? 0];
    },
    close: async () => {
      await run.stop();
    },
  };
}

// ───────────────────────────── scenario ─────────────────────────────

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export function modelServingKafka(n: number): Scenario {
  let bootstrap = '';
  let topics: KafkaTopicNames | null = null;
  let service: Service | null = null;
  const latencies = new Map<string, Latencies>();
  const contender = (name: string, note: string, start: (bootstrap: string, topics: KafkaTopicNames, prefix: string) => Promise<Service>): Contender => {
    latencies.set(name, { p50: [], p99: [] });
    return {
      name,
      note,
      setup: async () => {
        bootstrap = (await broker()).bootstrap;
        const fresh = await freshTopics(bootstrap);
        topics = fresh.topics;
        service = await start(bootstrap, fresh.topics, fresh.prefix);
      },
      run: () => publishAndAwait(bootstrap, topics!, n, service!, runs),
      teardown: async () => {
        const [p50, p99] = service!.latency();
        latencies.get(name)!.p50.push(p50);
        latencies.get(name)!.p99.push(p99);
        await service!.close();
        service = null;
      },
    };
  };
  return {
    name: 'modelServingKafka',
    description: `model serving through Kafka: consume, parse, score, produce, commit ${n.toLocaleString('en-US')} records (6 partitions, published while the service runs)`,
    elements: n,
    baseline: 'kafkajs',
    contenders: [
      contender('kafkajs', 'hand-written: eachBatch → parse/score → producer.send (≤ 2000 per request, acks -1) → commitOffsets per batch', (b, t) =>
        startRawService(b, t),
      ),
      contender(
        'tributary',
        "the example's startKafkaService: sourceWithOffsetContext → ModelScoringStage → Producer.flowWithContext → Committer.sinkWithOffsetContext (commits every 100 ms / 1000 records)",
        startTributaryService,
      ),
    ],
    report: () =>
      [...latencies]
        .map(
          ([name, l]) =>
            `  latency creation → scored, ${name}: p50 ${median(l.p50).toFixed(1)} ms, p99 ${median(l.p99).toFixed(1)} ms (median of ${l.p50.length} runs, warmups included)`,
        )
        .join('\n'),
  };
}

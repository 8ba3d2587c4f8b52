/**
 * Kafka: Tributary's Kafka connector against raw kafkajs on the same broker and topics.
 *
 *   kafkaConsume1p / kafkaConsume8p   read N × 100-byte records from a 1- / 8-partition topic
 *   kafkaCopy1p / kafkaCopy8p         read them, map each value (upper-case), produce to a fresh topic
 *
 * Contenders:
 *   kafkajs    consumer.run({ eachBatch }) — the baseline; for the copy, the fetched batch is sent with
 *              batched `send`s of at most 2000 records (awaited inside eachBatch).
 *   tributary  Consumer.plainSource → take(N) → Sink.fold; for the copy, → map → Producer.plainSink.
 *   java       (consume only) Kafka's own Java consumer, `ConsumerPerformance` from kafka-tools — the
 *              ceiling. It times itself (join + consume, as the others are timed; JVM start-up excluded)
 *              and reports records/s, from which its time is taken.
 *
 * Both use a fresh consumer group per run (so each run reads the topic from the beginning — its first N
 * records), the same fetch sizes and wait, and acks = -1. The timed part is connecting, joining the
 * group, and consuming (and producing) N records; closing the clients happens in the untimed teardown
 * (a consumer that prefetches has a fetch in flight at the end, and kafkajs lets it run out first).
 * The scenario starts its own broker (infra/kafka/broker.mjs: Kafka 3.9, KRaft) on first use and stops
 * it when the process is about to exit; the input topics are filled once, untimed.
 */
import { Keep, Sink } from '@tributary/core';
import { Consumer, ConsumerSettings, Deserializers, Producer, ProducerSettings, Serializers, Subscriptions } from '@tributary/kafka';
import * as kafkajs from 'kafkajs';
import { type KafkaBroker, startKafka } from '../../../infra/kafka/broker.mjs';
import { KafkaTools, runKafkaTool } from '../../../infra/kafka/tools.mjs';
import { type Contender, type Scenario, SelfTimed } from '../harness.js';

// kafkajs is the connector's client library; the bench depends on it directly to run the raw baseline.
const { Kafka, logLevel, Partitioners } = kafkajs;

const VALUE_BYTES = 100;
const FETCH_MAX_WAIT_MS = 500;
/** Records per produce request in the raw copy (the connector's default `maxBatchRecords`). */
const SEND_CHUNK = 2000;

let brokerPromise: Promise<KafkaBroker> | null = null;
const inputs = new Map<string, Promise<{ name: string; count: number }>>();
let runs = 0;

/** The bench's broker, started on first use (shared by every Kafka scenario). */
export function broker(): Promise<KafkaBroker> {
  if (brokerPromise === null) {
    brokerPromise = startKafka();
    void brokerPromise.then((b) => {
      // Stop the broker cleanly once the bench is done (the broker script also kills it on exit).
      process.once('beforeExit', () => void b.stop());
    });
  }
  return brokerPromise;
}

function client(bootstrap: string): kafkajs.Kafka {
  return new Kafka({ clientId: 'bench', brokers: [bootstrap], logLevel: logLevel.NOTHING });
}

/**
 * The input topic with `partitions` partitions, holding at least `n` records of 100 ASCII bytes (created
 * once, topped up when a scenario needs more; untimed).
 */
function input(n: number, partitions: number): Promise<string> {
  const key = String(partitions);
  const previous = inputs.get(key) ?? Promise.resolve({ name: '', count: 0 });
  const next = previous.then(async ({ name, count }) => {
    const b = await broker();
    if (name === '') {
      name = `bench-in-${partitions}p`;
      const admin = client(b.bootstrap).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }], waitForLeaders: true });
      await admin.disconnect();
    }
    if (count < n) {
      const producer = client(b.bootstrap).producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      const base = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(3);
      for (let i = count; i < n; i += 4000) {
        const messages: kafkajs.Message[] = [];
        for (let j = i; j < Math.min(n, i + 4000); j++) {
          const id = String(j).padStart(8, '0');
          messages.push({ key: id, value: (id + base).slice(0, VALUE_BYTES) });
        }
        await producer.send({ topic: name, acks: -1, messages });
      }
      await producer.disconnect();
      count = n;
    }
    return { name, count };
  });
  inputs.set(key, next);
  return next.then((t) => t.name);
}

async function createOutput(partitions: number): Promise<string> {
  const b = await broker();
  const name = `bench-out-${process.pid}-${++runs}`;
  const admin = client(b.bootstrap).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
  return name;
}

async function deleteTopic(name: string): Promise<void> {
  const b = await broker();
  const admin = client(b.bootstrap).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [name] }).catch(() => undefined);
  await admin.disconnect();
}

const transform = (value: Buffer): string => value.toString('latin1').toUpperCase();

interface Counted {
  readonly records: number;
  readonly bytes: number;
}

// ───────────────────────────── raw kafkajs ─────────────────────────────

/** Resources a run leaves open, closed by the untimed teardown. */
let closing: (() => Promise<unknown>) | null = null;
const closeRun = async (): Promise<void> => {
  const c = closing;
  closing = null;
  await c?.();
};

/** Waits for a run; if it fails, closes its clients first (the harness skips teardown after a failure). */
async function finish<T>(done: Promise<unknown>, result: () => T): Promise<T> {
  try {
    await done;
  } catch (e) {
    await closeRun().catch(() => undefined);
    throw e;
  }
  return result();
}

async function kafkajsConsume(bootstrap: string, topic: string, n: number, copyTo?: string): Promise<Counted> {
  const kafka = client(bootstrap);
  const consumer = kafka.consumer({ groupId: `bench-kafkajs-${++runs}`, maxWaitTimeInMs: FETCH_MAX_WAIT_MS });
  const producer = copyTo !== undefined ? kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner }) : null;
  await consumer.connect();
  await producer?.connect();
  let records = 0;
  let bytes = 0;
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      if (records >= n) return;
      const messages = batch.messages.slice(0, n - records);
      if (producer !== null) {
        try {
          // In requests of at most 2000 records: a whole fetched batch can exceed the broker's max message size.
          for (let i = 0; i < messages.length; i += SEND_CHUNK) {
            const chunk = messages.slice(i, i + SEND_CHUNK).map((m) => ({ key: m.key, value: transform(m.value!) }));
            await producer.send({ topic: copyTo!, acks: -1, messages: chunk });
          }
        } catch (e) {
          reject(e);
          return;
        }
      }
      for (const m of messages) bytes += m.value!.length;
      records += messages.length;
      if (records >= n) resolve();
    },
  });
  closing = async () => {
    await consumer.disconnect();
    await producer?.disconnect();
  };
  return finish(done, () => ({ records, bytes }));
}

// ───────────────────────────── Kafka's Java consumer ─────────────────────────────

/** ConsumerPerformance reading N records; its own figure of records/s gives the time. */
async function javaConsume(bootstrap: string, topic: string, n: number): Promise<SelfTimed> {
  const { stdout } = await runKafkaTool(
    KafkaTools.ConsumerPerformance,
    ['--bootstrap-server', bootstrap, '--topic', topic, '--messages', String(n), '--group', `bench-java-${++runs}`, '--timeout', '60000'],
    { heapMb: 512 },
  );
  // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, …
  const row = stdout
    .trim()
    .split('\n')
    .pop()!
    .split(',')
    .map((x) => x.trim());
  const records = Number(row[4]);
  const perSec = Number(row[5]);
  if (!(records >= n) || !(perSec > 0)) throw new Error(`ConsumerPerformance read ${records} of ${n} records:\n${stdout}`);
  // It reads whole polls, so it may count a few records past N; the result is the N asked for.
  return new SelfTimed((records / perSec) * 1000, { records: n, bytes: n * VALUE_BYTES });
}

// ───────────────────────────── Tributary ─────────────────────────────

function consumerSettings(bootstrap: string) {
  return ConsumerSettings.create(Deserializers.buffer, Deserializers.buffer)
    .withBootstrapServers(bootstrap)
    .withClientId('bench')
    .withGroupId(`bench-tributary-${++runs}`)
    .withAutoOffsetReset('earliest')
    .withFetchMaxWait(FETCH_MAX_WAIT_MS)
    .withKafkaLogLevel('nothing');
}

async function tributaryConsume(bootstrap: string, topic: string, n: number): Promise<Counted> {
  let records = 0;
  let bytes = 0;
  const [control, done] = Consumer.plainSource(consumerSettings(bootstrap), Subscriptions.topics(topic))
    .take(n)
    .toMat(
      Sink.foreach((r) => {
        records++;
        bytes += r.value!.length;
      }),
      Keep.both,
    )
    .run();
  closing = () => control.isShutdown;
  return finish(done, () => ({ records, bytes }));
}

async function tributaryCopy(bootstrap: string, topic: string, n: number, copyTo: string): Promise<Counted> {
  let records = 0;
  let bytes = 0;
  const producer = ProducerSettings.create(Serializers.buffer, Serializers.string)
    .withBootstrapServers(bootstrap)
    .withClientId('bench')
    .withKafkaLogLevel('nothing');
  const [control, done] = Consumer.plainSource(consumerSettings(bootstrap), Subscriptions.topics(topic))
    .take(n)
    .map((r) => {
      records++;
      bytes += r.value!.length;
      return { topic: copyTo, key: r.key, value: transform(r.value!) };
    })
    .toMat(Producer.plainSink(producer), Keep.both)
    .run();
  closing = () => control.isShutdown;
  return finish(done, () => ({ records, bytes }));
}

// ───────────────────────────── scenarios ─────────────────────────────

function consumeScenario(n: number, partitions: number): Scenario {
  let bootstrap = '';
  let topic = '';
  const setup = async (): Promise<void> => {
    bootstrap = (await broker()).bootstrap;
    topic = await input(n, partitions);
  };
  const contenders: Contender[] = [
    {
      name: 'kafkajs',
      note: 'consumer.run({ eachBatch }), counting records and bytes',
      setup,
      teardown: closeRun,
      run: () => kafkajsConsume(bootstrap, topic, n),
    },
    {
      name: 'tributary',
      note: 'Consumer.plainSource → take(N) → Sink.foreach, counting records and bytes',
      setup,
      teardown: closeRun,
      run: () => tributaryConsume(bootstrap, topic, n),
    },
    {
      name: 'java',
      note: "Kafka's ConsumerPerformance (kafka-tools 3.9, self-timed: join + consume, JVM start-up excluded)",
      setup,
      run: () => javaConsume(bootstrap, topic, n),
    },
  ];
  return {
    name: `kafkaConsume${partitions}p`,
    description: `consume ${VALUE_BYTES}-byte records from a ${partitions}-partition topic (fresh group per run)`,
    elements: n,
    baseline: 'kafkajs',
    contenders,
  };
}

function copyScenario(n: number, partitions: number): Scenario {
  let bootstrap = '';
  let topic = '';
  let output = '';
  const setup = async (): Promise<void> => {
    bootstrap = (await broker()).bootstrap;
    topic = await input(n, partitions);
    output = await createOutput(partitions);
  };
  const teardown = async (): Promise<void> => {
    await closeRun();
    await deleteTopic(output);
  };
  const contenders: Contender[] = [
    {
      name: 'kafkajs',
      note: 'eachBatch → map → batched producer.send per fetched batch (≤ 2000 records per request, awaited), acks -1',
      setup,
      teardown,
      run: () => kafkajsConsume(bootstrap, topic, n, output),
    },
    {
      name: 'tributary',
      note: 'Consumer.plainSource → take(N) → map → Producer.plainSink (acks -1)',
      setup,
      teardown,
      run: () => tributaryCopy(bootstrap, topic, n, output),
    },
  ];
  return {
    name: `kafkaCopy${partitions}p`,
    description: `consume → upper-case → produce ${VALUE_BYTES}-byte records, ${partitions}-partition topics`,
    elements: n,
    baseline: 'kafkajs',
    contenders,
  };
}

/** The Kafka scenarios by name (each takes the number of records). */
export const kafkaScenarios: Readonly<Record<string, (n: number) => Scenario>> = {
  kafkaConsume1p: (n) => consumeScenario(n, 1),
  kafkaConsume8p: (n) => consumeScenario(n, 8),
  kafkaCopy1p: (n) => copyScenario(n, 1),
  kafkaCopy8p: (n) => copyScenario(n, 8),
};

/**
 * Broker fault: the broker process is SIGKILLed mid-stream and restarted. The pipeline — a
 * committableSource → Committer inside a `RestartSource` — resumes, every record is seen, and nothing
 * that had been committed before the crash is lost. This file starts a broker of its own, so that killing
 * it cannot disturb other tests — and a fresh broker is also where kafkajs reports "the group coordinator
 * is not available" while `__consumer_offsets` is created: up to the kill, nothing the connector logs is a
 * warning or an error.
 */

import { Keep, RestartSettings, RestartSource, Sink } from '@tributary/core';
import { Committer, CommitterSettings, Consumer, Subscriptions } from '@tributary/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, startKafka } from '../../../../infra/kafka/broker.mjs';
import { committed, createTopic, endOffsets, eventually, produce, sleep, stringConsumer, unique } from './helpers.js';

let broker: KafkaBroker;

beforeAll(async () => {
  broker = await startKafka();
});

afterAll(async () => {
  await broker?.stop();
});

describe('broker fault', () => {
  it('resumes after the broker is SIGKILLed and restarted, losing nothing committed', async () => {
    const brokers = broker.bootstrap;
    const topic = await createTopic(unique('fault'), 2, brokers);
    const before = 10_000;
    const after = 5_000;
    await produce(
      topic,
      Array.from({ length: before }, (_, i) => `v${i}`),
      brokers,
    );
    const group = unique('fault-group');
    const logged: { level: string; message: string }[] = [];
    const record = (level: string) => (message: string) => void logged.push({ level, message });
    const settings = stringConsumer(group, brokers)
      .withKafkaLogLevel('debug')
      .withLogger({ debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') })
      .withMaxBufferedRecordsPerPartition(100)
      .withRetry({ retries: 8, initialRetryTimeMs: 200, maxRetryTimeMs: 2_000 })
      .withCommitTimeout(30_000);

    const seen = new Set<string>();
    let deliveries = 0;
    // Throttled to 2000 records/s, so that the broker dies in the middle of the stream.
    const [handle, done] = RestartSource.onFailuresWithBackoff(RestartSettings.create(200, 2_000, 0.2), () =>
      Consumer.committableSource(settings, Subscriptions.topics(topic))
        .throttle(2_000, 1_000)
        .map((msg) => {
          deliveries++;
          seen.add(msg.record.value!);
          return msg.committableOffset;
        })
        .via(Committer.flow(CommitterSettings.create().withMaxBatch(200).withMaxInterval(100))),
    )
      .toMat(Sink.ignore(), Keep.both)
      .run();

    await eventually('some records committed', async () => [...(await committed(group, topic, brokers)).values()].some((o) => o > 0), 60_000);
    await eventually('a third of the records seen', () => seen.size >= before / 3, 60_000);
    const committedBeforeCrash = await committed(group, topic, brokers);
    const seenBeforeCrash = seen.size;
    expect(logged.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
    const transientBeforeCrash = logged.filter((l) => /Response (FindCoordinator|GroupCoordinator|JoinGroup|SyncGroup|OffsetFetch)/.test(l.message)).length;
    await broker.kill();
    await sleep(1_000);
    await broker.restart();

    // Committed offsets survived the crash.
    const afterRestart = await committed(group, topic, brokers);
    for (const [p, o] of committedBeforeCrash) expect(afterRestart.get(p)!).toBeGreaterThanOrEqual(o);

    // The pipeline resumes: records produced before and after the crash all arrive.
    await produce(
      topic,
      Array.from({ length: after }, (_, i) => `w${i}`),
      brokers,
    );
    await eventually('every record', () => seen.size === before + after, 120_000);
    await handle.latest()!.drainAndShutdown(done);

    expect(seenBeforeCrash).toBeLessThan(before);
    expect(seen.size).toBe(before + after);
    expect(await committed(group, topic, brokers)).toEqual(await endOffsets(topic, brokers));
    console.log(
      `broker fault: ${before + after} records (${seenBeforeCrash} seen before the crash), ${deliveries} deliveries, ` +
        `${handle.materializations} materialization(s) of the source; ${transientBeforeCrash} transient start-up errors of kafkajs logged at debug`,
    );
  });
});

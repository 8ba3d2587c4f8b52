/**
 * Back-pressure reaches Kafka: with a slow consumer downstream the source holds at most
 * `maxBufferedRecordsPerPartition` records per partition — measured all along — while Kafka holds the
 * rest; a partitioned source pauses the partition whose sub-source does not pull, and the others go on.
 */

import { Keep, Sink } from '@tributary/core';
import { Consumer, type ConsumerRecord, Subscriptions } from '@tributary/kafka';
import { TestSink, type TestSubscriberProbe } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { createTopic, endOffsets, eventually, produce, sleep, stringConsumer, unique } from './helpers.js';

const BOUND = 200;
const N = 20_000;
const payload = 'x'.repeat(1000);

describe('back-pressure', () => {
  it('keeps at most maxBufferedRecordsPerPartition records per partition while the sink is slow', async () => {
    const topic = await createTopic(unique('bp'), 2);
    await produce(
      topic,
      Array.from({ length: N }, () => payload),
    );
    const settings = stringConsumer(unique('bp-group'))
      .withMaxBufferedRecordsPerPartition(BOUND)
      .withMaxPartitionFetchBytes(64 * 1024);
    const [control, probe] = Consumer.plainSource(settings, Subscriptions.topics(topic))
      .toMat(TestSink.probe<ConsumerRecord<string | null, string | null>>({ timeoutMs: 20_000 }), Keep.both)
      .run();

    // A slow consumer: 100 records, then a pause, over and over; the buffer is sampled all along.
    let maxBuffered = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    for (let round = 0; round < 20; round++) {
      probe.request(100);
      for (let i = 0; i < 100; i++) await probe.expectNext();
      await sleep(20);
      const m = control.metrics();
      maxBuffered = Math.max(maxBuffered, m.bufferedRecords);
      expect(m.bufferedRecords).toBeLessThanOrEqual(2 * BOUND);
    }
    // Idle for a while: nothing more is fetched beyond the bound.
    await sleep(500);
    const idle = control.metrics();
    expect(idle.recordsEmitted).toBe(2000);
    expect(idle.bufferedRecords).toBeLessThanOrEqual(2 * BOUND);
    expect(idle.maxBufferedRecordsObserved).toBeLessThanOrEqual(BOUND);
    expect(idle.maxBufferedRecordsObserved).toBeGreaterThan(0);
    const heapGrowthMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    console.log(
      `back-pressure: ${N} × 1 KB records available, ${idle.recordsEmitted} consumed; buffered ≤ ${idle.maxBufferedRecordsObserved} per partition ` +
        `(bound ${BOUND}), ${maxBuffered} at most over both partitions; heap grew ${heapGrowthMiB.toFixed(1)} MiB`,
    );
    probe.cancel();
    await control.isShutdown;
  });

  it('pauses the partition whose sub-source does not pull; the other partitions go on', async () => {
    const topic = await createTopic(unique('bp-part'), 2);
    await produce(
      topic,
      Array.from({ length: 4000 }, () => payload),
    );
    const ends = await endOffsets(topic);
    const settings = stringConsumer(unique('bp-part-group'))
      .withMaxBufferedRecordsPerPartition(BOUND)
      .withMaxPartitionFetchBytes(64 * 1024);
    const counts = new Map<number, number>();
    const slow: { partition: number; probe: TestSubscriberProbe<ConsumerRecord<string | null, string | null>> }[] = [];
    let first = true;
    const [control, done] = Consumer.plainPartitionedSource(settings, Subscriptions.topics(topic))
      .toMat(
        Sink.foreach(([tp, source]) => {
          if (first) {
            // The first partition's sub-source takes 10 records and then stops pulling.
            first = false;
            const probe = source.runWith(TestSink.probe<ConsumerRecord<string | null, string | null>>());
            probe.request(10);
            slow.push({ partition: tp.partition, probe });
          } else {
            void source.runWith(Sink.foreach(() => counts.set(tp.partition, (counts.get(tp.partition) ?? 0) + 1)));
          }
        }),
        Keep.both,
      )
      .run();
    await eventually('two partitions assigned', () => slow.length === 1 && counts.size === 1, 30_000);
    const fast = [...counts.keys()][0]!;
    await eventually('the fast partition fully consumed', () => (counts.get(fast) ?? 0) === ends.get(fast), 30_000);
    expect(ends.get(slow[0]!.partition)).toBeGreaterThan(2 * BOUND);
    const m = control.metrics();
    expect(m.pausedPartitions.map((tp) => tp.partition)).toEqual([slow[0]!.partition]);
    // Only the slow partition holds records now, at most its bound; no partition ever held more.
    expect(m.bufferedRecords).toBeLessThanOrEqual(BOUND);
    expect(m.maxBufferedRecordsObserved).toBeLessThanOrEqual(BOUND);
    await control.shutdown();
    await done;
  });
});

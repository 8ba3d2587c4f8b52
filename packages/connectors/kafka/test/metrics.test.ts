/**
 * Control.metrics(): per-partition position, committed offset, end offset and lag, against the broker;
 * and the prefetch bound in bytes (`maxBufferedBytesPerPartition`) with a slow sink.
 */

import { Keep } from '@tributary/core';
import { type CommittableMessage, CommittableOffsetBatch, Consumer, type ConsumerRecord, Subscriptions } from '@tributary/kafka';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { createTopic, endOffsets, eventually, produce, sleep, stringConsumer, unique, withAdmin } from './helpers.js';

type Msg = CommittableMessage<string | null, string | null>;

describe('Control.metrics', () => {
  it('reports per-partition position, committed offset, end offset and lag', async () => {
    const topic = await createTopic(unique('lag'), 2);
    await produce(
      topic,
      Array.from({ length: 1000 }, (_, i) => `v${i}`),
    );
    const ends = await endOffsets(topic);
    const group = unique('lag-group');
    // The group already committed 100 on partition 0: the source starts there, and metrics know it.
    await withAdmin((admin) => admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '100' }] }));
    const [control, probe] = Consumer.committableSource(stringConsumer(group), Subscriptions.topics(topic))
      .toMat(TestSink.probe<Msg>({ timeoutMs: 20_000 }), Keep.both)
      .run();
    await eventually(
      'assigned and committed offsets known',
      () => {
        const p0 = control.metrics().partitions.find((p) => p.partition === 0);
        return control.metrics().partitions.length === 2 && p0?.committedOffset === 100;
      },
      20_000,
    );

    probe.request(300);
    const got: Msg[] = [];
    for (let i = 0; i < 300; i++) got.push(await probe.expectNext());
    const lastOffset = new Map<number, number>();
    for (const m of got) lastOffset.set(m.record.partition, m.record.offset);
    await eventually('end offsets fetched', () => control.metrics().partitions.every((p) => p.endOffset >= 0), 20_000);
    let m = control.metrics();
    for (const p of m.partitions) {
      const position = lastOffset.has(p.partition) ? lastOffset.get(p.partition)! + 1 : -1;
      expect(p.position).toBe(position);
      expect(p.endOffset).toBe(ends.get(p.partition));
      // Nothing emitted from a partition yet: it starts at its committed offset, else at the log start (earliest).
      const from = position >= 0 ? position : Math.max(0, p.committedOffset);
      expect(p.lag).toBe(ends.get(p.partition)! - from);
      expect(p.bufferedRecords).toBeLessThanOrEqual(m.maxBufferedRecordsPerPartition);
    }
    expect(m.lag).toBe(m.partitions.reduce((a, p) => a + p.lag, 0));
    // 300 of the 900 records that were left are emitted.
    expect(m.lag).toBe(1000 - 100 - 300);

    // Committing through the source updates the committed offsets it reports.
    const last = got[got.length - 1]!;
    await CommittableOffsetBatch.of(...got.map((x) => x.committableOffset))._commit();
    m = control.metrics();
    expect(m.partitions.find((p) => p.partition === last.record.partition)!.committedOffset).toBe(last.record.offset + 1);
    probe.cancel();
    await control.isShutdown;
  });

  it('keeps at most maxBufferedBytesPerPartition bytes of records per partition while the sink is slow', async () => {
    const topic = await createTopic(unique('bytes'), 1);
    const payload = 'x'.repeat(1000);
    await produce(
      topic,
      Array.from({ length: 20_000 }, () => payload),
    );
    const boundBytes = 128 * 1024;
    const settings = stringConsumer(unique('bytes-group'))
      .withMaxBufferedRecordsPerPartition(100_000)
      .withMaxBufferedBytesPerPartition(boundBytes)
      .withMaxPartitionFetchBytes(256 * 1024);
    const [control, probe] = Consumer.plainSource(settings, Subscriptions.topics(topic))
      .toMat(TestSink.probe<ConsumerRecord<string | null, string | null>>({ timeoutMs: 20_000 }), Keep.both)
      .run();
    for (let round = 0; round < 10; round++) {
      probe.request(200);
      for (let i = 0; i < 200; i++) await probe.expectNext();
      await sleep(20);
      expect(control.metrics().bufferedBytes).toBeLessThanOrEqual(boundBytes);
    }
    await sleep(300);
    const m = control.metrics();
    expect(m.maxBufferedBytesPerPartition).toBe(boundBytes);
    expect(m.maxBufferedBytesObserved).toBeLessThanOrEqual(boundBytes);
    // The byte bound, not the record bound, is what held the source back: ~128 records of ~1 KB.
    expect(m.maxBufferedRecordsObserved).toBeLessThanOrEqual(Math.ceil(boundBytes / 1000));
    expect(m.maxBufferedRecordsObserved).toBeGreaterThan(0);
    expect(m.partitions[0]!.bufferedBytes).toBe(m.bufferedBytes);
    console.log(`byte bound: at most ${m.maxBufferedBytesObserved} bytes (${m.maxBufferedRecordsObserved} records) buffered, bound ${boundBytes} bytes`);
    probe.cancel();
    await control.isShutdown;
  });
});

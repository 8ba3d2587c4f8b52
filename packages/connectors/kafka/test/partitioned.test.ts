/**
 * Partitioned sources: one sub-source per assigned partition that follows rebalances — sub-sources of
 * revoked partitions complete — and a cancelled sub-source is replaced by a new one that continues after
 * the last record the cancelled one emitted.
 */

import { Keep, Sink } from '@tributary/core';
import { Committer, CommitterSettings, Consumer, Subscriptions, type TopicPartition } from '@tributary/kafka';
import { describe, expect, it } from 'vitest';
import { committed, createTopic, endOffsets, eventually, produce, stringConsumer, unique } from './helpers.js';

describe('partitioned sources', () => {
  it('committablePartitionedSource: a sub-source per partition, committed per partition; revoked ones complete', async () => {
    const topic = await createTopic(unique('part'), 3);
    await produce(
      topic,
      Array.from({ length: 3000 }, (_, i) => `v${i}`),
    );
    const group = unique('part-group');
    const seen = new Set<string>();
    const subs: { tp: TopicPartition; done: Promise<void> }[] = [];
    const [control, done] = Consumer.committablePartitionedSource(stringConsumer(group), Subscriptions.topics(topic))
      .toMat(
        Sink.foreach(([tp, source]) => {
          const subDone = source
            .map((msg) => {
              seen.add(msg.record.value!);
              expect(msg.record.partition).toBe(tp.partition);
              return msg.committableOffset;
            })
            .runWith(Committer.sink(CommitterSettings.create().withMaxBatch(100).withMaxInterval(100)));
          subDone.catch(() => undefined);
          subs.push({ tp, done: subDone });
        }),
        Keep.both,
      )
      .run();
    await eventually('3000 records', () => seen.size === 3000, 30_000);
    expect(subs.map((s) => s.tp.partition).sort()).toEqual([0, 1, 2]);
    await eventually('all committed', async () => {
      const [c, e] = await Promise.all([committed(group, topic), endOffsets(topic)]);
      return [...e].every(([p, end]) => c.get(p) === end);
    });

    // A second consumer joins: the first loses partitions, and their sub-sources complete.
    const [control2, done2] = Consumer.plainPartitionedSource(stringConsumer(group), Subscriptions.topics(topic)).toMat(Sink.ignore(), Keep.both).run();
    const completed: number[] = [];
    for (const s of subs) void s.done.then(() => completed.push(s.tp.partition));
    await eventually('a revoked sub-source completed', () => completed.length > 0, 30_000);
    expect(control.metrics().assignedPartitions.length).toBeLessThan(3);
    await Promise.all([control.shutdown(), control2.shutdown()]);
    await Promise.all([done, done2]);
  });

  it('replaces a cancelled sub-source with one that continues where it stopped', async () => {
    const topic = await createTopic(unique('part-cancel'), 1);
    await produce(
      topic,
      Array.from({ length: 1000 }, (_, i) => `v${i}`),
    );
    const values: string[] = [];
    let emitted = 0;
    const [control, done] = Consumer.plainPartitionedSource(
      stringConsumer(unique('part-cancel-group')).withMaxBufferedRecordsPerPartition(300),
      Subscriptions.topics(topic),
    )
      .toMat(
        Sink.foreach(([, source]) => {
          emitted++;
          // Each sub-source takes 250 records and cancels: four of them read the partition.
          void source
            .take(250)
            .runForeach((r) => void values.push(r.value!))
            .catch(() => undefined);
        }),
        Keep.both,
      )
      .run();
    await eventually('1000 records', () => values.length >= 1000, 30_000);
    expect(values).toEqual(Array.from({ length: 1000 }, (_, i) => `v${i}`));
    expect(emitted).toBeGreaterThanOrEqual(4);
    await control.shutdown();
    await done;
  });
});

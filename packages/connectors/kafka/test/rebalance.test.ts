/**
 * No duplicates from revoked partitions (the long-standing Alpakka bug): consumer A is slow and holds
 * fetched records of every partition when consumer B joins the group. At the rebalance A drops what it
 * fetched for the partitions it lost instead of emitting it; B reads those records from the committed
 * offset. Both run `atMostOnceSource` (commit, then emit), so any record emitted by A after losing its
 * partition would show up twice: every record is emitted exactly once across A and B.
 */

import { Keep, Sink } from '@tributary/core';
import { Consumer, type ConsumerRecord, Subscriptions, type TopicPartition } from '@tributary/kafka';
import { describe, expect, it } from 'vitest';
import { createTopic, eventually, produce, stringConsumer, unique } from './helpers.js';

const N = 8_000;

describe('rebalance', () => {
  it('drops records fetched for revoked partitions: with two consumers every record is emitted once', async () => {
    const topic = await createTopic(unique('rebalance'), 4);
    await produce(
      topic,
      Array.from({ length: N }, (_, i) => `v${i}`),
    );
    const group = unique('rebalance-group');
    const emitted = new Map<string, string[]>();
    const note = (who: string) => (r: ConsumerRecord<string | null, string | null>) => {
      const list = emitted.get(r.value!) ?? [];
      list.push(`${who}@${r.partition}`);
      emitted.set(r.value!, list);
    };
    const revokedFromA: TopicPartition[] = [];
    const lateFromA: string[] = [];
    const aAssigned = new Set<number>();

    // A: slow (throttled); it fetches ahead (up to 16 384 records or 4 MiB per partition: all of them).
    const aSettings = stringConsumer(group);
    const [controlA, doneA] = Consumer.atMostOnceSource(
      aSettings,
      Subscriptions.topics(topic).withRebalanceListener({
        onAssign: (tps) => tps.forEach((tp) => aAssigned.add(tp.partition)),
        onRevoke: (tps) => {
          revokedFromA.push(...tps);
          tps.forEach((tp) => aAssigned.delete(tp.partition));
        },
      }),
    )
      .throttle(1_000, 1_000)
      .toMat(
        Sink.foreach((r) => {
          if (!aAssigned.has(r.partition)) lateFromA.push(`${r.partition}:${r.offset}`);
          note('A')(r);
        }),
        Keep.both,
      )
      .run();
    await eventually('A consuming all 4 partitions', () => aAssigned.size === 4 && emitted.size >= 200, 30_000);
    await eventually('A holding fetched records', () => controlA.metrics().bufferedRecords >= N / 2, 30_000);

    // B joins: the group rebalances, A keeps two partitions.
    const [controlB, doneB] = Consumer.atMostOnceSource(stringConsumer(group), Subscriptions.topics(topic))
      .toMat(Sink.foreach(note('B')), Keep.both)
      .run();
    await eventually('A lost partitions', () => revokedFromA.length > 0, 30_000);
    await eventually('every record emitted', () => emitted.size === N, 60_000);

    const metricsA = controlA.metrics();
    await Promise.all([controlA.shutdown(), controlB.shutdown()]);
    await Promise.all([doneA, doneB]);

    const duplicates = [...emitted].filter(([, by]) => by.length > 1);
    expect(duplicates).toEqual([]);
    expect(lateFromA).toEqual([]);
    expect(metricsA.recordsDroppedOnRevoke).toBeGreaterThan(0);
    console.log(
      `rebalance: ${N} records emitted once each; A dropped ${metricsA.recordsDroppedOnRevoke} records fetched for ${revokedFromA.length} revoked partitions`,
    );
  });
});

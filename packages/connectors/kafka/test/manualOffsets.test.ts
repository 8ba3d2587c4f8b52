/**
 * Start offsets chosen by the user (`…PartitionedManualOffsetSource`) and offsets committed with metadata
 * (`commitWithMetadataSource`), against the broker.
 */

import { Keep, Materializer, Sink } from '@tributary/core';
import { Committer, CommitterSettings, Consumer, type ConsumerRecord, DrainingControl, Subscriptions, type TopicPartition } from '@tributary/kafka';
import { describe, expect, it } from 'vitest';
import { client, createTopic, eventually, sleep, stringConsumer, unique, withAdmin } from './helpers.js';

async function topicWithPartitions(partitions: number, perPartition: number): Promise<string> {
  const topic = await createTopic(unique('manual'), partitions);
  const producer = client().producer();
  await producer.connect();
  for (let p = 0; p < partitions; p++) {
    await producer.send({ topic, acks: -1, messages: Array.from({ length: perPartition }, (_, i) => ({ partition: p, value: `p${p}-${i}` })) });
  }
  await producer.disconnect();
  return topic;
}

type Rec = ConsumerRecord<string | null, string | null>;

describe('manual start offsets', () => {
  it('plainPartitionedManualOffsetSource starts each partition where getOffsetsOnAssign says, and reports revocations', async () => {
    const topic = await topicWithPartitions(3, 100);
    const group = unique('manual-group');
    const asked: TopicPartition[][] = [];
    const revoked: TopicPartition[] = [];
    const got = new Map<number, number[]>();
    const [control, done] = Consumer.plainPartitionedManualOffsetSource(
      stringConsumer(group),
      Subscriptions.topics(topic),
      async (tps) => {
        asked.push([...tps]);
        // Slow on purpose: kafkajs starts fetching before the answer is in; those records must not leak out.
        await sleep(500);
        return tps.filter((tp) => tp.partition !== 2).map((tp) => ({ ...tp, offset: tp.partition === 0 ? 50 : 90 }));
      },
      (tps) => revoked.push(...tps),
    )
      .toMat(
        Sink.foreach(([tp, source]) => {
          void source.runForeach((r: Rec) => void (got.get(tp.partition) ?? got.set(tp.partition, []).get(tp.partition)!).push(r.offset));
        }),
        Keep.both,
      )
      .run();
    await eventually(
      'every record from the chosen offsets',
      () => (got.get(0)?.length ?? 0) === 50 && (got.get(1)?.length ?? 0) === 10 && (got.get(2)?.length ?? 0) === 100,
      30_000,
    );
    expect(got.get(0)).toEqual(Array.from({ length: 50 }, (_, i) => 50 + i));
    expect(got.get(1)).toEqual(Array.from({ length: 10 }, (_, i) => 90 + i));
    expect(got.get(2)).toEqual(Array.from({ length: 100 }, (_, i) => i)); // no offset given: the committed one (none: earliest)
    expect(
      asked
        .flat()
        .map((tp) => tp.partition)
        .sort(),
    ).toEqual([0, 1, 2]);

    // A second member joins: the first one's revoked partitions are reported.
    const [control2, done2] = Consumer.plainPartitionedSource(stringConsumer(group), Subscriptions.topics(topic)).toMat(Sink.ignore(), Keep.both).run();
    await eventually('a partition revoked', () => revoked.length > 0, 30_000);
    expect(control.metrics().assignedPartitions.length).toBeLessThan(3);
    await Promise.all([control.shutdown(), control2.shutdown()]);
    await Promise.all([done, done2]);
  });

  it('committablePartitionedManualOffsetSource commits through Kafka from the chosen start', async () => {
    const topic = await topicWithPartitions(1, 100);
    const group = unique('manual-commit');
    const control = Consumer.committablePartitionedManualOffsetSource(stringConsumer(group), Subscriptions.topics(topic), async (tps) =>
      tps.map((tp) => ({ ...tp, offset: 60 })),
    )
      .flatMapMerge(4, ([, source]) => source.map((m) => m.committableOffset))
      .toMat(Committer.sink(CommitterSettings.create().withMaxBatch(10).withMaxInterval(100)), DrainingControl.create)
      .run();
    await eventually(
      'committed to the end',
      async () => {
        const [t] = await withAdmin((admin) => admin.fetchOffsets({ groupId: group, topics: [topic] }));
        return t!.partitions[0]!.offset === '100';
      },
      30_000,
    );
    await control.drainAndShutdown();
  });

  it('a getOffsetsOnAssign that rejects fails the source', async () => {
    const topic = await topicWithPartitions(1, 1);
    const [control, done] = Consumer.plainPartitionedManualOffsetSource(stringConsumer(unique('manual-fail')), Subscriptions.topics(topic), () =>
      Promise.reject(new Error('offset store down')),
    )
      .toMat(Sink.ignore(), Keep.both)
      .run(new Materializer({ logger: null }));
    await expect(done).rejects.toThrow('offset store down');
    await control.isShutdown;
  });
});

describe('commitWithMetadataSource', () => {
  it('commits each offset with the metadata computed from its record', async () => {
    const topic = await topicWithPartitions(1, 20);
    const group = unique('meta-commit');
    const control = Consumer.commitWithMetadataSource(stringConsumer(group), Subscriptions.topics(topic), (r) => `last=${r.value}`)
      .map((m) => m.committableOffset)
      .toMat(Committer.sink(CommitterSettings.create().withMaxBatch(5)), DrainingControl.create)
      .run();
    await eventually(
      'committed to the end',
      async () => {
        const [t] = await withAdmin((admin) => admin.fetchOffsets({ groupId: group, topics: [topic] }));
        return t!.partitions[0]!.offset === '20';
      },
      30_000,
    );
    await control.drainAndShutdown();
    const [t] = await withAdmin((admin) => admin.fetchOffsets({ groupId: group, topics: [topic] }));
    expect(t!.partitions[0]).toMatchObject({ offset: '20', metadata: 'last=p0-19' });
  });
});

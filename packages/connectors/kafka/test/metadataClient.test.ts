/**
 * MetadataClient against the broker: creating topics (idempotently), listing topics and partitions,
 * beginning / end / committed offsets, offsets for times; errors name the call.
 */

import { MetadataClient } from '@tributary/kafka';
import { describe, expect, it } from 'vitest';
import { client, stringConsumer, unique, withAdmin } from './helpers.js';

describe('MetadataClient', () => {
  it('creates topics and answers metadata and offset queries', async () => {
    const group = unique('meta-group');
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const socketsBefore = sockets();
    const metadata = MetadataClient.create(stringConsumer(group));
    const topic = unique('meta');
    expect(await metadata.createTopics([{ topic, numPartitions: 3, config: { 'retention.ms': '3600000' } }])).toEqual([topic]);
    expect(await metadata.createTopics([{ topic, numPartitions: 3 }])).toEqual([]);
    expect((await metadata.listTopics()).get(topic)?.map((p) => p.partition)).toEqual([0, 1, 2]);
    const partitions = await metadata.getPartitionsFor(topic);
    expect(partitions.map((p) => [p.topic, p.partition, p.leader >= 0, p.replicas.length])).toEqual([
      [topic, 0, true, 1],
      [topic, 1, true, 1],
      [topic, 2, true, 1],
    ]);

    // 10 records on partition 1 at timestamps 1000, 2000, …, 10000.
    const producer = client().producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 10 }, (_, i) => ({ partition: 1, value: `v${i}`, timestamp: String((i + 1) * 1000) })),
    });
    await producer.disconnect();
    const tp = (partition: number) => ({ topic, partition });
    expect(await metadata.getBeginningOffsets([tp(1), tp(0)])).toEqual([
      { ...tp(1), offset: 0 },
      { ...tp(0), offset: 0 },
    ]);
    expect(await metadata.getEndOffsets([tp(1), tp(0)])).toEqual([
      { ...tp(1), offset: 10 },
      { ...tp(0), offset: 0 },
    ]);
    expect(await metadata.getOffsetsForTimes([tp(1)], 4500)).toEqual([{ ...tp(1), offset: 4 }]);
    expect(await metadata.getCommittedOffsets([tp(1)])).toEqual([{ ...tp(1), offset: -1 }]);
    await withAdmin((admin) => admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 1, offset: '7' }] }));
    expect(await metadata.getCommittedOffsets([tp(1), tp(2)])).toEqual([
      { ...tp(1), offset: 7 },
      { ...tp(2), offset: -1 },
    ]);
    await expect(metadata.getEndOffsets([tp(9)])).rejects.toThrow(`MetadataClient.getEndOffsets: topic ${topic} has no partition 9`);
    await metadata.close();
    await expect(metadata.listTopics()).rejects.toThrow('MetadataClient.listTopics: the client is closed');
    // Its admin client's connections are closed.
    expect(sockets()).toBeLessThanOrEqual(socketsBefore);
  });

  it('rejects bad arguments naming the call', async () => {
    const noGroup = MetadataClient.create(stringConsumer('g').withGroupId('x'));
    expect(() => MetadataClient.create(stringConsumer('g'), { timeoutMs: 0 })).toThrow(
      'MetadataClient.create: timeoutMs must be a positive finite number of milliseconds, got 0',
    );
    expect(() => noGroup.createTopics([{ topic: 'x', numPartitions: 0 }])).toThrow(
      'MetadataClient.createTopics: numPartitions must be a positive integer, got 0',
    );
    expect(() => noGroup.getPartitionsFor('')).toThrow('MetadataClient.getPartitionsFor: topic must be a non-empty string, got ""');
    await noGroup.close();
  });
});

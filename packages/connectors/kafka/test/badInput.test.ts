/**
 * Bad input: a record whose value is not valid JSON fails the stream with an error that names its topic,
 * partition and offset; the offsets of the records before it are committed (the committer flushes its
 * partial batch on failure) and nothing after it is. With a resuming supervision strategy the record is
 * skipped instead.
 */

import { Attributes, Keep, Materializer, Sink, Supervision } from '@tributary/core';
import { Committer, CommitterSettings, Consumer, Deserializers, KafkaDeserializationError, Subscriptions } from '@tributary/kafka';
import { describe, expect, it } from 'vitest';
import { committed, createTopic, produce, stringConsumer, unique } from './helpers.js';

const good = (i: number) => JSON.stringify({ n: i });

async function topicWithOneBadRecord(): Promise<string> {
  const topic = await createTopic(unique('bad'), 1);
  await produce(topic, [...Array.from({ length: 50 }, (_, i) => good(i)), '{"n": oops', ...Array.from({ length: 50 }, (_, i) => good(51 + i))]);
  return topic;
}

describe('bad input', () => {
  it('fails the stream naming topic/partition/offset, and commits nothing after the bad record', async () => {
    const topic = await topicWithOneBadRecord();
    const group = unique('bad-group');
    const settings = stringConsumer(group).withValueDeserializer(Deserializers.json<{ n: number }>());
    const processed: number[] = [];
    const [control, done] = Consumer.committableSource(settings, Subscriptions.topics(topic))
      .map((msg) => {
        processed.push(msg.record.value!.n);
        return msg.committableOffset;
      })
      .toMat(Committer.sink(CommitterSettings.create().withMaxBatch(1000).withMaxInterval(60_000)), Keep.both)
      .run(new Materializer({ logger: null }));
    const error = await done.then(
      () => {
        throw new Error('the stream should have failed');
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KafkaDeserializationError);
    const e = error as KafkaDeserializationError;
    expect([e.topic, e.partition, e.offset, e.field]).toEqual([topic, 0, 50, 'value']);
    expect(e.message).toContain(`committableSource: cannot deserialize the value of the record at topic=${topic} partition=0 offset=50`);
    expect(processed).toEqual(Array.from({ length: 50 }, (_, i) => i));
    await control.isShutdown;
    // The 50 good records before it were committed (the partial batch was flushed), nothing after it.
    expect(await committed(group, topic)).toEqual(new Map([[0, 50]]));
  });

  it('skips the bad record when the supervision strategy says resume', async () => {
    const topic = await topicWithOneBadRecord();
    const settings = stringConsumer(unique('bad-resume')).withValueDeserializer(Deserializers.json<{ n: number }>());
    const [control, values] = Consumer.plainSource(settings, Subscriptions.topics(topic))
      .withAttributes(Attributes.supervisionStrategy(Supervision.resume))
      .map((r) => r.value!.n)
      .take(100)
      .toMat(Sink.seq(), Keep.both)
      .run();
    const got = await values;
    expect(got).toHaveLength(100);
    expect(got).not.toContain(50);
    await control.isShutdown;
  });
});

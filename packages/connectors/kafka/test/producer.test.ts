/**
 * Producer stages against the broker: plainSink, flexiFlow (single / multi / pass-through envelopes,
 * results carrying the pass-through value and where each record was written), committableSink
 * (topic → topic, at-least-once), and serialization failures.
 */

import { Materializer, Sink, Source } from '@tributary/core';
import {
  CommitterSettings,
  Consumer,
  DrainingControl,
  type Envelope,
  KafkaSerializationError,
  Producer,
  ProducerMessage,
  ProducerSettings,
  type Results,
  Serializers,
  Subscriptions,
} from '@tributary/kafka';
import { describe, expect, it } from 'vitest';
import { committed, createTopic, endOffsets, eventually, readAll, stringConsumer, stringProducer, unique } from './helpers.js';

describe('Producer', () => {
  it('plainSink produces every record', async () => {
    const topic = await createTopic(unique('plain-sink'), 3);
    await Source.range(1, 5000)
      .map((n) => ({ topic, key: `k${n}`, value: `v${n}` }))
      .runWith(Producer.plainSink(stringProducer()));
    const got = await readAll(topic, 5000);
    expect(new Set(got.map((r) => r.value)).size).toBe(5000);
    // Same key, same partition (the Java client's murmur2 partitioning).
    const byKey = new Map(got.map((r) => [r.key, r.partition]));
    expect(got.every((r) => byKey.get(r.key) === r.partition)).toBe(true);
  });

  it('flexiFlow emits results in order, with pass-through values, partitions and offsets', async () => {
    const topic = await createTopic(unique('flexi'), 2);
    const envelopes: Envelope<string | null, string | null, number>[] = [
      ProducerMessage.single({ topic, key: 'a', value: 'one' }, 1),
      ProducerMessage.multi(
        [
          { topic, key: 'b', value: 'two' },
          { topic, partition: 1, value: 'three' },
        ],
        2,
      ),
      ProducerMessage.passThrough<number>(3),
      ProducerMessage.multi<string | null, string | null, number>([], 4),
      ProducerMessage.single({ topic, partition: 0, value: 'five', headers: { h: 'x' } }, 5),
    ];
    const results: Results<string | null, string | null, number>[] = await Source.from(envelopes)
      .via(Producer.flexiFlow<string | null, string | null, number>(stringProducer()))
      .runWith(Sink.seq());
    expect(results.map((r) => [r.kind, r.passThrough])).toEqual([
      ['result', 1],
      ['multiResult', 2],
      ['passThroughResult', 3],
      ['multiResult', 4],
      ['result', 5],
    ]);
    // Every reported (partition, offset) holds the record that was sent.
    const written = await readAll(topic, 4);
    const at = (partition: number, offset: number) => written.find((w) => w.partition === partition && w.offset === offset)?.value;
    const r0 = results[0]!;
    const r1 = results[1]!;
    const r4 = results[4]!;
    if (r0.kind !== 'result' || r1.kind !== 'multiResult' || r4.kind !== 'result') throw new Error('unexpected result kinds');
    expect(at(r0.metadata.partition, r0.metadata.offset)).toBe('one');
    expect(r1.parts.map((p) => at(p.metadata.partition, p.metadata.offset))).toEqual(['two', 'three']);
    expect(r1.parts[1]!.metadata.partition).toBe(1);
    expect(r4.metadata).toMatchObject({ topic, partition: 0 });
    expect(at(0, r4.metadata.offset)).toBe('five');
    expect(r4.message.record.value).toBe('five');
  });

  it('committableSink copies a topic and commits the consumed offsets', async () => {
    const input = await createTopic(unique('copy-in'), 2);
    const output = await createTopic(unique('copy-out'), 2);
    await Source.range(0, 1999)
      .map((n) => ({ topic: input, key: String(n), value: `v${n}` }))
      .runWith(Producer.plainSink(stringProducer()));
    const group = unique('copy-group');
    let n = 0;
    const control = Consumer.committableSource(stringConsumer(group), Subscriptions.topics(input))
      .map((msg) => {
        n++;
        return ProducerMessage.single({ topic: output, key: msg.record.key, value: msg.record.value!.toUpperCase() }, msg.committableOffset);
      })
      .toMat(Producer.committableSink(stringProducer(), CommitterSettings.create().withMaxBatch(500)), DrainingControl.create)
      .run();
    await eventually('2000 copied', () => n >= 2000, 30_000);
    await control.drainAndShutdown();
    expect(await committed(group, input)).toEqual(await endOffsets(input));
    const out = await readAll(output, 2000);
    expect(new Set(out.map((r) => r.value)).size).toBe(2000);
    expect(out.every((r) => r.value.startsWith('V'))).toBe(true);
  });

  it('fails the stage when a value cannot be serialized', async () => {
    const topic = await createTopic(unique('ser'), 1);
    const settings = ProducerSettings.create(Serializers.string, Serializers.json<unknown>())
      .withBootstrapServers(stringProducer().bootstrapServers)
      .withKafkaLogLevel('nothing');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const done = Source.from([
      { topic, value: { ok: true } },
      { topic, value: cyclic },
    ]).runWith(Producer.plainSink(settings), new Materializer({ logger: null }));
    const error = await done.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KafkaSerializationError);
    expect(String((error as Error).message)).toContain(`Producer.plainSink: cannot serialize the value of a message for topic=${topic}`);
  });

  it('plainSink and flexiFlow need no broker to be built, but fail the stream if it is unreachable', async () => {
    const settings = stringProducer('127.0.0.1:1').withRetry({ retries: 0 }).withConnectionTimeout(200);
    const done = Source.single({ topic: 't', value: 'x' }).runWith(Producer.plainSink(settings), new Materializer({ logger: null }));
    await expect(done).rejects.toThrow();
  });
});

/**
 * The context variants against the broker: `Consumer.sourceWithOffsetContext` → `Producer.flowWithContext`
 * → `Committer.sinkWithOffsetContext` (commit after produce, no offsets threaded by hand), with
 * `Producer.committableSinkWithOffsetContext` and `Committer.flowWithOffsetContext`; and the transactional
 * trio `Transactional.sourceWithOffsetContext` → `flowWithOffsetContext` / `sinkWithOffsetContext`, read
 * back `read_committed`; `Consumer.sourceWithOffsetTuples` (the pairs as a plain `Source`); bad input.
 */

import { Keep, Materializer, Sink, Source, SourceWithContext } from '@tributary/core';
import {
  CommittableOffsetBatch,
  Committer,
  CommitterSettings,
  Consumer,
  type ConsumerSettings,
  DrainingControl,
  Producer,
  ProducerMessage,
  Subscriptions,
  Transactional,
} from '@tributary/kafka';
import { describe, expect, it } from 'vitest';
import { committed, createTopic, endOffsets, eventually, produce, readAll, stringConsumer, stringProducer, unique } from './helpers.js';

const N = 3000;
const allCommitted = async (group: string, topic: string) => {
  const [c, e] = await Promise.all([committed(group, topic), endOffsets(topic)]);
  return [...e].every(([p, end]) => c.get(p) === end);
};

describe('context variants', () => {
  it('sourceWithOffsetContext → Producer.flowWithContext → Committer.sinkWithOffsetContext: produce, then commit', async () => {
    const input = await createTopic(unique('ctx-in'), 3);
    const output = await createTopic(unique('ctx-out'), 3);
    await produce(
      input,
      Array.from({ length: N }, (_, i) => `v${i}`),
    );
    const group = unique('ctx-group');
    const control = Consumer.sourceWithOffsetContext(stringConsumer(group), Subscriptions.topics(input))
      // Every third record produces nothing: its offset is still committed (a passThrough envelope).
      .map((r) =>
        Number(r.value!.slice(1)) % 3 === 0
          ? ProducerMessage.passThrough(undefined)
          : ProducerMessage.single({ topic: output, key: r.key, value: r.value!.toUpperCase() }),
      )
      .via(Producer.flowWithContext(stringProducer()))
      .toMat(Committer.sinkWithOffsetContext(CommitterSettings.create().withMaxBatch(200).withMaxInterval(100)), DrainingControl.create)
      .run();
    await eventually('every offset committed', () => allCommitted(group, input), 60_000);
    await control.drainAndShutdown();
    const out = await readAll(output, N - N / 3);
    expect(out.length).toBe(N - N / 3);
    expect(out.every((r) => r.value.startsWith('V'))).toBe(true);
  });

  it('Producer.committableSinkWithOffsetContext, and Committer.flowWithOffsetContext emitting committed batches', async () => {
    const input = await createTopic(unique('ctx-in2'), 2);
    const output = await createTopic(unique('ctx-out2'), 2);
    await produce(
      input,
      Array.from({ length: N }, (_, i) => `v${i}`),
    );
    const group = unique('ctx-group2');
    const control = Consumer.sourceWithOffsetContext(stringConsumer(group), Subscriptions.topics(input))
      .filter((r) => r.offset % 2 === 0) // filtered records: their offsets are covered by later commits
      .map((r) => ProducerMessage.single<string | null, string | null>({ topic: output, value: r.value }))
      .toMat(
        Producer.committableSinkWithOffsetContext(stringProducer(), CommitterSettings.create().withMaxBatch(100).withMaxInterval(100)),
        DrainingControl.create,
      )
      .run();
    const ends = await endOffsets(input);
    await eventually(
      'committed up to the last even offset of each partition',
      async () => {
        const c = await committed(group, input);
        return [...ends].every(([p, end]) => (c.get(p) ?? 0) >= end - 1);
      },
      60_000,
    );
    await control.drainAndShutdown();

    const group3 = unique('ctx-group3');
    const [control3, batches] = Consumer.sourceWithOffsetContext(stringConsumer(group3), Subscriptions.topics(input))
      .via(Committer.flowWithOffsetContext(CommitterSettings.create().withMaxBatch(1000)))
      .asSource()
      .take(2)
      .toMat(Sink.seq(), Keep.both)
      .run();
    const got = await batches;
    expect(got.every(([notUsed, batch]) => notUsed === undefined && batch instanceof CommittableOffsetBatch && batch.batchSize === 1000)).toBe(true);
    await control3.isShutdown;
  });

  it('Transactional.sourceWithOffsetContext → flowWithOffsetContext, and → sinkWithOffsetContext: read_committed sees each record once', async () => {
    for (const variant of ['flow', 'sink'] as const) {
      const input = await createTopic(unique(`ctx-tx-in-${variant}`), 2);
      const output = await createTopic(unique(`ctx-tx-out-${variant}`), 2);
      await produce(
        input,
        Array.from({ length: N }, (_, i) => `v${i}`),
      );
      const group = unique(`ctx-tx-group-${variant}`);
      const producer = stringProducer().withTransactionalId(unique(`ctx-tx-${variant}`));
      const source = Transactional.sourceWithOffsetContext(stringConsumer(group), Subscriptions.topics(input)).map((r) =>
        ProducerMessage.single({ topic: output, key: r.key, value: r.value }),
      );
      const [control, done] =
        variant === 'flow'
          ? source.via(Transactional.flowWithOffsetContext(producer)).toMat(Sink.ignore(), Keep.both).run()
          : source.toMat(Transactional.sinkWithOffsetContext(producer), Keep.both).run();
      await eventually('every offset committed', () => allCommitted(group, input), 60_000);
      await control.shutdown();
      await done;
      const out = await readAll(output, N, { readCommitted: true });
      expect(out.length).toBe(N);
      expect(new Set(out.map((r) => r.value)).size).toBe(N);
    }
  });

  it('Consumer.sourceWithOffsetTuples: the same records and offsets as [record, offset] pairs of a plain Source', async () => {
    const input = await createTopic(unique('ctx-tuples'), 1);
    await produce(
      input,
      Array.from({ length: 10 }, (_, i) => `v${i}`),
    );
    const [control, pairs] = Consumer.sourceWithOffsetTuples(stringConsumer(unique('ctx-tuples-group')), Subscriptions.topics(input))
      .take(10)
      .toMat(Sink.seq(), Keep.both)
      .run();
    const got = await pairs;
    expect(got.map(([record]) => record.value)).toEqual(Array.from({ length: 10 }, (_, i) => `v${i}`));
    expect(got.every(([record, offset]) => offset.partitionOffset.offset === record.offset && offset.partitionOffset.key.topic === input)).toBe(true);
    await control.isShutdown;
  });

  it('bad input: each context factory names itself; a non-envelope fails the stream naming what arrived', async () => {
    const notSettings = {} as unknown as ConsumerSettings<string, string>;
    expect(() => Consumer.sourceWithOffsetContext(notSettings, Subscriptions.topics('t'))).toThrow(/^Consumer\.sourceWithOffsetContext: settings/);
    expect(() => Transactional.sourceWithOffsetContext(notSettings, Subscriptions.topics('t'))).toThrow(/^Transactional\.sourceWithOffsetContext: settings/);
    expect(() => Transactional.sourceWithOffsetContext(stringConsumer(unique('g')), 'orders' as never)).toThrow(
      /^Transactional\.sourceWithOffsetContext: subscription must come from Subscriptions, got/,
    );
    expect(() => Producer.flowWithContext({} as never)).toThrow(/^Producer\.flowWithContext: /);
    expect(() => Transactional.flowWithOffsetContext(stringProducer())).toThrow(/^Transactional\.flowWithOffsetContext: .*transactional/i);

    const output = await createTopic(unique('ctx-bad'), 1);
    const done = SourceWithContext.fromTuples(Source.single(['not an envelope' as never, 7] as const))
      .via(Producer.flowWithContext<string | null, string | null, number>(stringProducer()))
      .asSource()
      .runWith(Sink.ignore(), new Materializer({ logger: null }));
    await expect(done).rejects.toThrow(/^Producer\.flowWithContext: expected a ProducerMessage envelope \(single, multi or passThrough\), got/);
    expect((await endOffsets(output)).get(0)).toBe(0);
  });
});

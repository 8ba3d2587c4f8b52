/**
 * Testing Kafka flows without a broker: messages from ConsumerResultFactory through a source with a
 * Control (ConsumerControlFactory), committed by the real Committer into a function, drained with
 * DrainingControl; producer results from ProducerResultFactory standing in for the producer.
 */

import { Flow, Sink, Source } from '@tributary/core';
import {
  type CommitOffset,
  Committer,
  CommitterSettings,
  ConsumerControlFactory,
  ConsumerResultFactory,
  DrainingControl,
  type Envelope,
  ProducerMessage,
  ProducerResultFactory,
  type Results,
} from '@tributary/kafka';
import { describe, expect, it } from 'vitest';

describe('testkit factories', () => {
  it('run a consume → commit flow with DrainingControl and no broker; offsets carry their metadata', async () => {
    const commits: CommitOffset[][] = [];
    const committer = ConsumerResultFactory.committer('group', async (offsets) => void commits.push([...offsets]));
    const messages = [0, 1, 2, 3].map((offset) =>
      ConsumerResultFactory.committableMessage(
        ConsumerResultFactory.consumerRecord('orders', offset % 2, offset, `k${offset}`, `v${offset}`),
        ConsumerResultFactory.committableOffset(committer, 'orders', offset % 2, offset, offset === 3 ? 'm3' : undefined),
      ),
    );
    const seen: string[] = [];
    const control = ConsumerControlFactory.controlSource(Source.from(messages).concat(Source.never()))
      .map((m) => {
        seen.push(m.record.value);
        return m.committableOffset;
      })
      .toMat(Committer.sink(CommitterSettings.create().withMaxBatch(100)), DrainingControl.create)
      .run();
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual(['v0', 'v1', 'v2', 'v3']);
    // The source never completes by itself: drainAndShutdown stops it, and the last batch is committed.
    await control.drainAndShutdown();
    await control.isShutdown;
    expect(commits).toEqual([
      [
        { topic: 'orders', partition: 0, offset: 3 },
        { topic: 'orders', partition: 1, offset: 4, metadata: 'm3' },
      ],
    ]);
    expect(control.metrics().recordsEmitted).toBe(0);
  });

  it('build transactional messages and producer results', async () => {
    const po = ConsumerResultFactory.partitionOffset('g', 't', 2, 41);
    const tm = ConsumerResultFactory.transactionalMessage(ConsumerResultFactory.consumerRecord('t', 2, 41, null, 'x'), po);
    expect(tm.partitionOffset).toEqual({ key: { groupId: 'g', topic: 't', partition: 2 }, offset: 41 });
    const envelopes: Envelope<string, string, number>[] = [
      ProducerMessage.single({ topic: 'out', value: 'a' }, 1),
      ProducerMessage.multi(
        [
          { topic: 'out', value: 'b' },
          { topic: 'out2', value: 'c' },
        ],
        2,
      ),
      ProducerMessage.passThrough<number>(3),
    ];
    const results: Results<string, string, number>[] = await Source.from(envelopes)
      .via(Flow.create<Envelope<string, string, number>>().map((e) => ProducerResultFactory.resultOf(e, 5, 7)))
      .runWith(Sink.seq());
    expect(results.map((r) => [r.kind, r.passThrough])).toEqual([
      ['result', 1],
      ['multiResult', 2],
      ['passThroughResult', 3],
    ]);
    const multi = results[1]!;
    if (multi.kind !== 'multiResult') throw new Error('expected a multiResult');
    expect(multi.parts.map((p) => p.metadata)).toEqual([
      { topic: 'out', partition: 5, offset: 7 },
      { topic: 'out2', partition: 5, offset: 7 },
    ]);
    expect(() => ConsumerResultFactory.committableOffset({} as never, 't', 0, 0)).toThrow(
      'ConsumerResultFactory.committableOffset: committer must come from ConsumerResultFactory.committer(...)',
    );
  });
});

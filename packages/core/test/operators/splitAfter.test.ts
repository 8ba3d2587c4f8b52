import { Attributes, Flow, Sink, Source, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

const collect = <T>(acc: T[], x: T): T[] => [...acc, x];

describe('splitAfter', () => {
  it('ends the current substream after each element for which p holds', async () => {
    const out = await Source.from([1, 2, 0, 3, 0, 4])
      .splitAfter((x) => x === 0)
      .fold([] as number[], collect)
      .concatSubstreams()
      .runWith(Sink.seq());
    expect(out).toEqual([[1, 2, 0], [3, 0], [4]]);
  });

  it('never emits an empty substream (a last element matching p ends the stream cleanly)', async () => {
    expect(
      await Source.from([0, 0, 1, 0])
        .splitAfter((x) => x === 0)
        .fold([] as number[], collect)
        .concatSubstreams()
        .runWith(Sink.seq()),
    ).toEqual([[0], [0], [1, 0]]);
  });

  it('feeds the current substream on its demand and opens the next one with the next element', async () => {
    const [up, down] = probe(
      Flow.create<number>()
        .splitAfter((x) => x === 0)
        .fold(0, (a, x) => a + x + 1)
        .concatSubstreams(),
    );
    down.request(5);
    await up.expectRequest();
    up.sendNextN([1, 0, 5]);
    await down.expectNext(3);
    await down.expectNoMessageWhenIdle();
    up.sendComplete();
    await down.expectNext(6);
    await down.expectComplete();
  });

  it('default (stopping) supervision: a cancelled substream cancels the stream (Pekko)', async () => {
    const out = await Source.from([1, 2, 0, 3, 4, 0, 5])
      .splitAfter((x) => x === 0)
      .take(1)
      .concatSubstreams()
      .runWith(Sink.seq());
    expect(out).toEqual([1]);
  });

  it('a cancelled substream is drained until its end with the drain strategy, or with resume supervision', async () => {
    const split = (strategy?: 'drain') =>
      Source.from([1, 2, 0, 3, 4, 0, 5])
        .splitAfter((x) => x === 0, strategy)
        .take(1)
        .concatSubstreams();
    expect(await split('drain').runWith(Sink.seq())).toEqual([1, 3, 5]);
    expect(await split().withAttributes(Attributes.supervisionStrategy(Supervision.resume)).runWith(Sink.seq())).toEqual([1, 3, 5]);
  });

  it('fails with upstream’s error', async () => {
    const e = boom();
    await expect(
      Source.from([1, 0, 2])
        .concat(Source.failed<number>(e))
        .splitAfter((x) => x === 0)
        .concatSubstreams()
        .runWith(Sink.seq()),
    ).rejects.toBe(e);
  });
});

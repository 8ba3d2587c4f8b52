import { Attributes, Flow, Materializer, Sink, Source, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

const len = (s: string): number => s.length;
const quiet = () => new Materializer({ logger: null });

describe('groupedWeighted', () => {
  it('emits a group once its total cost reaches minWeight; the last group may weigh less (doc example)', async () => {
    expect(await Source.from(['ab', 'c', 'def', 'g']).groupedWeighted(3, len).runWith(Sink.seq())).toEqual([['ab', 'c'], ['def'], ['g']]);
  });

  it('a group may weigh more than minWeight (it closes at the element that reaches it)', async () => {
    expect(
      await Source.from([1, 5, 1, 1, 1])
        .groupedWeighted(3, (x) => x)
        .runWith(Sink.seq()),
    ).toEqual([
      [1, 5],
      [1, 1, 1],
    ]);
  });

  it('free elements (cost 0) join the current group', async () => {
    expect(
      await Source.from([0, 0, 2, 0, 2])
        .groupedWeighted(2, (x) => x)
        .runWith(Sink.seq()),
    ).toEqual([
      [0, 0, 2],
      [0, 2],
    ]);
  });

  it('pulls only for the group downstream asked for', async () => {
    const [up, down] = probe(Flow.create<number>().groupedWeighted(4, (x) => x));
    down.request(1);
    up.sendNextN([1, 3, 2, 2, 9]);
    await down.expectNext([1, 3]);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 2);
    down.request(1);
    await down.expectNext([2, 2]);
    await expectRequests(up, 2);
    down.cancel();
    await up.expectCancellation();
  });

  it('on completion emits the partial group when demanded, then completes; nothing for an empty stream', async () => {
    const [up, down] = probe(Flow.create<number>().groupedWeighted(10, (x) => x));
    down.request(1);
    up.sendNextN([1, 2]).sendComplete();
    await down.expectNext([1, 2]);
    await down.expectComplete();
    expect(
      await Source.empty<number>()
        .groupedWeighted(1, () => 1)
        .runWith(Sink.seq()),
    ).toEqual([]);
  });

  it('a negative or non-numeric cost fails the stream naming the element, whatever the supervision', async () => {
    await expect(
      Source.from([1, -2])
        .groupedWeighted(3, (x) => x)
        .runWith(Sink.seq(), quiet()),
    ).rejects.toThrow('groupedWeighted: costFn must return a non-negative number, got -2 for element -2');
    const resumed = Source.from(['a'])
      .groupedWeighted(3, () => Number.NaN)
      .withAttributes(Attributes.supervisionStrategy(Supervision.resume));
    await expect(resumed.runWith(Sink.seq(), quiet())).rejects.toThrow(RangeError);
  });

  it('a throwing costFn: stop fails with the error, resume drops the element, restart also drops the partial group', async () => {
    const e = boom();
    const cost = (x: number) => {
      if (x === 0) throw e;
      return x;
    };
    const src = Source.from([1, 1, 0, 1, 2]).groupedWeighted(3, cost);
    await expect(src.runWith(Sink.seq(), quiet())).rejects.toBe(e);
    expect(await src.withAttributes(Attributes.supervisionStrategy(Supervision.resume)).runWith(Sink.seq())).toEqual([[1, 1, 1], [2]]);
    expect(await src.withAttributes(Attributes.supervisionStrategy(Supervision.restart)).runWith(Sink.seq())).toEqual([[1, 2]]);
  });

  it('propagates upstream failure with the original error', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().groupedWeighted(5, (x) => x));
    down.request(1);
    up.sendNext(1);
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('validates its arguments', () => {
    expect(() => Source.single(1).groupedWeighted(0, () => 1)).toThrow('groupedWeighted: minWeight must be a positive number, got 0');
    expect(() => Source.single(1).groupedWeighted(Number.NaN, () => 1)).toThrow('groupedWeighted: minWeight must be a positive number, got NaN');
    expect(() => Source.single(1).groupedWeighted(2, 'length' as never)).toThrow('groupedWeighted: costFn must be a function, got "length"');
  });
});

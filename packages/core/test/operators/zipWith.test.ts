import { Attributes, Sink, Source, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe2 } from '../graph/harness.js';

describe('zipWith', () => {
  it('combines one element of each side with f', async () => {
    expect(
      await Source.from([1, 2, 3])
        .zipWith(Source.from([10, 20, 30, 40]), (x, y) => x + y)
        .runWith(Sink.seq()),
    ).toEqual([11, 22, 33]);
  });

  it('emits only on demand', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.zipWith(y, (p, q) => p * q));
    a.sendNext(2);
    b.sendNext(3);
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(6);
    down.cancel();
  });

  it('a throwing f fails the stream with that error; resume drops the pair', async () => {
    const e = boom();
    const f = (x: number, y: number) => {
      if (x === 2) throw e;
      return x + y;
    };
    await expect(
      Source.from([1, 2, 3])
        .zipWith(Source.from([1, 1, 1]), f)
        .runWith(Sink.seq()),
    ).rejects.toBe(e);
    const resumed = Source.from([1, 2, 3])
      .zipWith(Source.from([1, 1, 1]), f)
      .withAttributes(Attributes.supervisionStrategy(Supervision.resumingDecider));
    expect(await resumed.runWith(Sink.seq())).toEqual([2, 4]);
  });

  it('fails with an input’s error', async () => {
    const e = boom();
    const { a, down } = probe2<number, number, number>((x, y) => x.zipWith(y, (p, q) => p + q));
    down.request(1);
    a.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('requires a function', () => {
    expect(() => Source.single(1).zipWith(Source.single(2), 3 as never)).toThrow(/zipWith: f must be a function/);
  });
});

import { Interleave, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe2 } from '../graph/harness.js';

describe('interleave', () => {
  it('alternates segments of segmentSize, then the rest of the longer input', async () => {
    expect(
      await Source.from([1, 2, 3, 4])
        .interleave(Source.from([10, 20, 30]), 2)
        .runWith(Sink.seq()),
    ).toEqual([1, 2, 10, 20, 3, 4, 30]);
    expect(
      await Source.from([1, 2, 3, 4, 5, 6])
        .interleave(Source.from([10]), 1)
        .runWith(Sink.seq()),
    ).toEqual([1, 10, 2, 3, 4, 5, 6]);
  });

  it('pulls only the current input, only on demand', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.interleave(y, 1));
    await a.expectNoMessageWhenIdle();
    await b.expectNoMessageWhenIdle();
    down.request(1);
    await a.expectRequest();
    await b.expectNoMessageWhenIdle();
    a.sendNext(1);
    await down.expectNext(1);
    down.request(1);
    await b.expectRequest();
    b.sendNext(10);
    await down.expectNext(10);
    down.cancel();
  });

  it('completes when both inputs completed, or with eagerClose when either did', async () => {
    expect(await Source.from([1, 2, 3]).interleave(Source.empty<number>(), 1).runWith(Sink.seq())).toEqual([1, 2, 3]);
    const { a, b, down } = probe2<number, number, number>((x, y) => x.interleave(y, 1, true));
    down.request(3);
    a.sendNext(1);
    await down.expectNext(1);
    b.sendComplete();
    await down.expectComplete();
    await a.expectCancellation();
  });

  it('fails with either input’s error', async () => {
    const e = boom();
    await expect(Source.single(1).interleave(Source.failed<number>(e), 1).runWith(Sink.seq())).rejects.toBe(e);
  });

  it('validates segmentSize at build time', () => {
    expect(() => Source.single(1).interleave(Source.single(2), 0)).toThrow(/interleave: segmentSize must be a positive integer, got 0/);
    expect(() => Interleave.create<number>(0, 1)).toThrow(/Interleave: inputs must be a positive integer/);
  });
});

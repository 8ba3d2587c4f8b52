import { Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe2 } from '../graph/harness.js';

describe('prepend', () => {
  it('emits the other stream first, then this one', async () => {
    expect(
      await Source.from([3, 4])
        .prepend(Source.from([1, 2]))
        .runWith(Sink.seq()),
    ).toEqual([1, 2, 3, 4]);
  });

  it('pulls both at start (one element each); this stream waits until the other completed', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.prepend(y));
    await a.expectRequest();
    await b.expectRequest();
    a.sendNext(3);
    down.request(1);
    await down.expectNoMessageWhenIdle();
    b.sendNext(1);
    await down.expectNext(1);
    b.sendComplete();
    down.request(2);
    await down.expectNext(3);
    a.sendComplete();
    await down.expectComplete();
  });

  it('fails with either input’s error', async () => {
    const e = boom();
    await expect(Source.single(1).prepend(Source.failed<number>(e)).runWith(Sink.seq())).rejects.toBe(e);
  });
});

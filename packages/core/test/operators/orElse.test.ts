import { Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe2 } from '../graph/harness.js';

describe('orElse', () => {
  it('passes this stream and ignores the secondary if this stream emits', async () => {
    expect(
      await Source.from([1, 2])
        .orElse(Source.from([9]))
        .runWith(Sink.seq()),
    ).toEqual([1, 2]);
  });

  it('switches to the secondary when this stream completes empty', async () => {
    expect(
      await Source.empty<number>()
        .orElse(Source.from([9, 10]))
        .runWith(Sink.seq()),
    ).toEqual([9, 10]);
  });

  it('cancels the secondary as soon as this stream emits its first element', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.orElse(y));
    down.request(1);
    await a.expectRequest();
    await b.expectNoMessageWhenIdle(); // not pulled before the switch
    a.sendNext(1);
    await down.expectNext(1);
    await b.expectCancellation();
    a.sendComplete();
    await down.expectComplete();
  });

  it('pulls the secondary only on demand after the switch', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.orElse(y));
    a.sendComplete();
    await b.expectNoMessageWhenIdle();
    down.request(1);
    await b.expectRequest();
    b.sendNext(5).sendComplete();
    await down.expectNext(5);
    await down.expectComplete();
  });

  it('completes when this stream completes empty and the secondary already completed', async () => {
    expect(await Source.empty<number>().orElse(Source.empty<number>()).runWith(Sink.seq())).toEqual([]);
  });

  it('fails with this stream’s or the secondary’s error', async () => {
    const e = boom();
    await expect(Source.failed<number>(e).orElse(Source.single(1)).runWith(Sink.seq())).rejects.toBe(e);
    await expect(Source.empty<number>().orElse(Source.failed<number>(e)).runWith(Sink.seq())).rejects.toBe(e);
  });
});

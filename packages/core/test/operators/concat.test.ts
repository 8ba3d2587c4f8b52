import { Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe2 } from '../graph/harness.js';

describe('concat', () => {
  it('emits this stream, then the other', async () => {
    expect(
      await Source.from([1, 2])
        .concat(Source.from([3, 4]))
        .runWith(Sink.seq()),
    ).toEqual([1, 2, 3, 4]);
    expect(
      await Source.empty<number>()
        .concat(Source.from([3]))
        .runWith(Sink.seq()),
    ).toEqual([3]);
  });

  it('is detached: both inputs are pulled once at start, each keeping one element buffered', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.concat(y));
    await a.expectRequest();
    await b.expectRequest(); // pulled before its turn (Akka's concat)
    b.sendNext(10);
    a.sendNext(1);
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(1);
    await a.expectRequest(); // refilled right away
    down.request(1);
    await down.expectNoMessageWhenIdle(); // b's element waits for a to complete
    a.sendComplete();
    await down.expectNext(10);
    await b.expectRequest();
    b.sendComplete();
    down.request(1);
    await down.expectComplete();
  });

  it('the second input may complete before its turn', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.concat(y));
    b.sendNext(9).sendComplete();
    down.request(5);
    a.sendNext(1).sendComplete();
    await down.expectNextN([1, 9]);
    await down.expectComplete();
  });

  it('fails with the error of either input, even before its turn', async () => {
    const e = boom();
    const { a, b, down } = probe2<number, number, number>((x, y) => x.concat(y));
    down.request(1);
    b.sendError(e);
    expect(await down.expectError()).toBe(e);
    await a.expectCancellation();
  });

  it('cancellation cancels both inputs', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.concat(y));
    down.cancel();
    await a.expectCancellation();
    await b.expectCancellation();
  });
});

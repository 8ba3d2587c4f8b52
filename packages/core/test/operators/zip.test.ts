import { Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe2 } from '../graph/harness.js';

describe('zip', () => {
  it('pairs elements and truncates to the shorter input', async () => {
    expect(
      await Source.from([1, 2, 3])
        .zip(Source.from(['a', 'b']))
        .runWith(Sink.seq()),
    ).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('pulls one element ahead on each side and emits only when both have one and downstream asked', async () => {
    const { a, b, down } = probe2<number, string, [number, string]>((x, y) => x.zip(y));
    await a.expectRequest();
    await b.expectRequest();
    a.sendNext(1);
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNoMessageWhenIdle(); // b has nothing yet
    b.sendNext('a');
    await down.expectNext([1, 'a']);
    await a.expectRequest();
    await b.expectRequest();
    a.sendNext(2);
    b.sendNext('b');
    await down.expectNoMessageWhenIdle(); // no demand
    down.request(1);
    await down.expectNext([2, 'b']);
    down.cancel();
    await a.expectCancellation();
    await b.expectCancellation();
  });

  it('completes as soon as an input completes with nothing waiting, cancelling the other', async () => {
    const { a, b, down } = probe2<number, string, [number, string]>((x, y) => x.zip(y));
    down.request(5);
    a.sendComplete();
    await down.expectComplete();
    await b.expectCancellation();
  });

  it('an input that completes with an element waiting completes after that pair', async () => {
    const { a, b, down } = probe2<number, string, [number, string]>((x, y) => x.zip(y));
    down.request(5);
    a.sendNext(1).sendComplete();
    await down.expectNoMessageWhenIdle();
    b.sendNext('x');
    await down.expectNext([1, 'x']);
    await down.expectComplete();
    await b.expectCancellation();
  });

  it('fails with an input’s error and cancels the other', async () => {
    const e = boom();
    const { a, b, down } = probe2<number, string, [number, string]>((x, y) => x.zip(y));
    down.request(1);
    b.sendError(e);
    expect(await down.expectError()).toBe(e);
    await a.expectCancellation();
  });
});

import { Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe2 } from '../graph/harness.js';

describe('mergeLatest', () => {
  it('emits nothing until both inputs produced, then the latest of each on every new element', async () => {
    const { a, b, down } = probe2<number, number, number[]>((x, y) => x.mergeLatest(y));
    down.request(10);
    a.sendNext(1);
    await down.expectNoMessageWhenIdle();
    a.sendNext(2); // replaces 1: nothing can go out yet
    await a.expectRequest();
    b.sendNext(10);
    await down.expectNext([2, 10]);
    a.sendNext(3);
    await down.expectNext([3, 10]);
    b.sendNext(20);
    await down.expectNext([3, 20]);
    down.cancel();
  });

  it('back-pressures: an input is pulled again only after its latest element went out', async () => {
    const { a, b, down } = probe2<number, number, number[]>((x, y) => x.mergeLatest(y));
    await a.expectRequest();
    await b.expectRequest();
    a.sendNext(1);
    await a.expectRequest(); // nothing can go out before b produced: a newer element of a may replace 1
    b.sendNext(2);
    await down.expectNoMessageWhenIdle();
    await b.expectNoMessageWhenIdle(); // [1, 2] waits for demand: b is not pulled again
    down.request(1);
    await down.expectNext([1, 2]);
    await b.expectRequest();
    down.cancel();
  });

  it('emits a fresh array each time', async () => {
    const out = await Source.from([1, 2]).mergeLatest(Source.single(9)).runWith(Sink.seq());
    expect(new Set(out).size).toBe(out.length);
  });

  it('completes when all inputs completed, or with eagerComplete when one did', async () => {
    const { a, b, down } = probe2<number, number, number[]>((x, y) => x.mergeLatest(y));
    down.request(10);
    a.sendNext(1).sendComplete();
    b.sendNext(2);
    await down.expectNext([1, 2]);
    await down.expectNoMessageWhenIdle();
    b.sendComplete();
    await down.expectComplete();

    const eager = probe2<number, number, number[]>((x, y) => x.mergeLatest(y, true));
    eager.down.request(10);
    eager.a.sendComplete();
    await eager.down.expectComplete();
    await eager.b.expectCancellation();
  });

  it('fails with an input’s error', async () => {
    const e = boom();
    const { a, down } = probe2<number, number, number[]>((x, y) => x.mergeLatest(y));
    down.request(1);
    a.sendError(e);
    expect(await down.expectError()).toBe(e);
  });
});

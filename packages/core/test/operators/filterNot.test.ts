import { Flow, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

const even = (x: number): boolean => x % 2 === 0;

describe('filterNot', () => {
  it('emits only on demand; pulls again when p holds (element discarded)', async () => {
    const [up, down] = probe(Flow.create<number>().filterNot(even));
    down.request(1);
    up.sendNextN([2, 4, 5, 6, 7]);
    await down.expectNext(5);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 3);
    down.request(1);
    await down.expectNext(7);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 2);
    down.cancel();
  });

  it('passes exactly the elements for which p does not hold', async () => {
    expect(await Source.range(1, 6).filterNot(even).runWith(Sink.seq())).toEqual([1, 3, 5]);
  });

  it('is the complement of filter on the same input', async () => {
    const xs = [5, 8, 1, 0, 12, 7];
    const p = (x: number): boolean => x > 4;
    const kept = await Source.from(xs).filter(p).runWith(Sink.seq());
    const dropped = await Source.from(xs).filterNot(p).runWith(Sink.seq());
    expect(kept).toEqual([5, 8, 12, 7]);
    expect(dropped).toEqual([1, 0]);
  });

  it('propagates upstream completion', async () => {
    const [up, down] = probe(Flow.create<number>().filterNot(even));
    down.request(1);
    await up.expectRequest();
    up.sendNext(2).sendComplete();
    await down.expectComplete();
  });

  it('propagates upstream failure with the original error object', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().filterNot(even));
    down.request(2);
    up.sendNext(1);
    await down.expectNext(1);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation upstream', async () => {
    const [up, down] = probe(Flow.create<number>().filterNot(even));
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });
});

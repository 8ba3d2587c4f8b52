import { Attributes, Flow, Source, Supervision } from '@tributary/core';
import { settle } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

const toArray = (x: number): number[] => [x];
const append = (acc: number[], x: number): number[] => [...acc, x];

describe('batch', () => {
  it('batches up to max elements while downstream is busy, then backpressures', async () => {
    const [up, down] = probe(Flow.create<number>().batch(3, toArray, append));
    up.sendNextN([1, 2, 3, 4, 5]);
    await expectRequests(up, 4); // 3 fit, the 4th waits for the next batch
    down.request(1);
    await down.expectNext([1, 2, 3]);
    await up.expectRequest(); // room again: upstream is asked for more
    down.request(1);
    await down.expectNext([4, 5]);
    up.sendComplete();
    await down.expectComplete();
  });

  it('passes single-element batches when downstream keeps up', async () => {
    const [up, down] = probe(Flow.create<number>().batch(3, toArray, append));
    down.request(1);
    up.sendNext(1);
    await down.expectNext([1]);
    down.cancel();
  });

  it('emits the last batch and the waiting element before completing', async () => {
    const [up, down] = probe(Flow.create<number>().batch(2, toArray, append));
    up.sendNextN([1, 2, 3]).sendComplete();
    await down.expectNoMessageWhenIdle();
    expect(await down.toArray()).toEqual([[1, 2], [3]]);
  });

  it('supervision: a throwing aggregate fails; resume drops the element; restart drops the batch', async () => {
    const e = boom();
    const agg = (acc: number[], x: number) => {
      if (x === 2) throw e;
      return [...acc, x];
    };
    const [up, down] = probe(Flow.create<number>().batch(5, toArray, agg));
    up.sendNextN([1, 2]);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probe(Flow.create<number>().batch(5, toArray, agg).withAttributes(Attributes.supervisionStrategy(Supervision.resume)));
    up2.sendNextN([1, 2, 3]).sendComplete();
    await settle();
    expect(await down2.toArray()).toEqual([[1, 3]]);
    const [up3, down3] = probe(Flow.create<number>().batch(5, toArray, agg).withAttributes(Attributes.supervisionStrategy(Supervision.restart)));
    up3.sendNextN([1, 2, 3]).sendComplete();
    await settle();
    expect(await down3.toArray()).toEqual([[3]]);
  });

  it('propagates upstream failure and downstream cancellation', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().batch(2, toArray, append));
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probe(Flow.create<number>().batch(2, toArray, append));
    await up2.expectRequest();
    down2.cancel();
    await up2.expectCancellation();
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).batch(0, toArray, append)).toThrow(new RangeError('batch: max must be a positive integer, got 0'));
    expect(() => Source.single(1).batch(1, toArray, 'x' as never)).toThrow(TypeError);
  });
});

import { Attributes, Flow, Sink, Source, Supervision } from '@tributary/core';
import { settle } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

describe('conflate', () => {
  it('never backpressures: folds what downstream has not taken into one element', async () => {
    const [up, down] = probe(Flow.create<number>().conflate((a, b) => a + b));
    up.sendNextN([1, 2, 3, 4]);
    for (let i = 0; i < 4; i++) await up.expectRequest();
    await up.expectRequest(); // and it keeps asking
    down.request(1);
    await down.expectNext(10);
    up.sendNextN([5, 6]);
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(11);
    down.cancel();
  });

  it('passes elements one by one when downstream keeps up', async () => {
    const [up, down] = probe(Flow.create<number>().conflate((a, b) => a + b));
    down.request(1);
    up.sendNext(1);
    await down.expectNext(1);
    down.request(1);
    up.sendNext(2);
    await down.expectNext(2);
    down.cancel();
  });

  it('the sum of what is emitted equals the sum of the input (nothing lost)', async () => {
    const out = await Source.range(1, 100)
      .conflate((a, b) => a + b)
      .runWith(Sink.seq());
    expect(out.reduce((a, b) => a + b, 0)).toBe(5050);
  });

  it('emits the pending conflated element before completing', async () => {
    const [up, down] = probe(Flow.create<number>().conflate((a, b) => Math.max(a, b)));
    up.sendNextN([3, 9, 4]).sendComplete();
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(9);
    await down.expectComplete();
  });

  it('propagates upstream failure and downstream cancellation', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().conflate((a, b) => a + b));
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probe(Flow.create<number>().conflate((a, b) => a + b));
    await up2.expectRequest();
    down2.cancel();
    await up2.expectCancellation();
  });

  it('a throwing aggregate fails the stream; resume drops the element, restart drops the summary', async () => {
    const e = boom();
    const agg = (a: number, b: number) => {
      if (b === 3) throw e;
      return a + b;
    };
    const run = (attrs?: Attributes) => {
      const flow = Flow.create<number>().conflate(agg);
      const [up, down] = probe(attrs === undefined ? flow : flow.withAttributes(attrs));
      up.sendNextN([1, 2, 3, 4]).sendComplete();
      return down;
    };
    expect(await run().expectError()).toBe(e);
    const resumed = run(Attributes.supervisionStrategy(Supervision.resume));
    await settle();
    expect(await resumed.toArray()).toEqual([7]);
    const restarted = run(Attributes.supervisionStrategy(Supervision.restart));
    await settle();
    expect(await restarted.toArray()).toEqual([4]);
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).conflate(null as never)).toThrow(new TypeError('conflate: aggregate must be a function, got null'));
  });
});

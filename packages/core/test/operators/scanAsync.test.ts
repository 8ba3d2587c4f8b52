import { Attributes, Flow, Sink, Source, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';
import { ManualCalls, quiet } from './timeHarness.js';

describe('scanAsync', () => {
  it('emits zero first, then each accumulation; one call at a time, pulling only on demand', async () => {
    const calls = new ManualCalls<string, number>();
    const [up, down] = probe(Flow.create<number>().scanAsync(0, (acc, x) => calls.f(`${acc}+${x}`)));
    down.request(1);
    await down.expectNext(0);
    await up.expectNoMessageWhenIdle();
    down.request(2);
    up.sendNextN([1, 2]);
    await calls.waitForStarted(1);
    await expectRequests(up, 1); // no second element while the call runs
    calls.resolve('0+1', 1);
    await down.expectNext(1);
    await calls.waitForStarted(2);
    calls.resolve('1+2', 3);
    await down.expectNext(3);
    up.sendComplete();
    await down.expectComplete();
  });

  it('matches scan over an array (doc example)', async () => {
    expect(
      await Source.range(1, 4)
        .scanAsync(0, async (a, x) => a + x)
        .runWith(Sink.seq()),
    ).toEqual([0, 1, 3, 6, 10]);
  });

  it('an empty stream emits just zero', async () => {
    expect(
      await Source.empty<number>()
        .scanAsync(7, async (a, x) => a + x)
        .runWith(Sink.seq()),
    ).toEqual([7]);
  });

  it('waits for the running call when upstream completes, then completes', async () => {
    const calls = new ManualCalls<number, number>();
    const [up, down] = probe(Flow.create<number>().scanAsync(0, (_a, x) => calls.f(x)));
    down.request(3);
    await down.expectNext(0);
    up.sendNext(5).sendComplete();
    await calls.waitForStarted(1);
    await down.expectNoMessageWhenIdle();
    calls.resolve(5, 5);
    await down.expectNext(5);
    await down.expectComplete();
  });

  it('a rejection (or throw) fails the stream with the original error', async () => {
    const e = boom();
    await expect(
      Source.range(1, 3)
        .scanAsync(0, (a, x) => (x === 2 ? Promise.reject(e) : Promise.resolve(a + x)))
        .runWith(Sink.seq(), quiet()),
    ).rejects.toBe(e);
    await expect(
      Source.range(1, 3)
        .scanAsync(0, (a, x) => {
          if (x === 2) throw e;
          return Promise.resolve(a + x);
        })
        .runWith(Sink.seq(), quiet()),
    ).rejects.toBe(e);
  });

  it('resume keeps the accumulator, restart resets it to zero (the element is dropped)', async () => {
    const f = (a: number, x: number) => (x === 3 ? Promise.reject(boom()) : Promise.resolve(a + x));
    const resumed = await Source.range(1, 4).scanAsync(0, f).withAttributes(Attributes.supervisionStrategy(Supervision.resume)).runWith(Sink.seq());
    expect(resumed).toEqual([0, 1, 3, 7]);
    const restarted = await Source.range(1, 4).scanAsync(0, f).withAttributes(Attributes.supervisionStrategy(Supervision.restart)).runWith(Sink.seq());
    expect(restarted).toEqual([0, 1, 3, 4]);
  });

  it('propagates upstream failure and downstream cancellation', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().scanAsync(0, async (a, x) => a + x));
    down.request(2);
    await down.expectNext(0);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probe(Flow.create<number>().scanAsync(0, async (a, x) => a + x));
    down2.request(2);
    await down2.expectNext(0);
    await up2.expectRequest();
    down2.cancel();
    await up2.expectCancellation();
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).scanAsync(0, 'x' as never)).toThrow(new TypeError('scanAsync: f must be a function, got "x"'));
  });
});

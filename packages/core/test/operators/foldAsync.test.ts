import { Attributes, Flow, Sink, Source, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';
import { ManualCalls, quiet } from './timeHarness.js';

describe('foldAsync', () => {
  it('folds one call at a time and emits the result when upstream completes', async () => {
    const calls = new ManualCalls<number, number>();
    const [up, down] = probe(Flow.create<number>().foldAsync(0, (acc, x) => calls.f(acc * 10 + x)));
    await up.expectNoMessageWhenIdle(); // nothing before downstream asks
    down.request(1);
    up.sendNextN([1, 2]);
    await calls.waitForStarted(1);
    await expectRequests(up, 1);
    calls.resolve(1, 1);
    await calls.waitForStarted(2);
    calls.resolve(12, 12);
    await down.expectNoMessageWhenIdle();
    up.sendComplete();
    await down.expectNext(12);
    await down.expectComplete();
  });

  it('matches fold over an array; an empty stream emits zero', async () => {
    expect(
      await Source.range(1, 5)
        .foldAsync(0, async (a, x) => a + x)
        .runWith(Sink.seq()),
    ).toEqual([15]);
    expect(
      await Source.empty<number>()
        .foldAsync(42, async (a, x) => a + x)
        .runWith(Sink.seq()),
    ).toEqual([42]);
  });

  it('waits for the running call when upstream completes', async () => {
    const calls = new ManualCalls<number, number>();
    const [up, down] = probe(Flow.create<number>().foldAsync(0, (_a, x) => calls.f(x)));
    down.request(1);
    up.sendNext(9).sendComplete();
    await calls.waitForStarted(1);
    await down.expectNoMessageWhenIdle();
    calls.resolve(9, 99);
    await down.expectNext(99);
    await down.expectComplete();
  });

  it('a rejection (or throw) fails the stream with the original error', async () => {
    const e = boom();
    await expect(
      Source.range(1, 3)
        .foldAsync(0, (a, x) => (x === 2 ? Promise.reject(e) : Promise.resolve(a + x)))
        .runWith(Sink.seq(), quiet()),
    ).rejects.toBe(e);
    await expect(
      Source.range(1, 3)
        .foldAsync(0, (a, x) => {
          if (x === 1) throw e;
          return a + x;
        })
        .runWith(Sink.seq(), quiet()),
    ).rejects.toBe(e);
  });

  it('resume keeps the accumulator, restart resets it to zero', async () => {
    const f = (a: number, x: number) => (x === 3 ? Promise.reject(boom()) : Promise.resolve(a + x));
    expect(await Source.range(1, 4).foldAsync(0, f).withAttributes(Attributes.supervisionStrategy(Supervision.resume)).runWith(Sink.seq())).toEqual([7]);
    expect(await Source.range(1, 4).foldAsync(0, f).withAttributes(Attributes.supervisionStrategy(Supervision.restart)).runWith(Sink.seq())).toEqual([4]);
  });

  it('propagates upstream failure and downstream cancellation', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().foldAsync(0, async (a, x) => a + x));
    down.request(1);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probe(Flow.create<number>().foldAsync(0, async (a, x) => a + x));
    down2.request(1);
    await up2.expectRequest();
    down2.cancel();
    await up2.expectCancellation();
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).foldAsync(0, undefined as never)).toThrow(new TypeError('foldAsync: f must be a function, got undefined'));
  });
});

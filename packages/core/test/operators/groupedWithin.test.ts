import { Flow, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';
import { probeOn, virtualTime } from './timeHarness.js';

describe('groupedWithin (virtual time)', () => {
  it('emits a group as soon as n elements are collected', async () => {
    const { mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().groupedWithin(3, 1000), mat);
    down.request(5);
    up.sendNextN([1, 2, 3, 4]);
    await down.expectNext([1, 2, 3]);
    await down.expectNoMessageWhenIdle();
    down.cancel();
  });

  it('emits what was collected when the interval elapses; no empty groups', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().groupedWithin(10, 100), mat);
    down.request(5);
    up.sendNextN([1, 2]);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(99);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(1);
    await down.expectNext([1, 2]);
    await scheduler.advance(300);
    await down.expectNoMessageWhenIdle(); // nothing arrived: nothing emitted
    up.sendNext(3);
    await scheduler.advance(100);
    await down.expectNext([3]);
    down.cancel();
  });

  it('restarts the clock when a group closes because it is full', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().groupedWithin(2, 100), mat);
    down.request(5);
    await scheduler.advance(60);
    up.sendNextN([1, 2, 3]);
    await down.expectNext([1, 2]); // full at t=60: the next group gets a full interval
    await scheduler.advance(60);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(40);
    await down.expectNext([3]);
    down.cancel();
  });

  it('a ready group waits for demand, backpressuring upstream', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().groupedWithin(2, 100), mat);
    up.sendNextN([1, 2, 3, 4, 5]);
    await scheduler.advance(500);
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext([1, 2]);
    down.request(1);
    await down.expectNext([3, 4]);
    down.cancel();
  });

  it('emits the last, shorter group when upstream completes, then completes', async () => {
    const { mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().groupedWithin(3, 1000), mat);
    down.request(5);
    up.sendNextN([1, 2, 3, 4]).sendComplete();
    await down.expectNextN([[1, 2, 3], [4]]);
    await down.expectComplete();
  });

  it('completes without a group when nothing is pending', async () => {
    const { mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().groupedWithin(3, 1000), mat);
    down.request(5);
    up.sendNextN([1, 2, 3]).sendComplete();
    await down.expectNext([1, 2, 3]);
    await down.expectComplete();
  });

  it('propagates upstream failure (its timer stops) and downstream cancellation', async () => {
    const e = boom();
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().groupedWithin(3, 100), mat);
    down.request(1);
    up.sendNext(1);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    expect(scheduler.pendingTimers).toBe(0);
    const [up2, down2] = probeOn(Flow.create<number>().groupedWithin(3, 100), mat);
    await up2.expectRequest();
    down2.cancel();
    await up2.expectCancellation();
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).groupedWithin(0, 100)).toThrow(new RangeError('groupedWithin: n must be a positive integer, got 0'));
    expect(() => Source.single(1).groupedWithin(1, 0)).toThrow(new RangeError('groupedWithin: ms must be a positive finite number of milliseconds, got 0'));
  });
});

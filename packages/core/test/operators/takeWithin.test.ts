import { Flow, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';
import { probeOn, virtualTime } from './timeHarness.js';

describe('takeWithin (virtual time)', () => {
  it('passes elements until the time is up, then completes and cancels upstream', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().takeWithin(100), mat);
    down.request(10);
    up.sendNext(1);
    await down.expectNext(1);
    await scheduler.advance(99);
    up.sendNext(2);
    await down.expectNext(2);
    await scheduler.advance(1);
    await down.expectComplete();
    await up.expectCancellation();
  });

  it('only passes on demand', async () => {
    const { mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().takeWithin(100), mat);
    down.request(1);
    expect(await up.expectRequest()).toBe(1);
    up.sendNextN([1, 2]);
    await down.expectNext(1);
    down.cancel();
    await up.expectCancellation();
  });

  it('completes earlier if upstream does; failures and cancellation propagate', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().takeWithin(100), mat);
    up.sendComplete();
    await down.expectComplete();
    expect(scheduler.pendingTimers).toBe(0);
    const e = boom();
    const [up2, down2] = probeOn(Flow.create<number>().takeWithin(100), mat);
    up2.sendError(e);
    expect(await down2.expectError()).toBe(e);
    const [up3, down3] = probeOn(Flow.create<number>().takeWithin(100), mat);
    down3.cancel();
    await up3.expectCancellation();
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).takeWithin(-1)).toThrow(RangeError);
  });
});

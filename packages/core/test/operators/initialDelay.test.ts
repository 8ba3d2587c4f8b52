import { Flow, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';
import { probeOn, virtualTime } from './timeHarness.js';

describe('initialDelay (virtual time)', () => {
  it('asks upstream for nothing until the delay has passed, then passes everything through', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().initialDelay(100), mat);
    down.request(3);
    await up.expectNoMessageWhenIdle();
    await scheduler.advance(99);
    await up.expectNoMessageWhenIdle();
    await scheduler.advance(1);
    await up.expectRequest();
    up.sendNextN([1, 2]);
    await down.expectNextN([1, 2]);
    up.sendComplete();
    await down.expectComplete();
  });

  it('with zero delay behaves like the identity', async () => {
    expect(await Source.range(1, 3).initialDelay(0).runWith(Sink.seq())).toEqual([1, 2, 3]);
  });

  it('propagates upstream completion and failure during the delay', async () => {
    const { mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().initialDelay(100), mat);
    up.sendComplete();
    await down.expectComplete();
    const e = boom();
    const [up2, down2] = probeOn(Flow.create<number>().initialDelay(100), mat);
    up2.sendError(e);
    expect(await down2.expectError()).toBe(e);
  });

  it('propagates downstream cancellation (and cancels its timer)', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().initialDelay(100), mat);
    down.cancel();
    await up.expectCancellation();
    expect(scheduler.pendingTimers).toBe(0);
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).initialDelay(Number.NaN)).toThrow(RangeError);
  });
});

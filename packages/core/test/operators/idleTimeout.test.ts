import { Flow, IdleTimeoutError, Source, type TimeoutError } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';
import { probeOn, virtualTime } from './timeHarness.js';

describe('idleTimeout (virtual time)', () => {
  it('fails with IdleTimeoutError when no element passed for the timeout', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().idleTimeout(100), mat);
    down.request(5);
    await scheduler.advance(60);
    up.sendNext(1);
    await down.expectNext(1);
    await scheduler.advance(60);
    up.sendNext(2); // every gap is below 100 ms
    await down.expectNext(2);
    await scheduler.advance(99);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(1);
    const e = await down.expectError();
    expect(e).toBeInstanceOf(IdleTimeoutError);
    expect((e as TimeoutError).kind).toBe('idle');
    expect((e as Error).message).toBe('idleTimeout: no elements passed in the last 100 ms');
    expect(await up.expectCancellation()).toBe(e);
  });

  it('counts from the start when no element ever arrives', async () => {
    const { scheduler, mat } = virtualTime();
    const [, down] = probeOn(Flow.create<number>().idleTimeout(50), mat);
    await scheduler.advance(50);
    expect(await down.expectError()).toBeInstanceOf(IdleTimeoutError);
  });

  it('passes completion, failure and cancellation through; no timer outlives the stream', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().idleTimeout(100), mat);
    up.sendComplete();
    await down.expectComplete();
    expect(scheduler.pendingTimers).toBe(0);
    const e = boom();
    const [up2, down2] = probeOn(Flow.create<number>().idleTimeout(100), mat);
    up2.sendError(e);
    expect(await down2.expectError()).toBe(e);
    const [up3, down3] = probeOn(Flow.create<number>().idleTimeout(100), mat);
    down3.cancel();
    await up3.expectCancellation();
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).idleTimeout(0)).toThrow(RangeError);
  });
});

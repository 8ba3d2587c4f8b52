import { BackpressureTimeoutError, Flow, Source, type TimeoutError } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';
import { probeOn, virtualTime } from './timeHarness.js';

describe('backpressureTimeout (virtual time)', () => {
  it('fails with BackpressureTimeoutError when downstream does not ask again in time after an element', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().backpressureTimeout(100), mat);
    down.request(1);
    up.sendNext(1);
    await down.expectNext(1);
    await scheduler.advance(99);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(1);
    const e = await down.expectError();
    expect(e).toBeInstanceOf(BackpressureTimeoutError);
    expect((e as TimeoutError).kind).toBe('backpressure');
    expect(await up.expectCancellation()).toBe(e);
  });

  it('is satisfied while downstream keeps asking, however slow upstream is', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().backpressureTimeout(100), mat);
    down.request(1);
    await scheduler.advance(500); // waiting for upstream is not backpressure
    up.sendNext(1);
    await down.expectNext(1);
    await scheduler.advance(80);
    down.request(1);
    await scheduler.advance(500);
    up.sendNext(2);
    await down.expectNext(2);
    await scheduler.advance(50);
    down.request(1);
    up.sendComplete();
    await down.expectComplete();
  });

  it('counts from the start when downstream never asks', async () => {
    const { scheduler, mat } = virtualTime();
    const [, down] = probeOn(Flow.create<number>().backpressureTimeout(100), mat);
    await scheduler.advance(100);
    expect(await down.expectError()).toBeInstanceOf(BackpressureTimeoutError);
  });

  it('passes failure and cancellation through', async () => {
    const { mat } = virtualTime();
    const e = boom();
    const [up, down] = probeOn(Flow.create<number>().backpressureTimeout(100), mat);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probeOn(Flow.create<number>().backpressureTimeout(100), mat);
    down2.cancel();
    await up2.expectCancellation();
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).backpressureTimeout(0)).toThrow(RangeError);
  });
});

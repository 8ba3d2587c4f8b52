import { Flow, InitialTimeoutError, Source, TimeoutError } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';
import { probeOn, virtualTime } from './timeHarness.js';

describe('initialTimeout (virtual time)', () => {
  it('fails with InitialTimeoutError if the first element does not pass in time', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().initialTimeout(100), mat);
    down.request(1);
    await scheduler.advance(99);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(1);
    const e = await down.expectError();
    expect(e).toBeInstanceOf(InitialTimeoutError);
    expect(e).toBeInstanceOf(TimeoutError);
    expect((e as TimeoutError).kind).toBe('initial');
    expect((e as Error).message).toBe('initialTimeout: the first element has not yet passed through in 100 ms');
    expect(await up.expectCancellation()).toBe(e);
  });

  it('is satisfied by the first element; later gaps do not matter', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().initialTimeout(100), mat);
    down.request(2);
    up.sendNext(1);
    await down.expectNext(1);
    await scheduler.advance(1000);
    up.sendNext(2);
    await down.expectNext(2);
    up.sendComplete();
    await down.expectComplete();
  });

  it('passes completion, failure and cancellation through', async () => {
    const { mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().initialTimeout(100), mat);
    up.sendComplete();
    await down.expectComplete();
    const e = boom();
    const [up2, down2] = probeOn(Flow.create<number>().initialTimeout(100), mat);
    up2.sendError(e);
    expect(await down2.expectError()).toBe(e);
    const [up3, down3] = probeOn(Flow.create<number>().initialTimeout(100), mat);
    down3.cancel();
    await up3.expectCancellation();
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).initialTimeout(0)).toThrow(RangeError);
  });
});

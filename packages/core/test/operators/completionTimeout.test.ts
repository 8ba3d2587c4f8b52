import { CompletionTimeoutError, Flow, Source, type TimeoutError } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';
import { probeOn, virtualTime } from './timeHarness.js';

describe('completionTimeout (virtual time)', () => {
  it('fails with CompletionTimeoutError if the stream has not completed in time', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().completionTimeout(100), mat);
    down.request(5);
    up.sendNext(1);
    await down.expectNext(1);
    await scheduler.advance(99);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(1);
    const e = await down.expectError();
    expect(e).toBeInstanceOf(CompletionTimeoutError);
    expect((e as TimeoutError).kind).toBe('completion');
    expect(await up.expectCancellation()).toBe(e);
  });

  it('a stream that completes in time completes normally (and its timer is cancelled)', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().completionTimeout(100), mat);
    down.request(5);
    up.sendNext(1).sendComplete();
    await down.expectNext(1);
    await down.expectComplete();
    expect(scheduler.pendingTimers).toBe(0);
  });

  it('passes failure and cancellation through', async () => {
    const { mat } = virtualTime();
    const e = boom();
    const [up, down] = probeOn(Flow.create<number>().completionTimeout(100), mat);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probeOn(Flow.create<number>().completionTimeout(100), mat);
    down2.cancel();
    await up2.expectCancellation();
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).completionTimeout(-1)).toThrow(RangeError);
  });
});

import { Attributes, Flow, RateExceededError, Source, Supervision, ThrottleMode } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests } from './harness.js';
import { probeOn, virtualTime } from './timeHarness.js';

describe('throttle (virtual time)', () => {
  it('shaping: spaces elements one token interval apart once the burst is used', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().throttle(1, 100), mat);
    down.request(10);
    up.sendNextN([1, 2, 3]);
    await down.expectNext(1); // the bucket starts full (automatic burst: 1)
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(99);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(1);
    await down.expectNext(2);
    await scheduler.advance(100);
    await down.expectNext(3);
  });

  it('lets a burst of maximumBurst elements through after a quiet period', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().throttle(1, 100, { maximumBurst: 3 }), mat);
    down.request(10);
    up.sendNextN([1, 2, 3, 4]);
    await down.expectNextN([1, 2, 3]);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(100);
    await down.expectNext(4);
    await scheduler.advance(1000); // the bucket refills, up to 3 tokens
    up.sendNextN([5, 6, 7, 8]);
    await down.expectNextN([5, 6, 7]);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(100);
    await down.expectNext(8);
  });

  it('automatic burst: the tokens arriving in 100 ms', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().throttle(50, 1000), mat); // a token every 20 ms → burst 5
    down.request(10);
    up.sendNextN([1, 2, 3, 4, 5, 6]);
    await down.expectNextN([1, 2, 3, 4, 5]);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(20);
    await down.expectNext(6);
  });

  it('cost: an element takes cost(x) tokens', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().throttle(10, 100, { maximumBurst: 10, cost: (x) => x }), mat);
    down.request(10);
    up.sendNextN([5, 5, 5, 0]);
    await down.expectNextN([5, 5]);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(49);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(1);
    await down.expectNext(5);
    await down.expectNext(0); // costs nothing
  });

  it('never pulls beyond downstream demand', async () => {
    const { mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().throttle(10, 100, { maximumBurst: 10 }), mat);
    down.request(2);
    up.sendNextN([1, 2, 3]);
    await down.expectNextN([1, 2]);
    await expectRequests(up, 2);
    down.cancel();
  });

  it('enforcing: fails with RateExceededError when an element comes too early', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().throttle(1, 100, { mode: ThrottleMode.enforcing, maximumBurst: 1 }), mat);
    down.request(10);
    up.sendNext(1);
    await down.expectNext(1);
    await scheduler.advance(100);
    up.sendNext(2);
    await down.expectNext(2);
    await scheduler.advance(50);
    up.sendNext(3);
    const e = await down.expectError();
    expect(e).toBeInstanceOf(RateExceededError);
    expect(await up.expectCancellation()).toBe(e);
  });

  it('completes after the element waiting for tokens has gone out', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().throttle(1, 100), mat);
    down.request(10);
    up.sendNextN([1, 2]).sendComplete();
    await down.expectNext(1);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(100);
    await down.expectNext(2);
    await down.expectComplete();
  });

  it('propagates failure at once and cancellation; its timer does not outlive the stream', async () => {
    const e = boom();
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().throttle(1, 100), mat);
    down.request(10);
    up.sendNextN([1, 2]);
    await down.expectNext(1);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    expect(scheduler.pendingTimers).toBe(0);
    const [up2, down2] = probeOn(Flow.create<number>().throttle(1, 100), mat);
    down2.request(1);
    await up2.expectRequest();
    down2.cancel();
    await up2.expectCancellation();
  });

  it('supervision for cost: resume drops the element', async () => {
    const { mat } = virtualTime();
    const [up, down] = probeOn(
      Flow.create<number>()
        .throttle(10, 100, {
          maximumBurst: 10,
          cost: (x) => {
            if (x === 2) throw boom();
            return 1;
          },
        })
        .withAttributes(Attributes.supervisionStrategy(Supervision.resume)),
      mat,
    );
    down.request(10);
    up.sendNextN([1, 2, 3]).sendComplete();
    await down.expectNextN([1, 3]);
    await down.expectComplete();
  });

  it('validates its arguments at build time', () => {
    const s = Source.single(1);
    expect(() => s.throttle(0, 100)).toThrow(new RangeError('throttle: elements must be a positive integer, got 0'));
    expect(() => s.throttle(1, 0)).toThrow(new RangeError('throttle: perMs must be a positive finite number of milliseconds, got 0'));
    expect(() => s.throttle(1, 100, { mode: ThrottleMode.enforcing, maximumBurst: 0 })).toThrow(RangeError);
    expect(() => s.throttle(1, 100, { mode: 'lenient' as never })).toThrow(TypeError);
    expect(() => s.throttle(1, 100, { cost: 3 as never })).toThrow(TypeError);
  });
});

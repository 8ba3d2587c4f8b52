import { Attributes, BufferOverflowError, DelayOverflowStrategy, Flow, Source } from '@tributary/core';
import { settle } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests } from './harness.js';
import { probeOn, virtualTime } from './timeHarness.js';

const buffer2 = Attributes.inputBuffer(2, 2);

/** delay(100, strategy) with a buffer of 2; elements 1..n arrive at t=0, downstream asks for everything. */
async function overflow(strategy: DelayOverflowStrategy, n: number) {
  const { scheduler, mat } = virtualTime();
  const [up, down] = probeOn(Flow.create<number>().delay(100, strategy).withAttributes(buffer2), mat);
  down.request(10);
  for (let i = 1; i <= n; i++) up.sendNext(i);
  await settle(mat);
  return { scheduler, up, down };
}

describe('delay (virtual time)', () => {
  it('emits each element ms after it arrived', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().delay(100), mat);
    down.request(10);
    up.sendNext(1);
    await scheduler.advance(40);
    up.sendNext(2);
    await scheduler.advance(59);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(1);
    await down.expectNext(1);
    await scheduler.advance(39);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(1);
    await down.expectNext(2);
    up.sendComplete();
    await down.expectComplete();
  });

  it('an element that is due waits for demand', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().delay(10), mat);
    up.sendNext(1);
    await scheduler.advance(100);
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(1);
    down.cancel();
  });

  it('completes after the delayed elements have been emitted', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().delay(50), mat);
    down.request(10);
    up.sendNextN([1, 2]).sendComplete();
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(50);
    await down.expectNextN([1, 2]);
    await down.expectComplete();
  });

  it('backpressure: stops asking upstream when the buffer is full', async () => {
    const { scheduler, up, down } = await overflow(DelayOverflowStrategy.backpressure, 3);
    await expectRequests(up, 2);
    await scheduler.advance(100);
    await down.expectNextN([1, 2]);
    await scheduler.advance(100);
    await down.expectNext(3);
  });

  it('dropHead drops the oldest waiting element', async () => {
    const { scheduler, down } = await overflow(DelayOverflowStrategy.dropHead, 3);
    await scheduler.advance(100);
    await down.expectNextN([2, 3]);
  });

  it('dropTail (the default) drops the youngest waiting element', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().delay(100).withAttributes(buffer2), mat);
    down.request(10);
    up.sendNextN([1, 2, 3]);
    await settle(mat);
    await scheduler.advance(100);
    await down.expectNextN([1, 3]);
  });

  it('dropBuffer drops every waiting element', async () => {
    const { scheduler, down } = await overflow(DelayOverflowStrategy.dropBuffer, 3);
    await scheduler.advance(100);
    await down.expectNext(3);
    await down.expectNoMessageWhenIdle();
  });

  it('dropNew drops the arriving element', async () => {
    const { scheduler, down } = await overflow(DelayOverflowStrategy.dropNew, 3);
    await scheduler.advance(100);
    await down.expectNextN([1, 2]);
    await scheduler.advance(100);
    await down.expectNoMessageWhenIdle();
  });

  it('emitEarly emits the oldest element before its time to make room', async () => {
    const { scheduler, down } = await overflow(DelayOverflowStrategy.emitEarly, 3);
    await down.expectNext(1); // at t=0
    await scheduler.advance(100);
    await down.expectNextN([2, 3]);
  });

  it('fail fails the stream with BufferOverflowError', async () => {
    const { up, down } = await overflow(DelayOverflowStrategy.fail, 3);
    const e = await down.expectError();
    expect(e).toBeInstanceOf(BufferOverflowError);
    expect((e as Error).message).toBe('Buffer overflow (max capacity was: 2)!');
    await up.expectCancellation();
  });

  it('propagates upstream failure at once and downstream cancellation; no timer outlives the stream', async () => {
    const e = boom();
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().delay(100), mat);
    down.request(1);
    up.sendNext(1);
    await settle(mat);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    expect(scheduler.pendingTimers).toBe(0);
    const [up2, down2] = probeOn(Flow.create<number>().delay(100), mat);
    await up2.expectRequest();
    down2.cancel();
    await up2.expectCancellation();
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).delay(-1)).toThrow(new RangeError('delay: ms must be a non-negative finite number of milliseconds, got -1'));
    expect(() => Source.single(1).delay(1, 'later' as never)).toThrow(TypeError);
  });
});

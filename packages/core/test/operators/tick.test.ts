import { Source } from '@tributary/core';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { virtualTime } from './timeHarness.js';

describe('Source.tick (virtual time)', () => {
  it('emits after the initial delay, then every interval', async () => {
    const { scheduler, mat } = virtualTime();
    const down = Source.tick(50, 100, 'tick').runWith(TestSink.probe<string>(), mat);
    down.request(10);
    await scheduler.advance(49);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(1);
    await down.expectNext('tick');
    await scheduler.advance(99);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(1);
    await down.expectNext('tick');
    await scheduler.advance(200);
    await down.expectNextN(['tick', 'tick']);
    down.cancel();
  });

  it('skips ticks while downstream is not asking (never queues them)', async () => {
    const { scheduler, mat } = virtualTime();
    const down = Source.tick(0, 100, 1).runWith(TestSink.probe<number>(), mat);
    await scheduler.advance(1000);
    down.request(5);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(100);
    await down.expectNext(1);
    await down.expectNoMessageWhenIdle();
    down.cancel();
  });

  it('materializes a Cancellable that completes the stream and stops the timer', async () => {
    const { scheduler, mat } = virtualTime();
    const [cancellable, down] = Source.tick(0, 10, 'x')
      .toMat(TestSink.probe<string>(), (a, b) => [a, b] as const)
      .run(mat);
    down.request(5);
    await scheduler.advance(0);
    await down.expectNext('x');
    expect(cancellable.isCancelled).toBe(false);
    expect(cancellable.cancel()).toBe(true);
    expect(cancellable.cancel()).toBe(false);
    expect(cancellable.isCancelled).toBe(true);
    await down.expectComplete();
    expect(scheduler.pendingTimers).toBe(0);
  });

  it('downstream cancellation stops the timer', async () => {
    const { scheduler, mat } = virtualTime();
    const down = Source.tick(0, 10, 'x').runWith(TestSink.probe<string>(), mat);
    down.request(1);
    await scheduler.advance(0);
    await down.expectNext('x');
    down.cancel();
    await scheduler.advance(0);
    expect(scheduler.pendingTimers).toBe(0);
  });

  it('each materialization ticks independently', async () => {
    const { scheduler, mat } = virtualTime();
    const tick = Source.tick(0, 100, 't').take(2);
    const a = tick.runWith(TestSink.probe<string>(), mat);
    a.request(2);
    await scheduler.advance(50);
    const b = tick.runWith(TestSink.probe<string>(), mat);
    b.request(2);
    await scheduler.advance(0);
    await a.expectNext('t');
    await b.expectNext('t');
    await scheduler.advance(50);
    await a.expectNext('t');
    await a.expectComplete();
    await b.expectNoMessageWhenIdle();
    b.cancel();
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.tick(-1, 10, 0)).toThrow(new RangeError('Source.tick: initialDelayMs must be a non-negative finite number of milliseconds, got -1'));
    expect(() => Source.tick(0, 0, 0)).toThrow(new RangeError('Source.tick: intervalMs must be a positive finite number of milliseconds, got 0'));
  });
});

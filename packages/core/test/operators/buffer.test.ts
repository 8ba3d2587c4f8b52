import { BufferOverflowError, Flow, OverflowStrategy, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

/** Sends 1..n into `buffer(size, strategy)` with no downstream demand, then drains what is left. */
async function overflow(size: number, strategy: OverflowStrategy, n: number): Promise<number[]> {
  const [up, down] = probe(Flow.create<number>().buffer(size, strategy));
  for (let i = 1; i <= n; i++) up.sendNext(i);
  await up.expectRequest();
  for (let i = 1; i < n; i++) await up.expectRequest(); // every drop strategy keeps pulling
  up.sendComplete();
  return down.toArray();
}

describe('buffer', () => {
  it('asks upstream ahead of demand until the buffer is full (backpressure)', async () => {
    const [up, down] = probe(Flow.create<number>().buffer(3, OverflowStrategy.backpressure));
    up.sendNextN([1, 2, 3, 4, 5]);
    await expectRequests(up, 3);
    down.request(1);
    await down.expectNext(1);
    await expectRequests(up, 1); // room for one more
    down.request(10);
    await down.expectNextN([2, 3, 4, 5]);
    up.sendComplete();
    await down.expectComplete();
  });

  it('hands elements straight on while downstream is waiting', async () => {
    const [up, down] = probe(Flow.create<number>().buffer(2, OverflowStrategy.fail));
    down.request(2);
    up.sendNextN([1, 2]);
    await down.expectNextN([1, 2]);
    up.sendComplete();
    await down.expectComplete();
  });

  it('dropHead drops the oldest buffered element', async () => {
    expect(await overflow(3, OverflowStrategy.dropHead, 5)).toEqual([3, 4, 5]);
  });

  it('dropTail drops the youngest buffered element', async () => {
    expect(await overflow(3, OverflowStrategy.dropTail, 5)).toEqual([1, 2, 5]);
  });

  it('dropBuffer drops everything buffered', async () => {
    expect(await overflow(3, OverflowStrategy.dropBuffer, 5)).toEqual([4, 5]);
  });

  it('dropNew drops the incoming element', async () => {
    expect(await overflow(3, OverflowStrategy.dropNew, 5)).toEqual([1, 2, 3]);
  });

  it('fail fails the stream with a BufferOverflowError and cancels upstream', async () => {
    const [up, down] = probe(Flow.create<number>().buffer(2, OverflowStrategy.fail));
    up.sendNextN([1, 2, 3]);
    const e = await down.expectError();
    expect(e).toBeInstanceOf(BufferOverflowError);
    // Pekko's message, naming the capacity; the stage is on the error object.
    expect((e as Error).message).toBe('Buffer overflow (max capacity was: 2)!');
    expect(e).toMatchObject({ capacity: 2, stage: 'buffer' });
    expect(await up.expectCancellation()).toBe(e);
  });

  it('delivers the buffered elements after upstream completes', async () => {
    const [up, down] = probe(Flow.create<number>().buffer(4, OverflowStrategy.backpressure));
    up.sendNextN([1, 2, 3]).sendComplete();
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(1);
    down.request(5);
    await down.expectNextN([2, 3]);
    await down.expectComplete();
  });

  it('an upstream failure is passed on at once (buffered elements are dropped)', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().buffer(4, OverflowStrategy.backpressure));
    up.sendNextN([1, 2]);
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation', async () => {
    const [up, down] = probe(Flow.create<number>().buffer(4, OverflowStrategy.dropHead));
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });

  it('loses nothing under backpressure', async () => {
    const xs = Array.from({ length: 100 }, (_, i) => i);
    expect(await Source.from(xs).buffer(7, OverflowStrategy.backpressure).runWith(Sink.seq())).toEqual(xs);
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).buffer(0, OverflowStrategy.dropHead)).toThrow(new RangeError('buffer: size must be a positive integer, got 0'));
    expect(() => Source.single(1).buffer(1, 'dropOldest' as never)).toThrow(TypeError);
  });
});

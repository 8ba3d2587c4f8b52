import {
  AbruptTerminationException,
  BufferOverflowError,
  IllegalStateError,
  Materializer,
  OverflowStrategy,
  QueueOfferResult,
  Sink,
  Source,
} from '@tributary/core';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, QUIET_MS } from './harness.js';
import { quiet } from './timeHarness.js';

const { Enqueued, Dropped, QueueClosed } = QueueOfferResult;

function queueProbe<T>(bufferSize: number, strategy: OverflowStrategy, mat: Materializer = quiet()) {
  return Source.queue<T>(bufferSize, strategy)
    .toMat(TestSink.probe<T>(), (q, p) => [q, p] as const)
    .run(mat);
}

/** Offers 1..n without demand and collects the offer results (those still pending are reported as 'pending'). */
async function offerAll(q: { offer(x: number): Promise<QueueOfferResult> }, n: number): Promise<(QueueOfferResult | 'pending')[]> {
  const results: (QueueOfferResult | 'pending')[] = new Array(n).fill('pending');
  for (let i = 1; i <= n; i++)
    void q.offer(i).then(
      (r) => (results[i - 1] = r),
      (e) => (results[i - 1] = QueueOfferResult.Failure(e)),
    );
  await new Promise((r) => setTimeout(r, QUIET_MS));
  return results;
}

describe('Source.queue', () => {
  it('emits offered elements on demand; offer resolves Enqueued once buffered', async () => {
    const [q, down] = queueProbe<number>(4, OverflowStrategy.backpressure);
    expect(await q.offer(1)).toBe(Enqueued);
    expect(await q.offer(2)).toBe(Enqueued);
    await down.expectNoMessageWhenIdle();
    down.request(3);
    await down.expectNextN([1, 2]);
    expect(await q.offer(3)).toBe(Enqueued);
    await down.expectNext(3);
    q.complete();
    await down.expectComplete();
    await q.watchCompletion();
  });

  it('complete() completes after the buffered elements; later offers resolve QueueClosed', async () => {
    const [q, down] = queueProbe<number>(4, OverflowStrategy.dropNew);
    await q.offer(1);
    await q.offer(2);
    q.complete();
    expect(await q.offer(3)).toBe(QueueClosed);
    down.request(5);
    await down.expectNextN([1, 2]);
    await down.expectComplete();
    await expect(q.watchCompletion()).resolves.toBeUndefined();
  });

  it('backpressure: an offer into a full buffer stays pending until there is room', async () => {
    const [q, down] = queueProbe<number>(2, OverflowStrategy.backpressure);
    const results = await offerAll(q, 3);
    expect(results).toEqual([Enqueued, Enqueued, 'pending']);
    down.request(1);
    await down.expectNext(1);
    await new Promise((r) => setTimeout(r, QUIET_MS));
    expect(results[2]).toBe(Enqueued);
    down.request(2);
    await down.expectNextN([2, 3]);
    down.cancel();
  });

  it('backpressure: a second offer while one is pending rejects with IllegalStateError', async () => {
    const [q, down] = queueProbe<number>(1, OverflowStrategy.backpressure);
    await q.offer(1);
    const pending = q.offer(2);
    await expect(q.offer(3)).rejects.toBeInstanceOf(IllegalStateError);
    down.request(3);
    await down.expectNextN([1, 2]);
    expect(await pending).toBe(Enqueued);
    down.cancel();
  });

  it('dropHead drops the oldest buffered element', async () => {
    const [q, down] = queueProbe<number>(2, OverflowStrategy.dropHead);
    expect(await offerAll(q, 3)).toEqual([Enqueued, Enqueued, Enqueued]);
    q.complete();
    expect(await down.toArray()).toEqual([2, 3]);
  });

  it('dropTail drops the youngest buffered element', async () => {
    const [q, down] = queueProbe<number>(2, OverflowStrategy.dropTail);
    expect(await offerAll(q, 3)).toEqual([Enqueued, Enqueued, Enqueued]);
    q.complete();
    expect(await down.toArray()).toEqual([1, 3]);
  });

  it('dropBuffer drops every buffered element', async () => {
    const [q, down] = queueProbe<number>(2, OverflowStrategy.dropBuffer);
    expect(await offerAll(q, 3)).toEqual([Enqueued, Enqueued, Enqueued]);
    q.complete();
    expect(await down.toArray()).toEqual([3]);
  });

  it('dropNew drops the offered element and says so', async () => {
    const [q, down] = queueProbe<number>(2, OverflowStrategy.dropNew);
    expect(await offerAll(q, 3)).toEqual([Enqueued, Enqueued, Dropped]);
    q.complete();
    expect(await down.toArray()).toEqual([1, 2]);
  });

  it('fail: an overflow resolves the offer with Failure and fails the stream with BufferOverflowError', async () => {
    const [q, down] = queueProbe<number>(1, OverflowStrategy.fail);
    expect(await q.offer(1)).toBe(Enqueued);
    const r = await q.offer(2);
    expect(r.kind).toBe('failure');
    const cause = (r as { cause: unknown }).cause;
    expect(cause).toBeInstanceOf(BufferOverflowError);
    expect((cause as Error).message).toBe('Buffer overflow (max capacity was: 1)!');
    expect(await down.expectError()).toBe(cause);
    await expect(q.watchCompletion()).rejects.toBe(cause);
    expect(await q.offer(3)).toEqual(QueueOfferResult.Failure(cause));
  });

  it('a zero buffer hands offers straight to a waiting downstream', async () => {
    const [q, down] = queueProbe<number>(0, OverflowStrategy.dropNew);
    down.request(1);
    await new Promise((r) => setTimeout(r, QUIET_MS));
    expect(await q.offer(1)).toBe(Enqueued);
    await down.expectNext(1);
    const results = await offerAll(q, 2); // the first waits as the pending offer, the second is dropped
    expect(results).toEqual(['pending', Dropped]);
    down.request(1);
    await down.expectNext(1);
    down.cancel();
  });

  it('fail(e) fails the stream and watchCompletion; later offers resolve Failure', async () => {
    const e = boom();
    const [q, down] = queueProbe<number>(4, OverflowStrategy.dropNew);
    await q.offer(1);
    q.fail(e);
    expect(await down.expectError()).toBe(e);
    await expect(q.watchCompletion()).rejects.toBe(e);
    expect(await q.offer(2)).toEqual(QueueOfferResult.Failure(e));
  });

  it('downstream cancellation resolves a pending offer with QueueClosed and completes watchCompletion', async () => {
    const [q, down] = queueProbe<number>(1, OverflowStrategy.backpressure);
    await q.offer(1);
    const pending = q.offer(2);
    down.cancel();
    expect(await pending).toBe(QueueClosed);
    await q.watchCompletion();
    expect(await q.offer(3)).toBe(QueueClosed);
  });

  it('materializer shutdown: watchCompletion rejects, offers do not hang', async () => {
    const mat = new Materializer({ logger: null });
    const [q] = queueProbe<number>(1, OverflowStrategy.backpressure, mat);
    await q.offer(1);
    const pending = q.offer(2);
    mat.shutdown();
    expect((await pending).kind).toBe('failure');
    await expect(q.watchCompletion()).rejects.toBeInstanceOf(AbruptTerminationException);
  });

  it('works end to end with a real sink', async () => {
    const [q, all] = Source.queue<number>(8, OverflowStrategy.backpressure)
      .toMat(Sink.seq(), (a, b) => [a, b] as const)
      .run();
    for (let i = 0; i < 100; i++) expect(await q.offer(i)).toBe(Enqueued);
    q.complete();
    expect(await all).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.queue(-1, OverflowStrategy.dropNew)).toThrow(new RangeError('Source.queue: bufferSize must be a non-negative integer, got -1'));
    expect(() => Source.queue(1, 'dropOld' as never)).toThrow(TypeError);
  });
});

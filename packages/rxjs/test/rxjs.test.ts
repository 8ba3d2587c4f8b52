import { Materializer, Sink, Source } from '@tributary/core';
import { BufferOverflowError, fromObservable, OverflowStrategy, toObservable } from '@tributary/rxjs';
import { TestSink } from '@tributary/testkit';
import { interval, Observable, of, Subject, take, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';

describe('fromObservable', () => {
  it('validates its arguments, rejecting backpressure with an explanation', () => {
    expect(() => fromObservable(of(1), 0, OverflowStrategy.dropNew)).toThrow(/fromObservable: bufferSize must be a positive integer, got 0/);
    expect(() => fromObservable(of(1), 4, OverflowStrategy.backpressure)).toThrow(/cannot be asked to wait/);
    expect(() => fromObservable(of(1), 4, 'nope' as never)).toThrow(/overflowStrategy must be one of/);
    expect(() => fromObservable(null as never, 4, OverflowStrategy.fail)).toThrow(TypeError);
  });

  it('emits, completes and each materialization subscribes afresh', async () => {
    let subscriptions = 0;
    const obs = new Observable<number>((s) => {
      subscriptions++;
      s.next(1);
      s.next(2);
      s.complete();
    });
    const src = fromObservable(obs, 8, OverflowStrategy.fail);
    expect(await src.runWith(Sink.seq())).toEqual([1, 2]);
    expect(await src.runWith(Sink.seq())).toEqual([1, 2]);
    expect(subscriptions).toBe(2);
  });

  const burst = (n: number): Observable<number> =>
    new Observable<number>((s) => {
      for (let i = 1; i <= n; i++) s.next(i);
      s.complete();
    });

  it.each([
    [OverflowStrategy.dropHead, [7, 8, 9, 10]],
    [OverflowStrategy.dropTail, [1, 2, 3, 10]],
    [OverflowStrategy.dropBuffer, [9, 10]],
    [OverflowStrategy.dropNew, [1, 2, 3, 4]],
  ] as const)('applies %s when the buffer (4) is full', async (strategy, expected) => {
    const down = fromObservable(burst(10), 4, strategy).runWith(TestSink.probe<number>());
    await down.expectNoMessageWhenIdle();
    expect(await down.toArray()).toEqual(expected);
  });

  it('fail: fails with BufferOverflowError and unsubscribes', async () => {
    const subject = new Subject<number>();
    const down = fromObservable(subject, 2, OverflowStrategy.fail).runWith(TestSink.probe<number>());
    await new Promise((r) => setTimeout(r, 10));
    subject.next(1);
    subject.next(2);
    subject.next(3);
    expect(await down.expectError()).toBeInstanceOf(BufferOverflowError);
    expect(subject.observed).toBe(false);
  });

  it('delivers buffered values before the Observable error; cancel unsubscribes', async () => {
    const e = new Error('boom');
    const subject = new Subject<number>();
    const down = fromObservable(subject, 4, OverflowStrategy.fail).runWith(TestSink.probe<number>());
    await new Promise((r) => setTimeout(r, 10));
    subject.next(1);
    subject.error(e);
    down.request(1);
    await down.expectNext(1);
    expect(await down.expectError()).toBe(e);

    const s2 = new Subject<number>();
    const down2 = fromObservable(s2, 4, OverflowStrategy.dropNew).runWith(TestSink.probe<number>());
    await new Promise((r) => setTimeout(r, 10));
    expect(s2.observed).toBe(true);
    down2.cancel();
    for (let i = 0; i < 50 && s2.observed; i++) await new Promise((r) => setTimeout(r, 2));
    expect(s2.observed).toBe(false);
    await expect(
      fromObservable(
        throwError(() => e),
        1,
        OverflowStrategy.fail,
      ).runWith(Sink.seq()),
    ).rejects.toBe(e);
  });
});

describe('toObservable', () => {
  it('is cold: each subscription materializes the source', async () => {
    let runs = 0;
    const src = Source.lazySource(() => {
      runs++;
      return Source.range(1, 3);
    });
    const collect = (): Promise<number[]> =>
      new Promise((resolve, reject) => {
        const got: number[] = [];
        toObservable(src).subscribe({ next: (x) => got.push(x), error: reject, complete: () => resolve(got) });
      });
    expect(await collect()).toEqual([1, 2, 3]);
    expect(await collect()).toEqual([1, 2, 3]);
    expect(runs).toBe(2);
  });

  it('unsubscribe cancels the stream; errors reach error()', async () => {
    const mat = new Materializer({ logger: null });
    const got: number[] = [];
    const sub = toObservable(Source.repeat(1), mat).subscribe((x) => got.push(x));
    await new Promise((r) => setTimeout(r, 10));
    sub.unsubscribe();
    for (let i = 0; i < 100 && mat.runningIslands > 0; i++) await new Promise((r) => setTimeout(r, 2));
    expect(mat.runningIslands).toBe(0);
    expect(got.length).toBeGreaterThan(0);

    const e = new Error('boom');
    const error = await new Promise((resolve) => toObservable(Source.failed(e), mat).subscribe({ error: resolve }));
    expect(error).toBe(e);
  });

  it('works with rxjs operators that unsubscribe early (take)', async () => {
    const mat = new Materializer({ logger: null });
    const got = await new Promise<number[]>((resolve) => {
      const xs: number[] = [];
      toObservable(Source.repeat(7), mat)
        .pipe(take(3))
        .subscribe({ next: (x) => xs.push(x), complete: () => resolve(xs) });
    });
    expect(got).toEqual([7, 7, 7]);
    for (let i = 0; i < 100 && mat.runningIslands > 0; i++) await new Promise((r) => setTimeout(r, 2));
    expect(mat.runningIslands).toBe(0);
    void interval;
  });
});

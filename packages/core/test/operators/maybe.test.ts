import { Keep, Materializer, Sink, Source } from '@tributary/core';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, eventually } from './harness.js';

function probeMaybe<T>(mat?: Materializer) {
  return Source.maybe<T>().toMat(TestSink.probe<T>(), Keep.both).run(mat);
}

describe('Source.maybe', () => {
  it('emits the value given to complete(value) when downstream asks, then completes', async () => {
    const [handle, down] = probeMaybe<number>();
    await down.expectNoMessageWhenIdle();
    expect(handle.isCompleted).toBe(false);
    expect(handle.complete(7)).toBe(true);
    expect(handle.isCompleted).toBe(true);
    await down.expectNoMessageWhenIdle(); // no demand yet
    down.request(1);
    await down.expectNext(7);
    await down.expectComplete();
  });

  it('complete() without a value completes the stream empty', async () => {
    const [handle, down] = probeMaybe<number>();
    down.request(1);
    handle.complete();
    await down.expectComplete();
  });

  it('complete(undefined) emits undefined: an argument, even undefined, is an element', async () => {
    const [handle, all] = Source.maybe<number | undefined>().toMat(Sink.seq(), Keep.both).run();
    handle.complete(undefined);
    expect(await all).toEqual([undefined]);
  });

  it('fail(error) fails the stream with that error', async () => {
    const e = boom();
    const [handle, down] = probeMaybe<number>(new Materializer({ logger: null }));
    expect(handle.fail(e)).toBe(true);
    expect(await down.expectError()).toBe(e);
  });

  it('only the first decision counts; later calls return false', async () => {
    const [handle, all] = Source.maybe<string>().toMat(Sink.seq(), Keep.both).run();
    expect(handle.complete('first')).toBe(true);
    expect(handle.complete('second')).toBe(false);
    expect(handle.complete()).toBe(false);
    expect(handle.fail(boom())).toBe(false);
    expect(await all).toEqual(['first']);
  });

  it('a decision made right at materialization (before the stage started) is not lost', async () => {
    const [handle, all] = Source.maybe<number>()
      .concat(Source.from([2, 3]))
      .toMat(Sink.seq(), Keep.both)
      .run();
    handle.complete(1);
    expect(await all).toEqual([1, 2, 3]);
  });

  it('downstream cancelling first completes the handle empty: a later complete(value) returns false', async () => {
    const [handle, down] = probeMaybe<number>();
    down.cancel();
    await eventually(() => handle.isCompleted, 'the handle to be completed by the cancellation');
    expect(handle.complete(1)).toBe(false);
  });

  it('each materialization has its own handle', async () => {
    const src = Source.maybe<number>();
    const [h1, a1] = src.toMat(Sink.seq(), Keep.both).run();
    const [h2, a2] = src.toMat(Sink.seq(), Keep.both).run();
    h2.complete(2);
    h1.complete();
    expect(await a1).toEqual([]);
    expect(await a2).toEqual([2]);
  });
});

import { describe, expect, it } from 'vitest';
import { Keep, Materializer, NeverMaterializedException, Sink, Source } from '@tributary/core';
import { TestSink } from '@tributary/testkit';
import { boom, QUIET_MS } from './harness.js';

const quiet = () => new Materializer({ logger: null });

describe('Source.lazySingle', () => {
  it('calls create on the first pull, not at materialization, emits its result and completes', async () => {
    let calls = 0;
    const down = Source.lazySingle(() => ++calls).runWith(TestSink.probe<number>());
    await down.expectNoMessage(QUIET_MS);
    expect(calls).toBe(0);
    down.request(1);
    await down.expectNext(1);
    await down.expectComplete();
    expect(calls).toBe(1);
  });

  it('calls create afresh for each materialization; a throw fails the stream', async () => {
    let calls = 0;
    const src = Source.lazySingle(() => ++calls);
    expect(await src.runWith(Sink.seq())).toEqual([1]);
    expect(await src.runWith(Sink.seq())).toEqual([2]);
    const e = boom();
    await expect(
      Source.lazySingle(() => {
        throw e;
      }).runWith(Sink.seq(), quiet()),
    ).rejects.toBe(e);
  });

  it('cancelled before the first pull: create is never called', async () => {
    let calls = 0;
    const down = Source.lazySingle(() => ++calls).runWith(TestSink.probe<number>());
    down.cancel();
    await new Promise((r) => setTimeout(r, QUIET_MS));
    expect(calls).toBe(0);
  });

  it('validates its argument', () => {
    expect(() => Source.lazySingle(5 as never)).toThrow('Source.lazySingle: create must be a function, got 5');
  });
});

describe('Source.lazyPromise', () => {
  it('calls create on the first pull and emits what its promise resolves to', async () => {
    let calls = 0;
    const down = Source.lazyPromise(async () => `v${++calls}`).runWith(TestSink.probe<string>());
    await down.expectNoMessage(QUIET_MS);
    expect(calls).toBe(0);
    down.request(1);
    await down.expectNext('v1');
    await down.expectComplete();
  });

  it('a rejection or a throw fails the stream; a non-promise fails clearly', async () => {
    const e = boom();
    await expect(Source.lazyPromise(() => Promise.reject(e)).runWith(Sink.seq(), quiet())).rejects.toBe(e);
    await expect(
      Source.lazyPromise(() => {
        throw e;
      }).runWith(Sink.seq(), quiet()),
    ).rejects.toBe(e);
    await expect(Source.lazyPromise(() => 3 as never).runWith(Sink.seq(), quiet())).rejects.toThrow('lazyPromise: create must return a promise, got 3');
  });

  it('validates its argument', () => {
    expect(() => Source.lazyPromise(null as never)).toThrow('Source.lazyPromise: create must be a function, got null');
  });
});

describe('Source.lazyPromiseSource', () => {
  it('creates the source on the first pull, runs it once its promise resolves, and resolves with its value', async () => {
    let calls = 0;
    const [mat, down] = Source.lazyPromiseSource(async () => {
      calls++;
      return Source.from([1, 2]).mapMaterializedValue(() => 'inner');
    })
      .toMat(TestSink.probe<number>(), Keep.both)
      .run();
    await down.expectNoMessage(QUIET_MS);
    expect(calls).toBe(0);
    down.request(1);
    await down.expectNext(1);
    expect(await mat).toBe('inner');
    down.request(1);
    await down.expectNext(2);
    await down.expectComplete();
  });

  it('a rejected promise fails the stream and the value with that error', async () => {
    const e = boom();
    const [mat, done] = Source.lazyPromiseSource<number, unknown>(() => Promise.reject(e))
      .toMat(Sink.seq(), Keep.both)
      .run(quiet());
    await expect(done).rejects.toBe(e);
    await expect(mat).rejects.toBe(e);
  });

  it('a promise of something else than a source fails clearly', async () => {
    const [mat, done] = Source.lazyPromiseSource(async () => Sink.ignore() as never)
      .toMat(Sink.seq(), Keep.both)
      .run(quiet());
    await expect(done).rejects.toThrow("lazyPromiseSource: create's promise must resolve to a Source (a graph with a SourceShape), got SinkShape");
    await expect(mat).rejects.toThrow(TypeError);
  });

  it('cancelled before the first pull: never created, the value rejects with NeverMaterializedException', async () => {
    let calls = 0;
    const [mat, down] = Source.lazyPromiseSource(async () => {
      calls++;
      return Source.single(1);
    })
      .toMat(TestSink.probe<number>(), Keep.both)
      .run();
    down.cancel();
    await expect(mat).rejects.toBeInstanceOf(NeverMaterializedException);
    expect(calls).toBe(0);
  });
});

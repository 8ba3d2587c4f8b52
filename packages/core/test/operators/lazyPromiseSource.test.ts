import { Keep, Materializer, NeverMaterializedException, Sink, Source } from '@tributary/core';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';

const quiet = () => new Materializer({ logger: null });

describe('Source.lazyPromiseSource', () => {
  it('creates the source on the first pull, runs it once its promise resolves, and resolves with its value', async () => {
    let calls = 0;
    const [mat, down] = Source.lazyPromiseSource(async () => {
      calls++;
      return Source.from([1, 2]).mapMaterializedValue(() => 'inner');
    })
      .toMat(TestSink.probe<number>(), Keep.both)
      .run();
    await down.expectNoMessageWhenIdle();
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

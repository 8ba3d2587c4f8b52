import { Materializer, Sink, Source } from '@tributary/core';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';

const quiet = () => new Materializer({ logger: null });

describe('Source.lazyPromise', () => {
  it('calls create on the first pull and emits what its promise resolves to', async () => {
    let calls = 0;
    const down = Source.lazyPromise(async () => `v${++calls}`).runWith(TestSink.probe<string>());
    await down.expectNoMessageWhenIdle();
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

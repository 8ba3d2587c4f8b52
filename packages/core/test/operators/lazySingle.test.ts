import { Materializer, Sink, Source } from '@tributary/core';
import { settle, TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom } from './harness.js';

const quiet = () => new Materializer({ logger: null });

describe('Source.lazySingle', () => {
  it('calls create on the first pull, not at materialization, emits its result and completes', async () => {
    let calls = 0;
    const down = Source.lazySingle(() => ++calls).runWith(TestSink.probe<number>());
    await down.expectNoMessageWhenIdle();
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
    await settle();
    expect(calls).toBe(0);
  });

  it('validates its argument', () => {
    expect(() => Source.lazySingle(5 as never)).toThrow('Source.lazySingle: create must be a function, got 5');
  });
});

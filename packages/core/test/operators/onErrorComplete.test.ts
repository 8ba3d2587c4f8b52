import { Flow, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

class TimeoutError extends Error {}

describe('onErrorComplete', () => {
  it('completes instead of failing (every error by default), after the elements before the failure', async () => {
    const [up, down] = probe(Flow.create<number>().onErrorComplete());
    down.request(2);
    await up.expectRequest();
    up.sendNext(1);
    await down.expectNext(1);
    up.sendError(boom());
    await down.expectComplete();
  });

  it('matches an error class; other errors pass on', async () => {
    expect(await Source.failed<number>(new TimeoutError('t')).onErrorComplete(TimeoutError).runWith(Sink.seq())).toEqual([]);
    const other = boom();
    await expect(Source.failed<number>(other).onErrorComplete(TimeoutError).runWith(Sink.seq())).rejects.toBe(other);
  });

  it('matches with a predicate', async () => {
    const isTransient = (e: unknown) => e instanceof Error && e.message === 'transient';
    expect(await Source.failed<number>(new Error('transient')).onErrorComplete(isTransient).runWith(Sink.seq())).toEqual([]);
    const fatal = new Error('fatal');
    await expect(Source.failed<number>(fatal).onErrorComplete(isTransient).runWith(Sink.seq())).rejects.toBe(fatal);
  });

  it('a predicate that throws fails the stream with what it threw', async () => {
    const thrown = boom('pred');
    await expect(
      Source.failed<number>(boom())
        .onErrorComplete(() => {
          throw thrown;
        })
        .runWith(Sink.seq()),
    ).rejects.toBe(thrown);
  });

  it('passes completion and cancellation through', async () => {
    expect(await Source.from([1, 2]).onErrorComplete().runWith(Sink.seq())).toEqual([1, 2]);
    const [up, down] = probe(Flow.create<number>().onErrorComplete());
    down.cancel();
    await up.expectCancellation();
  });

  it('validates the matcher', () => {
    expect(() => Flow.create<number>().onErrorComplete(42 as never)).toThrow(/onErrorComplete: matcher must be an error class or a predicate function, got 42/);
  });
});

import { Flow, Materializer, Sink, Source } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

const quiet = new Materializer({ logger: null });

describe('withSignal', () => {
  it('passes elements through on demand until the signal aborts, then fails with signal.reason and cancels upstream with it', async () => {
    const ac = new AbortController();
    const [up, down] = probe(Flow.create<number>().withSignal(ac.signal));
    down.request(1);
    await up.expectRequest();
    up.sendNext(1);
    await down.expectNext(1);
    await down.expectNoMessageWhenIdle();
    const reason = boom('stop now');
    ac.abort(reason);
    expect(await down.expectError()).toBe(reason);
    expect(await up.expectCancellation()).toBe(reason);
  });

  it('without an explicit reason fails with an AbortError', async () => {
    const ac = new AbortController();
    const done = Source.never<number>().withSignal(ac.signal).runWith(Sink.ignore(), quiet);
    ac.abort();
    const err = await done.catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
  });

  it("with onAbort: 'complete' completes downstream and cancels upstream", async () => {
    const ac = new AbortController();
    const [up, down] = probe(Flow.create<number>().withSignal(ac.signal, { onAbort: 'complete' }));
    down.request(1);
    await up.expectRequest();
    ac.abort();
    await down.expectComplete();
    await up.expectCancellation();
  });

  it('an already aborted signal ends the stream at start', async () => {
    const reason = boom();
    await expect(Source.repeat(1).withSignal(AbortSignal.abort(reason)).runWith(Sink.ignore(), quiet)).rejects.toBe(reason);
    expect(await Source.repeat(1).withSignal(AbortSignal.abort(), { onAbort: 'complete' }).runWith(Sink.seq())).toEqual([]);
  });

  it('removes its listener when the stream ends, however it ends', async () => {
    const ac = new AbortController();
    const signal = ac.signal;
    const added: unknown[] = [];
    const removed: unknown[] = [];
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((type: string, l: () => void, o?: { once?: boolean }) => (added.push(l), add(type, l, o))) as typeof signal.addEventListener;
    signal.removeEventListener = ((type: string, l: () => void) => (removed.push(l), remove(type, l))) as typeof signal.removeEventListener;
    expect(await Source.from([1, 2, 3]).withSignal(signal).runWith(Sink.seq())).toEqual([1, 2, 3]);
    await Source.repeat(1).withSignal(signal).take(2).runWith(Sink.ignore());
    await Source.failed<number>(boom())
      .withSignal(signal)
      .runWith(Sink.ignore(), quiet)
      .catch(() => {});
    expect(added).toHaveLength(3);
    expect(removed).toEqual(added);
  });

  it('passes completion and failure through', async () => {
    const ac = new AbortController();
    expect(await Source.from([1, 2]).withSignal(ac.signal).runWith(Sink.seq())).toEqual([1, 2]);
    const e = boom();
    await expect(Source.failed<number>(e).withSignal(ac.signal).runWith(Sink.seq(), quiet)).rejects.toBe(e);
  });

  it('validates its arguments', () => {
    expect(() => Flow.create<number>().withSignal({} as AbortSignal)).toThrow(/withSignal: signal must be an AbortSignal, got an object/);
    expect(() => Flow.create<number>().withSignal(new AbortController().signal, { onAbort: 'explode' as never })).toThrow(
      /withSignal: onAbort must be 'fail' or 'complete', got "explode"/,
    );
  });
});

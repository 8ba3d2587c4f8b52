/**
 * Tests of the testkit's idle-based quiet checks: `settle()` and the probes' `expectNoMessageWhenIdle()`.
 * They must pass on a stream that has nothing left to do, and fail whenever the stream would still
 * deliver a signal without outside help (a promise resolving some microtasks or event-loop turns
 * later, an island hop across an async boundary, a hot stream).
 */

import { Flow, Materializer, Sink, Source } from '@tributary/core';
import { AssertionFailed, ProbeTimeoutError, settle, TestSink, TestSource, VirtualScheduler } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';

/** A promise that resolves with `value` after `hops` microtask hops. */
function afterMicrotasks<T>(value: T, hops: number): Promise<T> {
  let p: Promise<T> = Promise.resolve(value);
  for (let i = 0; i < hops; i++) p = p.then((v) => v);
  return p;
}

/** A promise that resolves with `value` after `turns` event-loop turns (`setImmediate` hops). */
function afterTurns<T>(value: T, turns: number): Promise<T> {
  return new Promise<T>((resolve) => {
    const hop = (left: number): void => {
      if (left === 0) resolve(value);
      else setImmediate(() => hop(left - 1));
    };
    hop(turns);
  });
}

describe('TestSubscriberProbe.expectNoMessageWhenIdle', () => {
  it('passes when the stream emitted what was requested and waits for demand', async () => {
    const probe = Source.range(1, 10)
      .map((x) => x * 2)
      .runWith(TestSink.probe<number>());
    probe.request(2);
    await probe.expectNext(2);
    await probe.expectNext(4);
    await probe.expectNoMessageWhenIdle();
    probe.request(1);
    await probe.expectNext(6);
    probe.cancel();
  });

  it('fails on an element that is already waiting in the probe', async () => {
    const probe = Source.single(1).runWith(TestSink.probe<number>());
    probe.request(1);
    await settle();
    await expect(probe.expectNoMessageWhenIdle()).rejects.toThrow(/expected no message once the stream is idle, got element 1/);
  });

  it('fails on an element still in flight right after request() (nothing has run yet)', async () => {
    const probe = Source.single(1)
      .map((x) => x + 1)
      .runWith(TestSink.probe<number>());
    probe.request(1);
    await expect(probe.expectNoMessageWhenIdle()).rejects.toBeInstanceOf(AssertionFailed);
  });

  it.each([1, 5, 50])('fails on an element from a promise that resolves %i microtasks later', async (hops) => {
    const probe = Source.single(7)
      .mapAsync(1, (x) => afterMicrotasks(x, hops))
      .runWith(TestSink.probe<number>());
    probe.request(1);
    await expect(probe.expectNoMessageWhenIdle()).rejects.toThrow(/got element 7/);
  });

  it.each([1, 2])('fails on an element from a promise that resolves %i event-loop turns later', async (turns) => {
    const probe = Source.single(7)
      .mapAsync(1, (x) => afterTurns(x, turns))
      .runWith(TestSink.probe<number>());
    probe.request(1);
    await expect(probe.expectNoMessageWhenIdle()).rejects.toThrow(/got element 7/);
  });

  it('fails on an element that crosses several async boundaries', async () => {
    const probe = Source.single('x')
      .async()
      .map((s) => s + 'y')
      .async()
      .map((s) => s + 'z')
      .async()
      .runWith(TestSink.probe<string>());
    probe.request(1);
    await expect(probe.expectNoMessageWhenIdle()).rejects.toThrow(/got element "xyz"/);
  });

  it('fails on a completion or an error that arrives once the stream works on', async () => {
    const completing = Source.empty<number>()
      .mapAsync(1, (x) => afterMicrotasks(x, 3))
      .runWith(TestSink.probe<number>());
    await expect(completing.expectNoMessageWhenIdle()).rejects.toThrow(/got completion/);
    const failing = Source.single(1)
      .mapAsync(1, () => afterMicrotasks(0, 3).then(() => Promise.reject(new Error('late'))))
      .runWith(TestSink.probe<number>());
    failing.request(1);
    await expect(failing.expectNoMessageWhenIdle()).rejects.toThrow(/got error/);
  });

  it('fails on an element a hot stream delivers after many batches (the executor yields to the event loop in between)', async () => {
    // 50 000 filtered-out elements before the one that passes: several island batches, several
    // event-loop turns (the executor defers with setImmediate once its budget is spent).
    const probe = Source.range(1, 50_001)
      .filter((x) => x > 50_000)
      .runWith(TestSink.probe<number>());
    probe.request(1);
    await expect(probe.expectNoMessageWhenIdle()).rejects.toThrow(/got element 50001/);
  });

  it('does not wait for a timer: a virtual-time delay is still pending when the stream is idle', async () => {
    const scheduler = new VirtualScheduler();
    const mat = new Materializer({ scheduler });
    const probe = Source.single(1).delay(100).runWith(TestSink.probe<number>(), mat);
    probe.request(1);
    await probe.expectNoMessageWhenIdle();
    await scheduler.advance(99);
    await probe.expectNoMessageWhenIdle();
    await scheduler.advance(1);
    await probe.expectNext(1);
    await probe.expectComplete();
  });

  it('checks the materializer its stream runs on', async () => {
    const mat = new Materializer();
    const probe = Source.single(3)
      .mapAsync(1, (x) => afterMicrotasks(x, 10))
      .runWith(TestSink.probe<number>(), mat);
    probe.request(1);
    await expect(probe.expectNoMessageWhenIdle()).rejects.toThrow(/got element 3/);
    mat.shutdown();
  });

  it('fails, instead of passing, when the stream never becomes idle', async () => {
    const probe = Source.repeat(1)
      .filter(() => false)
      .runWith(TestSink.probe<number>({ timeoutMs: 100 }));
    probe.request(1);
    await expect(probe.expectNoMessageWhenIdle()).rejects.toBeInstanceOf(ProbeTimeoutError);
    probe.cancel();
  });
});

describe('TestPublisherProbe.expectNoMessageWhenIdle', () => {
  it('passes when downstream asked for nothing more', async () => {
    const [up, down] = Flow.create<number>()
      .map((x) => x + 1)
      .runWith(TestSource.probe<number>(), TestSink.probe<number>());
    down.request(1);
    expect(await up.expectRequest()).toBe(1);
    up.sendNext(1);
    await down.expectNext(2);
    await up.expectNoMessageWhenIdle();
    await down.expectNoMessageWhenIdle();
    up.sendComplete();
    await down.expectComplete();
  });

  it('fails on a request still in flight', async () => {
    const [up, down] = Flow.create<number>().async().runWith(TestSource.probe<number>(), TestSink.probe<number>());
    down.request(1);
    await expect(up.expectNoMessageWhenIdle()).rejects.toThrow(/expected no signal from downstream once the stream is idle, got a request/);
  });

  it('fails on a cancellation that follows a late promise', async () => {
    const [up, down] = Flow.create<number>()
      .mapAsync(1, (x) => afterMicrotasks(x, 5))
      .take(1)
      .runWith(TestSource.probe<number>(), TestSink.probe<number>());
    down.request(1);
    await up.expectRequest();
    up.sendNext(1);
    await expect(up.expectNoMessageWhenIdle()).rejects.toThrow(/got (a request|cancellation)/);
  });
});

describe('settle', () => {
  it('resolves once the stream has finished what it can do on its own', async () => {
    const seen: number[] = [];
    const done = Source.range(1, 3)
      .mapAsync(1, (x) => afterMicrotasks(x, 5))
      .async()
      .mapAsync(1, (x) => afterTurns(x, 1))
      .runWith(Sink.foreach((x: number) => seen.push(x)));
    await settle();
    expect(seen).toEqual([1, 2, 3]);
    await done;
  });

  it('waits on the given materializer', async () => {
    const mat = new Materializer();
    let count = 0;
    void Source.range(1, 20_000).runWith(
      Sink.foreach(() => count++),
      mat,
    );
    await settle(mat);
    expect(count).toBe(20_000);
    mat.shutdown();
  });

  it('rejects a bad idleTurns and times out on a stream that never stops', async () => {
    await expect(settle(Materializer.default, { idleTurns: 0 })).rejects.toBeInstanceOf(RangeError);
    const mat = new Materializer();
    Source.repeat(0).runWith(Sink.ignore(), mat);
    await expect(settle(mat, { timeoutMs: 50 })).rejects.toBeInstanceOf(ProbeTimeoutError);
    mat.shutdown();
  });
});

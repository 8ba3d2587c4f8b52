import { Attributes, Flow, Sink, Source, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';
import { ManualCalls, quiet } from './timeHarness.js';

const RESUME = Attributes.supervisionStrategy(Supervision.resume);

describe('mapAsync', () => {
  it('asks upstream for nothing before downstream does, then for up to parallelism elements', async () => {
    const calls = new ManualCalls<number, number>();
    const [up, down] = probe(Flow.create<number>().mapAsync(3, calls.f));
    await up.expectNoMessageWhenIdle();
    down.request(1);
    up.sendNextN([1, 2, 3, 4, 5]);
    await calls.waitForStarted(3);
    await expectRequests(up, 3);
    expect(calls.started).toEqual([1, 2, 3]);
    calls.resolve(1, 10);
    await down.expectNext(10);
    // one slot freed: one more element is taken in
    await expectRequests(up, 1);
    await calls.waitForStarted(4);
    down.cancel();
  });

  it('emits results in the order of the elements, whatever order the promises resolve in', async () => {
    const calls = new ManualCalls<number, string>();
    const [up, down] = probe(Flow.create<number>().mapAsync(4, calls.f));
    down.request(10);
    up.sendNextN([1, 2, 3, 4]);
    await calls.waitForStarted(4);
    calls.resolve(3, 'c');
    calls.resolve(2, 'b');
    calls.resolve(4, 'd');
    await down.expectNoMessageWhenIdle();
    calls.resolve(1, 'a');
    await down.expectNextN(['a', 'b', 'c', 'd']);
    up.sendComplete();
    await down.expectComplete();
  });

  it('never runs more than parallelism calls at once', async () => {
    let inFlight = 0;
    let max = 0;
    const out = await Source.range(1, 200)
      .mapAsync(5, async (x) => {
        inFlight++;
        max = Math.max(max, inFlight);
        await new Promise<void>((r) => setImmediate(r));
        inFlight--;
        return x * 2;
      })
      .runWith(Sink.seq());
    expect(out).toEqual(Array.from({ length: 200 }, (_, i) => (i + 1) * 2));
    expect(max).toBe(5);
  });

  it('a buffered result counts towards parallelism: no more elements while downstream is slow', async () => {
    const calls = new ManualCalls<number, number>();
    const [up, down] = probe(Flow.create<number>().mapAsync(2, calls.f));
    down.request(1);
    up.sendNextN([1, 2, 3]);
    await calls.waitForStarted(2);
    calls.resolve(1, 1);
    calls.resolve(2, 2);
    await down.expectNext(1);
    await expectRequests(up, 3);
    await calls.waitForStarted(3);
    expect(calls.started).toEqual([1, 2, 3]);
    down.cancel();
  });

  it('accepts plain (non-promise) results and emits undefined results as elements', async () => {
    const out = await Source.range(1, 4)
      .mapAsync(2, (x) => (x % 2 === 0 ? Promise.resolve(undefined) : x))
      .runWith(Sink.seq());
    expect(out).toEqual([1, undefined, 3, undefined]);
  });

  it('completes only after the calls in flight have been emitted', async () => {
    const calls = new ManualCalls<number, number>();
    const [up, down] = probe(Flow.create<number>().mapAsync(4, calls.f));
    down.request(5);
    up.sendNextN([1, 2]).sendComplete();
    await calls.waitForStarted(2);
    await down.expectNoMessageWhenIdle();
    calls.resolve(2, 20);
    calls.resolve(1, 10);
    await down.expectNextN([10, 20]);
    await down.expectComplete();
  });

  it('completes at once when upstream completes with nothing in flight', async () => {
    const [up, down] = probe(Flow.create<number>().mapAsync(2, async (x) => x));
    down.request(1);
    await up.expectRequest();
    up.sendComplete();
    await down.expectComplete();
  });

  it('a rejection fails the stream at once with the original error and cancels upstream', async () => {
    const e = boom();
    const calls = new ManualCalls<number, number>();
    const [up, down] = probe(Flow.create<number>().mapAsync(3, calls.f));
    down.request(3);
    up.sendNextN([1, 2, 3]);
    await calls.waitForStarted(3);
    calls.reject(2, e); // fails although the first element is still running
    expect(await down.expectError()).toBe(e);
    expect(await up.expectCancellation()).toBe(e);
  });

  it('a function that throws synchronously is handled like a rejection', async () => {
    const e = boom();
    await expect(
      Source.range(1, 5)
        .mapAsync(2, (x) => {
          if (x === 3) throw e;
          return Promise.resolve(x);
        })
        .runWith(Sink.seq(), quiet()),
    ).rejects.toBe(e);
  });

  it('resume drops the failed element and later elements are not held up by it', async () => {
    const calls = new ManualCalls<number, number>();
    const [up, down] = probe(Flow.create<number>().mapAsync(4, calls.f).withAttributes(RESUME));
    down.request(10);
    up.sendNextN([1, 2, 3, 4]);
    await calls.waitForStarted(4);
    calls.resolve(3, 30);
    calls.resolve(4, 40);
    calls.resolve(1, 10);
    await down.expectNext(10);
    await down.expectNoMessageWhenIdle(); // 2 still running: order is kept
    calls.reject(2, boom());
    await down.expectNextN([30, 40]);
    up.sendComplete();
    await down.expectComplete();
  });

  it('resume also covers synchronous throws (and with every element failing, the stream still completes)', async () => {
    const out = await Source.range(1, 6)
      .mapAsync(3, (x) => {
        if (x % 2 === 0) throw boom();
        return Promise.resolve(x);
      })
      .withAttributes(RESUME)
      .runWith(Sink.seq());
    expect(out).toEqual([1, 3, 5]);
    expect(
      await Source.range(1, 3)
        .mapAsync(2, () => Promise.reject(boom()))
        .withAttributes(RESUME)
        .runWith(Sink.seq()),
    ).toEqual([]);
  });

  it('propagates upstream failure with the original error object', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().mapAsync(2, async (x) => x));
    down.request(2);
    up.sendNext(1);
    await down.expectNext(1);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation upstream (calls in flight are abandoned)', async () => {
    const calls = new ManualCalls<number, number>();
    const [up, down] = probe(Flow.create<number>().mapAsync(2, calls.f));
    down.request(1);
    up.sendNext(1);
    await calls.waitForStarted(1);
    down.cancel();
    await up.expectCancellation();
    calls.resolve(1, 1); // a late resolution reaches a stopped stage: ignored
    await down.expectNoMessageWhenIdle();
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).mapAsync(0, async (x) => x)).toThrow(new RangeError('mapAsync: parallelism must be a positive integer, got 0'));
    expect(() => Source.single(1).mapAsync(1.5, async (x) => x)).toThrow(RangeError);
    expect(() => Source.single(1).mapAsync(2, 'f' as never)).toThrow(new TypeError('mapAsync: f must be a function, got "f"'));
  });
});

import { Flow, Materializer, Sink, Source, SubscriptionTimeoutException, subscriptionTimeout } from '@tributary/core';
import { TestSink, TestSource, VirtualScheduler } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

describe('prefixAndTail', () => {
  it('emits the first n elements and a source of the rest', async () => {
    const [prefix, tail] = (await Source.range(1, 5).prefixAndTail(2).runWith(Sink.seq()))[0]!;
    expect(prefix).toEqual([1, 2]);
    expect(await tail.runWith(Sink.seq())).toEqual([3, 4, 5]);
  });

  it('with fewer than n elements emits them all and an empty tail', async () => {
    const [prefix, tail] = (await Source.range(1, 2).prefixAndTail(5).runWith(Sink.seq()))[0]!;
    expect(prefix).toEqual([1, 2]);
    expect(await tail.runWith(Sink.seq())).toEqual([]);
  });

  it('prefixAndTail(0) emits an empty prefix and the whole stream as the tail', async () => {
    const [prefix, tail] = (await Source.range(1, 3).prefixAndTail(0).runWith(Sink.seq()))[0]!;
    expect(prefix).toEqual([]);
    expect(await tail.runWith(Sink.seq())).toEqual([1, 2, 3]);
  });

  it('pulls the prefix only on demand, and the tail only as the tail’s consumer demands', async () => {
    const [up, down] = probe(Flow.create<number>().prefixAndTail(2));
    await up.expectNoMessageWhenIdle();
    down.request(1);
    await up.expectRequest();
    up.sendNext(1);
    await up.expectRequest();
    up.sendNext(2);
    const [prefix, tail] = await down.expectNext();
    expect(prefix).toEqual([1, 2]);
    await down.expectComplete();
    await up.expectNoMessageWhenIdle(); // the tail has not been run yet
    const tailProbe = tail.runWith(TestSink.probe<number>());
    await up.expectNoMessageWhenIdle();
    tailProbe.request(1);
    await up.expectRequest();
    up.sendNext(3);
    await tailProbe.expectNext(3);
    up.sendComplete();
    await tailProbe.expectComplete();
  });

  it('the tail can be flattened in the same stream (flatMapConcat)', async () => {
    const out = await Source.range(1, 5)
      .prefixAndTail(1)
      .flatMapConcat(([[head], tail]) => tail.map((x) => x * head!))
      .runWith(Sink.seq());
    expect(out).toEqual([2, 3, 4, 5]);
  });

  it('upstream failure after the prefix fails the tail', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().prefixAndTail(1));
    down.request(1);
    up.sendNext(1);
    const [, tail] = await down.expectNext();
    const tailProbe = tail.runWith(TestSink.probe<number>());
    tailProbe.request(1);
    up.sendError(e);
    expect(await tailProbe.expectError()).toBe(e);
  });

  it('upstream failure before the prefix fails the stream', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().prefixAndTail(2));
    down.request(1);
    up.sendNext(1);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('cancelling the tail cancels upstream; cancelling downstream before the prefix too', async () => {
    const [up, down] = probe(Flow.create<number>().prefixAndTail(1));
    down.request(1);
    up.sendNext(1);
    const [, tail] = await down.expectNext();
    tail.runWith(TestSink.probe<number>()).cancel();
    await up.expectCancellation();

    const [up2, down2] = probe(Flow.create<number>().prefixAndTail(1));
    down2.cancel();
    await up2.expectCancellation();
  });

  it('the tail can be materialized only once', async () => {
    const [, tail] = (await Source.range(1, 3).prefixAndTail(1).runWith(Sink.seq()))[0]!;
    const first = tail.runWith(Sink.seq());
    expect(() => tail.runWith(Sink.seq())).toThrow(/cannot be materialized more than once/);
    expect(await first).toEqual([2, 3]);
  });

  it('a tail never run: after the subscription timeout upstream is cancelled and running it fails', async () => {
    const scheduler = new VirtualScheduler();
    const mat = new Materializer({ scheduler, logger: null });
    const [up, down] = Flow.create<number>()
      .prefixAndTail(1)
      .withAttributes(subscriptionTimeout(1000))
      .runWith(TestSource.probe<number>(), TestSink.probe(), mat);
    down.request(1);
    await up.expectRequest();
    up.sendNext(1);
    const [, tail] = await down.expectNext();
    await scheduler.advance(999);
    await up.expectNoMessageWhenIdle();
    await scheduler.advance(1);
    await up.expectCancellation();
    const late = tail.runWith(TestSink.probe<number>(), mat);
    const error = await late.expectError();
    expect(error).toBeInstanceOf(SubscriptionTimeoutException);
    expect(String(error)).toMatch(/has not been materialized in 1000 ms/);
    mat.shutdown();
  });

  it('validates n at build time', () => {
    expect(() => Source.single(1).prefixAndTail(-1)).toThrow(/prefixAndTail: n must be a non-negative integer, got -1/);
  });
});

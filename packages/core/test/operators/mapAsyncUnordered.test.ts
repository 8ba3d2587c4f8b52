import { Attributes, Flow, Sink, Source, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';
import { ManualCalls, quiet } from './timeHarness.js';

const RESUME = Attributes.supervisionStrategy(Supervision.resume);

describe('mapAsyncUnordered', () => {
  it('asks upstream only after downstream demand, then for up to parallelism elements', async () => {
    const calls = new ManualCalls<number, number>();
    const [up, down] = probe(Flow.create<number>().mapAsyncUnordered(2, calls.f));
    await up.expectNoMessageWhenIdle();
    down.request(1);
    up.sendNextN([1, 2, 3]);
    await calls.waitForStarted(2);
    await expectRequests(up, 2);
    calls.resolve(2, 20);
    await down.expectNext(20);
    await expectRequests(up, 1);
    down.cancel();
  });

  it('emits each result as soon as it is there (completion order)', async () => {
    const calls = new ManualCalls<number, string>();
    const [up, down] = probe(Flow.create<number>().mapAsyncUnordered(4, calls.f));
    down.request(10);
    up.sendNextN([1, 2, 3, 4]);
    await calls.waitForStarted(4);
    calls.resolve(3, 'c');
    await down.expectNext('c');
    calls.resolve(1, 'a');
    await down.expectNext('a');
    calls.resolve(4, 'd');
    calls.resolve(2, 'b');
    await down.expectNextN(['d', 'b']);
    up.sendComplete();
    await down.expectComplete();
  });

  it('results wait for demand, and a waiting result counts towards parallelism', async () => {
    const calls = new ManualCalls<number, number>();
    const [up, down] = probe(Flow.create<number>().mapAsyncUnordered(2, calls.f));
    down.request(1);
    up.sendNextN([1, 2, 3, 4]);
    await calls.waitForStarted(2);
    calls.resolve(2, 2);
    await down.expectNext(2);
    await calls.waitForStarted(3);
    calls.resolve(1, 1);
    calls.resolve(3, 3);
    await down.expectNoMessageWhenIdle();
    expect(calls.started).toEqual([1, 2, 3]); // two results are waiting: nothing more is taken in
    down.request(2);
    expect([await down.expectNext(), await down.expectNext()].sort()).toEqual([1, 3]);
    await calls.waitForStarted(4);
    down.cancel();
  });

  it('never runs more than parallelism calls at once, and loses nothing', async () => {
    let inFlight = 0;
    let max = 0;
    const out = await Source.range(1, 300)
      .mapAsyncUnordered(7, async (x) => {
        inFlight++;
        max = Math.max(max, inFlight);
        for (let i = 0; i < x % 4; i++) await Promise.resolve();
        inFlight--;
        return x;
      })
      .runWith(Sink.seq());
    expect(out.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(max).toBeLessThanOrEqual(7);
    expect(max).toBeGreaterThan(1);
  });

  it('completes after the last result when upstream completed first', async () => {
    const calls = new ManualCalls<number, number>();
    const [up, down] = probe(Flow.create<number>().mapAsyncUnordered(3, calls.f));
    down.request(5);
    up.sendNextN([1, 2]).sendComplete();
    await calls.waitForStarted(2);
    calls.resolve(2, 2);
    await down.expectNext(2);
    await down.expectNoMessageWhenIdle();
    calls.resolve(1, 1);
    await down.expectNext(1);
    await down.expectComplete();
  });

  it('a rejection fails the stream with the original error and cancels upstream', async () => {
    const e = boom();
    const calls = new ManualCalls<number, number>();
    const [up, down] = probe(Flow.create<number>().mapAsyncUnordered(2, calls.f));
    down.request(2);
    up.sendNextN([1, 2]);
    await calls.waitForStarted(2);
    calls.reject(1, e);
    expect(await down.expectError()).toBe(e);
    expect(await up.expectCancellation()).toBe(e);
  });

  it('a synchronous throw is handled like a rejection', async () => {
    const e = boom();
    await expect(
      Source.range(1, 3)
        .mapAsyncUnordered(2, (x) => {
          if (x === 2) throw e;
          return Promise.resolve(x);
        })
        .runWith(Sink.seq(), quiet()),
    ).rejects.toBe(e);
  });

  it('resume drops failed elements (rejections and throws)', async () => {
    const out = await Source.range(1, 9)
      .mapAsyncUnordered(3, (x) => {
        if (x % 3 === 0) throw boom();
        return x % 3 === 1 ? Promise.reject(boom()) : Promise.resolve(x);
      })
      .withAttributes(RESUME)
      .runWith(Sink.seq());
    expect(out.sort()).toEqual([2, 5, 8]);
  });

  it('propagates upstream failure and downstream cancellation', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().mapAsyncUnordered(2, async (x) => x));
    down.request(1);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probe(Flow.create<number>().mapAsyncUnordered(2, async (x) => x));
    down2.request(1);
    await up2.expectRequest();
    down2.cancel();
    await up2.expectCancellation();
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).mapAsyncUnordered(-1, async (x) => x)).toThrow(
      new RangeError('mapAsyncUnordered: parallelism must be a positive integer, got -1'),
    );
    expect(() => Source.single(1).mapAsyncUnordered(1, null as never)).toThrow(TypeError);
  });
});

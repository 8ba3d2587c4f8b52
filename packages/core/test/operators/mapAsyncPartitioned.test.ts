import { Attributes, Flow, Sink, Source, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';
import { ManualCalls, quiet } from './timeHarness.js';

const RESUME = Attributes.supervisionStrategy(Supervision.resume);
const partitionOf = (s: string): string => s[0]!;

describe('mapAsyncPartitioned', () => {
  it('runs at most one call per partition, in element order, while partitions run concurrently', async () => {
    const calls = new ManualCalls<string, string>();
    const [up, down] = probe(Flow.create<string>().mapAsyncPartitioned(4, partitionOf, (x) => calls.f(x)));
    down.request(10);
    up.sendNextN(['a1', 'a2', 'b1', 'a3']);
    await calls.waitForStarted(2);
    await down.expectNoMessageWhenIdle();
    expect(calls.started).toEqual(['a1', 'b1']); // a2, a3 wait for a1
    calls.resolve('b1', 'B1');
    await down.expectNoMessageWhenIdle(); // output keeps element order: a1 first
    calls.resolve('a1', 'A1');
    await calls.waitForStarted(3);
    expect(calls.started).toEqual(['a1', 'b1', 'a2']);
    await down.expectNextN(['A1']);
    calls.resolve('a2', 'A2');
    await down.expectNextN(['A2', 'B1']);
    await calls.waitForStarted(4);
    calls.resolve('a3', 'A3');
    await down.expectNext('A3');
    up.sendComplete();
    await down.expectComplete();
  });

  it('passes the partition to f', async () => {
    const out = await Source.from([1, 2, 3, 4])
      .mapAsyncPartitioned(
        2,
        (x) => x % 2,
        async (x, p) => `${x}:${p}`,
      )
      .runWith(Sink.seq());
    expect(out).toEqual(['1:1', '2:0', '3:1', '4:0']);
  });

  it('takes in at most parallelism elements (waiting ones count)', async () => {
    const calls = new ManualCalls<string, string>();
    const [up, down] = probe(Flow.create<string>().mapAsyncPartitioned(2, partitionOf, (x) => calls.f(x)));
    down.request(5);
    up.sendNextN(['a1', 'a2', 'a3']);
    await calls.waitForStarted(1);
    expect(await up.expectRequest()).toBe(1);
    expect(await up.expectRequest()).toBe(1);
    await up.expectNoMessageWhenIdle();
    calls.resolve('a1', 'x');
    await down.expectNext('x');
    await up.expectRequest();
    down.cancel();
  });

  it('keeps the order of a partition and the global element order over many elements', async () => {
    const active = new Set<number>();
    let violation = false;
    const input = Array.from({ length: 120 }, (_, i) => i);
    const out = await Source.from(input)
      .mapAsyncPartitioned(
        6,
        (x) => x % 5,
        async (x, p) => {
          if (active.has(p)) violation = true;
          active.add(p);
          for (let i = 0; i < (x * 7) % 5; i++) await Promise.resolve();
          active.delete(p);
          return x;
        },
      )
      .runWith(Sink.seq());
    expect(out).toEqual(input);
    expect(violation).toBe(false);
  });

  it('a rejection fails the stream with the original error; a throwing partitioner too', async () => {
    const e = boom();
    await expect(
      Source.range(1, 4)
        .mapAsyncPartitioned(
          2,
          (x) => x % 2,
          (x) => (x === 3 ? Promise.reject(e) : Promise.resolve(x)),
        )
        .runWith(Sink.seq(), quiet()),
    ).rejects.toBe(e);
    const e2 = boom('partitioner');
    await expect(
      Source.range(1, 4)
        .mapAsyncPartitioned(
          2,
          (x) => {
            if (x === 2) throw e2;
            return x;
          },
          async (x) => x,
        )
        .runWith(Sink.seq(), quiet()),
    ).rejects.toBe(e2);
  });

  it('resume drops failed elements and releases their partition', async () => {
    const out = await Source.range(1, 8)
      .mapAsyncPartitioned(
        3,
        (x) => {
          if (x === 8) throw boom();
          return x % 2;
        },
        (x) => {
          if (x === 5) throw boom();
          return x === 2 ? Promise.reject(boom()) : Promise.resolve(x);
        },
      )
      .withAttributes(RESUME)
      .runWith(Sink.seq());
    expect(out).toEqual([1, 3, 4, 6, 7]);
  });

  it('propagates upstream failure and downstream cancellation', async () => {
    const e = boom();
    const [up, down] = probe(
      Flow.create<number>().mapAsyncPartitioned(
        2,
        (x) => x,
        async (x) => x,
      ),
    );
    down.request(1);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probe(
      Flow.create<number>().mapAsyncPartitioned(
        2,
        (x) => x,
        async (x) => x,
      ),
    );
    down2.request(1);
    await up2.expectRequest();
    down2.cancel();
    await up2.expectCancellation();
  });

  it('validates its arguments at build time', () => {
    expect(() =>
      Source.single(1).mapAsyncPartitioned(
        0,
        (x) => x,
        async (x) => x,
      ),
    ).toThrow(new RangeError('mapAsyncPartitioned: parallelism must be a positive integer, got 0'));
    expect(() => Source.single(1).mapAsyncPartitioned(1, 1 as never, async (x) => x)).toThrow(
      new TypeError('mapAsyncPartitioned: partitioner must be a function, got 1'),
    );
  });
});

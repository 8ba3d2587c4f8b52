import { Attributes, Flow, Sink, Source, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';
import { ManualCalls, quiet } from './timeHarness.js';

const RESUME = Attributes.supervisionStrategy(Supervision.resume);
const partitionOf = (s: string): string => s[0]!;

describe('mapAsyncPartitionedUnordered', () => {
  it('one call per partition at a time, partitions concurrently, results in completion order', async () => {
    const calls = new ManualCalls<string, string>();
    const [up, down] = probe(Flow.create<string>().mapAsyncPartitionedUnordered(4, partitionOf, (x) => calls.f(x)));
    down.request(10);
    up.sendNextN(['a1', 'a2', 'b1', 'a3']);
    await calls.waitForStarted(2);
    await down.expectNoMessageWhenIdle();
    expect(calls.started).toEqual(['a1', 'b1']); // a2 and a3 wait for a1
    calls.resolve('b1', 'B1');
    await down.expectNext('B1'); // no head-of-line blocking: b1 goes out before a1
    calls.resolve('a1', 'A1');
    await down.expectNext('A1');
    await calls.waitForStarted(3);
    expect(calls.started).toEqual(['a1', 'b1', 'a2']);
    calls.resolve('a2', 'A2');
    await down.expectNext('A2');
    await calls.waitForStarted(4);
    calls.resolve('a3', 'A3');
    await down.expectNext('A3');
    up.sendComplete();
    await down.expectComplete();
  });

  it('passes the partition to f and accepts plain values', async () => {
    const out = await Source.from([1, 2, 3, 4])
      .mapAsyncPartitionedUnordered(
        2,
        (x) => x % 2,
        (x, p) => `${x}:${p}`,
      )
      .runWith(Sink.seq());
    expect(out).toEqual(['1:1', '2:0', '3:1', '4:0']);
  });

  it('takes in at most parallelism elements: queued, running and finished-but-not-emitted all count', async () => {
    const calls = new ManualCalls<string, string>();
    const [up, down] = probe(Flow.create<string>().mapAsyncPartitionedUnordered(3, partitionOf, (x) => calls.f(x)));
    down.request(1);
    up.sendNextN(['a1', 'a2', 'b1', 'c1', 'd1']);
    for (let i = 0; i < 3; i++) expect(await up.expectRequest()).toBe(1);
    await up.expectNoMessageWhenIdle(); // a1 running, a2 queued behind it, b1 running: 3 taken in
    calls.resolve('b1', 'B1');
    await down.expectNext('B1'); // emitted: no longer counts
    expect(await up.expectRequest()).toBe(1);
    await calls.waitForStarted(3);
    expect(calls.started).toEqual(['a1', 'b1', 'c1']);
    calls.resolve('c1', 'C1'); // finished, but downstream has not asked: still counts
    await up.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext('C1');
    expect(await up.expectRequest()).toBe(1);
    down.cancel();
  });

  it('keeps each partition in order over many elements, never two calls of a partition at once', async () => {
    const active = new Set<number>();
    let overlap = false;
    const input = Array.from({ length: 150 }, (_, i) => i);
    const out = await Source.from(input)
      .mapAsyncPartitionedUnordered(
        8,
        (x) => x % 5,
        async (x, p) => {
          if (active.has(p)) overlap = true;
          active.add(p);
          await new Promise((r) => setTimeout(r, (x * 7) % 4));
          active.delete(p);
          return x;
        },
      )
      .runWith(Sink.seq());
    expect(overlap).toBe(false);
    expect([...out].sort((a, b) => a - b)).toEqual(input);
    for (let p = 0; p < 5; p++) expect(out.filter((x) => x % 5 === p)).toEqual(input.filter((x) => x % 5 === p));
  });

  it('a rejection fails the stream with that error; resume drops the element and the partition goes on', async () => {
    const e = boom();
    const f = (x: number) => (x === 3 ? Promise.reject(e) : Promise.resolve(x * 10));
    await expect(
      Source.from([1, 2, 3, 4])
        .mapAsyncPartitionedUnordered(2, (x) => x % 2, f)
        .runWith(Sink.seq(), quiet()),
    ).rejects.toBe(e);
    const out = await Source.from([1, 2, 3, 4, 5])
      .mapAsyncPartitionedUnordered(2, (x) => x % 2, f)
      .withAttributes(RESUME)
      .runWith(Sink.seq());
    expect([...out].sort((a, b) => a - b)).toEqual([10, 20, 40, 50]);
  });

  it('a synchronous throw of f or partitioner is handled like a rejection', async () => {
    const e = boom();
    const out = await Source.from([1, 2, 3])
      .mapAsyncPartitionedUnordered(
        2,
        (x) => {
          if (x === 2) throw e;
          return 0;
        },
        (x) => {
          if (x === 3) throw e;
          return x;
        },
      )
      .withAttributes(RESUME)
      .runWith(Sink.seq());
    expect(out).toEqual([1]);
    await expect(
      Source.from([1])
        .mapAsyncPartitionedUnordered(
          1,
          () => 0,
          () => {
            throw e;
          },
        )
        .runWith(Sink.seq(), quiet()),
    ).rejects.toBe(e);
  });

  it('completes only after every result went out', async () => {
    const calls = new ManualCalls<string, string>();
    const [up, down] = probe(Flow.create<string>().mapAsyncPartitionedUnordered(2, partitionOf, (x) => calls.f(x)));
    down.request(5);
    up.sendNextN(['a1', 'a2']).sendComplete();
    await calls.waitForStarted(1);
    await down.expectNoMessageWhenIdle();
    calls.resolve('a1', 'A1');
    await down.expectNext('A1');
    await calls.waitForStarted(2);
    await down.expectNoMessageWhenIdle();
    calls.resolve('a2', 'A2');
    await down.expectNext('A2');
    await down.expectComplete();
  });

  it('propagates downstream cancellation', async () => {
    const [up, down] = probe(Flow.create<string>().mapAsyncPartitionedUnordered(2, partitionOf, async (x) => x));
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });

  it('validates its arguments', () => {
    const s = Source.single('a');
    expect(() => s.mapAsyncPartitionedUnordered(0, partitionOf, async (x) => x)).toThrow(
      'mapAsyncPartitionedUnordered: parallelism must be a positive integer, got 0',
    );
    expect(() => s.mapAsyncPartitionedUnordered(1, null as never, async (x) => x)).toThrow(
      'mapAsyncPartitionedUnordered: partitioner must be a function, got null',
    );
    expect(() => s.mapAsyncPartitionedUnordered(1, partitionOf, 7 as never)).toThrow('mapAsyncPartitionedUnordered: f must be a function, got 7');
  });
});

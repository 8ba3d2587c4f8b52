import { Attributes, Flow, Sink, Source, Supervision } from '@tributary/core';
import { settle, type TestPublisherProbe, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

describe('flatMapMerge', () => {
  it('runs up to breadth inner sources at a time and emits all their elements', async () => {
    const out = await Source.range(1, 4)
      .flatMapMerge(2, (n) => Source.from([n, n * 10]))
      .runWith(Sink.seq());
    expect([...out].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 10, 20, 30, 40]);
  });

  it('keeps each inner source’s order', async () => {
    const out = await Source.range(1, 5)
      .flatMapMerge(Infinity, (n) => Source.range(n * 100, n * 100 + 20))
      .runWith(Sink.seq());
    for (let n = 1; n <= 5; n++) {
      expect(out.filter((x) => Math.floor(x / 100) === n)).toEqual(Array.from({ length: 21 }, (_, i) => n * 100 + i));
    }
  });

  it('reads inner single/empty/range/from(iterable) sources in place, with the same elements, breadth and demand', async () => {
    const inner = (n: number) => [Source.single(n), Source.empty<number>(), Source.range(n, n + 2), Source.from([n, -n])][n % 4]!;
    expect(await Source.range(0, 7).flatMapMerge(1, inner).runWith(Sink.seq())).toEqual([0, 2, 3, 4, 3, -3, 4, 6, 7, 8, 7, -7]);
    const [up, down] = probe(Flow.create<number>().flatMapMerge(2, (n) => Source.range(n * 10, n * 10 + 2)));
    await up.expectRequest();
    up.sendNext(1);
    await up.expectRequest();
    up.sendNext(2);
    await up.expectNoMessageWhenIdle(); // two running: no third pull
    down.request(4);
    await down.expectNextN([10, 20, 11, 21]); // running inner sources are served in turn
    await up.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(12);
    await up.expectRequest(); // the first finished with its last element: the next upstream element is pulled at once
    up.sendComplete();
    down.request(2);
    await down.expectNext(22);
    await down.expectComplete();
  });

  it('cancellation closes an inner iterator read in place (its finally runs); a throwing iterator fails the stream', async () => {
    let started = 0;
    let closed = 0;
    const gen = function* (): Generator<number> {
      started++;
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed++;
      }
    };
    expect(
      await Source.range(1, 2)
        .flatMapMerge(Infinity, () => Source.from(gen()))
        .take(3)
        .runWith(Sink.seq()),
    ).toHaveLength(3);
    expect(started).toBeGreaterThan(0);
    expect(closed).toBe(started); // every started generator was closed
    const e = boom();
    const failing = {
      *[Symbol.iterator]() {
        yield 1;
        throw e;
      },
    };
    await expect(
      Source.range(1, 2)
        .flatMapMerge(2, () => Source.from(failing))
        .runWith(Sink.seq()),
    ).rejects.toBe(e);
  });

  it('pulls upstream only while fewer than breadth inner sources run', async () => {
    const inners: TestPublisherProbe<number>[] = [];
    const [up, down] = probe(Flow.create<number>().flatMapMerge(2, () => TestSource.probe<number>().mapMaterializedValue((p) => inners.push(p))));
    await up.expectRequest();
    up.sendNext(1);
    await up.expectRequest();
    up.sendNext(2);
    await up.expectNoMessageWhenIdle(); // two running: no third pull
    expect(inners.length).toBe(2);
    inners[0]!.sendComplete();
    await up.expectRequest();
    down.request(2);
    inners[1]!.sendNext(5);
    await down.expectNext(5);
    down.cancel();
    await inners[1]!.expectCancellation();
  });

  it('emits only on demand: elements of inner sources wait, first come first served', async () => {
    const inners: TestPublisherProbe<number>[] = [];
    const [up, down] = probe(Flow.create<number>().flatMapMerge(3, () => TestSource.probe<number>().mapMaterializedValue((p) => inners.push(p))));
    up.sendNextN([1, 2]);
    await settle();
    inners[1]!.sendNext(20);
    await settle();
    inners[0]!.sendNext(10);
    await down.expectNoMessageWhenIdle();
    down.request(2);
    await down.expectNextN([20, 10]);
    down.cancel();
  });

  it('completes when upstream and all inner sources completed; fails with an inner error', async () => {
    expect(
      await Source.empty<number>()
        .flatMapMerge(2, (n) => Source.single(n))
        .runWith(Sink.seq()),
    ).toEqual([]);
    const e = boom();
    await expect(
      Source.range(1, 3)
        .flatMapMerge(2, (n) => (n === 2 ? Source.failed<number>(e) : Source.never<number>()))
        .runWith(Sink.seq()),
    ).rejects.toBe(e);
  });

  it('a throwing f fails the stream; resume skips the element', async () => {
    const e = boom();
    const f = (n: number) => {
      if (n === 2) throw e;
      return Source.single(n);
    };
    await expect(Source.range(1, 3).flatMapMerge(4, f).runWith(Sink.seq())).rejects.toBe(e);
    const resumed = Source.range(1, 3).flatMapMerge(4, f).withAttributes(Attributes.supervisionStrategy(Supervision.resumingDecider));
    expect((await resumed.runWith(Sink.seq())).sort()).toEqual([1, 3]);
  });

  it('validates breadth at build time', () => {
    expect(() => Source.single(1).flatMapMerge(0, (n) => Source.single(n))).toThrow(/flatMapMerge: breadth must be a positive integer or Infinity, got 0/);
  });
});

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

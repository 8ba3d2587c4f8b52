import { Attributes, Flow, Materializer, Sink, Source, Supervision } from '@tributary/core';
import { settle, type TestPublisherProbe, TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

describe('flatMapConcat', () => {
  it('emits each inner source’s elements, one source after the other, in order', async () => {
    expect(
      await Source.range(1, 3)
        .flatMapConcat((n) => Source.range(1, n))
        .runWith(Sink.seq()),
    ).toEqual([1, 1, 2, 1, 2, 3]);
  });

  it('runs one inner source at a time: the next is not materialized before the current completed', async () => {
    const inners: TestPublisherProbe<number>[] = [];
    const [up, down] = probe(Flow.create<number>().flatMapConcat(() => TestSource.probe<number>().mapMaterializedValue((p) => inners.push(p))));
    await up.expectRequest(); // one upstream element is pulled ahead (as Akka)
    up.sendNext(1);
    await up.expectNoMessageWhenIdle();
    expect(inners.length).toBe(1);
    await inners[0]!.expectRequest(); // the inner source is pulled for its first element right away
    down.request(1);
    inners[0]!.sendNext(10);
    await down.expectNext(10);
    up.sendNext(2);
    await down.expectNoMessageWhenIdle();
    expect(inners.length).toBe(1);
    inners[0]!.sendComplete();
    await up.expectRequest();
    down.request(1);
    await inners[1]!.expectRequest();
    inners[1]!.sendNext(20);
    await down.expectNext(20);
    down.cancel();
    await inners[1]!.expectCancellation();
    await up.expectCancellation();
  });

  it('completes when upstream and the last inner source completed', async () => {
    const [up, down] = probe(Flow.create<number>().flatMapConcat((n) => Source.single(n)));
    down.request(5);
    up.sendNextN([1, 2]).sendComplete();
    await down.expectNextN([1, 2]);
    await down.expectComplete();
  });

  it('fails with an inner source’s error and cancels upstream', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().flatMapConcat(() => Source.failed<number>(e)));
    down.request(1);
    up.sendNext(1);
    expect(await down.expectError()).toBe(e);
    await up.expectCancellation();
  });

  it('fails with upstream’s error, cancelling the running inner source', async () => {
    const e = boom();
    let inner: TestPublisherProbe<number> | undefined;
    const [up, down] = probe(Flow.create<number>().flatMapConcat(() => TestSource.probe<number>().mapMaterializedValue((p) => (inner = p))));
    down.request(1);
    up.sendNext(1);
    await settle();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    await inner!.expectCancellation();
  });

  it('runs inner sources in the same island (no async boundary is created)', async () => {
    const mat = new Materializer({ logger: null });
    const down = Source.range(1, 3)
      .flatMapConcat((n) => Source.range(1, n).map((x) => x * n))
      .runWith(TestSink.probe<number>(), mat);
    down.request(1);
    await down.expectNext(1);
    expect(mat.runningIslands).toBe(1);
    down.cancel();
    mat.shutdown();
  });

  it('a throwing f fails the stream; resume skips the element', async () => {
    const e = boom();
    const f = (n: number) => {
      if (n === 2) throw e;
      return Source.single(n);
    };
    await expect(Source.range(1, 3).flatMapConcat(f).runWith(Sink.seq())).rejects.toBe(e);
    const resumed = Source.range(1, 3).flatMapConcat(f).withAttributes(Attributes.supervisionStrategy(Supervision.resumingDecider));
    expect(await resumed.runWith(Sink.seq())).toEqual([1, 3]);
  });

  it('f returning something that is not a source fails with a clear error', async () => {
    await expect(
      Source.single(1)
        .flatMapConcat(() => [1, 2] as never)
        .runWith(Sink.seq()),
    ).rejects.toThrow(/flatMapConcat: f must return a Source \(a graph with a SourceShape\), got an array/);
  });

  it('reads inner single/empty/range/from(iterable) sources in place, with the same elements and demand', async () => {
    const inner = (n: number) => [Source.single(n), Source.empty<number>(), Source.range(n, n + 2), Source.from([n, -n])][n % 4]!;
    expect(await Source.range(0, 7).flatMapConcat(inner).runWith(Sink.seq())).toEqual([0, 2, 3, 4, 3, -3, 4, 6, 7, 8, 7, -7]);
    const [up, down] = probe(Flow.create<number>().flatMapConcat((n) => Source.range(1, n)));
    await up.expectRequest();
    up.sendNext(3);
    down.request(2);
    await down.expectNextN([1, 2]);
    await up.expectNoMessageWhenIdle(); // the inner range is not finished: no next upstream element yet
    down.request(1);
    await down.expectNext(3);
    await up.expectRequest(); // finished with its last element: the next upstream element is pulled at once
    up.sendComplete();
    await down.expectComplete();
  });

  it('cancellation closes an inner iterator read in place (its finally runs); a throwing iterator fails the stream', async () => {
    let closed = 0;
    const gen = function* (): Generator<number> {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed++;
      }
    };
    expect(
      await Source.single(0)
        .flatMapConcat(() => Source.from(gen()))
        .take(3)
        .runWith(Sink.seq()),
    ).toEqual([0, 1, 2]);
    expect(closed).toBe(1);
    const e = boom();
    const failing = {
      *[Symbol.iterator]() {
        yield 1;
        throw e;
      },
    };
    await expect(
      Source.single(0)
        .flatMapConcat(() => Source.from(failing))
        .runWith(Sink.seq()),
    ).rejects.toBe(e);
  });

  it('keeps the inner sources’ own async boundaries', async () => {
    expect(
      await Source.range(1, 3)
        .flatMapConcat((n) => Source.range(1, n).async())
        .runWith(Sink.seq()),
    ).toEqual([1, 1, 2, 1, 2, 3]);
  });
});

import { Attributes, Flow, Sink, Source, Supervision } from '@tributary/core';
import { settle, type TestPublisherProbe, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

describe('switchMap', () => {
  it('switches to the source of the newest element, cancelling the previous one', async () => {
    const inners: TestPublisherProbe<string>[] = [];
    const [up, down] = probe(Flow.create<number>().switchMap(() => TestSource.probe<string>().mapMaterializedValue((p) => inners.push(p))));
    down.request(10);
    await up.expectRequest();
    up.sendNext(1);
    await up.expectRequest(); // upstream is kept pulled, so a new element can always interrupt
    inners[0]!.sendNext('a1');
    await down.expectNext('a1');
    up.sendNext(2);
    await inners[0]!.expectCancellation();
    inners[1]!.sendNext('b1');
    await down.expectNext('b1');
    up.sendComplete();
    await down.expectNoMessageWhenIdle(); // the current source is still running
    inners[1]!.sendComplete();
    await down.expectComplete();
  });

  it('reads inner single/empty/range/from(iterable) sources in place: on demand, switching on a new element', async () => {
    const [up, down] = probe(Flow.create<number>().switchMap((n) => Source.range(n * 10, n * 10 + 2)));
    await up.expectRequest();
    up.sendNext(1);
    await up.expectRequest(); // upstream is kept pulled
    down.request(2);
    await down.expectNextN([10, 11]);
    up.sendNext(2); // 12 is never read
    down.request(1);
    await down.expectNext(20);
    up.sendComplete();
    await down.expectNoMessageWhenIdle(); // the current source is still running
    down.request(5);
    await down.expectNextN([21, 22]);
    await down.expectComplete();
    const inner = (n: number) => [Source.single(n), Source.empty<number>(), Source.from([n, -n])][n % 3]!;
    const last = await Source.range(0, 5).switchMap(inner).runWith(Sink.seq());
    expect(last.slice(-2)).toEqual([5, -5]);
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
      await Source.range(1, 3)
        .switchMap(() => Source.from(gen()))
        .take(3)
        .runWith(Sink.seq()),
    ).toHaveLength(3);
    expect(started).toBeGreaterThan(0);
    expect(closed).toBe(started); // switched-away and cancelled iterators are closed
  });

  it('discards an element the previous source had waiting', async () => {
    const inners: TestPublisherProbe<string>[] = [];
    const [up, down] = probe(Flow.create<number>().switchMap(() => TestSource.probe<string>().mapMaterializedValue((p) => inners.push(p))));
    up.sendNext(1);
    await settle();
    inners[0]!.sendNext('stale');
    await settle();
    up.sendNext(2);
    await inners[0]!.expectCancellation();
    down.request(1);
    inners[1]!.sendNext('fresh');
    await down.expectNext('fresh');
    down.cancel();
  });

  it('the last source always runs to completion; earlier ones may be cut short by a fast upstream', async () => {
    const out = await Source.range(1, 3)
      .switchMap((n) => Source.from([n * 10, n * 10 + 1]))
      .runWith(Sink.seq());
    expect(out.slice(-2)).toEqual([30, 31]);
    expect(out.every((x, i) => i === 0 || x > out[i - 1]!)).toBe(true); // a subsequence of 10, 11, 20, 21, 30, 31
  });

  it('completes when upstream completes with no source running; fails with errors', async () => {
    expect(
      await Source.empty<number>()
        .switchMap((n) => Source.single(n))
        .runWith(Sink.seq()),
    ).toEqual([]);
    const e = boom();
    await expect(
      Source.single(1)
        .switchMap(() => Source.failed<number>(e))
        .runWith(Sink.seq()),
    ).rejects.toBe(e);
  });

  it('a throwing f fails the stream; resume skips the element and keeps the current source', async () => {
    const e = boom();
    const f = (n: number) => {
      if (n === 2) throw e;
      return Source.single(n);
    };
    await expect(Source.range(1, 3).switchMap(f).runWith(Sink.seq())).rejects.toBe(e);
    const resumed = Source.range(1, 3).switchMap(f).withAttributes(Attributes.supervisionStrategy(Supervision.resumingDecider));
    expect((await resumed.runWith(Sink.seq())).includes(2)).toBe(false);
  });
});

import { Keep, OverflowStrategy, QueueOfferResult, Sink, Source } from '@tributary/core';
import { settle, TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';

describe('Source.preMaterialize', () => {
  it('materializes now: the materialized value is usable before any consumer runs', async () => {
    const [queue, source] = Source.queue<string>(4, OverflowStrategy.backpressure).preMaterialize();
    expect(await queue.offer('early')).toBe(QueueOfferResult.Enqueued);
    queue.complete();
    expect(await source.runWith(Sink.seq())).toEqual(['early']);
  });

  it('pulls nothing until the returned source runs, then only on demand', async () => {
    const [up, source] = TestSource.probe<number>().preMaterialize();
    await up.expectNoMessageWhenIdle();
    const down = source.runWith(TestSink.probe<number>());
    down.request(1);
    expect(await up.expectRequest()).toBeGreaterThanOrEqual(1);
    up.sendNext(1);
    await down.expectNext(1);
    up.sendComplete();
    down.request(1);
    await down.expectComplete();
  });

  it('several runs of the returned source share the elements (fan-out)', async () => {
    const [, source] = Source.from([1, 2, 3]).preMaterialize();
    const a = source.runWith(TestSink.probe<number>());
    const b = source.runWith(TestSink.probe<number>());
    a.request(3);
    b.request(3);
    await a.expectNextN([1, 2, 3]);
    await b.expectNextN([1, 2, 3]);
    await a.expectComplete();
    await b.expectComplete();
  });

  it('cancelling the returned source cancels the pre-materialized one', async () => {
    const [up, source] = TestSource.probe<number>().preMaterialize();
    const down = source.runWith(TestSink.probe<number>());
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });
});

describe('Sink.preMaterialize', () => {
  it('materializes now: the result promise exists before any producer runs', async () => {
    const [all, sink] = Sink.seq<number>().preMaterialize();
    let settled = false;
    void all.then(() => (settled = true));
    await settle();
    expect(settled).toBe(false);
    Source.range(1, 3).runWith(sink);
    expect(await all).toEqual([1, 2, 3]);
  });

  it('passes demand and cancellation through to the producer', async () => {
    const [down, sink] = TestSink.probe<string>().preMaterialize();
    const up = TestSource.probe<string>().to(sink).run();
    down.request(1);
    expect(await up.expectRequest()).toBeGreaterThanOrEqual(1);
    up.sendNext('x');
    await down.expectNext('x');
    down.cancel();
    await up.expectCancellation();
  });

  it('keeps the sink materialized value type', async () => {
    const [[a, b], sink] = Sink.fold(0, (acc: number, x: number) => acc + x)
      .mapMaterializedValue((p) => [p, 'tag'] as const)
      .preMaterialize();
    expect(b).toBe('tag');
    Source.from([1, 2, 3]).toMat(sink, Keep.none).run();
    expect(await a).toBe(6);
  });
});

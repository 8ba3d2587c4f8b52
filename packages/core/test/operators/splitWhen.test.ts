import { Attributes, Flow, Sink, Source, Supervision } from '@tributary/core';
import { NonFailureCancellation } from '@tributary/core/stage';
import { TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './harness.js';

const collect = <T>(acc: T[], x: T): T[] => [...acc, x];

describe('splitWhen', () => {
  it('starts a new substream at each element for which p holds', async () => {
    const out = await Source.from([1, 2, 0, 3, 0, 4])
      .splitWhen((x) => x === 0)
      .fold([] as number[], collect)
      .concatSubstreams()
      .runWith(Sink.seq());
    expect(out).toEqual([
      [1, 2],
      [0, 3],
      [0, 4],
    ]);
  });

  it('the first element always opens the first substream (p is not consulted for it)', async () => {
    const seen: number[] = [];
    const out = await Source.from([0, 1, 0])
      .splitWhen((x) => {
        seen.push(x);
        return x === 0;
      })
      .fold([] as number[], collect)
      .concatSubstreams()
      .runWith(Sink.seq());
    expect(out).toEqual([[0, 1], [0]]);
    expect(seen).toEqual([1, 0]);
  });

  it('an empty stream has no substream', async () => {
    expect(
      await Source.empty<number>()
        .splitWhen(() => true)
        .fold(0, (a, x) => a + x)
        .concatSubstreams()
        .runWith(Sink.seq()),
    ).toEqual([]);
  });

  it('feeds only the current substream, on its demand (the flattening keeps one element pulled ahead)', async () => {
    const [up, down] = probe(
      Flow.create<number>()
        .splitWhen((x) => x === 0)
        .map((x) => x * 10)
        .concatSubstreams(),
    );
    await up.expectRequest(); // concatSubstreams pulls ahead: for the first substream, then one element of it
    up.sendNext(1);
    await down.expectNoMessageWhenIdle();
    await up.expectNoMessageWhenIdle(); // and no further
    down.request(1);
    await down.expectNext(10);
    await up.expectRequest();
    up.sendNext(2);
    await down.expectNoMessageWhenIdle();
    down.request(2);
    await down.expectNext(20);
    await up.expectRequest();
    up.sendNext(0); // opens the second substream
    await down.expectNext(0);
    up.sendComplete();
    await down.expectComplete();
  });

  it('default (stopping) supervision: a cancelled substream cancels the stream (Pekko)', async () => {
    const [up, down] = Flow.create<number>()
      .splitWhen((x) => x === 0)
      .take(1)
      .concatSubstreams()
      .runWith(TestSource.probe<number>(), TestSink.probe<number>());
    down.request(10);
    up.sendNextN([1, 2]);
    await down.expectNext(1);
    await up.expectCancellation();
    await down.expectComplete();
  });

  it('with the drain strategy a cancelled substream is drained until the next split', async () => {
    const out = await Source.from([1, 2, 3, 0, 4, 5, 0, 6])
      .splitWhen((x) => x === 0, 'drain')
      .take(1)
      .concatSubstreams()
      .runWith(Sink.seq());
    expect(out).toEqual([1, 0, 0]);
  });

  it('without an explicit strategy, resume or restart supervision drains', async () => {
    for (const d of [Supervision.resume, Supervision.restart]) {
      const out = await Source.from([1, 2, 3, 0, 4, 5, 0, 6])
        .splitWhen((x) => x === 0)
        .take(1)
        .concatSubstreams()
        .withAttributes(Attributes.supervisionStrategy(d))
        .runWith(Sink.seq());
      expect(out).toEqual([1, 0, 0]);
    }
  });

  it('an explicit strategy wins over supervision', async () => {
    const out = await Source.from([1, 2, 3, 0, 4])
      .splitWhen((x) => x === 0, 'propagate')
      .take(1)
      .concatSubstreams()
      .withAttributes(Attributes.supervisionStrategy(Supervision.resume))
      .runWith(Sink.seq());
    expect(out).toEqual([1]);
  });

  it('a custom decider sees the cancellation cause', async () => {
    const causes: unknown[] = [];
    const decider = (e: unknown) => {
      causes.push(e);
      return 'resume' as const;
    };
    await Source.from([1, 2, 0, 3])
      .splitWhen((x) => x === 0)
      .take(1)
      .concatSubstreams()
      .withAttributes(Attributes.supervisionStrategy(decider))
      .runWith(Sink.seq());
    expect(causes.length).toBeGreaterThan(0);
    expect(causes.every((c) => c instanceof NonFailureCancellation)).toBe(true);
  });

  it('with the propagate strategy a cancelled substream cancels the stream', async () => {
    const out = await Source.from([1, 2, 3, 0, 4])
      .splitWhen((x) => x === 0, 'propagate')
      .take(1)
      .concatSubstreams()
      .runWith(Sink.seq());
    expect(out).toEqual([1]);
  });

  it('fails the current substream and the stream with upstream’s error', async () => {
    const e = boom();
    await expect(
      Source.from([1, 0, 2])
        .concat(Source.failed<number>(e))
        .splitWhen((x) => x === 0)
        .concatSubstreams()
        .runWith(Sink.seq()),
    ).rejects.toBe(e);
  });

  it('a throwing p fails the stream; resume drops the element', async () => {
    const e = boom();
    const p = (x: number) => {
      if (x === 2) throw e;
      return x === 0;
    };
    await expect(Source.from([1, 2, 0, 3]).splitWhen(p).concatSubstreams().runWith(Sink.seq())).rejects.toBe(e);
    const resumed = Source.from([1, 2, 0, 3])
      .splitWhen(p)
      .fold([] as number[], collect)
      .concatSubstreams()
      .withAttributes(Attributes.supervisionStrategy(Supervision.resumingDecider));
    expect(await resumed.runWith(Sink.seq())).toEqual([[1], [0, 3]]);
  });

  it('validates its arguments at build time', () => {
    expect(() => Source.single(1).splitWhen(1 as never)).toThrow(/splitWhen: p must be a function/);
    expect(() => Source.single(1).splitWhen(() => true, 'stop' as never)).toThrow(/splitWhen: substreamCancelStrategy must be 'drain' or 'propagate'/);
  });
});

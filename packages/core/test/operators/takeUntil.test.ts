import { Attributes, Flow, Materializer, Sink, Source, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

const isEnd = (s: string): boolean => s === 'END';

describe('takeUntil', () => {
  it('emits up to and including the first element for which p holds, then completes and cancels upstream', async () => {
    const [up, down] = probe(Flow.create<string>().takeUntil(isEnd));
    down.request(10);
    up.sendNextN(['a', 'b', 'END', 'c']);
    await down.expectNextN(['a', 'b', 'END']);
    await down.expectComplete();
    await up.expectCancellation();
  });

  it('emits the element that ends the stream, where takeWhile stops before it (doc example)', async () => {
    expect(await Source.from(['a', 'b', 'END', 'c']).takeUntil(isEnd).runWith(Sink.seq())).toEqual(['a', 'b', 'END']);
    expect(
      await Source.from(['a', 'b', 'END', 'c'])
        .takeWhile((s) => !isEnd(s))
        .runWith(Sink.seq()),
    ).toEqual(['a', 'b']);
  });

  it('emits only on demand and completes right after the last element without extra demand', async () => {
    const [up, down] = probe(Flow.create<number>().takeUntil((x) => x >= 3));
    down.request(2);
    up.sendNextN([1, 2, 3]);
    await down.expectNextN([1, 2]);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 2);
    down.request(1);
    await down.expectNext(3);
    await down.expectComplete();
  });

  it('never evaluates p after it held', async () => {
    const seen: number[] = [];
    const out = await Source.from([1, 5, 1, 1])
      .takeUntil((x) => {
        seen.push(x);
        return x > 3;
      })
      .runWith(Sink.seq());
    expect(out).toEqual([1, 5]);
    expect(seen).toEqual([1, 5]);
  });

  it('passes everything when p never holds; an empty stream completes', async () => {
    expect(
      await Source.from([1, 2])
        .takeUntil(() => false)
        .runWith(Sink.seq()),
    ).toEqual([1, 2]);
    expect(
      await Source.empty<number>()
        .takeUntil(() => true)
        .runWith(Sink.seq()),
    ).toEqual([]);
    expect(
      await Source.from([7, 8])
        .takeUntil(() => true)
        .runWith(Sink.seq()),
    ).toEqual([7]);
  });

  it('a throwing p fails the stream with that error; resume drops the element and goes on', async () => {
    const e = boom();
    const p = (x: number) => {
      if (x === 2) throw e;
      return x === 4;
    };
    await expect(
      Source.from([1, 2, 3, 4, 5])
        .takeUntil(p)
        .runWith(Sink.seq(), new Materializer({ logger: null })),
    ).rejects.toBe(e);
    const resumed = Source.from([1, 2, 3, 4, 5]).takeUntil(p).withAttributes(Attributes.supervisionStrategy(Supervision.resume));
    expect(await resumed.runWith(Sink.seq())).toEqual([1, 3, 4]);
  });

  it('propagates upstream failure and downstream cancellation', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().takeUntil(() => false));
    down.request(1);
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
    const [up2, down2] = probe(Flow.create<number>().takeUntil(() => false));
    down2.request(1);
    await up2.expectRequest();
    down2.cancel();
    await up2.expectCancellation();
  });

  it('rejects a predicate that is not a function', () => {
    expect(() => Source.single(1).takeUntil(true as never)).toThrow('takeUntil: predicate must be a function, got true');
  });
});

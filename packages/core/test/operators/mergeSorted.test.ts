import { Attributes, Sink, Source, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, probe2 } from '../graph/harness.js';

describe('mergeSorted', () => {
  it('merges two sorted streams into one sorted stream', async () => {
    expect(
      await Source.from([1, 4, 6, 9])
        .mergeSorted(Source.from([2, 3, 5, 10, 11]))
        .runWith(Sink.seq()),
    ).toEqual([1, 2, 3, 4, 5, 6, 9, 10, 11]);
  });

  it('uses the given comparator', async () => {
    const desc = (a: string, b: string) => b.localeCompare(a);
    expect(
      await Source.from(['d', 'b'])
        .mergeSorted(Source.from(['c', 'a']), desc)
        .runWith(Sink.seq()),
    ).toEqual(['d', 'c', 'b', 'a']);
  });

  it('waits until both inputs have an element before emitting', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.mergeSorted(y));
    await a.expectRequest();
    await b.expectRequest();
    down.request(5);
    a.sendNext(1);
    await down.expectNoMessageWhenIdle(); // 1 might not be the smallest: wait for the other side
    b.sendNext(2);
    await down.expectNext(1);
    await a.expectRequest();
    a.sendNext(3);
    await down.expectNext(2);
    down.cancel();
  });

  it('emits the element of the second input first on ties (as Akka)', async () => {
    const out = await Source.from([{ k: 1, s: 'a' }])
      .mergeSorted(Source.from([{ k: 1, s: 'b' }]), (x, y) => x.k - y.k)
      .runWith(Sink.seq());
    expect(out.map((x) => x.s)).toEqual(['b', 'a']);
  });

  it('passes the rest of one input through after the other completed', async () => {
    const { a, b, down } = probe2<number, number, number>((x, y) => x.mergeSorted(y));
    down.request(10);
    a.sendComplete();
    b.sendNextN([5, 6]);
    await down.expectNextN([5, 6]);
    b.sendComplete();
    await down.expectComplete();
  });

  it('fails with either input’s error', async () => {
    const e = boom();
    const { a, b, down } = probe2<number, number, number>((x, y) => x.mergeSorted(y));
    down.request(1);
    a.sendError(e);
    expect(await down.expectError()).toBe(e);
    await b.expectCancellation();
  });

  it('a throwing comparator fails the stream, or drops the left element under resume', async () => {
    const e = boom();
    const cmp = (x: number, y: number) => {
      if (x === 2) throw e;
      return x - y;
    };
    await expect(
      Source.from([1, 2, 3])
        .mergeSorted(Source.from([2, 4]), cmp)
        .runWith(Sink.seq()),
    ).rejects.toBe(e);
    const resumed = Source.from([1, 2, 3])
      .mergeSorted(Source.from([2, 4]), cmp)
      .withAttributes(Attributes.supervisionStrategy(Supervision.resumingDecider));
    expect(await resumed.runWith(Sink.seq())).toEqual([1, 2, 3, 4]);
  });
});

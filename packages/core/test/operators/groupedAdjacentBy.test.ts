import { Attributes, Flow, Materializer, Sink, Source, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';

const quiet = () => new Materializer({ logger: null });
const id = <T>(x: T): T => x;

describe('groupedAdjacentBy', () => {
  it('groups runs of adjacent elements with the same key (doc example)', async () => {
    expect(await Source.from([1, 1, 2, 2, 2, 1]).groupedAdjacentBy(id).runWith(Sink.seq())).toEqual([[1, 1], [2, 2, 2], [1]]);
  });

  it('keys compare like Map keys: NaN equals NaN, objects by identity', async () => {
    expect(await Source.from([Number.NaN, Number.NaN, 0, -0]).groupedAdjacentBy(id).runWith(Sink.seq())).toEqual([
      [Number.NaN, Number.NaN],
      [0, -0],
    ]);
    const k = { k: 1 };
    const out = await Source.from([{ key: k }, { key: k }, { key: { k: 1 } }])
      .groupedAdjacentBy((x) => x.key)
      .runWith(Sink.seq());
    expect(out.map((g) => g.length)).toEqual([2, 1]);
  });

  it('emits a group when the next key arrives, only on demand', async () => {
    const [up, down] = probe(Flow.create<string>().groupedAdjacentBy((s) => s[0]));
    down.request(1);
    up.sendNextN(['a1', 'a2', 'b1', 'b2', 'c1']);
    await down.expectNext(['a1', 'a2']);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 3);
    down.request(1);
    await down.expectNext(['b1', 'b2']);
    await expectRequests(up, 2);
    up.sendComplete();
    down.request(1);
    await down.expectNext(['c1']);
    await down.expectComplete();
  });

  it('an empty stream emits nothing', async () => {
    expect(await Source.empty<number>().groupedAdjacentBy(id).runWith(Sink.seq())).toEqual([]);
  });

  it('a throwing key function: stop fails, resume drops the element, restart also drops the group being collected', async () => {
    const e = boom();
    const key = (x: number) => {
      if (x === 0) throw e;
      return x % 10;
    };
    const src = Source.from([1, 11, 0, 21, 2]).groupedAdjacentBy(key);
    await expect(src.runWith(Sink.seq(), quiet())).rejects.toBe(e);
    expect(await src.withAttributes(Attributes.supervisionStrategy(Supervision.resume)).runWith(Sink.seq())).toEqual([[1, 11, 21], [2]]);
    expect(await src.withAttributes(Attributes.supervisionStrategy(Supervision.restart)).runWith(Sink.seq())).toEqual([[21], [2]]);
  });

  it('validates its argument', () => {
    expect(() => Source.single(1).groupedAdjacentBy(null as never)).toThrow('groupedAdjacentBy: f must be a function, got null');
  });
});

describe('groupedAdjacentByWeighted', () => {
  it('also closes a group before an element that would exceed maxWeight (doc example)', async () => {
    expect(
      await Source.from(['a', 'a', 'a', 'b'])
        .groupedAdjacentByWeighted(id, 2, () => 1)
        .runWith(Sink.seq()),
    ).toEqual([['a', 'a'], ['a'], ['b']]);
  });

  it('an element heavier than maxWeight forms a group of its own', async () => {
    const out = await Source.from([1, 9, 1, 1])
      .groupedAdjacentByWeighted(
        () => 'same',
        3,
        (x) => x,
      )
      .runWith(Sink.seq());
    expect(out).toEqual([[1], [9], [1, 1]]);
  });

  it('a key change closes the group even under the weight limit', async () => {
    const out = await Source.from(['a1', 'a2', 'b1'])
      .groupedAdjacentByWeighted(
        (s) => s[0],
        100,
        () => 1,
      )
      .runWith(Sink.seq());
    expect(out).toEqual([['a1', 'a2'], ['b1']]);
  });

  it('a bad cost fails the stream naming the operator', async () => {
    await expect(
      Source.from([1, 2])
        .groupedAdjacentByWeighted(id, 5, () => -1)
        .runWith(Sink.seq(), quiet()),
    ).rejects.toThrow('groupedAdjacentByWeighted: costFn must return a non-negative number, got -1 for element 1');
  });

  it('validates its arguments', () => {
    expect(() => Source.single(1).groupedAdjacentByWeighted(id, 0, () => 1)).toThrow('groupedAdjacentByWeighted: maxWeight must be a positive number, got 0');
    expect(() => Source.single(1).groupedAdjacentByWeighted(id, 1, undefined as never)).toThrow(
      'groupedAdjacentByWeighted: costFn must be a function, got undefined',
    );
  });
});

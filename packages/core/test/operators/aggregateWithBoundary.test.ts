import { Attributes, Flow, Sink, Source, Supervision } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { boom, expectRequests, probe } from './harness.js';
import { probeOn, quiet, virtualTime } from './timeHarness.js';

/** Aggregates into arrays, complete at `n` elements. */
const upTo =
  (n: number) =>
  (acc: number[], x: number): readonly [number[], boolean] => {
    const next = [...acc, x];
    return [next, next.length >= n];
  };
const newArray = (): number[] => [];
const asIs = (acc: number[]): number[] => acc;

describe('aggregateWithBoundary', () => {
  it('emits the harvested aggregate when aggregate reports it complete; the rest on completion', async () => {
    expect(await Source.range(1, 7).aggregateWithBoundary(newArray, upTo(3), asIs).runWith(Sink.seq())).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('harvest turns the aggregate into the output; allocate is called once per aggregate', async () => {
    let allocated = 0;
    const out = await Source.from(['a', 'bb', 'ccc', 'd'])
      .aggregateWithBoundary(
        () => {
          allocated++;
          return { chars: 0, words: [] as string[] };
        },
        (agg, w) => {
          agg.words.push(w);
          agg.chars += w.length;
          return [agg, agg.chars >= 3];
        },
        (agg) => agg.words.join('+'),
      )
      .runWith(Sink.seq());
    expect(out).toEqual(['a+bb', 'ccc', 'd']);
    expect(allocated).toBe(3);
  });

  it('back-pressure: pulls only while downstream waits, holds a complete aggregate until demanded', async () => {
    const [up, down] = probe(Flow.create<number>().aggregateWithBoundary(newArray, upTo(2), asIs));
    await up.expectNoMessageWhenIdle();
    down.request(1);
    up.sendNextN([1, 2, 3, 4]);
    await down.expectNext([1, 2]);
    await expectRequests(up, 2);
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext([3, 4]);
    up.sendComplete();
    await down.expectComplete();
  });

  it('emitOnTimer: every interval a ready, non-empty aggregate is emitted (virtual time)', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().aggregateWithBoundary(newArray, upTo(100), asIs, [(acc) => acc.length >= 2, 1000]), mat);
    down.request(10);
    up.sendNext(1);
    await scheduler.advance(1000);
    await down.expectNoMessageWhenIdle(); // one element: not ready
    up.sendNext(2);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(999);
    await down.expectNoMessageWhenIdle();
    await scheduler.advance(1);
    await down.expectNext([1, 2]);
    await scheduler.advance(1000);
    await down.expectNoMessageWhenIdle(); // nothing aggregated since: nothing emitted
    up.sendNextN([3, 4, 5]);
    await scheduler.advance(1000);
    await down.expectNext([3, 4, 5]);
    up.sendComplete();
    await down.expectComplete();
    expect(scheduler.pendingTimers).toBe(0);
  });

  it('a timer emission while downstream is busy waits for demand and holds upstream back', async () => {
    const { scheduler, mat } = virtualTime();
    const [up, down] = probeOn(Flow.create<number>().aggregateWithBoundary(newArray, upTo(100), asIs, [() => true, 100]), mat);
    down.request(1);
    up.sendNext(1);
    await scheduler.advance(100);
    await down.expectNext([1]);
    await expectRequests(up, 2);
    up.sendNext(2);
    await scheduler.advance(100); // ready, but downstream has not asked
    await down.expectNoMessageWhenIdle();
    await up.expectNoMessageWhenIdle(); // no pull while the aggregate waits
    down.request(1);
    await down.expectNext([2]);
    await up.expectNoMessageWhenIdle(); // that demand is used up
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
    expect(scheduler.pendingTimers).toBe(0);
  });

  it('supervision: aggregate throwing — resume keeps the aggregate, restart discards it', async () => {
    const e = boom();
    const aggregate = (acc: number[], x: number): readonly [number[], boolean] => {
      if (x === 0) throw e;
      return upTo(3)(acc, x);
    };
    const src = Source.from([1, 2, 0, 3, 4]).aggregateWithBoundary(newArray, aggregate, asIs);
    await expect(src.runWith(Sink.seq(), quiet())).rejects.toBe(e);
    expect(await src.withAttributes(Attributes.supervisionStrategy(Supervision.resume)).runWith(Sink.seq())).toEqual([[1, 2, 3], [4]]);
    expect(await src.withAttributes(Attributes.supervisionStrategy(Supervision.restart)).runWith(Sink.seq())).toEqual([[3, 4]]);
  });

  it('supervision: harvest throwing discards that aggregate under resume; stop fails', async () => {
    const e = boom();
    const harvest = (acc: number[]) => {
      if (acc.includes(0)) throw e;
      return acc;
    };
    const src = Source.from([1, 0, 2, 3]).aggregateWithBoundary(newArray, upTo(2), harvest);
    await expect(src.runWith(Sink.seq(), quiet())).rejects.toBe(e);
    expect(await src.withAttributes(Attributes.supervisionStrategy(Supervision.resume)).runWith(Sink.seq())).toEqual([[2, 3]]);
  });

  it('supervision: allocate throwing drops the element', async () => {
    let calls = 0;
    const allocate = () => {
      if (++calls === 1) throw boom();
      return [] as number[];
    };
    const src = Source.from([1, 2, 3]).aggregateWithBoundary(allocate, upTo(2), asIs);
    expect(await src.withAttributes(Attributes.supervisionStrategy(Supervision.resume)).runWith(Sink.seq())).toEqual([[2, 3]]);
  });

  it('supervision: isReady throwing — stop fails the stream (virtual time)', async () => {
    const { scheduler, mat } = virtualTime();
    const e = boom();
    const [up, down] = probeOn(
      Flow.create<number>().aggregateWithBoundary(newArray, upTo(10), asIs, [
        () => {
          throw e;
        },
        50,
      ]),
      mat,
    );
    down.request(1);
    up.sendNext(1);
    await scheduler.advance(50);
    expect(await down.expectError()).toBe(e);
    await up.expectCancellation();
  });

  it('propagates upstream failure (pending aggregate discarded)', async () => {
    const e = boom();
    const [up, down] = probe(Flow.create<number>().aggregateWithBoundary(newArray, upTo(5), asIs));
    down.request(1);
    up.sendNext(1);
    await up.expectRequest();
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('validates its arguments', () => {
    const s = Source.single(1);
    expect(() => s.aggregateWithBoundary(null as never, upTo(1), asIs)).toThrow('aggregateWithBoundary: allocate must be a function, got null');
    expect(() => s.aggregateWithBoundary(newArray, 1 as never, asIs)).toThrow('aggregateWithBoundary: aggregate must be a function, got 1');
    expect(() => s.aggregateWithBoundary(newArray, upTo(1), 'x' as never)).toThrow('aggregateWithBoundary: harvest must be a function, got "x"');
    expect(() => s.aggregateWithBoundary(newArray, upTo(1), asIs, { intervalMs: 5 } as never)).toThrow(
      'aggregateWithBoundary: emitOnTimer must be a pair [isReady, intervalMs], got an object',
    );
    expect(() => s.aggregateWithBoundary(newArray, upTo(1), asIs, [() => true, 0])).toThrow(
      'aggregateWithBoundary: emitOnTimer[1] (intervalMs) must be a positive finite number of milliseconds, got 0',
    );
    expect(() => s.aggregateWithBoundary(newArray, upTo(1), asIs, [true as never, 10])).toThrow(
      'aggregateWithBoundary: emitOnTimer[0] (isReady) must be a function, got true',
    );
  });
});

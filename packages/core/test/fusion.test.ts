/**
 * Build-time fusion must be invisible: same elements, same errors, same supervision, same
 * materialized values as the unfused stages. Each case runs the fused form and, as the reference, the
 * same pipeline with fusion prevented (an attribute-carrying stage in between).
 */
import { describe, expect, it } from 'vitest';
import { AbruptTerminationException, Attributes, Flow, Keep, Materializer, NoSuchElementError, Sink, Source, Supervision } from '@tributary/core';

/** The same map, but carrying an attribute, which blocks fusion with its neighbours. */
const unfusedMap = <T, U>(f: (x: T) => U) => Flow.create<T>().map(f).named('unfused');

describe('build-time fusion', () => {
  it('fuses map/filter/collect into range and into the sink, with identical results', async () => {
    const fused = await Source.range(1, 1000)
      .filter((x) => x % 3 !== 0)
      .map((x) => x * 2)
      .collect((x) => (x % 4 === 0 ? x / 4 : undefined))
      .runWith(Sink.seq());
    const reference = await Source.range(1, 1000)
      .via(unfusedMap((x: number) => x))
      .filter((x) => x % 3 !== 0)
      .map((x) => x * 2)
      .collect((x) => (x % 4 === 0 ? x / 4 : undefined))
      .runWith(Sink.seq());
    expect(fused).toEqual(reference);
    expect(fused.length).toBeGreaterThan(0);
  });

  it('every fold-like sink gives the same result fused and unfused', async () => {
    const xs = [5, 3, 8, 1];
    for (const make of [
      () => Sink.seq<number>(),
      () => Sink.fold(0, (a: number, x: number) => a * 10 + x),
      () => Sink.reduce((a: number, x: number) => a - x),
      () => Sink.head<number>(),
      () => Sink.headOption<number>(),
      () => Sink.last<number>(),
      () => Sink.lastOption<number>(),
    ]) {
      const fused = await Source.from(xs).map((x) => x + 1).runWith(make() as Sink<number, Promise<unknown>>);
      const reference = await Source.from(xs).via(unfusedMap((x: number) => x + 1)).runWith(make() as Sink<number, Promise<unknown>>);
      expect(fused).toEqual(reference);
    }
  });

  it('empty sources: head/reduce/last reject with NoSuchElementError, options resolve undefined', async () => {
    await expect(Source.from<number>([]).runWith(Sink.head())).rejects.toBeInstanceOf(NoSuchElementError);
    await expect(Source.range(1, 0).runWith(Sink.reduce((a: number, b: number) => a + b))).rejects.toBeInstanceOf(NoSuchElementError);
    await expect(Source.from<number>([]).runWith(Sink.last())).rejects.toBeInstanceOf(NoSuchElementError);
    expect(await Source.from<number>([]).runWith(Sink.headOption())).toBeUndefined();
    expect(await Source.range(1, 0).map((x) => x).runWith(Sink.seq())).toEqual([]);
  });

  it('head stops the iteration and lets a generator clean up', async () => {
    let produced = 0;
    let closed = false;
    function* gen() {
      try {
        for (;;) yield ++produced;
      } finally {
        closed = true;
      }
    }
    expect(await Source.from(gen()).map((x) => x * 10).runWith(Sink.head())).toBe(10);
    expect(produced).toBe(1);
    expect(closed).toBe(true);
  });

  it('errors from fused functions fail the stream with the original error', async () => {
    const boom = new Error('boom');
    const seen: number[] = [];
    const r = Source.range(1, 10)
      .map((x) => {
        if (x === 4) throw boom;
        return x;
      })
      .runForeach((x) => seen.push(x));
    await expect(r).rejects.toBe(boom);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('an iterator that throws fails the fused run with its own error', async () => {
    const broken = new Error('iterator broke');
    const iterable = {
      *[Symbol.iterator]() {
        yield 1;
        throw broken;
      },
    };
    await expect(Source.from(iterable).runWith(Sink.seq())).rejects.toBe(broken);
    await expect(Source.from(iterable).map((x) => x).runWith(Sink.fold(0, (a: number, x: number) => a + x))).rejects.toBe(broken);
  });

  it('fuses across via(flow) and after Flow.create(), with identical results', async () => {
    const flow = Flow.create<number>()
      .map((x) => x * 3)
      .filter((x) => x % 2 === 1)
      .map((x) => x + 1);
    expect(await Source.range(1, 9).via(flow).runWith(Sink.seq())).toEqual([4, 10, 16, 22, 28]);
    const [m, all] = Source.range(1, 3).viaMat(flow, Keep.right).toMat(Sink.seq(), Keep.both).run();
    expect(m).toBeUndefined();
    expect(await all).toEqual([4, 10]);
  });

  it('errors from the sink function fail the stream with the original error', async () => {
    const boom = new Error('sink');
    await expect(
      Source.range(1, 10).runWith(
        Sink.fold(0, (a: number, x: number) => {
          if (x === 5) throw boom;
          return a + x;
        }),
      ),
    ).rejects.toBe(boom);
  });

  it('supervision applies to fused operator functions and to the sink function', async () => {
    const resume = Attributes.supervisionStrategy(Supervision.resume);
    const restart = Attributes.supervisionStrategy(Supervision.restart);
    const flaky = (x: number) => {
      if (x % 4 === 0) throw new Error('skip me');
      return x;
    };
    const resumed = await Source.range(1, 10).map(flaky).toMat(Sink.seq(), Keep.right).withAttributes(resume).run();
    expect(resumed).toEqual([1, 2, 3, 5, 6, 7, 9, 10]);
    const summing = (a: number, x: number) => {
      if (x === 6) throw new Error('reset');
      return a + x;
    };
    const restarted = await Source.range(1, 10).toMat(Sink.fold(0, summing), Keep.right).withAttributes(restart).run();
    expect(restarted).toBe(7 + 8 + 9 + 10);
    const kept = await Source.range(1, 10).toMat(Sink.fold(0, summing), Keep.right).withAttributes(resume).run();
    expect(kept).toBe(55 - 6);
  });

  it('keeps the materialized values of Keep.left / both', async () => {
    const [left, right] = Source.range(1, 3).toMat(Sink.seq(), Keep.both).run();
    expect(left).toBeUndefined();
    expect(await right).toEqual([1, 2, 3]);
    expect(Source.range(1, 3).to(Sink.seq()).run()).toBeUndefined();
  });

  it('a long fused run yields to the event loop and can be shut down', async () => {
    const mat = new Materializer();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const result = Source.range(1, Number.MAX_SAFE_INTEGER).runWith(Sink.ignore(), mat);
    await new Promise((r) => setTimeout(r, 30));
    mat.shutdown();
    clearInterval(timer);
    await expect(result).rejects.toBeInstanceOf(AbruptTerminationException);
    expect(ticks).toBeGreaterThan(0);
    expect(mat.runningIslands).toBe(0);
  });
});

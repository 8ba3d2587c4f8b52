import { Keep, Materializer, Sink, Source } from '@tributary/core';
import { type TestPublisherProbe, TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, eventually } from './operators/harness.js';

const probeOf = <T>(src: Source<T, unknown>) => src.runWith(TestSink.probe<T>());

describe('Source.single', () => {
  it('emits its element only when requested, then completes', async () => {
    const down = probeOf(Source.single('x'));
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext('x');
    await down.expectComplete();
  });

  it('can be materialized many times', async () => {
    const src = Source.single(1);
    expect(await src.runWith(Sink.seq())).toEqual([1]);
    expect(await src.runWith(Sink.seq())).toEqual([1]);
  });
});

describe('Source.from', () => {
  it('array: emits only on demand and completes right after the last element', async () => {
    const down = probeOf(Source.from([1, 2, 3]));
    down.request(2);
    await down.expectNextN([1, 2]);
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(3);
    await down.expectComplete();
  });

  it('empty array completes without demand', async () => {
    await probeOf(Source.from<number>([])).expectComplete();
  });

  it('array: each materialization iterates afresh', async () => {
    const src = Source.from(['a', 'b']);
    expect(await src.runWith(Sink.seq())).toEqual(['a', 'b']);
    expect(await src.runWith(Sink.seq())).toEqual(['a', 'b']);
  });

  it('Set: emits in insertion order', async () => {
    expect(await Source.from(new Set([3, 1, 2])).runWith(Sink.seq())).toEqual([3, 1, 2]);
  });

  it('Map: emits entries', async () => {
    expect(
      await Source.from(
        new Map([
          ['a', 1],
          ['b', 2],
        ]),
      ).runWith(Sink.seq()),
    ).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('generator: reads only as far as demanded', async () => {
    let produced = 0;
    const gen = function* (): Generator<number> {
      for (let i = 1; i <= 5; i++) {
        produced++;
        yield i;
      }
    };
    const down = probeOf(Source.from(gen()));
    await down.expectNoMessageWhenIdle();
    expect(produced).toBe(0);
    down.request(2);
    await down.expectNextN([1, 2]);
    await down.expectNoMessageWhenIdle();
    expect(produced).toBe(2);
    down.request(10);
    await down.expectNextN([3, 4, 5]);
    await down.expectComplete();
    expect(produced).toBe(5);
  });

  it('generator: cancelling calls return(), so its finally block runs', async () => {
    let finalized = false;
    const gen = function* (): Generator<number> {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        finalized = true;
      }
    };
    const down = probeOf(Source.from(gen()));
    down.request(2);
    await down.expectNextN([0, 1]);
    expect(finalized).toBe(false);
    down.cancel();
    await eventually(() => finalized, 'the generator to be finalized');
  });

  it('a throwing generator fails the stream with its error', async () => {
    const e = boom();
    const gen = function* (): Generator<number> {
      yield 1;
      throw e;
    };
    const down = probeOf(Source.from(gen()));
    down.request(5);
    await down.expectNext(1);
    expect(await down.expectError()).toBe(e);
  });

  it('async generator: emits on demand, one next() at a time', async () => {
    let produced = 0;
    const gen = async function* (): AsyncGenerator<number> {
      for (let i = 1; i <= 3; i++) {
        await new Promise((r) => setTimeout(r, 1));
        produced++;
        yield i * 10;
      }
    };
    const down = probeOf(Source.from(gen()));
    await down.expectNoMessageWhenIdle();
    expect(produced).toBe(0);
    down.request(1);
    await down.expectNext(10);
    await down.expectNoMessageWhenIdle();
    expect(produced).toBe(1);
    down.request(5);
    await down.expectNextN([20, 30]);
    await down.expectComplete();
  });

  it('async generator: a rejection fails the stream with the original error', async () => {
    const e = boom();
    const gen = async function* (): AsyncGenerator<number> {
      yield 1;
      throw e;
    };
    const down = probeOf(Source.from(gen()));
    down.request(5);
    await down.expectNext(1);
    expect(await down.expectError()).toBe(e);
  });

  it('async generator: cancelling calls return(), so its finally block runs', async () => {
    let finalized = false;
    const gen = async function* (): AsyncGenerator<number> {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        finalized = true;
      }
    };
    const down = probeOf(Source.from(gen()));
    down.request(1);
    await down.expectNext(0);
    down.cancel();
    await eventually(() => finalized, 'the async generator to be finalized');
  });

  it('string: emits its characters', async () => {
    expect(await Source.from('abc').runWith(Sink.seq())).toEqual(['a', 'b', 'c']);
  });
});

describe('Source.range', () => {
  it('emits only on demand, and completes right after the last element', async () => {
    const down = probeOf(Source.range(1, 3));
    down.request(2);
    await down.expectNextN([1, 2]);
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(3);
    await down.expectComplete();
  });

  it('a huge range is produced lazily', async () => {
    const down = probeOf(Source.range(1, 1e12));
    down.request(3);
    await down.expectNextN([1, 2, 3]);
    await down.expectNoMessageWhenIdle();
    down.cancel();
  });

  it('includes the end; honours a positive step', async () => {
    expect(await Source.range(1, 5).runWith(Sink.seq())).toEqual([1, 2, 3, 4, 5]);
    expect(await Source.range(1, 10, 3).runWith(Sink.seq())).toEqual([1, 4, 7, 10]);
    expect(await Source.range(1, 9, 3).runWith(Sink.seq())).toEqual([1, 4, 7]);
    expect(await Source.range(2, 2).runWith(Sink.seq())).toEqual([2]);
  });

  it('counts down with a negative step', async () => {
    expect(await Source.range(5, 1, -2).runWith(Sink.seq())).toEqual([5, 3, 1]);
    expect(await Source.range(10, 1, -3).runWith(Sink.seq())).toEqual([10, 7, 4, 1]);
    expect(await Source.range(1, -1, -1).runWith(Sink.seq())).toEqual([1, 0, -1]);
  });

  it('is empty when start is past the end in the step direction', async () => {
    expect(await Source.range(3, 1).runWith(Sink.seq())).toEqual([]);
    expect(await Source.range(1, 3, -1).runWith(Sink.seq())).toEqual([]);
    await probeOf(Source.range(1, 0)).expectComplete();
  });

  it('rejects step 0 and non-finite bounds when built', () => {
    expect(() => Source.range(1, 2, 0)).toThrow(RangeError);
    expect(() => Source.range(NaN, 1)).toThrow(RangeError);
    expect(() => Source.range(1, Infinity)).toThrow(RangeError);
    expect(() => Source.range(1, 2, NaN)).toThrow(RangeError);
  });
});

describe('Source.empty', () => {
  it('completes without any demand', async () => {
    await probeOf(Source.empty<number>()).expectComplete();
    expect(await Source.empty().runWith(Sink.seq())).toEqual([]);
  });
});

describe('Source.failed', () => {
  it('fails with the original error, without any demand', async () => {
    const e = boom();
    const down = probeOf(Source.failed<number>(e));
    expect(await down.expectError()).toBe(e);
  });

  it('rejects a sink promise with the original error', async () => {
    const e = boom();
    await expect(Source.failed(e).runWith(Sink.seq())).rejects.toBe(e);
  });
});

describe('Source.never', () => {
  it('never emits nor completes; cancelling ends the stream', async () => {
    const mat = Materializer.create();
    const down = Source.never<number>().runWith(TestSink.probe<number>(), mat);
    down.request(3);
    await down.expectNoMessageWhenIdle();
    expect(mat.runningIslands).toBe(1);
    down.cancel();
    await eventually(() => mat.runningIslands === 0, 'the never-stream to stop after cancellation');
    await down.expectNoMessageWhenIdle();
    mat.shutdown();
  });
});

describe('Source.repeat', () => {
  it('emits the element once per demand, forever', async () => {
    const down = probeOf(Source.repeat('r'));
    down.request(3);
    await down.expectNextN(['r', 'r', 'r']);
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext('r');
    down.cancel();
  });

  it('works with take', async () => {
    expect(await Source.repeat(0).take(4).runWith(Sink.seq())).toEqual([0, 0, 0, 0]);
  });
});

describe('Source.cycle', () => {
  it('repeats the iterable, asking f for a fresh one each round', async () => {
    let rounds = 0;
    const out = await Source.cycle(() => {
      rounds++;
      return [1, 2];
    })
      .take(5)
      .runWith(Sink.seq());
    expect(out).toEqual([1, 2, 1, 2, 1]);
    expect(rounds).toBe(3);
  });

  it('emits only on demand', async () => {
    const down = probeOf(Source.cycle(() => 'ab'));
    down.request(3);
    await down.expectNextN(['a', 'b', 'a']);
    await down.expectNoMessageWhenIdle();
    down.cancel();
  });

  it('works with one-shot iterables (generators) since each round gets a fresh one', async () => {
    const out = await Source.cycle(function* () {
      yield 'x';
      yield 'y';
    })
      .take(5)
      .runWith(Sink.seq());
    expect(out).toEqual(['x', 'y', 'x', 'y', 'x']);
  });

  it('an empty iterable fails the stream instead of spinning', async () => {
    const down = probeOf(Source.cycle(() => []));
    down.request(1);
    const err = await down.expectError();
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/empty/);
  });

  it('a round that turns out empty fails after the earlier elements', async () => {
    let round = 0;
    const down = probeOf(Source.cycle(() => (round++ === 0 ? [1] : [])));
    down.request(5);
    await down.expectNext(1);
    const err = await down.expectError();
    expect((err as Error).message).toMatch(/empty/);
  });
});

describe('Source.unfold', () => {
  it('emits f’s elements, threading the state, and completes when f returns undefined', async () => {
    const fib = ([a, b]: [number, number]): [[number, number], number] | undefined => (a > 20 ? undefined : [[b, a + b], a]);
    const out = await Source.unfold<[number, number], number>([0, 1], fib).runWith(Sink.seq());
    expect(out).toEqual([0, 1, 1, 2, 3, 5, 8, 13]);
  });

  it('calls f only on demand', async () => {
    let calls = 0;
    const down = probeOf(
      Source.unfold(0, (s) => {
        calls++;
        return [s + 1, s] as const;
      }),
    );
    await down.expectNoMessageWhenIdle();
    expect(calls).toBe(0);
    down.request(2);
    await down.expectNextN([0, 1]);
    await down.expectNoMessageWhenIdle();
    expect(calls).toBe(2);
    down.cancel();
  });

  it('f returning undefined at once gives an empty stream', async () => {
    const down = probeOf(Source.unfold(0, () => undefined));
    down.request(1);
    await down.expectComplete();
  });

  it('starts from the seed in each materialization', async () => {
    const src = Source.unfold(3, (s) => (s === 0 ? undefined : ([s - 1, s] as const)));
    expect(await src.runWith(Sink.seq())).toEqual([3, 2, 1]);
    expect(await src.runWith(Sink.seq())).toEqual([3, 2, 1]);
  });
});

describe('Source.unfoldAsync', () => {
  it('calls f only on demand, one call in flight at a time', async () => {
    let calls = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const down = probeOf(
      Source.unfoldAsync(0, async (s) => {
        calls++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        return s < 4 ? ([s + 1, s * 10] as const) : undefined;
      }),
    );
    await down.expectNoMessageWhenIdle();
    expect(calls).toBe(0);
    down.request(2);
    await down.expectNextN([0, 10]);
    await down.expectNoMessageWhenIdle();
    expect(calls).toBe(2);
    down.request(10);
    await down.expectNextN([20, 30]);
    await down.expectComplete();
    expect(calls).toBe(5);
    expect(maxInFlight).toBe(1);
  });

  it('a rejected promise fails the stream with the original error', async () => {
    const e = boom();
    const down = probeOf(Source.unfoldAsync(0, async (s) => (s === 1 ? Promise.reject(e) : ([s + 1, s] as const))));
    down.request(5);
    await down.expectNext(0);
    expect(await down.expectError()).toBe(e);
  });
});

describe('Source.fromPromise', () => {
  it('emits the resolved value only on demand, then completes', async () => {
    const down = probeOf(Source.fromPromise(Promise.resolve(42)));
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(42);
    await down.expectComplete();
  });

  it('waits for a promise that resolves later', async () => {
    let resolve!: (v: string) => void;
    const p = new Promise<string>((r) => (resolve = r));
    const down = probeOf(Source.fromPromise(p));
    down.request(1);
    await down.expectNoMessageWhenIdle();
    resolve('late');
    await down.expectNext('late');
    await down.expectComplete();
  });

  it('a rejection fails the stream with the original error (no demand needed)', async () => {
    const e = boom();
    const p = Promise.reject(e);
    const down = probeOf(Source.fromPromise(p));
    expect(await down.expectError()).toBe(e);
  });
});

describe('Source.lazySource', () => {
  it('creates the inner source only on the first pull; materializes a promise of its value', async () => {
    let created = 0;
    const [mat, down] = Source.lazySource(() => {
      created++;
      return Source.from([1, 2]).mapMaterializedValue(() => 'inner-mat');
    })
      .toMat(TestSink.probe<number>(), Keep.both)
      .run();
    let settled = false;
    void mat.then(
      () => (settled = true),
      () => (settled = true),
    );
    await down.expectNoMessageWhenIdle();
    expect(created).toBe(0);
    expect(settled).toBe(false);
    down.request(1);
    await down.expectNext(1);
    expect(created).toBe(1);
    expect(await mat).toBe('inner-mat');
    down.request(1);
    await down.expectNext(2);
    await down.expectComplete();
    expect(created).toBe(1);
  });

  it('passes demand, completion and cancellation through to the inner source', async () => {
    const [mat, down] = Source.lazySource(() => TestSource.probe<number>())
      .toMat(TestSink.probe<number>(), Keep.both)
      .run();
    down.request(1);
    const up: TestPublisherProbe<number> = await mat;
    expect(await up.expectRequest()).toBe(1);
    up.sendNext(5);
    await down.expectNext(5);
    await up.expectNoMessageWhenIdle();
    down.cancel();
    await up.expectCancellation();
  });

  it('inner failure fails the stream with the original error', async () => {
    const e = boom();
    const down = probeOf(Source.lazySource(() => Source.failed<number>(e)));
    down.request(1);
    expect(await down.expectError()).toBe(e);
  });

  it('cancelled before the first pull: never creates the inner source, the promise rejects', async () => {
    let created = 0;
    const [mat, down] = Source.lazySource(() => {
      created++;
      return Source.single(1);
    })
      .toMat(TestSink.probe<number>(), Keep.both)
      .run();
    down.cancel();
    await expect(mat).rejects.toBeInstanceOf(Error);
    expect(created).toBe(0);
  });

  it('create throwing fails the stream and rejects the promise with that error', async () => {
    const e = boom();
    const [mat, down] = Source.lazySource<number, unknown>(() => {
      throw e;
    })
      .toMat(TestSink.probe<number>(), Keep.both)
      .run();
    down.request(1);
    expect(await down.expectError()).toBe(e);
    await expect(mat).rejects.toBe(e);
  });

  it('creates a new inner source for each materialization', async () => {
    let created = 0;
    const src = Source.lazySource(() => {
      created++;
      return Source.single(created);
    });
    expect(await src.runWith(Sink.seq())).toEqual([1]);
    expect(await src.runWith(Sink.seq())).toEqual([2]);
  });
});

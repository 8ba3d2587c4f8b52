/**
 * Build-time fusion must be invisible: same elements, same errors, same supervision, same
 * materialized values as the unfused stages. Each case runs the fused form and, as the reference, the
 * same pipeline with fusion prevented (an attribute-carrying stage in between).
 */

import { AbruptTerminationException, Attributes, Flow, Keep, Materializer, NoSuchElementError, Sink, Source, Supervision } from '@tributary/core';
import {
  FlowShape,
  GraphStage,
  GraphStageLogic,
  GraphStageWithMaterializedValue,
  type InHandler,
  Inlet,
  type OutHandler,
  Outlet,
  SinkShape,
  SourceShape,
} from '@tributary/core/stage';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';

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
      const fused = await Source.from(xs)
        .map((x) => x + 1)
        .runWith(make() as Sink<number, Promise<unknown>>);
      const reference = await Source.from(xs)
        .via(unfusedMap((x: number) => x + 1))
        .runWith(make() as Sink<number, Promise<unknown>>);
      expect(fused).toEqual(reference);
    }
  });

  it('empty sources: head/reduce/last reject with NoSuchElementError, options resolve undefined', async () => {
    await expect(Source.from<number>([]).runWith(Sink.head())).rejects.toBeInstanceOf(NoSuchElementError);
    await expect(Source.range(1, 0).runWith(Sink.reduce((a: number, b: number) => a + b))).rejects.toBeInstanceOf(NoSuchElementError);
    await expect(Source.from<number>([]).runWith(Sink.last())).rejects.toBeInstanceOf(NoSuchElementError);
    expect(await Source.from<number>([]).runWith(Sink.headOption())).toBeUndefined();
    expect(
      await Source.range(1, 0)
        .map((x) => x)
        .runWith(Sink.seq()),
    ).toEqual([]);
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
    expect(
      await Source.from(gen())
        .map((x) => x * 10)
        .runWith(Sink.head()),
    ).toBe(10);
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
    await expect(
      Source.from(iterable)
        .map((x) => x)
        .runWith(Sink.fold(0, (a: number, x: number) => a + x)),
    ).rejects.toBe(broken);
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

  it('stateful stages fuse with identical results: scan, zipWithIndex, take, drop, takeWhile, dropWhile', async () => {
    const chain = <M>(s: Source<number, M>) =>
      s
        .drop(3)
        .scan(1, (a, x) => (a * x) % 1009)
        .dropWhile((x) => x < 50)
        .zipWithIndex()
        .map(([x, i]) => x + i)
        .takeWhile((x) => x !== 0)
        .take(40);
    const fused = await chain(Source.range(1, 500)).runWith(Sink.seq());
    const reference = await chain(Source.range(1, 500).via(unfusedMap((x: number) => x))).runWith(Sink.seq());
    expect(fused).toEqual(reference);
    expect(fused.length).toBe(40);
    // A scan over nothing still emits its seed, fused into the sink or not.
    expect(
      await Source.from<number>([])
        .scan(7, (a, x) => a + x)
        .runWith(Sink.seq()),
    ).toEqual([7]);
    expect(
      await Source.from<number>([])
        .scan(7, (a, x) => a + x)
        .via(unfusedMap((x: number) => x))
        .runWith(Sink.seq()),
    ).toEqual([7]);
  });

  it('a fused take stops pulling the source after its last element and lets a generator clean up', async () => {
    const pulled: number[] = [];
    let cleanedUp = false;
    function* gen() {
      try {
        for (let i = 1; ; i++) {
          pulled.push(i);
          yield i;
        }
      } finally {
        cleanedUp = true;
      }
    }
    const result = await Source.from(gen())
      .map((x) => x * 2)
      .take(3)
      .runWith(Sink.seq());
    expect(result).toEqual([2, 4, 6]);
    expect(pulled).toEqual([1, 2, 3]);
    expect(cleanedUp).toBe(true);
  });

  it('supervision of a fused scan: resume drops the element, restart emits the seed again, as unfused', async () => {
    const f = (a: number, x: number) => {
      if (x === 3) throw new Error('bad');
      return a + x;
    };
    for (const [decider, expected] of [
      [Supervision.resume, [0, 1, 3, 7, 12]],
      [Supervision.restart, [0, 1, 3, 0, 4, 9]],
    ] as const) {
      const strategy = Attributes.supervisionStrategy(decider);
      const fused = await Source.range(1, 5).scan(0, f).toMat(Sink.seq(), Keep.right).withAttributes(strategy).run();
      const midFlow = await Source.range(1, 5)
        .via(unfusedMap((x: number) => x))
        .scan(0, f)
        .map((x) => x)
        .toMat(Sink.seq(), Keep.right)
        .withAttributes(strategy)
        .run();
      const reference = await Source.range(1, 5)
        .via(unfusedMap((x: number) => x))
        .via(Flow.create<number>().scan(0, f).named('unfused'))
        .toMat(Sink.seq(), Keep.right)
        .withAttributes(strategy)
        .run();
      expect(fused).toEqual(expected);
      expect(midFlow).toEqual(expected);
      expect(reference).toEqual(expected);
    }
    const stopped = Source.range(1, 5).scan(0, f).runWith(Sink.seq());
    await expect(stopped).rejects.toThrow('bad');
  });

  it('a user stage with fuse / createConsumer / createCursor / fusedFn methods is never rewritten by fusion', async () => {
    const calls: string[] = [];
    const record = (name: string) => () => {
      calls.push(name);
      throw new Error(`fusion called ${name}`);
    };
    /** A pass-through flow that happens to have methods named like the fusion protocol's old ones. */
    class UserFlow extends GraphStage<FlowShape<number, number>> {
      readonly in = new Inlet<number>('UserFlow.in');
      readonly out = new Outlet<number>('UserFlow.out');
      readonly shape = new FlowShape(this.in, this.out);
      readonly fusedFn = record('fusedFn');
      fuse = record('fuse');
      createLogic(): GraphStageLogic {
        const { in: inlet, out } = this;
        return new (class extends GraphStageLogic implements InHandler, OutHandler {
          constructor(shape: FlowShape<number, number>) {
            super(shape);
            this.setHandlers(inlet, out, this);
          }
          onPush(): void {
            this.push(out, this.grab(inlet) * 10);
          }
          onPull(): void {
            this.pull(inlet);
          }
        })(this.shape);
      }
    }
    /** A source with a `createCursor` and `fuse` method. */
    class UserSource extends GraphStage<SourceShape<number>> {
      readonly out = new Outlet<number>('UserSource.out');
      readonly shape = new SourceShape(this.out);
      readonly fn = null;
      createCursor = record('createCursor');
      fuse = record('fuse');
      createLogic(): GraphStageLogic {
        const out = this.out;
        return new (class extends GraphStageLogic implements OutHandler {
          private n = 0;
          constructor(shape: SourceShape<number>) {
            super(shape);
            this.setHandler(out, this);
          }
          onPull(): void {
            if (++this.n > 3) this.completeStage();
            else this.push(out, this.n);
          }
        })(this.shape);
      }
    }
    /** A summing sink with a `createConsumer` method. */
    class UserSink extends GraphStageWithMaterializedValue<SinkShape<number>, Promise<number>> {
      readonly in = new Inlet<number>('UserSink.in');
      readonly shape = new SinkShape(this.in);
      createConsumer = record('createConsumer');
      createLogicAndMaterializedValue(): [GraphStageLogic, Promise<number>] {
        const inlet = this.in;
        let resolve!: (n: number) => void;
        const promise = new Promise<number>((r) => (resolve = r));
        const logic = new (class extends GraphStageLogic implements InHandler {
          private sum = 0;
          constructor(shape: SinkShape<number>) {
            super(shape);
            this.setHandler(inlet, this);
          }
          override preStart(): void {
            this.pull(inlet);
          }
          onPush(): void {
            this.sum += this.grab(inlet);
            this.pull(inlet);
          }
          onUpstreamFinish(): void {
            resolve(this.sum);
            this.completeStage();
          }
        })(this.shape);
        return [logic, promise];
      }
    }
    const viaUserFlow = await Source.range(1, 3)
      .via(Flow.fromGraph(new UserFlow()))
      .map((x) => x + 1)
      .runWith(Sink.seq());
    expect(viaUserFlow).toEqual([11, 21, 31]);
    const fromUserSource = await Source.fromGraph(new UserSource())
      .map((x) => x * 2)
      .runWith(Sink.seq());
    expect(fromUserSource).toEqual([2, 4, 6]);
    const intoUserSink = await Source.range(1, 4)
      .map((x) => x * 2)
      .runWith(Sink.fromGraph(new UserSink()));
    expect(intoUserSink).toBe(20);
    expect(calls).toEqual([]);
  });
});

describe('a fused scan over an empty source', () => {
  // Found by the fused ≡ unfused property: the seed must go through the parts after the scan on the
  // first pull, as the scan stage would, not at start-up (a part failing on the seed failed the stream
  // before the downstream scan had emitted its own seed).
  const failOnZero = (x: number): number => {
    if (x === 0) throw new Error('boom on the seed');
    return x;
  };
  const chain = (s: Source<number, unknown>) =>
    s
      .scan(0, (a: number, x: number) => a + x)
      .map(failOnZero)
      .scan(5, (a: number, x: number) => a + x);

  it('emits the downstream seed before the failure, fused as unfused', async () => {
    for (const source of [chain(Source.range(0, -1)), chain(Source.range(0, -1).via(Flow.create<number>().named('barrier')).async())]) {
      const probe = source.runWith(TestSink.probe<number>());
      probe.request(10);
      await probe.expectNext(5);
      await probe.expectError();
    }
  });

  it('emits the seed and completes on one request when nothing fails', async () => {
    const probe = Source.range(0, -1)
      .scan(7, (a: number, x: number) => a + x)
      .runWith(TestSink.probe<number>());
    probe.request(1);
    await probe.expectNext(7);
    await probe.expectComplete();
  });
});

describe('fused ending parts: statefulMap, grouped, sliding', () => {
  const barrier = <T>() => Flow.create<T>().named('barrier');

  it('emit their last elements on completion through the parts after them, as unfused', async () => {
    const closed: number[] = [];
    const chain = (s: Source<number, unknown>, cut: <T>() => Flow<T, T, unknown>) =>
      s
        .statefulMap(
          () => 0,
          (acc: number, x: number) => [acc + x, acc + x] as const,
          (acc) => (closed.push(acc), -acc),
        )
        .via(cut<number>())
        .grouped(3)
        .via(cut<number[]>())
        .map((g) => g.reduce((a, x) => a + x, 0))
        .via(cut<number>())
        .sliding(2, 2)
        .via(cut<number[]>())
        .map((w) => w.join('+'));
    const fused = await chain(Source.range(1, 7), () => Flow.create()).runWith(Sink.seq());
    const reference = await chain(Source.range(1, 7), barrier).runWith(Sink.seq());
    // running sums 1 3 6 10 15 21 28, then onComplete's -28: groups [1,3,6] [10,15,21] [28,-28], windows of two sums
    expect(fused).toEqual(['10+46', '0']);
    expect(reference).toEqual(fused);
    expect(closed).toEqual([28, 28]);
  });

  it('a take after a statefulMap ends the chain: onComplete still runs once, its result is dropped', async () => {
    const closed: number[] = [];
    const result = await Source.range(1, 100)
      .statefulMap(
        () => 0,
        (n: number, x: number) => [n + 1, x] as const,
        (n) => (closed.push(n), 1000),
      )
      .take(3)
      .runWith(Sink.seq());
    expect(result).toEqual([1, 2, 3]);
    expect(closed).toEqual([3]);
  });

  it('the partial group waits for demand, and the stream completes right after it', async () => {
    const probe = Source.range(1, 5).grouped(2).runWith(TestSink.probe<number[]>());
    probe.request(2);
    await probe.expectNext([1, 2]);
    await probe.expectNext([3, 4]);
    await probe.expectNoMessage(20);
    probe.request(1);
    await probe.expectNext([5]);
    await probe.expectComplete();
  });

  it('an upstream failure: statefulMap emits its closing element, then the stream fails', async () => {
    const boom = new Error('source failed');
    function* gen() {
      yield 1;
      yield 2;
      throw boom;
    }
    const probe = Source.from(gen())
      .statefulMap(
        () => 0,
        (acc: number, x: number) => [acc + x, x] as const,
        (acc) => acc * 100,
      )
      .runWith(TestSink.probe<number>());
    probe.request(10);
    await probe.expectNext(1);
    await probe.expectNext(2);
    await probe.expectNext(300);
    expect(await probe.expectError()).toBe(boom);
  });

  it('a drop/take at the head over a range or an array skips without producing the dropped elements', async () => {
    expect(await Source.range(1, 1_000_000_000).drop(999_999_990).take(3).runWith(Sink.seq())).toEqual([999_999_991, 999_999_992, 999_999_993]);
    expect(await Source.range(0, 1, 0.1).drop(3).take(2).runWith(Sink.seq())).toEqual(
      await Source.range(0, 1, 0.1).via(barrier()).drop(3).take(2).runWith(Sink.seq()),
    );
    expect(await Source.from([1, 2, 3, 4, 5]).drop(1).take(10).drop(1).runWith(Sink.seq())).toEqual([3, 4, 5]);
  });
});

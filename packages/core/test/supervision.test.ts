import { Attributes, type Decider, Flow, Sink, Source, Supervision } from '@tributary/core';
import { TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, probe } from './operators/harness.js';

const strategy = (d: Decider) => Attributes.supervisionStrategy(d);
const RESUME = strategy(Supervision.resume);
const RESTART = strategy(Supervision.restart);
const STOP = strategy(Supervision.stop);

/** Throws `e` for the element `bad`, otherwise returns `f(x)`. */
const failOn =
  <T>(bad: number, e: Error, f: (x: number) => T) =>
  (x: number): T => {
    if (x === bad) throw e;
    return f(x);
  };

interface Case {
  readonly name: string;
  readonly input: number[];
  /** The flow under test; its user code throws `e` on one element. */
  readonly make: (e: Error) => Flow<number, unknown>;
  /** Elements emitted before the failing element, with the default (stop) strategy. */
  readonly beforeFailure: unknown[];
  readonly resumed: unknown[];
  readonly restarted: unknown[];
}

const input = [1, 2, 3, 4, 5];

const cases: Case[] = [
  {
    name: 'map',
    input,
    make: (e) => Flow.create<number>().map(failOn(3, e, (x) => x * 10)),
    beforeFailure: [10, 20],
    resumed: [10, 20, 40, 50],
    restarted: [10, 20, 40, 50],
  },
  {
    name: 'filter',
    input,
    make: (e) => Flow.create<number>().filter(failOn(3, e, (x) => x % 2 === 1)),
    beforeFailure: [1],
    resumed: [1, 5],
    restarted: [1, 5],
  },
  {
    name: 'filterNot',
    input,
    make: (e) => Flow.create<number>().filterNot(failOn(3, e, (x) => x % 2 === 1)),
    beforeFailure: [2],
    resumed: [2, 4],
    restarted: [2, 4],
  },
  {
    name: 'collect',
    input,
    make: (e) => Flow.create<number>().collect(failOn(3, e, (x) => (x % 2 === 0 ? `#${x}` : undefined))),
    beforeFailure: ['#2'],
    resumed: ['#2', '#4'],
    restarted: ['#2', '#4'],
  },
  {
    name: 'mapConcat',
    input,
    make: (e) => Flow.create<number>().mapConcat(failOn(3, e, (x) => [x, x])),
    beforeFailure: [1, 1, 2, 2],
    resumed: [1, 1, 2, 2, 4, 4, 5, 5],
    restarted: [1, 1, 2, 2, 4, 4, 5, 5],
  },
  {
    name: 'statefulMap',
    input,
    make: (e) =>
      Flow.create<number>().statefulMap(
        () => 0,
        (sum, x) => {
          if (x === 3) throw e;
          return [sum + x, sum + x] as const;
        },
      ),
    beforeFailure: [1, 3],
    resumed: [1, 3, 7, 12], // state kept: 3 + 4, 7 + 5
    restarted: [1, 3, 4, 9], // state recreated: 0 + 4, 4 + 5
  },
  {
    name: 'scan',
    input,
    make: (e) =>
      Flow.create<number>().scan(0, (acc, x) => {
        if (x === 3) throw e;
        return acc + x;
      }),
    beforeFailure: [0, 1, 3],
    resumed: [0, 1, 3, 7, 12],
    restarted: [0, 1, 3, 0, 4, 9], // the seed is emitted again at the restart (Pekko)
  },
  {
    name: 'fold',
    input,
    make: (e) =>
      Flow.create<number>().fold(0, (acc, x) => {
        if (x === 3) throw e;
        return acc + x;
      }),
    beforeFailure: [],
    resumed: [12], // 1 + 2 + 4 + 5
    restarted: [9], // 4 + 5
  },
  {
    name: 'reduce',
    input,
    make: (e) =>
      Flow.create<number>().reduce((acc, x) => {
        if (x === 3) throw e;
        return acc + x;
      }),
    beforeFailure: [],
    resumed: [12], // 1 + 2 + 4 + 5
    restarted: [9], // 4 becomes the new start: 4 + 5
  },
  {
    name: 'takeWhile',
    input: [1, 2, 3, 4, 5, 1],
    make: (e) => Flow.create<number>().takeWhile(failOn(3, e, (x) => x < 5)),
    beforeFailure: [1, 2],
    resumed: [1, 2, 4],
    restarted: [1, 2, 4],
  },
  {
    name: 'dropWhile',
    input: [1, 2, 3, 4, 1],
    make: (e) => Flow.create<number>().dropWhile(failOn(3, e, (x) => x < 3)),
    beforeFailure: [],
    resumed: [4, 1],
    restarted: [4, 1],
  },
];

const runThrough = (xs: number[], flow: Flow<number, unknown>) => Source.from(xs).via(flow).runWith(Sink.seq());

describe.each(cases)('supervision of $name', (c) => {
  it('stop (default): fails with the original error, after the earlier elements, and cancels upstream', async () => {
    const e = boom(`${c.name} failed`);
    const [up, down] = probe(c.make(e));
    down.request(100);
    up.sendNextN(c.input);
    if (c.beforeFailure.length > 0) await down.expectNextN(c.beforeFailure);
    expect(await down.expectError()).toBe(e);
    await up.expectCancellation();
  });

  it('stop (default) through Source.from(..).via(..): the result promise rejects with the original error', async () => {
    const e = boom(`${c.name} failed`);
    await expect(runThrough(c.input, c.make(e))).rejects.toBe(e);
  });

  it('stop (explicit attribute): same as the default', async () => {
    const e = boom(`${c.name} failed`);
    await expect(runThrough(c.input, c.make(e).withAttributes(STOP))).rejects.toBe(e);
  });

  it('resume: drops the failing element and keeps the state', async () => {
    expect(await runThrough(c.input, c.make(boom()).withAttributes(RESUME))).toEqual(c.resumed);
  });

  it('restart: drops the failing element (and resets the state of stateful operators)', async () => {
    expect(await runThrough(c.input, c.make(boom()).withAttributes(RESTART))).toEqual(c.restarted);
  });

  it('resume: the stream goes on under demand (probe), without failing', async () => {
    const [up, down] = probe(c.make(boom()).withAttributes(RESUME));
    down.request(100);
    up.sendNextN(c.input).sendComplete();
    await down.expectNextN(c.resumed);
    await down.expectComplete();
  });
});

describe('supervision details of stateful operators', () => {
  it('statefulMap restart calls create() again; resume does not', async () => {
    for (const [attrs, expectedCreates] of [
      [RESUME, 1],
      [RESTART, 2],
    ] as const) {
      let creates = 0;
      const flow = Flow.create<number>()
        .statefulMap(
          () => {
            creates++;
            return 0;
          },
          (s, x) => {
            if (x === 2) throw boom();
            return [s + x, s + x] as const;
          },
        )
        .withAttributes(attrs);
      await runThrough([1, 2, 3], flow);
      expect(creates).toBe(expectedCreates);
    }
  });

  it('mapConcat: an iterator that throws part-way is abandoned on resume, the stream goes on', async () => {
    const e = boom();
    const flow = Flow.create<number>().mapConcat(function* (x) {
      yield x;
      if (x === 2) throw e;
      yield x * 10;
    });
    expect(await runThrough([1, 2, 3], flow.withAttributes(RESUME))).toEqual([1, 10, 2, 3, 30]);
    await expect(runThrough([1, 2, 3], flow)).rejects.toBe(e);
  });

  it('a throwing mapConcat f on the last element with resume still completes', async () => {
    const flow = Flow.create<number>().mapConcat(failOn(3, boom(), (x) => [x]));
    expect(await runThrough([1, 2, 3], flow.withAttributes(RESUME))).toEqual([1, 2]);
  });
});

describe('supervision of sinks', () => {
  it('Sink.foreach: stop (default) rejects with the original error and cancels upstream', async () => {
    const e = boom();
    const seen: number[] = [];
    const [up, done] = TestSource.probe<number>()
      .toMat(Sink.foreach(failOn(3, e, (x) => void seen.push(x))), (l, r) => [l, r] as const)
      .run();
    up.sendNextN(input);
    await expect(done).rejects.toBe(e);
    await up.expectCancellation();
    expect(seen).toEqual([1, 2]);
  });

  it('Sink.foreach: resume and restart skip the failing element and resolve', async () => {
    for (const attrs of [RESUME, RESTART]) {
      const seen: number[] = [];
      const done = Source.from(input).runWith(Sink.foreach(failOn(3, boom(), (x) => void seen.push(x))).withAttributes(attrs));
      await expect(done).resolves.toBeUndefined();
      expect(seen).toEqual([1, 2, 4, 5]);
    }
  });

  const foldF = (e: Error) => (acc: number, x: number) => {
    if (x === 3) throw e;
    return acc + x;
  };

  it('Sink.fold: stop rejects with the original error; resume keeps, restart resets the accumulator', async () => {
    const e = boom();
    await expect(Source.from(input).runWith(Sink.fold(0, foldF(e)))).rejects.toBe(e);
    await expect(Source.from(input).runWith(Sink.fold(0, foldF(e)).withAttributes(STOP))).rejects.toBe(e);
    expect(await Source.from(input).runWith(Sink.fold(0, foldF(boom())).withAttributes(RESUME))).toBe(12);
    expect(await Source.from(input).runWith(Sink.fold(0, foldF(boom())).withAttributes(RESTART))).toBe(9);
  });

  it('Sink.reduce: stop rejects with the original error; resume keeps, restart forgets the accumulator', async () => {
    const e = boom();
    await expect(Source.from(input).runWith(Sink.reduce(foldF(e)))).rejects.toBe(e);
    await expect(Source.from(input).runWith(Sink.reduce(foldF(e)).withAttributes(STOP))).rejects.toBe(e);
    expect(await Source.from(input).runWith(Sink.reduce(foldF(boom())).withAttributes(RESUME))).toBe(12);
    expect(await Source.from(input).runWith(Sink.reduce(foldF(boom())).withAttributes(RESTART))).toBe(9);
  });
});

describe('supervision of fused chains', () => {
  const even = (x: number) => x % 2 === 0;

  it('range → filter → map, map throws: stop fails with the original error', async () => {
    const e = boom();
    await expect(
      Source.range(1, 10)
        .filter(even)
        .map(failOn(6, e, (x) => x * 10))
        .runWith(Sink.seq()),
    ).rejects.toBe(e);
  });

  it('range → filter → map, map throws: resume / restart drop the element', async () => {
    for (const attrs of [RESUME, RESTART]) {
      const out = await Source.range(1, 10)
        .filter(even)
        .map(failOn(6, boom(), (x) => x * 10))
        .withAttributes(attrs)
        .runWith(Sink.seq());
      expect(out).toEqual([20, 40, 80, 100]);
    }
  });

  it('range → filter → map, filter throws: stop fails, resume drops the element', async () => {
    const e = boom();
    const chain = () =>
      Source.range(1, 10)
        .filter(failOn(4, e, even))
        .map((x) => x * 10);
    await expect(chain().runWith(Sink.seq())).rejects.toBe(e);
    expect(await chain().withAttributes(RESUME).runWith(Sink.seq())).toEqual([20, 60, 80, 100]);
  });

  it('from(array) → map: stop fails with the original error; resume drops the element', async () => {
    const e = boom();
    await expect(
      Source.from(input)
        .map(failOn(3, e, (x) => x * 10))
        .runWith(Sink.seq()),
    ).rejects.toBe(e);
    expect(
      await Source.from(input)
        .map(failOn(3, boom(), (x) => x * 10))
        .withAttributes(RESUME)
        .runWith(Sink.seq()),
    ).toEqual([10, 20, 40, 50]);
    expect(
      await Source.from(input)
        .map(failOn(3, boom(), (x) => x * 10))
        .withAttributes(RESTART)
        .runWith(Sink.seq()),
    ).toEqual([10, 20, 40, 50]);
  });

  it('from(array) → map: resume on the last element still completes the stream', async () => {
    expect(
      await Source.from([1, 2, 3])
        .map(failOn(3, boom(), (x) => x))
        .withAttributes(RESUME)
        .runWith(Sink.seq()),
    ).toEqual([1, 2]);
  });

  it('fused chain under demand: resume skips without emitting beyond demand', async () => {
    const down = Source.range(1, 100)
      .map(failOn(2, boom(), (x) => x * 10))
      .withAttributes(RESUME)
      .runWith(TestSink.probe<number>());
    down.request(2);
    await down.expectNextN([10, 30]);
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(40);
    down.cancel();
  });

  it('a fused Flow (filter → map) with attributes, between probes', async () => {
    const flow = Flow.create<number>()
      .filter(failOn(1, boom(), () => true))
      .map(failOn(3, boom(), (x) => -x))
      .withAttributes(RESUME);
    const [up, down] = probe(flow);
    down.request(10);
    up.sendNextN([1, 2, 3, 4]).sendComplete();
    await down.expectNextN([-2, -4]);
    await down.expectComplete();
  });
});

describe('supervision attributes: scope and deciders', () => {
  it('withAttributes on a whole source graph reaches non-fused stages inside it', async () => {
    const out = await Source.from(input)
      .scan(0, (a, x) => {
        if (x === 3) throw boom();
        return a + x;
      })
      .withAttributes(RESTART)
      .runWith(Sink.seq());
    expect(out).toEqual([0, 1, 3, 0, 4, 9]);
  });

  it('the attribute closest to the stage wins', async () => {
    const e = boom();
    const inner = (attrs: Attributes) =>
      Flow.create<number>()
        .map(failOn(2, e, (x) => x))
        .withAttributes(attrs);
    expect(await Source.from([1, 2, 3]).via(inner(RESUME)).withAttributes(STOP).runWith(Sink.seq())).toEqual([1, 3]);
    await expect(Source.from([1, 2, 3]).via(inner(STOP)).withAttributes(RESUME).runWith(Sink.seq())).rejects.toBe(e);
  });

  it('attributes set on an upstream part do not leak to stages added after it', async () => {
    const e = boom();
    await expect(
      Source.from([1, 2, 3])
        .withAttributes(RESUME)
        .map(failOn(2, e, (x) => x))
        .runWith(Sink.seq()),
    ).rejects.toBe(e);
  });

  it('a custom decider chooses per error', async () => {
    const skippable = boom('skip me');
    const fatal = boom('fatal');
    const decider: Decider = (err) => (err === skippable ? 'resume' : 'stop');
    const [up, down] = probe(
      Flow.create<number>()
        .map((x) => {
          if (x === 2) throw skippable;
          if (x === 4) throw fatal;
          return x;
        })
        .withAttributes(strategy(decider)),
    );
    down.request(10);
    up.sendNextN([1, 2, 3, 4, 5]);
    await down.expectNextN([1, 3]);
    expect(await down.expectError()).toBe(fatal);
  });

  it('Akka-named deciders behave like their short names', async () => {
    const run = (d: Decider) =>
      Source.from(input)
        .via(
          Flow.create<number>()
            .fold(0, (a, x) =>
              x === 3
                ? (() => {
                    throw boom();
                  })()
                : a + x,
            )
            .withAttributes(strategy(d)),
        )
        .runWith(Sink.seq());
    expect(await run(Supervision.resumingDecider)).toEqual([12]);
    expect(await run(Supervision.restartingDecider)).toEqual([9]);
    await expect(run(Supervision.stoppingDecider)).rejects.toBeInstanceOf(Error);
  });
});

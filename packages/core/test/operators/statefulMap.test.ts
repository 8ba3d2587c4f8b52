import { Attributes, Flow, Materializer, Sink, Source, Supervision } from '@tributary/core';
import { settle, TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, eventually, expectRequests, probe } from './harness.js';

const runningSum = () =>
  Flow.create<number>().statefulMap(
    () => 0,
    (sum, x) => [sum + x, sum + x] as const,
  );

describe('statefulMap', () => {
  it('emits only on demand, one output per input', async () => {
    const [up, down] = probe(runningSum());
    down.request(2);
    up.sendNextN([1, 2, 3]);
    await down.expectNextN([1, 3]);
    await down.expectNoMessageWhenIdle();
    await expectRequests(up, 2);
    down.request(1);
    await down.expectNext(6);
    down.cancel();
  });

  it('threads the state through f (doc example)', async () => {
    const out = await Source.from([1, 2, 3])
      .statefulMap(
        () => 0,
        (sum, x) => [sum + x, sum + x] as const,
      )
      .runWith(Sink.seq());
    expect(out).toEqual([1, 3, 6]);
  });

  it('creates the state afresh for each materialization', async () => {
    let created = 0;
    const flow = Flow.create<number>().statefulMap(
      () => {
        created++;
        return [] as number[];
      },
      (seen: number[], x: number): [number[], number] => [[...seen, x], seen.length],
    );
    const src = Source.from([7, 8, 9]).via(flow);
    expect(await src.runWith(Sink.seq())).toEqual([0, 1, 2]);
    expect(await src.runWith(Sink.seq())).toEqual([0, 1, 2]);
    expect(created).toBe(2);
  });

  it('on completion emits the element onComplete returns, only when demanded, then completes', async () => {
    const [up, down] = probe(
      Flow.create<number>().statefulMap(
        () => 0,
        (s, x) => [s + x, s + x] as const,
        (s) => -s,
      ),
    );
    down.request(3);
    up.sendNextN([1, 2, 3]).sendComplete();
    await down.expectNextN([1, 3, 6]);
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(-6);
    await down.expectComplete();
  });

  it('onComplete returning undefined completes without a final element', async () => {
    const [up, down] = probe(
      Flow.create<number>().statefulMap(
        () => 0,
        (s, x) => [s + x, x] as const,
        () => undefined,
      ),
    );
    down.request(5);
    up.sendNextN([4, 5]).sendComplete();
    await down.expectNextN([4, 5]);
    await down.expectComplete();
  });

  it('on an empty stream, onComplete sees the initial state', async () => {
    const [up, down] = probe(
      Flow.create<number>().statefulMap(
        () => 100,
        (s, x) => [s, x] as const,
        (s) => s + 1,
      ),
    );
    down.request(1);
    up.sendComplete();
    await down.expectNext(101);
    await down.expectComplete();
  });

  it('batches with state and flushes the remainder on completion', async () => {
    const out = await Source.range(1, 5)
      .statefulMap(
        () => [] as number[],
        (buf: number[], x: number): [number[], number[]] => (buf.length === 1 ? [[], [...buf, x]] : [[...buf, x], []]),
        (buf) => (buf.length > 0 ? buf : undefined),
      )
      .filter((xs) => xs.length > 0)
      .runWith(Sink.seq());
    expect(out).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('propagates upstream completion', async () => {
    const [up, down] = probe(runningSum());
    down.request(1);
    await up.expectRequest();
    up.sendComplete();
    await down.expectComplete();
  });

  it('propagates upstream failure with the original error object', async () => {
    const e = boom();
    const [up, down] = probe(runningSum());
    down.request(2);
    up.sendNext(1);
    await down.expectNext(1);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('propagates downstream cancellation upstream', async () => {
    const [up, down] = probe(runningSum());
    down.request(1);
    await up.expectRequest();
    down.cancel();
    await up.expectCancellation();
  });
});

/** A running sum whose `onComplete` is counted and returns `-sum`; `f` throws on `bad` elements. */
function counted(bad: (x: number) => boolean = () => false, e: Error = boom('f failed')) {
  const calls = { onComplete: 0, create: 0 };
  const flow = Flow.create<number>().statefulMap(
    () => {
      calls.create++;
      return 0;
    },
    (sum, x) => {
      if (bad(x)) throw e;
      return [sum + x, sum + x] as const;
    },
    (sum) => {
      calls.onComplete++;
      return -sum;
    },
  );
  return { flow, calls };
}

const RESTART = Attributes.supervisionStrategy(Supervision.restart);
const RESUME = Attributes.supervisionStrategy(Supervision.resume);

describe('statefulMap: onComplete runs on every termination, exactly once (Pekko)', () => {
  it('upstream failure: emits the final element on demand, then fails with upstream’s error', async () => {
    const e = boom();
    const { flow, calls } = counted();
    const [up, down] = probe(flow);
    down.request(2);
    up.sendNextN([1, 2]);
    await down.expectNextN([1, 3]);
    up.sendError(e);
    await down.expectNoMessageWhenIdle(); // the final element waits for demand
    down.request(1);
    await down.expectNext(-3);
    expect(await down.expectError()).toBe(e);
    expect(calls.onComplete).toBe(1);
  });

  it('upstream failure with onComplete returning undefined fails at once', async () => {
    const e = boom();
    const [up, down] = probe(
      Flow.create<number>().statefulMap(
        () => 0,
        (s, x) => [s, x] as const,
        () => undefined,
      ),
    );
    down.request(1);
    up.sendError(e);
    expect(await down.expectError()).toBe(e);
  });

  it('downstream cancellation: onComplete sees the state (its result is dropped), upstream is cancelled', async () => {
    const seen: number[] = [];
    const [up, down] = probe(
      Flow.create<number>().statefulMap(
        () => 0,
        (s, x) => [s + x, x] as const,
        (s) => void seen.push(s),
      ),
    );
    down.request(2);
    up.sendNextN([5, 6]);
    await down.expectNextN([5, 6]);
    down.cancel();
    await up.expectCancellation();
    expect(seen).toEqual([11]);
  });

  it('f throws under stop: emits the final element, then fails with f’s error; onComplete ran once', async () => {
    const e = boom();
    const { flow, calls } = counted((x) => x === 3, e);
    const [up, down] = probe(flow);
    down.request(10);
    up.sendNextN([1, 2, 3, 4]);
    await down.expectNextN([1, 3, -3]);
    expect(await down.expectError()).toBe(e);
    await up.expectCancellation();
    expect(calls.onComplete).toBe(1);
  });

  it('f throws under restart: the final element of the old state takes the dropped element’s place, then a fresh state', async () => {
    const { flow, calls } = counted((x) => x === 3);
    const out = await Source.from([1, 2, 3, 4, 5]).via(flow.withAttributes(RESTART)).runWith(Sink.seq());
    // 1, 3 from the first state; 3 fails: onComplete(3) → -3; fresh state: 4, 9; completion: onComplete(9) → -9
    expect(out).toEqual([1, 3, -3, 4, 9, -9]);
    expect(calls).toEqual({ create: 2, onComplete: 2 });
  });

  it('restart under demand: one element out per element in, the restart included', async () => {
    const { flow } = counted((x) => x === 2);
    const [up, down] = probe(flow.withAttributes(RESTART));
    down.request(2);
    up.sendNextN([1, 2, 3]);
    await down.expectNextN([1, -1]);
    await down.expectNoMessageWhenIdle();
    down.request(1);
    await down.expectNext(3);
    down.cancel();
  });

  it('restart with onComplete returning undefined emits nothing for the dropped element (Pekko’s test)', async () => {
    let closes = 0;
    const out = await Source.from([1, 2, 3, 4, 5])
      .statefulMap(
        () => 0,
        (agg, x): [number, [number, number]] => {
          if (x % 3 === 0) throw boom();
          return [agg + x, [agg, x]];
        },
        () => {
          closes++;
          return undefined;
        },
      )
      .withAttributes(RESTART)
      .runWith(Sink.seq());
    expect(out).toEqual([
      [0, 1],
      [1, 2],
      [0, 4],
      [4, 5],
    ]);
    expect(closes).toBe(2); // at the restart and at completion
  });

  it('resume keeps the state and does not call onComplete', async () => {
    const { flow, calls } = counted((x) => x === 2);
    expect(await Source.from([1, 2, 3]).via(flow.withAttributes(RESUME)).runWith(Sink.seq())).toEqual([1, 4, -4]);
    expect(calls).toEqual({ create: 1, onComplete: 1 });
  });

  it('materializer shutdown: onComplete runs once (from postStop)', async () => {
    const mat = new Materializer({ logger: null });
    const { flow, calls } = counted();
    const [up, down] = flow.runWith(TestSource.probe<number>(), TestSink.probe<number>(), mat);
    down.request(1);
    up.sendNext(7);
    await down.expectNext(7);
    expect(calls.onComplete).toBe(0);
    mat.shutdown();
    expect(calls.onComplete).toBe(1);
    await settle(mat);
    expect(calls.onComplete).toBe(1);
  });

  it('onComplete throwing on completion: its error is the one reported, and it ran once', async () => {
    const e = boom('onComplete failed');
    let calls = 0;
    const [up, down] = probe(
      Flow.create<number>().statefulMap(
        () => 0,
        (s, x) => [s, x] as const,
        () => {
          calls++;
          throw e;
        },
      ),
    );
    down.request(2);
    up.sendNext(1);
    await down.expectNext(1);
    up.sendComplete();
    expect(await down.expectError()).toBe(e);
    expect(calls).toBe(1);
  });

  it('f and onComplete both throwing under stop: onComplete’s error is reported, onComplete ran once', async () => {
    const fError = boom('f failed');
    const closeError = boom('onComplete failed');
    let calls = 0;
    const flow = Flow.create<number>().statefulMap(
      () => 'resource',
      () => {
        throw fError;
      },
      () => {
        calls++;
        throw closeError;
      },
    );
    await expect(
      Source.repeat(1)
        .via(flow)
        .runWith(Sink.seq(), new Materializer({ logger: null })),
    ).rejects.toBe(closeError);
    expect(calls).toBe(1);
  });

  it('onComplete throwing on cancellation: upstream is cancelled with its error, and it ran once', async () => {
    const e = boom('onComplete failed');
    let calls = 0;
    const [up, down] = Flow.create<number>()
      .statefulMap(
        () => 23,
        (s, x) => [s, x] as const,
        () => {
          calls++;
          throw e;
        },
      )
      .runWith(TestSource.probe<number>(), TestSink.probe<number>(), new Materializer({ logger: null }));
    down.request(1);
    up.sendNext(1);
    await down.expectNext(1);
    down.cancel();
    expect(await up.expectCancellation()).toBe(e);
    expect(calls).toBe(1);
  });

  it('onComplete throwing during a restart fails the stream with its error; it is not called again', async () => {
    const e = boom('onComplete failed');
    let calls = 0;
    const flow = Flow.create<number>()
      .statefulMap(
        () => 0,
        (s, x) => {
          if (x === 2) throw boom('f failed');
          return [s, x] as const;
        },
        () => {
          calls++;
          throw e;
        },
      )
      .withAttributes(RESTART);
    await expect(
      Source.from([1, 2, 3])
        .via(flow)
        .runWith(Sink.seq(), new Materializer({ logger: null })),
    ).rejects.toBe(e);
    expect(calls).toBe(1);
  });

  it('a final element waiting for demand after upstream failed: cancelling does not call onComplete again', async () => {
    const e = boom();
    const { flow, calls } = counted();
    const [up, down] = probe(flow);
    down.request(1);
    up.sendNext(4);
    await down.expectNext(4);
    up.sendError(e);
    await eventually(() => calls.onComplete === 1, 'onComplete after the upstream failure');
    down.cancel();
    await settle();
    expect(calls.onComplete).toBe(1);
  });
});

/**
 * A failure that reaches a sink is logged once per stream, naming the stage where it started (and the
 * sink it reached), through the materializer's logger — but only when nobody observed it: a program
 * that awaits or catches the sink's materialized promise (or iterates with `for await`) sees the
 * failure there and gets no log line. The check runs one event-loop turn after the sink failed.
 * The completion promise always rejects with the very error. Handled failures are not logged.
 */

import { Flow, Keep, Materializer, RestartSettings, RestartSink, Sink, Source, StreamConverters } from '@tributary/core';
import {
  type Attributes,
  FlowShape,
  GraphStage,
  GraphStageLogic,
  GraphStageWithMaterializedValue,
  type InHandler,
  Inlet,
  type OutHandler,
  Outlet,
  SinkShape,
} from '@tributary/core/stage';
import { TestSink, VirtualScheduler } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, eventually } from './operators/harness.js';

function recording() {
  const entries: { message: string; error: unknown }[] = [];
  const mat = new Materializer({ logger: (message, error) => entries.push({ message, error }) });
  return { mat, entries };
}

const failOn = (bad: number, e: Error) => (x: number) => {
  if (x === bad) throw e;
  return x;
};

/** Resolves after the current event-loop turn and the next one (the failure check runs in between). */
const turns = () => new Promise<void>((r) => setImmediate(() => setImmediate(r)));

/** Runs until every island stopped, without touching the materialized value, then lets the check run. */
async function settled(mat: Materializer): Promise<void> {
  await eventually(() => mat.runningIslands === 0, 'all islands to stop');
  await turns();
}

describe('failures nobody observed', () => {
  it('are logged once, one turn later, naming the stage where the error started and the sink it reached', async () => {
    const { mat, entries } = recording();
    const e = boom();
    const done = Source.range(1, 5)
      .via(Flow.create<number>().map(failOn(3, e)).named('parse'))
      .map((x) => x * 2)
      .filter(() => true)
      .runWith(Sink.seq(), mat);
    await settled(mat);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.message).toMatch(/^stream \d+ failed in stage "parse" and reached sink "seq"; nothing awaited or caught the failure$/);
    expect(entries[0]!.error).toBe(e);
    await expect(done).rejects.toBe(e); // awaiting too late still gives the very error
  });

  it('pass the origin stage and the sink as structured details, so that a program can tell where a failure started', async () => {
    const details: unknown[] = [];
    const mat = new Materializer({ logger: (_message, _error, d) => details.push(d) });
    Source.range(1, 5)
      .via(Flow.create<number>().map(failOn(2, boom())).named('parse'))
      .runWith(Sink.seq(), mat);
    await settled(mat);
    expect(details).toEqual([{ streamId: expect.any(Number), stage: 'parse', sink: 'seq' }]);
  });

  it('name the operator when the stage has no name, and the sink itself when it failed there', async () => {
    const { mat, entries } = recording();
    const e1 = boom('in map');
    Source.single(1)
      .via(Flow.create<number>().map(failOn(1, e1)))
      .runWith(Sink.ignore(), mat);
    await settled(mat);
    const e2 = boom('in sink');
    Source.single(1).runWith(Sink.foreach(failOn(1, e2)), mat);
    await settled(mat);
    expect(entries.map((x) => x.message.replace(/stream \d+/, 'stream #'))).toEqual([
      'stream # failed in stage "map" and reached sink "ignore"; nothing awaited or caught the failure',
      'stream # failed in stage "foreach"; nothing awaited or caught the failure',
    ]);
    expect(entries.map((x) => x.error)).toEqual([e1, e2]);
  });

  it('are logged once even when the failure crosses async boundaries and cancels upstream islands', async () => {
    const { mat, entries } = recording();
    const e = boom();
    Source.range(1, 100)
      .async()
      .via(Flow.create<number>().map(failOn(50, e)).named('midstream'))
      .async()
      .map((x) => x)
      .async()
      .runWith(Sink.ignore(), mat);
    await settled(mat);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.message).toContain('failed in stage "midstream"');
  });

  it('an exception thrown by a custom stage handler is attributed to that stage', async () => {
    const { mat, entries } = recording();
    const e = boom();
    class Exploding extends GraphStage<FlowShape<number, number>> {
      readonly in = new Inlet<number>('Exploding.in');
      readonly out = new Outlet<number>('Exploding.out');
      readonly shape = new FlowShape(this.in, this.out);
      createLogic(): GraphStageLogic {
        const { in: inlet, out } = this;
        return new (class extends GraphStageLogic implements InHandler, OutHandler {
          constructor(shape: FlowShape<number, number>) {
            super(shape);
            this.setHandlers(inlet, out, this);
          }
          onPush(): void {
            throw e;
          }
          onPull(): void {
            this.pull(inlet);
          }
        })(this.shape);
      }
    }
    Source.single(1).via(Flow.fromGraph(new Exploding()).named('kaboom')).runWith(Sink.ignore(), mat);
    await settled(mat);
    expect(entries.map((x) => x.message)).toEqual([expect.stringContaining('failed in stage "kaboom"')]);
  });

  it('name a fused stage by its parts, in order', async () => {
    const { mat, entries } = recording();
    Source.range(1, 5)
      .filter(() => true)
      .map(failOn(2, boom()))
      .runWith(Sink.seq(), mat);
    await settled(mat);
    Source.range(1, 5)
      .filter(() => true)
      .map(failOn(2, boom()))
      .via(
        Flow.create<number>()
          .scan(0, (a, x) => a + x)
          .named('scan'),
      )
      .runWith(Sink.ignore(), mat);
    await settled(mat);
    expect(entries.map((x) => x.message.replace(/stream \d+/, 'stream #'))).toEqual([
      'stream # failed in stage "range → filter → map → seq (fused)"; nothing awaited or caught the failure',
      'stream # failed in stage "range → filter → map (fused)" and reached sink "ignore"; nothing awaited or caught the failure',
    ]);
  });

  it('a custom sink that materializes no promise cannot tell: its failure is logged at once, while it travels', async () => {
    const { mat, entries } = recording();
    const e = boom();
    const seenWhileFailing: number[] = [];
    class Recorder extends GraphStage<SinkShape<number>> {
      readonly in = new Inlet<number>('Recorder.in');
      readonly shape = new SinkShape(this.in);
      createLogic(): GraphStageLogic {
        const inlet = this.in;
        return new (class extends GraphStageLogic implements InHandler {
          constructor(shape: SinkShape<number>) {
            super(shape);
            this.setHandler(inlet, this);
          }
          override preStart(): void {
            this.pull(inlet);
          }
          onPush(): void {
            this.pull(inlet);
          }
          onUpstreamFailure(error: unknown): void {
            this.failStage(error);
            seenWhileFailing.push(entries.length); // the log line is already there
          }
        })(this.shape);
      }
    }
    Source.failed<number>(e).named('origin').runWith(Sink.fromGraph(new Recorder()), mat);
    await settled(mat);
    expect(seenWhileFailing).toEqual([1]);
    expect(entries.map((x) => x.message.replace(/stream \d+/, 'stream #'))).toEqual([
      'stream # failed in stage "origin" and reached sink "Recorder"; nothing awaited or caught the failure',
    ]);
  });

  it('each stream logs its own failure', async () => {
    const { mat, entries } = recording();
    Source.failed(boom('a')).runWith(Sink.ignore(), mat);
    Source.failed(boom('b')).runWith(Sink.ignore(), mat);
    await settled(mat);
    expect(entries.map((x) => (x.error as Error).message).sort()).toEqual(['a', 'b']);
    expect(new Set(entries.map((x) => x.message.split(' ')[1])).size).toBe(2);
  });

  it('a result discarded by Keep.left is not observed: its failure is logged (and crashes nothing)', async () => {
    const { mat, entries } = recording();
    const e = boom();
    const probeless = Source.failed<number>(e).toMat(Sink.ignore(), Keep.left).run(mat);
    expect(probeless).toBeUndefined();
    await settled(mat);
    expect(entries.map((x) => x.error)).toEqual([e]);
  });
});

describe('failures the program observes are not logged', () => {
  it('awaiting the materialized promise right after run()', async () => {
    const { mat, entries } = recording();
    const e = boom();
    await expect(Source.range(1, 5).map(failOn(3, e)).runWith(Sink.seq(), mat)).rejects.toBe(e);
    await expect(Source.failed(e).runWith(Sink.ignore(), mat)).rejects.toBe(e); // fails during run() itself
    await settled(mat);
    expect(entries).toEqual([]);
  });

  it('catching it with .catch, or observing it through Promise.allSettled', async () => {
    const { mat, entries } = recording();
    const caught = await Source.failed(boom('a'))
      .runWith(Sink.seq(), mat)
      .catch((err: Error) => err.message);
    const results = await Promise.allSettled([Source.failed(boom('b')).runWith(Sink.ignore(), mat)]);
    await settled(mat);
    expect([caught, results[0]!.status]).toEqual(['a', 'rejected']);
    expect(entries).toEqual([]);
  });

  it('a promise awaited before the stream failed (a failure that comes later, from a timer)', async () => {
    const { mat, entries } = recording();
    const e = boom();
    const done = Source.tick(1, 1, 'x')
      .take(3)
      .map(() => {
        throw e;
      })
      .runWith(Sink.ignore(), mat);
    await expect(done).rejects.toBe(e);
    await settled(mat);
    expect(entries).toEqual([]);
  });

  it('a failure caught around a for await loop', async () => {
    const { mat, entries } = recording();
    const e = boom();
    const seen: number[] = [];
    let caught: unknown;
    try {
      for await (const x of Source.range(1, 5).map(failOn(3, e)).runWith(Sink.asAsyncIterable(), mat)) seen.push(x);
    } catch (err) {
      caught = err;
    }
    await settled(mat);
    expect([seen, caught]).toEqual([[1, 2], e]);
    expect(entries).toEqual([]);
  });

  it('an iterator abandoned before it received the failure does not observe it: logged', async () => {
    const { mat, entries } = recording();
    const e = boom();
    const it = Source.failed<number>(e).runWith(Sink.asAsyncIterable(), mat);
    await settled(mat);
    expect(entries.map((x) => x.error)).toEqual([e]);
    await expect(it.next()).rejects.toBe(e);
  });

  it('one observed sink is enough: the main result is awaited, the alsoTo side sink is discarded', async () => {
    const { mat, entries } = recording();
    const e = boom();
    const done = Source.range(1, 5).map(failOn(2, e)).alsoTo(Sink.ignore()).runWith(Sink.seq(), mat);
    await expect(done).rejects.toBe(e);
    await settled(mat);
    expect(entries).toEqual([]);
  });

  it('a custom sink that materializes a promise of its own: awaiting it counts', async () => {
    class FirstOrFail extends GraphStageWithMaterializedValue<SinkShape<number>, Promise<number>> {
      readonly in = new Inlet<number>('FirstOrFail.in');
      readonly shape = new SinkShape(this.in);
      createLogicAndMaterializedValue(_attributes: Attributes): [GraphStageLogic, Promise<number>] {
        let resolve!: (x: number) => void;
        let reject!: (e: unknown) => void;
        const p = new Promise<number>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        const inlet = this.in;
        const logic = new (class extends GraphStageLogic implements InHandler {
          constructor(shape: SinkShape<number>) {
            super(shape);
            this.setHandler(inlet, this);
          }
          override preStart(): void {
            this.pull(inlet);
          }
          onPush(): void {
            resolve(this.grab(inlet));
            this.completeStage();
          }
          onUpstreamFailure(error: unknown): void {
            reject(error);
            this.failStage(error);
          }
        })(this.shape);
        return [logic, p];
      }
    }
    const { mat, entries } = recording();
    const e = boom();
    await expect(Source.failed<number>(e).runWith(Sink.fromGraph(new FirstOrFail()), mat)).rejects.toBe(e);
    Source.failed<number>(boom('discarded')).runWith(Sink.fromGraph(new FirstOrFail()), mat);
    await settled(mat);
    expect(entries.map((x) => (x.error as Error).message)).toEqual(['discarded']);
  });

  it('a subscriber that gets onError (Sink.fromSubscriber, Sink.asPublisher)', async () => {
    const { mat, entries } = recording();
    const errors: unknown[] = [];
    const subscriber = {
      onSubscribe: (s: { request(n: number): void }) => s.request(10),
      onNext: () => {},
      onError: (e: unknown) => errors.push(e),
      onComplete: () => {},
    };
    Source.failed<number>(boom('a')).runWith(Sink.fromSubscriber(subscriber), mat);
    Source.failed<number>(boom('b')).runWith(Sink.asPublisher(false), mat).subscribe(subscriber);
    await settled(mat);
    expect(errors.map((e) => (e as Error).message)).toEqual(['a', 'b']);
    expect(entries).toEqual([]);
  });

  it("a Readable with an 'error' listener, and a web stream the consumer cancelled with a reason", async () => {
    const { mat, entries } = recording();
    const readable = Source.failed<number>(boom()).runWith(StreamConverters.asReadable({ objectMode: true }), mat);
    const seen = new Promise((resolve) => readable.on('error', resolve));
    expect(await seen).toBeInstanceOf(Error);
    const web = Source.repeat(1).runWith(StreamConverters.asReadableStream<number>(), mat);
    await web.cancel('not interested');
    await settled(mat);
    expect(entries).toEqual([]);
  });

  it('a promise only observed after the check ran was not observed in time: logged, as Node reports a late-caught rejection', async () => {
    const { mat, entries } = recording();
    const e = boom();
    const done = Source.failed(e).runWith(Sink.ignore(), mat);
    await settled(mat);
    await expect(done).rejects.toBe(e);
    expect(entries).toHaveLength(1);
  });
});

describe('failures handled inside the stream', () => {
  it('are not logged when something handles them', async () => {
    const { mat, entries } = recording();
    await Source.failed<number>(boom())
      .recover(() => 0)
      .runWith(Sink.seq(), mat);
    await Source.failed<number>(boom()).onErrorComplete().runWith(Sink.seq(), mat);
    await Source.failed<number>(boom())
      .recoverWithRetries(1, () => Source.single(1))
      .runWith(Sink.seq(), mat);
    const probe = Source.failed<number>(boom()).runWith(TestSink.probe<number>(), mat); // the probe records it
    await probe.expectError();
    expect(entries).toEqual([]);
  });

  it('inside a restarting sink are handled by the restart (only the restart itself is reported)', async () => {
    const entries: string[] = [];
    const scheduler = new VirtualScheduler();
    const mat = new Materializer({ scheduler, logger: (m) => entries.push(m) });
    let n = 0;
    Source.from([1, 2, 3]).runWith(
      RestartSink.withBackoff(RestartSettings.create(10, 10, 0), () => Sink.foreach<number>(failOn(n++ === 0 ? 1 : -1, boom()))),
      mat,
    );
    await scheduler.advance(100);
    expect(entries).toEqual(['restartSink: restarting the inner stream in 10 ms after failure #1']);
    mat.shutdown();
  });
});

describe('the logger', () => {
  it('logger: null silences them; the promise still rejects with the original error', async () => {
    const mat = new Materializer({ logger: null });
    const e = boom();
    await expect(Source.failed(e).runWith(Sink.ignore(), mat)).rejects.toBe(e);
  });

  it('the default logger writes one console.error line per failure nobody observed', async () => {
    const original = console.error;
    const lines: unknown[][] = [];
    console.error = (...args: unknown[]) => lines.push(args);
    try {
      const e = boom();
      const mat = new Materializer();
      Source.failed(e).named('origin').runWith(Sink.ignore(), mat);
      await settled(mat);
      expect(lines).toHaveLength(1);
      expect(lines[0]![0]).toMatch(/^\[tributary\] stream \d+ failed in stage "origin" and reached sink "ignore"; nothing awaited or caught the failure$/);
      expect(lines[0]![1]).toBe(e);
    } finally {
      console.error = original;
    }
  });

  it('an error thrown by postStop is reported with the stage name', async () => {
    const { mat, entries } = recording();
    const e = boom('cleanup');
    class BadCleanup extends GraphStage<FlowShape<number, number>> {
      readonly in = new Inlet<number>('BadCleanup.in');
      readonly out = new Outlet<number>('BadCleanup.out');
      readonly shape = new FlowShape(this.in, this.out);
      createLogic(): GraphStageLogic {
        const { in: inlet, out } = this;
        return new (class extends GraphStageLogic implements InHandler, OutHandler {
          constructor(shape: FlowShape<number, number>) {
            super(shape);
            this.setHandlers(inlet, out, this);
          }
          onPush(): void {
            this.push(out, this.grab(inlet));
          }
          onPull(): void {
            this.pull(inlet);
          }
          override postStop(): void {
            throw e;
          }
        })(this.shape);
      }
    }
    expect(await Source.single(1).via(Flow.fromGraph(new BadCleanup()).named('leaky')).runWith(Sink.seq(), mat)).toEqual([1]);
    expect(entries).toEqual([{ message: expect.stringMatching(/^stream \d+: postStop of stage "leaky" threw$/), error: e }]);
  });

  it('a stream that fails after materialization with Keep.both still rejects its completion with the original error', async () => {
    const { mat } = recording();
    const e = boom();
    const [, done] = Source.failed<number>(e).toMat(Sink.ignore(), Keep.both).run(mat);
    await expect(done).rejects.toBe(e);
  });
});

import { AbruptTerminationException, Attributes, Flow, Keep, Materializer, Sink, Source } from '@tributary/core';
import { FlowShape, GraphStage, GraphStageLogic, type InHandler, Inlet, type OutHandler, Outlet, SinkShape, SourceShape } from '@tributary/core/stage';
import { TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';

/** A pass-through stage that records its lifecycle. */
class Spy<T> extends GraphStage<FlowShape<T, T>> {
  readonly in = new Inlet<T>('Spy.in');
  readonly out = new Outlet<T>('Spy.out');
  readonly shape = new FlowShape(this.in, this.out);
  preStarts = 0;
  postStops = 0;
  createLogic(): GraphStageLogic {
    const spy = this;
    return new (class extends GraphStageLogic implements InHandler, OutHandler {
      constructor() {
        super(spy.shape);
        this.setHandlers(spy.in, spy.out, this);
      }
      override preStart(): void {
        spy.preStarts++;
      }
      override postStop(): void {
        spy.postStops++;
      }
      onPush(): void {
        this.push(spy.out, this.grab(spy.in));
      }
      onPull(): void {
        this.pull(spy.in);
      }
    })();
  }
}

/** A source whose onPull does something illegal. */
function misbehaving(onPull: (logic: GraphStageLogic, out: Outlet<number>) => void): Source<number> {
  class Bad extends GraphStage<SourceShape<number>> {
    readonly out = new Outlet<number>('Bad.out');
    readonly shape = new SourceShape(this.out);
    createLogic(): GraphStageLogic {
      const out = this.out;
      return new (class extends GraphStageLogic {
        constructor(shape: SourceShape<number>) {
          super(shape);
          this.setHandler(out, { onPull: () => onPull(this, out) });
        }
      })(this.shape);
    }
  }
  return Source.fromGraph(new Bad());
}

describe('illegal stage usage names the stage and the port', () => {
  it('push twice without a pull', async () => {
    const e = await misbehaving((l, out) => {
      l.push(out, 1);
      l.push(out, 2);
    })
      .named('twice')
      .runWith(Sink.seq())
      .catch((x: Error) => x);
    expect(String(e)).toContain('Cannot push port twice.Bad.out twice');
  });

  it('push after completing', async () => {
    let error: unknown;
    const result = await misbehaving((l, out) => {
      l.complete(out);
      try {
        l.push(out, 1);
      } catch (e) {
        error = e;
      }
    }).runWith(Sink.seq());
    expect(result).toEqual([]);
    expect(String(error)).toContain('Cannot push closed port Bad.Bad.out');
  });

  it('grab with nothing available', async () => {
    class Grabby extends GraphStage<SinkShape<number>> {
      readonly in = new Inlet<number>('Grabby.in');
      readonly shape = new SinkShape(this.in);
      createLogic(): GraphStageLogic {
        const inlet = this.in;
        return new (class extends GraphStageLogic {
          constructor(shape: SinkShape<number>) {
            super(shape);
            this.setHandler(inlet, { onPush: () => {} });
          }
          override preStart(): void {
            this.grab(inlet);
          }
        })(this.shape);
      }
    }
    const probe = TestSource.probe<number>()
      .to(Sink.fromGraph(new Grabby()))
      .run(new Materializer({ logger: null })); // the failure is expected
    const cause = (await probe.expectCancellation()) as Error;
    expect(cause.message).toBe('Cannot grab element from port Grabby.Grabby.in when data have not yet arrived');
  });

  it('pull twice', async () => {
    class PullTwice extends GraphStage<SinkShape<number>> {
      readonly in = new Inlet<number>('PullTwice.in');
      readonly shape = new SinkShape(this.in);
      createLogic(): GraphStageLogic {
        const inlet = this.in;
        return new (class extends GraphStageLogic {
          constructor(shape: SinkShape<number>) {
            super(shape);
            this.setHandler(inlet, { onPush: () => {} });
          }
          override preStart(): void {
            this.pull(inlet);
            this.pull(inlet);
          }
        })(this.shape);
      }
    }
    const probe = TestSource.probe<number>()
      .to(Sink.fromGraph(new PullTwice()).named('puller'))
      .run(new Materializer({ logger: null })); // the failure is expected
    const cause = (await probe.expectCancellation()) as Error;
    expect(cause.message).toBe('Cannot pull port puller.PullTwice.in twice');
  });

  it('an exception in a handler fails the stream with that very error', async () => {
    const boom = new Error('boom');
    const e = await misbehaving(() => {
      throw boom;
    })
      .runWith(Sink.seq())
      .catch((x: unknown) => x);
    expect(e).toBe(boom);
  });
});

describe('lifecycle', () => {
  it('postStop runs exactly once on completion, failure and cancellation', async () => {
    const spy1 = new Spy<number>();
    await Source.range(1, 3).via(spy1).runWith(Sink.seq());
    const spy2 = new Spy<number>();
    await Source.failed<number>(new Error('x'))
      .via(spy2)
      .runWith(Sink.seq())
      .catch(() => {});
    const spy3 = new Spy<number>();
    await Source.repeat(1).via(spy3).take(3).runWith(Sink.seq());
    for (const s of [spy1, spy2, spy3]) {
      expect(s.preStarts).toBe(1);
      expect(s.postStops).toBe(1);
    }
  });

  it('a blueprint runs any number of times, sharing nothing', async () => {
    const spy = new Spy<number>();
    const graph = Source.from([1, 2, 3])
      .via(spy)
      .scan(0, (a, x) => a + x)
      .toMat(Sink.seq(), Keep.right);
    const [a, b] = await Promise.all([graph.run(), graph.run()]);
    expect(a).toEqual([0, 1, 3, 6]);
    expect(b).toEqual([0, 1, 3, 6]);
    expect(spy.preStarts).toBe(2);
    expect(spy.postStops).toBe(2);
  });

  it('the same flow object can appear twice in one graph', async () => {
    const inc = Flow.create<number>().map((x) => x + 1);
    expect(await Source.from([1, 2]).via(inc).via(inc).runWith(Sink.seq())).toEqual([3, 4]);
  });

  it('run() returns before any stage runs, so the materialized value can be used from inside the stream', async () => {
    const seen: string[] = [];
    const done = Source.single(1).runForeach(() => {
      seen.push(typeof done);
    });
    await done;
    expect(seen).toEqual(['object']);
  });

  it('materializer.shutdown() stops every stream: postStop runs, results reject', async () => {
    const mat = new Materializer();
    const spy = new Spy<number>();
    const seq = Source.never<number>().via(spy).runWith(Sink.seq(), mat);
    const probe = Source.repeat(1).async().runWith(TestSink.probe<number>(), mat);
    probe.request(3);
    await probe.expectNextN([1, 1, 1]);
    expect(mat.runningIslands).toBe(3);
    mat.shutdown();
    await expect(seq).rejects.toBeInstanceOf(AbruptTerminationException);
    expect(spy.postStops).toBe(1);
    expect(mat.runningIslands).toBe(0);
  });

  it('a stream run on a shut-down materializer stops as it starts: its result rejects, saying why, and nothing is left running', async () => {
    const logs: string[] = [];
    const mat = new Materializer({ logger: (m) => logs.push(m) });
    mat.shutdown();
    const spy = new Spy<number>();
    const seq = Source.single(1).via(spy).runWith(Sink.seq(), mat); // does not throw
    expect(mat.runningIslands).toBe(0);
    expect(spy.postStops).toBe(1); // preStart and postStop ran once, as for any stopped stream
    await expect(seq).rejects.toThrow(new AbruptTerminationException('seq: the stream was stopped before it completed (its materializer was shut down)'));
    const fused = Source.range(1, 3)
      .map((x) => x)
      .runWith(Sink.seq(), mat);
    await expect(fused).rejects.toBeInstanceOf(AbruptTerminationException);
    const probe = Source.repeat(1).async().runWith(TestSink.probe<number>(), mat);
    expect(await probe.expectError()).toBeInstanceOf(AbruptTerminationException);
    expect(mat.runningIslands).toBe(0);
    expect(logs).toEqual([]);
  });

  it('islands finish when the stream ends', async () => {
    const mat = new Materializer();
    await Source.range(1, 100)
      .async()
      .map((x) => x)
      .async()
      .runWith(Sink.ignore(), mat);
    await new Promise((r) => setImmediate(r));
    expect(mat.runningIslands).toBe(0);
  });
});

describe('scheduling', () => {
  it('a hot infinite stream yields to the event loop', async () => {
    let stop = false;
    setTimeout(() => {
      stop = true;
    }, 20);
    const n = await Source.repeat(1)
      .takeWhile(() => !stop)
      .runWith(Sink.fold(0, (a: number) => a + 1));
    expect(stop).toBe(true);
    expect(n).toBeGreaterThan(0);
  });

  it('a filter rejecting everything in a fused source still yields', async () => {
    let stop = false;
    setTimeout(() => {
      stop = true;
    }, 20);
    const done = Source.range(1, Number.MAX_SAFE_INTEGER)
      .filter(() => stop)
      .take(1)
      .runWith(Sink.seq());
    expect((await done).length).toBe(1);
  });
});

describe('async boundaries', () => {
  it('keep order and complete', async () => {
    const out = await Source.range(1, 1000)
      .async()
      .map((x) => x * 2)
      .async()
      .filter((x) => x % 3 === 0)
      .runWith(Sink.seq());
    expect(out).toEqual(Array.from({ length: 1000 }, (_, i) => (i + 1) * 2).filter((x) => x % 3 === 0));
  });

  it('request at most the input buffer ahead of downstream demand', async () => {
    const [up, down] = TestSource.probe<number>().async().withAttributes(Attributes.inputBuffer(4, 4)).toMat(TestSink.probe<number>(), Keep.both).run();
    up.sendNextN([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (let i = 0; i < 4; i++) await up.expectRequest();
    await up.expectNoMessageWhenIdle(); // buffer full: no more pulls without downstream demand
    down.request(2);
    await down.expectNextN([1, 2]);
    await up.expectRequest(); // half the buffer consumed: re-request in a batch of 2
    await up.expectRequest();
    await up.expectNoMessageWhenIdle();
    down.cancel();
    await up.expectCancellation();
  });

  it('an input buffer that is not a power of two (3) bounds the read-ahead to exactly 3', async () => {
    const [up, down] = TestSource.probe<number>().async().withAttributes(Attributes.inputBuffer(3, 3)).toMat(TestSink.probe<number>(), Keep.both).run();
    up.sendNextN([1, 2, 3, 4, 5, 6, 7]);
    for (let i = 0; i < 3; i++) await up.expectRequest();
    await up.expectNoMessageWhenIdle(); // never more than 3 ahead, although the ring's storage is rounded up to 4
    down.request(7);
    await down.expectNextN([1, 2, 3, 4, 5, 6, 7]);
    down.cancel();
    await up.expectCancellation();
  });

  it('deliver buffered elements before an upstream failure', async () => {
    const boom = new Error('late');
    const [up, down] = Flow.create<number>().async().runWith(TestSource.probe<number>(), TestSink.probe<number>());
    up.sendNextN([1, 2]);
    await up.expectRequest();
    await up.expectRequest();
    up.sendError(boom);
    down.request(5);
    await down.expectNextN([1, 2]);
    expect(await down.expectError()).toBe(boom);
  });
});

describe('materialized promises', () => {
  it('a discarded sink promise does not become an unhandled rejection when the stream fails', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const mat = new Materializer({ logger: null });
      // Keep.left drops Sink.seq's promise; the stream fails.
      Source.failed<number>(new Error('nobody listens')).to(Sink.seq()).run(mat);
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('an awaited sink promise still rejects with the original error', async () => {
    const boom = new Error('boom');
    await expect(Source.failed<number>(boom).runWith(Sink.seq(), new Materializer({ logger: null }))).rejects.toBe(boom);
  });
});

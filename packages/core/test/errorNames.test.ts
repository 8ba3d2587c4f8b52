/**
 * Error messages from illegal stage usage and from operator failures name the stage: its `named()`
 * name if it has one, else its operator name.
 */

import { Flow, Keep, Materializer, PartitionHub, RestartSettings, RestartSource, RetryFlow, Sink, Source } from '@tributary/core';
import { FlowShape, GraphStage, GraphStageLogic, type InHandler, Inlet, type OutHandler, Outlet } from '@tributary/core/stage';
import { TestSink } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';

const quiet = new Materializer({ logger: null });
const failureOf = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'no failure',
    (e: unknown) => String(e),
  );

/** A flow stage that pushes twice per element (illegal). */
class DoublePush extends GraphStage<FlowShape<number, number>> {
  readonly in = new Inlet<number>('DoublePush.in');
  readonly out = new Outlet<number>('DoublePush.out');
  readonly shape = new FlowShape(this.in, this.out);
  override get defaultName(): string {
    return 'doublePush';
  }
  createLogic(): GraphStageLogic {
    const { in: inlet, out } = this;
    return new (class extends GraphStageLogic implements InHandler, OutHandler {
      constructor(shape: FlowShape<number, number>) {
        super(shape);
        this.setHandlers(inlet, out, this);
      }
      onPush(): void {
        const x = this.grab(inlet);
        this.push(out, x);
        this.push(out, x);
      }
      onPull(): void {
        this.pull(inlet);
      }
    })(this.shape);
  }
}

describe('illegal stage usage names the stage', () => {
  it('by its default name, or by its named() name', async () => {
    expect(await failureOf(Source.single(1).via(new DoublePush()).runWith(Sink.seq(), quiet))).toBe(
      'IllegalStageUsageError: Cannot push port doublePush.DoublePush.out twice, or before it being pulled',
    );
    expect(await failureOf(Source.single(1).via(Flow.fromGraph(new DoublePush()).named('dup')).runWith(Sink.seq(), quiet))).toBe(
      'IllegalStageUsageError: Cannot push port dup.DoublePush.out twice, or before it being pulled',
    );
  });
});

describe('operator failures name the stage', () => {
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    [
      'reduce',
      () =>
        Source.empty<number>()
          .reduce((a, b) => a + b)
          .runWith(Sink.seq(), quiet),
      /^NoSuchElementError: reduce/,
    ],
    [
      'reduce, named',
      () =>
        Source.empty<number>()
          .reduce((a, b) => a + b)
          .named('total')
          .runWith(Sink.seq(), quiet),
      /^NoSuchElementError: total/,
    ],
    ['Sink.head', () => Source.empty<number>().runWith(Sink.head(), quiet), /^NoSuchElementError: head/],
    ['Sink.head, named', () => Source.empty<number>().runWith(Sink.head<number>().named('firstOrder'), quiet), /^NoSuchElementError: firstOrder/],
    [
      'RetryFlow',
      () =>
        Source.single(1)
          .via(
            RetryFlow.withBackoff(
              1,
              1,
              0,
              1,
              Flow.create<number>().mapConcat((x) => [x, x]),
              () => undefined,
            ).named('payments'),
          )
          .runWith(Sink.seq(), quiet),
      /^Error: payments: the wrapped flow emitted an element nobody sent it/,
    ],
    [
      'PartitionHub',
      () =>
        Source.single(1)
          .runWith(PartitionHub.statefulSink(() => () => 7, 1, 4).named('router'), quiet)
          .runWith(Sink.seq(), quiet),
      /^RangeError: router: the partitioner returned 7/,
    ],
    [
      'watchTermination',
      () => stopped((s) => s.watchTermination(Keep.right).named('watcher')),
      /^AbruptTerminationException: watcher: the stream was stopped before it terminated/,
    ],
    [
      'Sink.seq on shutdown',
      () => stopped((s) => s.toMat(Sink.seq<number>().named('collector'), Keep.right)),
      /^AbruptTerminationException: collector: the stream was stopped before it completed/,
    ],
  ];
  for (const [name, run, expected] of cases) {
    it(name, async () => {
      expect(await failureOf(run())).toMatch(expected);
    });
  }

  it('RestartSource: next() after the stage stopped names it', async () => {
    const mat = new Materializer({ logger: null });
    const handle = RestartSource.withBackoff(RestartSettings.create(1, 1, 0), () => Source.never<number>())
      .named('feed')
      .to(Sink.cancelled())
      .run(mat);
    await new Promise((r) => setTimeout(r, 10));
    expect(await failureOf(handle.next())).toBe('StreamDetachedException: Stage feed has already stopped; the async callback was not delivered');
    mat.shutdown();
  });

  it('the log of a failure nobody observed names the operator where the error started', async () => {
    const messages: string[] = [];
    const mat = new Materializer({ logger: (m) => messages.push(m) });
    Source.empty<number>()
      .reduce((a, b) => a + b)
      .map((x) => x)
      .runWith(Sink.ignore(), mat);
    await new Promise((r) => setTimeout(r, 10));
    expect(messages).toEqual([expect.stringMatching(/failed in stage "reduce" and reached sink "ignore"; nothing awaited or caught the failure$/)]);
  });
});

/** Runs a never-ending stream, shuts its materializer down, returns the chosen materialized promise. */
async function stopped<M>(build: (s: Source<number>) => { run(m: Materializer): M } | Source<number, M>): Promise<unknown> {
  const mat = new Materializer({ logger: null });
  const g = build(Source.never<number>());
  const p = (g instanceof Source ? g.to(TestSink.probe<number>()).run(mat) : g.run(mat)) as Promise<unknown>;
  await new Promise((r) => setTimeout(r, 10));
  mat.shutdown();
  return p;
}

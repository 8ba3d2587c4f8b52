/**
 * A failure nobody handles is logged once per stream, naming the stage where it started (and the sink
 * it reached), through the materializer's logger; the completion promise still rejects with the very
 * error. Handled failures are not logged.
 */
import { describe, expect, it } from 'vitest';
import { Flow, Keep, Materializer, RestartSettings, RestartSink, Sink, Source } from '@tributary/core';
import { GraphStage, GraphStageLogic, type InHandler, Inlet, type OutHandler, Outlet, FlowShape } from '@tributary/core/stage';
import { TestSink, VirtualScheduler } from '@tributary/testkit';
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

describe('unhandled failures', () => {
  it('are logged once, naming the stage where the error started and the sink it reached; the promise rejects with the same error', async () => {
    const { mat, entries } = recording();
    const e = boom();
    const done = Source.range(1, 5).via(Flow.create<number>().map(failOn(3, e)).named('parse')).map((x) => x * 2).filter(() => true).runWith(Sink.seq(), mat);
    await expect(done).rejects.toBe(e);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.message).toMatch(/^stream \d+ failed in stage "parse" \(unhandled; it reached sink "seq"\)$/);
    expect(entries[0]!.error).toBe(e);
  });

  it('pass the origin stage and the sink as structured details, so that a program can tell where a failure started', async () => {
    const details: unknown[] = [];
    const mat = new Materializer({ logger: (_message, _error, d) => details.push(d) });
    await Source.range(1, 5).via(Flow.create<number>().map(failOn(2, boom())).named('parse')).runWith(Sink.seq(), mat).catch(() => {});
    expect(details).toEqual([{ streamId: expect.any(Number), stage: 'parse', sink: 'seq' }]);
  });

  it('name the operator when the stage has no name, and the sink itself when it failed there', async () => {
    const { mat, entries } = recording();
    const e1 = boom('in map');
    await Source.single(1).via(Flow.create<number>().map(failOn(1, e1))).runWith(Sink.ignore(), mat).catch(() => {});
    const e2 = boom('in sink');
    await Source.single(1).runWith(Sink.foreach(failOn(1, e2)), mat).catch(() => {});
    expect(entries.map((x) => x.message.replace(/stream \d+/, 'stream #'))).toEqual(['stream # failed in stage "map" (unhandled; it reached sink "ignore")', 'stream # failed in stage "foreach"']);
    expect(entries.map((x) => x.error)).toEqual([e1, e2]);
  });

  it('are logged once even when the failure crosses async boundaries and cancels upstream islands', async () => {
    const { mat, entries } = recording();
    const e = boom();
    const done = Source.range(1, 100).async().via(Flow.create<number>().map(failOn(50, e)).named('midstream')).async().map((x) => x).async().runWith(Sink.ignore(), mat);
    await expect(done).rejects.toBe(e);
    await eventually(() => mat.runningIslands === 0, 'all islands to stop');
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
    await expect(Source.single(1).via(Flow.fromGraph(new Exploding()).named('kaboom')).runWith(Sink.ignore(), mat)).rejects.toBe(e);
    expect(entries.map((x) => x.message)).toEqual([expect.stringContaining('failed in stage "kaboom"')]);
  });

  it('are not logged when something handles them', async () => {
    const { mat, entries } = recording();
    await Source.failed<number>(boom()).recover(() => 0).runWith(Sink.seq(), mat);
    await Source.failed<number>(boom()).onErrorComplete().runWith(Sink.seq(), mat);
    await Source.failed<number>(boom()).recoverWithRetries(1, () => Source.single(1)).runWith(Sink.seq(), mat);
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

  it('each stream logs its own failure', async () => {
    const { mat, entries } = recording();
    await Promise.allSettled([Source.failed(boom('a')).runWith(Sink.ignore(), mat), Source.failed(boom('b')).runWith(Sink.ignore(), mat)]);
    expect(entries.map((x) => (x.error as Error).message).sort()).toEqual(['a', 'b']);
    expect(new Set(entries.map((x) => x.message.split(' ')[1])).size).toBe(2);
  });

  it('logger: null silences them; the promise still rejects with the original error', async () => {
    const mat = new Materializer({ logger: null });
    const e = boom();
    await expect(Source.failed(e).runWith(Sink.ignore(), mat)).rejects.toBe(e);
  });

  it('the default logger writes one console.error line per unhandled failure', async () => {
    const original = console.error;
    const lines: unknown[][] = [];
    console.error = (...args: unknown[]) => lines.push(args);
    try {
      const e = boom();
      await Source.failed(e).named('origin').runWith(Sink.ignore(), new Materializer()).catch(() => {});
      expect(lines).toHaveLength(1);
      expect(lines[0]![0]).toMatch(/^\[tributary\] stream \d+ failed in stage "origin" \(unhandled; it reached sink "ignore"\)$/);
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

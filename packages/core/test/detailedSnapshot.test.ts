/** `Materializer.detailedSnapshot()` and `onStreamFinished()`: what a tool drawing running streams reads. */

import { type DetailedStreamSnapshot, Flow, Keep, Materializer, RestartSettings, RestartSource, Sink, Source } from '@tributary/core';
import { TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, eventually } from './operators/harness.js';

describe('Materializer.detailedSnapshot', () => {
  it('gives stages stable ids and connections the ids of both ends, even when names repeat', async () => {
    const mat = new Materializer({ logger: null });
    const [up, down] = TestSource.probe<number>()
      .via(
        Flow.create<number>()
          .map((x) => x + 1)
          .named('step'),
      )
      .via(
        Flow.create<number>()
          .map((x) => x * 2)
          .named('step'),
      )
      .toMat(TestSink.probe<number>(), Keep.both)
      .run(mat);
    await eventually(() => mat.detailedSnapshot().length === 1, 'the stream to show');
    const [first] = mat.detailedSnapshot();
    expect(first!.stages.map((s) => [s.id, s.name])).toEqual([
      [0, 'testSourceProbe'],
      [1, 'step'],
      [2, 'step'],
      [3, 'testSinkProbe'],
    ]);
    expect(first!.connections.map((c) => [c.fromStage, c.toStage])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    expect(first!.finished).toBe(false);
    down.request(1);
    await up.expectRequest();
    const [pulled] = mat.detailedSnapshot();
    // The probe source was asked and has nothing to push: demand stops there.
    expect(pulled!.holdUp).toEqual({ stage: 0, reason: 'demand without element' });
    up.sendNext(1);
    await down.expectNext(4);
    const [after] = mat.detailedSnapshot();
    expect(after!.stages.map((s) => s.id)).toEqual([0, 1, 2, 3]);
    expect(after!.progress).toBeGreaterThan(pulled!.progress);
    // The plain snapshot keeps its shape.
    expect(Object.keys(mat.snapshot()[0]!.connections[0]!).sort()).toEqual(['elements', 'from', 'state', 'to']);
    up.sendComplete();
    await down.expectComplete();
    mat.shutdown();
  });

  it('pairs the halves of an async boundary and reports their buffer', async () => {
    const mat = new Materializer({ logger: null });
    const [up, down] = TestSource.probe<number>().async().toMat(TestSink.probe<number>(), Keep.both).run(mat);
    await eventually(() => mat.detailedSnapshot().length === 1, 'the stream to show');
    up.sendNext(1).sendNext(2).sendNext(3);
    await eventually(() => mat.detailedSnapshot()[0]!.stages.some((s) => s.boundary?.buffered === 3), 'three elements in the boundary buffer');
    const [snap] = mat.detailedSnapshot();
    const halves = snap!.stages.filter((s) => s.boundary !== undefined);
    expect(halves.map((s) => s.boundary!.side).sort()).toEqual(['downstream', 'upstream']);
    expect(halves[0]!.boundary!.peer).toBe(halves[1]!.id);
    expect(halves[1]!.boundary!.peer).toBe(halves[0]!.id);
    expect(halves[0]!.boundary!.capacity).toBe(16);
    down.request(3);
    await down.expectNextN([1, 2, 3]);
    up.sendComplete();
    await down.expectComplete();
    mat.shutdown();
  });

  it('records failures with the stage where they started, and hands finished streams to listeners', async () => {
    const mat = new Materializer({ logger: null });
    const finished: DetailedStreamSnapshot[] = [];
    const stop = mat.onStreamFinished((s) => finished.push(s));
    const result = Source.range(1, 10)
      .map((x) => {
        if (x === 3) throw new TypeError('no threes');
        return x;
      })
      .named('picky')
      .via(
        Flow.create<number>()
          .map((x) => x)
          .named('after'),
      )
      .runWith(Sink.seq(), mat);
    await expect(result).rejects.toThrow('no threes');
    await eventually(() => finished.length === 1, 'the finished stream to be reported');
    const [done] = finished;
    expect(done!.finished).toBe(true);
    expect(done!.holdUp).toBeUndefined();
    const failed = done!.stages.filter((s) => s.failure !== undefined).map((s) => [s.name, s.failure!.message, s.failure!.origin]);
    expect(failed).toEqual([
      ['picky', 'TypeError: no threes', 'picky'],
      ['after', 'TypeError: no threes', 'picky'],
      ['seq', 'TypeError: no threes', 'picky'],
    ]);
    stop();
    await Source.single(1).runWith(Sink.ignore(), mat);
    expect(finished).toHaveLength(1);
    expect(() => mat.onStreamFinished(42 as never)).toThrow('Materializer.onStreamFinished: expected a function, got number');
    mat.shutdown();
  });

  it('counts the restarts of a restart stage', async () => {
    const mat = new Materializer({ logger: null });
    let starts = 0;
    const settings = RestartSettings.create(1, 1, 0).withMaxRestarts(10, 60_000);
    const down = RestartSource.withBackoff(settings, () => {
      starts++;
      return starts < 4 ? Source.failed<number>(boom()) : Source.never<number>();
    }).runWith(TestSink.probe<number>(), mat);
    down.request(1);
    await eventually(() => starts === 4, 'three restarts');
    const restart = mat.detailedSnapshot()[0]!.stages.find((s) => s.restarts !== undefined);
    expect(restart!.restarts).toBe(3);
    down.cancel();
    mat.shutdown();
  });
});

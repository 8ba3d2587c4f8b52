/** `Materializer.snapshot()`: every running stream, each stage's name, state and elements in/out. */

import { Flow, Keep, Materializer, Sink, Source, type StreamSnapshot } from '@tributary/core';
import { TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, eventually } from './operators/harness.js';

const stagesOf = (s: StreamSnapshot) => s.stages.map((x) => [x.name, x.state, x.elementsIn, x.elementsOut]);

describe('Materializer.snapshot', () => {
  it('lists each stage with its state and elements in/out, following demand', async () => {
    const mat = new Materializer({ logger: null });
    const [up, down] = TestSource.probe<number>()
      .via(
        Flow.create<number>()
          .map((x) => x * 2)
          .named('double'),
      )
      .toMat(TestSink.probe<number>(), Keep.both)
      .run(mat);
    await eventually(() => mat.snapshot().length === 1, 'the stream to show');
    let [snap] = mat.snapshot();
    expect(snap!.islands).toBe(1);
    expect(stagesOf(snap!)).toEqual([
      ['testSourceProbe', 'waiting for demand', 0, 0],
      ['double', 'waiting for demand', 0, 0],
      ['testSinkProbe', 'waiting for demand', 0, 0],
    ]);
    down.request(1);
    await up.expectRequest();
    [snap] = mat.snapshot();
    expect(stagesOf(snap!)).toEqual([
      ['testSourceProbe', 'waiting for element', 0, 0],
      ['double', 'waiting for element', 0, 0],
      ['testSinkProbe', 'waiting for element', 0, 0],
    ]);
    expect(snap!.connections).toEqual([
      { from: 'testSourceProbe.TestSource.out', to: 'double.Map.in', state: 'pulled', elements: 0 },
      { from: 'double.Map.out', to: 'testSinkProbe.TestSink.in', state: 'pulled', elements: 0 },
    ]);
    up.sendNext(21);
    await down.expectNext(42);
    [snap] = mat.snapshot();
    expect(stagesOf(snap!)).toEqual([
      ['testSourceProbe', 'waiting for demand', 0, 1],
      ['double', 'waiting for demand', 1, 1],
      ['testSinkProbe', 'waiting for demand', 1, 0],
    ]);
    up.sendComplete();
    await down.expectComplete();
    await eventually(() => mat.snapshot().length === 0, 'the finished stream to leave the snapshot');
  });

  it('shows stages that completed while the rest of the stream runs, and substream stages', async () => {
    const mat = new Materializer({ logger: null });
    const down = Source.failed<number>(boom())
      .named('primary')
      .recoverWithRetries(1, () => TestSource.probe<number>().named('backup'))
      .runWith(TestSink.probe<number>(), mat);
    down.request(1);
    await eventually(() => mat.snapshot()[0]?.stages.some((s) => s.name === 'backup') === true, 'the recovery source to appear');
    const [snap] = mat.snapshot();
    expect(snap!.stages.map((s) => [s.name, s.state])).toEqual([
      ['primary', 'completed'],
      ['recoverWithRetries', 'waiting for element'],
      ['testSinkProbe', 'waiting for element'],
      ['backup', 'waiting for element'],
      ['recoverWithRetries/RecoverWithRetries.in', 'waiting for element'],
    ]);
    down.cancel();
    await eventually(() => mat.snapshot().length === 0, 'the stream to end');
  });

  it('reports every running stream separately, with its islands', async () => {
    const mat = new Materializer();
    const a = Source.never<number>().async().runWith(TestSink.probe<number>(), mat);
    const b = Source.never<string>().runWith(TestSink.probe<string>(), mat);
    await eventually(() => mat.snapshot().length === 2, 'both streams');
    const snaps = mat.snapshot();
    expect(snaps.map((s) => s.islands)).toEqual([2, 1]);
    expect(new Set(snaps.map((s) => s.id)).size).toBe(2);
    expect(snaps[0]!.stages.map((s) => s.name).sort()).toEqual(['asyncBoundary', 'asyncBoundary', 'never', 'testSinkProbe']);
    a.cancel();
    b.cancel();
    await eventually(() => mat.snapshot().length === 0, 'both streams to end');
    mat.shutdown();
  });

  it('counts every element of a long run', async () => {
    const mat = new Materializer();
    const seen: StreamSnapshot[] = [];
    await Source.range(1, 1000)
      .named('numbers')
      .via(
        Flow.create<number>()
          .filter((x) => x % 2 === 0)
          .named('evens'),
      )
      .map((x) => {
        if (x === 1000) seen.push(...mat.snapshot());
        return x;
      })
      .named('spy')
      .runWith(Sink.ignore(), mat);
    const evens = seen[0]!.stages.find((s) => s.name === 'evens')!;
    expect([evens.elementsIn, evens.elementsOut]).toEqual([1000, 500]); // counted on delivery: 1000 has reached the spy
    mat.shutdown();
  });
});

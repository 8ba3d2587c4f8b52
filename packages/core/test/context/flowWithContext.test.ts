import { Attributes, Flow, FlowWithContext, Keep, Materializer, Sink, Source, SourceWithContext, Supervision } from '@tributary/core';
import { TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom } from '../operators/harness.js';

const quiet = () => new Materializer({ logger: null });
const pairsOf = <T, C>(ps: [T, C][]) => SourceWithContext.fromTuples(Source.from(ps));

describe('FlowWithContext', () => {
  it('create() is the identity on pairs; operators compose into a reusable step', async () => {
    const step = FlowWithContext.create<string, number>()
      .map((s) => s.trim())
      .filter((s) => s.length > 0)
      .mapConcat((s) => s.split(','));
    const src = pairsOf<string, number>([
      [' a,b ', 1],
      ['   ', 2],
      ['c', 3],
    ]);
    expect(await src.via(step).runWith(Sink.seq())).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 3],
    ]);
    // Reused: each materialization is independent.
    expect(await src.via(step).via(step).runWith(Sink.seq())).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 3],
    ]);
    expect(
      await pairsOf<string, number>([['x', 9]])
        .via(FlowWithContext.create<string, number>())
        .runWith(Sink.seq()),
    ).toEqual([['x', 9]]);
  });

  it('asFlow gives the plain flow of pairs; a FlowWithContext also plugs into Source.via and Flow.via', async () => {
    const f = FlowWithContext.create<number, string>().map((x) => x * 10);
    expect(
      await Source.from<[number, string]>([
        [1, 'a'],
        [2, 'b'],
      ])
        .via(f.asFlow())
        .runWith(Sink.seq()),
    ).toEqual([
      [10, 'a'],
      [20, 'b'],
    ]);
    expect(
      await Source.from<[number, string]>([[3, 'c']])
        .via(f)
        .runWith(Sink.seq()),
    ).toEqual([[30, 'c']]);
    const outer = Flow.create<readonly [number, string]>().via(f);
    expect(await Source.single<[number, string]>([4, 'd']).via(outer).runWith(Sink.seq())).toEqual([[40, 'd']]);
  });

  it('fromTuples wraps a pass-through flow of readonly pairs, the shape connectors use', async () => {
    // A stand-in for a connector flow that calls out and carries the pass-through value along.
    const callOut = Flow.create<readonly [string, symbol]>().mapAsync(2, async ([req, id]): Promise<readonly [number, symbol]> => [req.length, id]);
    const a = Symbol('a');
    const b = Symbol('b');
    const flow = FlowWithContext.fromTuples(callOut).map((n) => n * 2);
    expect(
      await pairsOf<string, symbol>([
        ['xx', a],
        ['yyy', b],
      ])
        .via(flow)
        .runWith(Sink.seq()),
    ).toEqual([
      [4, a],
      [6, b],
    ]);
    expect(() => FlowWithContext.fromTuples(Source.single([1, 2]) as never)).toThrow(
      'FlowWithContext.fromTuples: flow must be a Flow of [element, context] pairs (a graph with a FlowShape), got SourceShape',
    );
  });

  it('to, toMat and runWith with sinks and sources of pairs', async () => {
    const f = FlowWithContext.create<number, string>()
      .map((x) => x + 1)
      .mapMaterializedValue(() => 'flow');
    const [m, all] = Source.from<[number, string]>([[1, 'a']])
      .toMat(f.toMat(Sink.seq(), Keep.both), Keep.right)
      .run();
    expect(m).toBe('flow');
    expect(await all).toEqual([[2, 'a']]);
    const [, seq] = f.runWith(
      Source.from<[number, string]>([
        [5, 'e'],
        [6, 'f'],
      ]),
      Sink.seq(),
    );
    expect(await seq).toEqual([
      [6, 'e'],
      [7, 'f'],
    ]);
    // `to` keeps the flow's materialized value, dropping the sink's.
    const sink = f.to(Sink.ignore());
    expect(Source.single<[number, string]>([0, 'z']).runWith(sink)).toBe('flow');
    const viaSink = await Source.single<[number, string]>([0, 'z']).runWith(
      FlowWithContext.create<number, string>()
        .map((x) => x - 1)
        .toMat(Sink.head(), Keep.right),
    );
    expect(viaSink).toEqual([-1, 'z']);
  });

  it('viaMat combines materialized values; via keeps the left one', async () => {
    const left = FlowWithContext.create<number, string>().mapMaterializedValue(() => 'L');
    const right = FlowWithContext.create<number, string>()
      .map((x) => -x)
      .mapMaterializedValue(() => 'R');
    const [[l, r], out] = Source.single<[number, string]>([1, 'a']).viaMat(left.viaMat(right, Keep.both), Keep.right).toMat(Sink.seq(), Keep.both).run();
    expect([l, r]).toEqual(['L', 'R']);
    expect(await out).toEqual([[-1, 'a']]);
    const [kept] = Source.single<[number, string]>([1, 'a']).viaMat(left.via(right), Keep.right).toMat(Sink.ignore(), Keep.both).run();
    expect(kept).toBe('L');
  });

  it('withAttributes sets supervision for the whole flow: a failing element leaves with its context', async () => {
    const f = FlowWithContext.create<number, string>()
      .map((x) => {
        if (x === 2) throw boom();
        return x;
      })
      .withAttributes(Attributes.supervisionStrategy(Supervision.resume));
    expect(
      await pairsOf<number, string>([
        [1, 'a'],
        [2, 'b'],
        [3, 'c'],
      ])
        .via(f)
        .runWith(Sink.seq()),
    ).toEqual([
      [1, 'a'],
      [3, 'c'],
    ]);
    const e = boom();
    const failing = FlowWithContext.create<number, string>()
      .map(() => {
        throw e;
      })
      .named('explode')
      .async();
    await expect(
      pairsOf<number, string>([[1, 'a']])
        .via(failing)
        .runWith(Sink.seq(), quiet()),
    ).rejects.toBe(e);
  });

  it('asFlowWithContext collapses the context into the element and extracts it from the output', async () => {
    interface Job {
      readonly id: string;
      readonly n: number;
    }
    const square = Flow.create<Job>().map((j) => ({ id: j.id, square: j.n * j.n }));
    const f = square
      .asFlowWithContext(
        (n: number, id: string): Job => ({ id, n }),
        (out) => out.id,
      )
      .map((out) => out.square);
    expect(
      await pairsOf<number, string>([
        [3, 'j1'],
        [4, 'j2'],
      ])
        .via(f)
        .runWith(Sink.seq()),
    ).toEqual([
      [9, 'j1'],
      [16, 'j2'],
    ]);
    expect(() => square.asFlowWithContext(null as never, (o) => o.id)).toThrow('asFlowWithContext: collapseContext must be a function, got null');
    expect(() => square.asFlowWithContext((n: number, id: string) => ({ id, n }), 'id' as never)).toThrow(
      'asFlowWithContext: extractContext must be a function, got "id"',
    );
  });

  it('keeps demand: the flow pulls only what downstream asks for', async () => {
    const f = FlowWithContext.create<number, string>()
      .map((x) => x * 2)
      .mapContext((c) => c.toUpperCase());
    const [up, down] = f.asFlow().runWith(TestSource.probe<readonly [number, string]>(), TestSink.probe<[number, string]>());
    await up.expectNoMessageWhenIdle();
    down.request(1);
    expect(await up.expectRequest()).toBe(1);
    up.sendNext([21, 'x']);
    await down.expectNext([42, 'X']);
    await up.expectNoMessageWhenIdle();
    down.cancel();
    await up.expectCancellation();
  });
});

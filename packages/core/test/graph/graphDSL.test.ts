import {
  BidiFlow,
  BidiShape,
  Broadcast,
  ClosedShape,
  Flow,
  FlowShape,
  GraphDSL,
  type GraphDSLBuilder,
  IllegalGraphError,
  Keep,
  Materializer,
  Merge,
  RunnableGraph,
  Shape,
  Sink,
  SinkShape,
  Source,
  SourceShape,
  Zip,
} from '@tributary/core';
import { type Inlet, Outlet, Inlet as StageInlet, type Outlet as StageOutlet } from '@tributary/core/stage';
import { describe, expect, expectTypeOf, it } from 'vitest';

describe('GraphDSL', () => {
  it('builds a closed graph with fan-out and fan-in, wired with from(…).via(…).viaFanOut(…).viaFanIn(…).to(…)', async () => {
    const g = GraphDSL.create(Sink.seq<number>(), (b, out) => {
      const bcast = b.add(Broadcast.create<number>(2));
      const merge = b.add(Merge.create<number>(2));
      b.from(Source.range(1, 3))
        .viaFanOut(bcast)
        .via(Flow.fromFunction((x: number) => x * 10))
        .viaFanIn(merge)
        .to(out);
      b.from(bcast).viaFanIn(merge);
      return ClosedShape.instance;
    });
    const result = await RunnableGraph.fromGraph(g).run();
    expect([...result].sort((a, b) => a - b)).toEqual([1, 2, 3, 10, 20, 30]);
  });

  it('without imported graphs materializes NotUsed', () => {
    const g = GraphDSL.create((b) => {
      b.from(Source.single(1)).to(Sink.seq());
      return ClosedShape.instance;
    });
    expect(RunnableGraph.fromGraph(g).run()).toBeUndefined();
  });

  it('createWith imports graphs and combines their materialized values', async () => {
    const g = GraphDSL.createWith(
      [Sink.seq<number>(), Sink.fold(0, (a, x: number) => a + x)],
      (all, sum) => ({ all, sum }),
      (b, allIn, sumIn) => {
        const bcast = b.add(Broadcast.create<number>(2));
        b.from(bcast).to(allIn);
        b.from(bcast).to(sumIn);
        return new SinkShape(bcast.in);
      },
    );
    const sink = Sink.fromGraph(g);
    expectTypeOf(sink).toEqualTypeOf<Sink<number, { all: Promise<number[]>; sum: Promise<number> }>>();
    const { all, sum } = Source.range(1, 4).runWith(sink);
    expect(await all).toEqual([1, 2, 3, 4]);
    expect(await sum).toBe(10);
  });

  it('returns Source, Flow and Sink shapes that the DSL classes accept', async () => {
    const pairs = Source.fromGraph(
      GraphDSL.create((b) => {
        const zip = b.add(Zip.create<number, string>());
        b.from(Source.range(1, 3)).to(zip.in0);
        b.from(Source.from(['a', 'b', 'c'])).to(zip.in1);
        return new SourceShape(zip.out);
      }),
    );
    expectTypeOf(pairs).toEqualTypeOf<Source<[number, string]>>();
    const doubleAndSum = Flow.fromGraph(
      GraphDSL.create((b) => {
        const bcast = b.add(Broadcast.create<[number, string]>(2));
        const merge = b.add(Merge.create<string>(2));
        b.from(bcast)
          .via(Flow.fromFunction(([n]: [number, string]) => `${n * 2}`))
          .to(merge);
        b.from(bcast)
          .via(Flow.fromFunction(([, s]: [number, string]) => s))
          .to(merge);
        return new FlowShape(bcast.in, merge.out);
      }),
    );
    expectTypeOf(doubleAndSum).toEqualTypeOf<Flow<[number, string], string>>();
    const out = await pairs.via(doubleAndSum).runWith(Sink.seq());
    expect([...out].sort()).toEqual(['2', '4', '6', 'a', 'b', 'c']);
  });

  it('a graph can be added any number of times: each b.add is an independent copy', async () => {
    const inc = Flow.fromFunction((x: number) => x + 1);
    const g = GraphDSL.create(Sink.seq<number>(), (b, out) => {
      b.from(Source.single(0)).via(inc).via(inc).via(b.add(inc)).to(out);
      return ClosedShape.instance;
    });
    expect(await RunnableGraph.fromGraph(g).run()).toEqual([3]);
  });

  it('b.materializedValue emits the graph’s materialized value once', async () => {
    const g = GraphDSL.create(
      Source.single(1).mapMaterializedValue(() => 'hello'),
      (b, s) => {
        b.from(s).to(Sink.ignore());
        return new SourceShape(b.materializedValue);
      },
    );
    const [mat, out] = Source.fromGraph(g).toMat(Sink.seq(), Keep.both).run();
    expect(mat).toBe('hello');
    expect(await out).toEqual(['hello']);
  });

  it('b.materializedValue works for a combined value too (e.g. feeding a promise back into the stream)', async () => {
    const g = GraphDSL.createWith(
      [Sink.fold(0, (a, x: number) => a + x)],
      (sum) => sum,
      (b, sumIn) => {
        const bcast = b.add(Broadcast.create<number>(2));
        b.from(bcast).to(sumIn);
        const merge = b.add(Merge.create<number | string>(2));
        b.from(bcast).to(merge);
        b.from(b.materializedValue)
          .via(Flow.create<Promise<number>>().flatMapConcat((p) => Source.fromPromise(p.then((s) => `sum=${s}`))))
          .to(merge);
        return new FlowShape(bcast.in, merge.out);
      },
    );
    const out = await Source.range(1, 4).via(Flow.fromGraph(g)).runWith(Sink.seq());
    expect(out.slice(0, 4)).toEqual([1, 2, 3, 4]);
    expect(out[4]).toBe('sum=10');
  });

  it('builds bidirectional graphs', async () => {
    const bidi = BidiFlow.fromGraph(
      GraphDSL.create((b) => {
        const enc = b.add(Flow.fromFunction((s: string) => s.length));
        const dec = b.add(Flow.fromFunction((n: number) => '*'.repeat(n)));
        return new BidiShape(enc.in, enc.out, dec.in, dec.out);
      }),
    );
    const loop = bidi.join(Flow.fromFunction((n: number) => n * 2));
    expect(await Source.from(['ab', 'c']).via(loop).runWith(Sink.seq())).toEqual(['****', '**']);
  });

  it('accepts a custom shape that provides deepCopy()', async () => {
    class PairShape extends Shape {
      readonly inlets: readonly StageInlet<number>[];
      readonly outlets: readonly StageOutlet<number>[] = [];
      constructor(
        readonly left: StageInlet<number>,
        readonly right: StageInlet<number>,
      ) {
        super();
        this.inlets = [left, right];
      }
      deepCopy(): PairShape {
        return new PairShape(new StageInlet(this.left.name), new StageInlet(this.right.name));
      }
    }
    const pairSink = GraphDSL.create(Sink.seq<number>(), (b, seq) => {
      const merge = b.add(Merge.create<number>(2));
      b.from(merge).to(seq);
      return new PairShape(merge.in(0), merge.in(1));
    });
    const closed = GraphDSL.create(pairSink, (b, pair) => {
      b.from(Source.single(1)).to(pair.left);
      b.from(Source.single(2)).to(pair.right);
      return ClosedShape.instance;
    });
    expect((await RunnableGraph.fromGraph(closed).run()).sort()).toEqual([1, 2]);
  });

  it('a custom shape without deepCopy cannot be added (clear error)', () => {
    class Bare extends Shape {
      readonly inlets: readonly StageInlet<number>[] = [];
      readonly outlets: readonly StageOutlet<number>[] = [];
    }
    const g = GraphDSL.create(() => new Bare());
    expect(() => GraphDSL.create((b) => (b.add(g), ClosedShape.instance))).toThrow(
      /cannot add a graph with the custom shape Bare: give the shape a deepCopy\(\) method/,
    );
  });

  it('keeps build-time fusion of the added graphs', () => {
    const g = GraphDSL.create((b) => {
      b.from(Source.range(1, 3).map((x) => x * 2)).to(Sink.ignore());
      return ClosedShape.instance;
    });
    expect(RunnableGraph.fromGraph(g).toMermaid()).toContain('range → map (fused)');
  });

  it('attributes on a GraphDSL graph apply to all its stages (e.g. async: its own island)', async () => {
    const mat = new Materializer({ logger: null });
    const flow = Flow.fromGraph(GraphDSL.create((b) => b.add(Flow.fromFunction((x: number) => x + 1)))).async();
    expect(await Source.range(1, 3).via(flow).runWith(Sink.seq(), mat)).toEqual([2, 3, 4]);
    mat.shutdown();
  });

  describe('build-time errors name the port', () => {
    it('a port left unconnected', () => {
      expect(() =>
        GraphDSL.create((b) => {
          const bcast = b.add(Broadcast.create<number>(2));
          b.from(Source.single(1)).to(bcast);
          b.from(bcast).to(Sink.ignore());
          return ClosedShape.instance;
        }),
      ).toThrow(
        new IllegalGraphError(
          'GraphDSL: a port is neither connected nor part of the returned ClosedShape: outlet Broadcast.out1 of Broadcast (part #1); connect each outlet to an inlet (b.from(outlet).to(Sink.ignore()) drains one whose elements you do not need), or return a shape that exposes it',
        ),
      );
    });

    it('several ports left unconnected are all listed', () => {
      expect(() =>
        GraphDSL.create((b) => {
          b.add(Merge.create<number>(2));
          return ClosedShape.instance;
        }),
      ).toThrow(
        /3 ports are neither connected nor part of the returned ClosedShape: inlet Merge.in0 of Merge \(part #1\), inlet Merge.in1 of Merge \(part #1\), outlet Merge.out of Merge \(part #1\); connect each outlet to an inlet \(.*Sink.ignore\(\).*\), feed each inlet from an outlet \(.*Source.empty\(\).*\), or return a shape that exposes them$/,
      );
    });

    it('a port connected twice', () => {
      expect(() =>
        GraphDSL.create((b) => {
          const merge = b.add(Merge.create<number>(2));
          const src = b.add(Source.single(1));
          b.from(src).to(merge.in(0));
          b.from(src).to(merge.in(1));
          return ClosedShape.instance;
        }),
      ).toThrow(/GraphDSL: outlet SingleSource.out of single \(part #2\) is already connected/);
      expect(() =>
        GraphDSL.create((b) => {
          const merge = b.add(Merge.create<number>(1));
          b.from(Source.single(1)).to(merge.in(0));
          b.from(Source.single(2)).to(merge.in(0));
          return ClosedShape.instance;
        }),
      ).toThrow(/GraphDSL: inlet Merge.in0 of Merge \(part #1\) is already connected/);
    });

    it('no free port left on a junction', () => {
      expect(() =>
        GraphDSL.create((b) => {
          const merge = b.add(Merge.create<number>(1));
          b.from(Source.single(1)).viaFanIn(merge);
          b.from(Source.single(2)).viaFanIn(merge);
          return ClosedShape.instance;
        }),
      ).toThrow(/GraphDSL: viaFanIn: every inlet of Merge \(part #1\) is already connected/);
    });

    it('a port of a graph that was not added (the original shape instead of b.add’s copy)', () => {
      const merge = Merge.create<number>(2);
      expect(() =>
        GraphDSL.create((b) => {
          b.add(merge);
          b.from(Source.single(1)).to(merge.shape.in(0));
          return ClosedShape.instance;
        }),
      ).toThrow(/GraphDSL: inlet Merge.in0 is not part of this graph: wire the ports of the shape that b.add returned/);
      expect(() => GraphDSL.create(() => new SourceShape(new Outlet<number>('Loose.out')))).toThrow(/outlet Loose.out is not part of this graph/);
    });

    it('a returned shape whose ports do not match the open ports', () => {
      expect(() =>
        GraphDSL.create((b) => {
          const f = b.add(Flow.fromFunction((x: number) => x));
          b.from(Source.single(1)).to(f);
          return new FlowShape(f.in, f.out);
        }),
      ).toThrow(/the returned FlowShape exposes inlet Map.in of map \(part #1\), which is already connected inside the graph/);
      expect(() =>
        GraphDSL.create((b) => {
          const f = b.add(Flow.fromFunction((x: number) => x));
          return new SourceShape(f.out);
        }),
      ).toThrow(/a port is neither connected nor part of the returned SourceShape: inlet Map.in of map \(part #1\)/);
    });

    it('a graph of the wrong shape handed to fromGraph, from, via or to', () => {
      const flowGraph = GraphDSL.create((b) => b.add(Flow.create<number>()));
      expect(() => Source.fromGraph(flowGraph as never)).toThrow(/Source.fromGraph: expected a graph with a SourceShape, got FlowShape/);
      expect(() => Sink.fromGraph(flowGraph as never)).toThrow(/Sink.fromGraph: expected a graph with a SinkShape, got FlowShape/);
      expect(() => RunnableGraph.fromGraph(flowGraph as never)).toThrow(
        /RunnableGraph.fromGraph: expected a graph with a ClosedShape \(no open ports\), got FlowShape/,
      );
      expect(() => BidiFlow.fromGraph(flowGraph as never)).toThrow(/BidiFlow.fromGraph: expected a graph with a BidiShape, got FlowShape/);
      expect(() =>
        GraphDSL.create((b) => {
          b.from(Flow.create<number>() as never).to(Sink.ignore());
          return ClosedShape.instance;
        }),
      ).toThrow(/GraphDSL: from expects a Source graph here, got a graph with FlowShape/);
      expect(() =>
        GraphDSL.create((b) => {
          b.from(Source.single(1)).via(Sink.ignore() as never);
          return ClosedShape.instance;
        }),
      ).toThrow(/GraphDSL: via expects a Flow graph, got a graph with SinkShape/);
    });

    it('the builder cannot be used after its build function returned', () => {
      let saved: GraphDSLBuilder<unknown> | undefined;
      GraphDSL.create((b) => {
        saved = b;
        return ClosedShape.instance;
      });
      expect(() => saved!.add(Source.single(1))).toThrow(/the builder was used \(add\) after its build function returned/);
    });

    it('the build function must return a shape', () => {
      expect(() => GraphDSL.create(() => undefined as never)).toThrow(/the build function must return a Shape/);
      expect(() => GraphDSL.create('x' as never)).toThrow(/GraphDSL.create: build must be a function/);
    });
  });

  it('wiring is type-checked', () => {
    GraphDSL.create((b) => {
      const merge = b.add(Merge.create<number>(2));
      // @ts-expect-error a Source<string> cannot feed a Merge<number>
      b.from(Source.single('x')).viaFanIn(merge);
      // @ts-expect-error an Outlet<number> cannot feed a Sink<string>
      b.from(merge).to(Sink.foreach((s: string) => s.toUpperCase()));
      const inlet: Inlet<number> = merge.in(1);
      b.from(Source.single(1)).to(inlet);
      return ClosedShape.instance;
    });
  });
});

import type { Module } from '../impl/Module.js';
import { CoupledTermination } from '../operators/coupledTermination.js';
import { LazyFlow } from '../operators/lazyFlow.js';
import { FlowProcessor } from '../operators/toProcessor.js';
import { describe, requireFunction } from '../operators/validate.js';
import type { Processor } from '../reactiveStreams.js';
import { Attributes } from '../stage/Attributes.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import { FlowShape, type SinkShape, SourceShape } from '../stage/Shape.js';
import { besides, composeLinear, identityModule, mapMaterialized } from './compose.js';
import { type FlowOps, type HKT, installFlowOps } from './FlowOps.js';
import type { FlowWithContext } from './FlowWithContext.js';
import { GraphDSL } from './GraphDSL.js';
import { Keep } from './Keep.js';
import { bindClass, boundClass } from './lateBinding.js';
import { Materializer } from './Materializer.js';
import { toMermaid } from './Mermaid.js';
import type { RunnableGraph } from './RunnableGraph.js';
import { Sink } from './Sink.js';
import { Source } from './Source.js';

/** Higher-kinded view of `Flow<In, _, Mat>` (see FlowOps). */
export interface FlowF<In, Mat> extends HKT {
  readonly type: Flow<In, this['Out'], Mat>;
}

export interface Flow<In, Out, Mat = NotUsed> extends FlowOps<Out, FlowF<In, Mat>> {}

/**
 * A blueprint with one input and one output: a reusable processing step. Attach it with `via`, close
 * it with `to`, or run it between a source and a sink with `runWith`.
 *
 * @example
 * const parse = Flow.create<string>().map(Number).filter(Number.isFinite);
 * await Source.from(['1', 'x', '3']).via(parse).runWith(Sink.seq()); // [1, 3]
 */
export class Flow<In, Out, Mat = NotUsed> implements Graph<FlowShape<In, Out>, Mat> {
  declare readonly _materializedType?: () => Mat;

  /** @internal Use `Flow.create` or `Flow.fromGraph`. */
  constructor(
    readonly shape: FlowShape<In, Out>,
    readonly module: Module,
  ) {}

  /** The identity flow, the starting point for building a flow with operators. */
  static create<T>(): Flow<T, T> {
    return new Flow<T, T>(identityShape as FlowShape<T, T>, identityModule);
  }

  /** A flow from any flow-shaped graph: a custom `GraphStage`, a GraphDSL result, … */
  static fromGraph<I, O, M>(graph: Graph<FlowShape<I, O>, M>): Flow<I, O, M> {
    if (graph instanceof Flow) return graph as Flow<I, O, M>;
    if (!graph || !(graph.shape instanceof FlowShape)) {
      throw new TypeError(`Flow.fromGraph: expected a graph with a FlowShape, got ${graph?.shape?.constructor?.name ?? describe(graph)}`);
    }
    return new Flow<I, O, M>(graph.shape, graph.module);
  }

  /** A flow that applies `f` to each element (shorthand for `Flow.create<I>().map(f)`). */
  static fromFunction<I, O>(f: (x: I) => O): Flow<I, O> {
    return Flow.create<I>().map(f);
  }

  /**
   * A flow whose input goes into `sink` and whose output comes from `source`, with no connection
   * between the two. Keeps neither materialized value (see `fromSinkAndSourceMat`).
   */
  static fromSinkAndSource<I, O>(sink: Graph<SinkShape<I>, unknown>, source: Graph<SourceShape<O>, unknown>): Flow<I, O> {
    return Flow.fromSinkAndSourceMat(sink, source, Keep.none);
  }

  static fromSinkAndSourceMat<I, O, M1, M2, M>(
    sink: Graph<SinkShape<I>, M1>,
    source: Graph<SourceShape<O>, M2>,
    combine: (m1: M1, m2: M2) => M,
  ): Flow<I, O, M> {
    return new Flow<I, O, M>(new FlowShape(sink.shape.in, source.shape.out), besides(sink.module, source.module, combine));
  }

  // ── graph area factories ──

  // ── context and round-two factories ──

  /**
   * Creates and materializes the flow returned by `create` only when the first element arrives (Akka's
   * `lazyFlow`); from then on the stream behaves as if that flow stood here, and it receives that first
   * element. If the stream ends before a first element (upstream completes or fails, downstream
   * cancels), `create` is never called. Materializes a promise of the inner flow's materialized value:
   * it rejects with `create`'s error if `create` throws (the stream fails with that error too), and
   * with `NeverMaterializedException` if the stream ended first.
   *
   * - **Emits when** the inner flow emits.
   * - **Backpressures when** the inner flow backpressures, or (before it exists) downstream backpressures.
   * - **Completes when** the inner flow completes; before it exists, when upstream completes.
   * - **Cancels when** the inner flow cancels; before it exists, when downstream cancels.
   *
   * @example Flow.lazyFlow(() => Flow.create<Row>().mapAsync(4, openConnectionOnce().insert)) // no connection for an empty stream
   */
  static lazyFlow<I, O, M>(create: () => Graph<FlowShape<I, O>, M>): Flow<I, O, Promise<M>> {
    return Flow.fromGraph(new LazyFlow<I, O, M>(create, false));
  }

  /**
   * `lazyFlow` with a factory that returns a promise of the flow (Akka's `lazyFutureFlow`): the first
   * element waits until the promise resolves, then goes into the flow. A rejection fails the stream and
   * the materialized promise with that error.
   *
   * - **Emits when** the inner flow emits.
   * - **Backpressures when** the promise is pending, the inner flow backpressures, or downstream backpressures.
   * - **Completes when** the inner flow completes; before it exists, when upstream completes without an element.
   * - **Cancels when** the inner flow cancels; before it exists, when downstream cancels.
   *
   * @example Flow.lazyPromiseFlow(async () => Flow.fromFunction(await loadModel()))
   */
  static lazyPromiseFlow<I, O, M>(create: () => PromiseLike<Graph<FlowShape<I, O>, M>>): Flow<I, O, Promise<M>> {
    return Flow.fromGraph(new LazyFlow<I, O, M>(create, true));
  }

  /**
   * A flow whose input goes into `sink` and whose output comes from `source`, like `fromSinkAndSource`,
   * but with the two sides' termination coupled (Akka's `CoupledTerminationFlow`): whatever ends one
   * side ends the other. Keeps neither materialized value (see `fromSinkAndSourceCoupledMat`).
   *
   * | cause | effect on `sink` | effect on `source` | effect outside the flow |
   * | --- | --- | --- | --- |
   * | the flow's upstream completes | completes | is cancelled | downstream completes |
   * | the flow's upstream fails | fails with the error | is cancelled | downstream fails |
   * | the flow's downstream cancels | completes | is cancelled | upstream is cancelled |
   * | `source` completes | completes | — | upstream cancelled, downstream completes |
   * | `source` fails | fails with the error | — | upstream cancelled, downstream fails |
   * | `sink` cancels | — | is cancelled | upstream cancelled, downstream completes |
   *
   * A cancellation caused by a failure (a sink that failed, a downstream stage that failed) is passed on
   * as that failure: the other side fails with it instead of completing.
   *
   * - **Emits when** `source` emits.
   * - **Backpressures when** `sink` backpressures.
   * - **Completes when** `source` completes, the flow's upstream completes, or `sink` cancels.
   * - **Cancels when** downstream cancels, `sink` cancels, or `source` completes or fails.
   *
   * @example
   * // a chat client: what the user types goes out, what the server sends comes in; either side ending ends both
   * const session = Flow.fromSinkAndSourceCoupled(Sink.foreach<string>(send), Source.from(received));
   */
  static fromSinkAndSourceCoupled<I, O>(sink: Graph<SinkShape<I>, unknown>, source: Graph<SourceShape<O>, unknown>): Flow<I, O> {
    return Flow.fromSinkAndSourceCoupledMat(sink, source, Keep.none);
  }

  /**
   * `fromSinkAndSourceCoupled`, combining the sink's and the source's materialized values with `combine`
   * (e.g. `Keep.both`).
   *
   * - **Emits when** `source` emits.
   * - **Backpressures when** `sink` backpressures.
   * - **Completes when** `source` completes, the flow's upstream completes, or `sink` cancels.
   * - **Cancels when** downstream cancels, `sink` cancels, or `source` completes or fails.
   */
  static fromSinkAndSourceCoupledMat<I, O, M1, M2, M>(
    sink: Graph<SinkShape<I>, M1>,
    source: Graph<SourceShape<O>, M2>,
    combine: (m1: M1, m2: M2) => M,
  ): Flow<I, O, M> {
    const op = 'Flow.fromSinkAndSourceCoupledMat';
    if (!sink || !(sink.shape instanceof SinkShapeOf))
      throw new TypeError(`${op}: sink must be a Sink (a graph with a SinkShape), got ${sink?.shape?.constructor?.name ?? describe(sink)}`);
    if (!source || !(source.shape instanceof SourceShape))
      throw new TypeError(`${op}: source must be a Source (a graph with a SourceShape), got ${source?.shape?.constructor?.name ?? describe(source)}`);
    requireFunction(op, 'combine', combine);
    const graph = GraphDSL.createWith([sink, source] as const, combine, (b, sinkShape, sourceShape) => {
      const coupling = b.add(new CoupledTermination<I, O>());
      b.from(coupling.out1).to(sinkShape);
      b.from(sourceShape).to(coupling.in2);
      return new FlowShape(coupling.in1, coupling.out2);
    });
    return Flow.fromGraph(graph);
  }

  /** A Mermaid flowchart of this flow (stages and port labels; see `toMermaid`). */
  toMermaid(): string {
    return toMermaid(this);
  }

  // ── time area factories ──

  // ── error area factories ──

  // ── interop area factories ──

  /**
   * A blueprint that materializes a Reactive Streams `Processor` running this flow: its subscriber side
   * is `Source.asSubscriber()`, its publisher side `Sink.asPublisher(fanout)` (default: one subscriber).
   * Each run gives a new processor. `bufferSize` (a positive integer) sets both sides' buffers.
   *
   * @example const processor = Flow.create<number>().map((x) => x * 2).toProcessor().run();
   */
  toProcessor(options: { readonly fanout?: boolean; readonly bufferSize?: number } = {}): RunnableGraph<Processor<In, Out>> {
    const fanout = options.fanout ?? false;
    const graph = Source.asSubscriber<In>()
      .viaMat(this, Keep.left)
      .toMat(Sink.asPublisher<Out>(fanout), (subscriber, publisher) => new FlowProcessor<In, Out>(subscriber, publisher) as Processor<In, Out>);
    const size = options.bufferSize;
    if (size === undefined) return graph;
    if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) {
      throw new RangeError(`Flow.toProcessor: bufferSize must be a positive integer, got ${String(size)}`);
    }
    return graph.withAttributes(Attributes.inputBuffer(size, size));
  }

  /** Appends a flow; keeps this flow's materialized value. */
  via<T>(flow: Graph<FlowShape<Out, T>, unknown>): Flow<In, T, Mat> {
    return new Flow<In, T, Mat>(new FlowShape(this.shape.in, flow.shape.out), composeLinear(this.module, flow.module, Keep.left));
  }

  /** Appends a flow, combining both materialized values with `combine`. */
  viaMat<T, M2, M3>(flow: Graph<FlowShape<Out, T>, M2>, combine: (m1: Mat, m2: M2) => M3): Flow<In, T, M3> {
    return new Flow<In, T, M3>(new FlowShape(this.shape.in, flow.shape.out), composeLinear(this.module, flow.module, combine));
  }

  /** Connects a sink: the result is a sink taking this flow's input. Keeps this flow's materialized value. */
  to(sink: Graph<SinkShape<Out>, unknown>): Sink<In, Mat> {
    return new Sink<In, Mat>(new SinkShapeOf(this.shape.in), composeLinear(this.module, sink.module, Keep.left));
  }

  /** Connects a sink, combining both materialized values with `combine`. */
  toMat<M2, M3>(sink: Graph<SinkShape<Out>, M2>, combine: (m1: Mat, m2: M2) => M3): Sink<In, M3> {
    return new Sink<In, M3>(new SinkShapeOf(this.shape.in), composeLinear(this.module, sink.module, combine));
  }

  /** Runs `source` through this flow into `sink`; returns both ends' materialized values. */
  runWith<M1, M2>(source: Graph<SourceShape<In>, M1>, sink: Graph<SinkShape<Out>, M2>, materializer: Materializer = Materializer.default): [M1, M2] {
    return Source.fromGraph(source).viaMat(this, Keep.left).toMat(sink, Keep.both).run(materializer);
  }

  mapMaterializedValue<M2>(f: (m: Mat) => M2): Flow<In, Out, M2> {
    return new Flow<In, Out, M2>(this.shape, mapMaterialized(this.module, f));
  }

  withAttributes(attributes: Attributes): Flow<In, Out, Mat> {
    return new Flow<In, Out, Mat>(this.shape, this.module.withAttributes(attributes));
  }

  named(name: string): Flow<In, Out, Mat> {
    return this.withAttributes(Attributes.name(name));
  }

  async(): Flow<In, Out, Mat> {
    return this.withAttributes(Attributes.asyncBoundary);
  }

  /**
   * This flow as a flow with context (Akka's `asFlowWithContext`): each incoming pair
   * `[element, context]` is turned into this flow's input with `collapseContext(element, context)`, and
   * each output is paired with the context `extractContext(output)` recovers from it. Useful for a flow
   * that already carries the context inside its elements (a pass-through field).
   *
   * @example
   * const withIds = Flow.create<Req>().mapAsync(4, call).asFlowWithContext((req: Req, id: string) => ({ ...req, id }), (res) => res.id);
   */
  asFlowWithContext<U, CtxU, CtxOut>(
    collapseContext: (x: U, ctx: CtxU) => In,
    extractContext: (out: Out) => CtxOut,
  ): FlowWithContext<U, CtxU, Out, CtxOut, Mat> {
    requireFunction('asFlowWithContext', 'collapseContext', collapseContext);
    requireFunction('asFlowWithContext', 'extractContext', extractContext);
    const pairs = Flow.create<readonly [U, CtxU]>()
      .map((p) => collapseContext(p[0], p[1]))
      .viaMat(this, Keep.right)
      .map((out): [Out, CtxOut] => [out, extractContext(out)]);
    return boundClass('FlowWithContext').fromTuples(pairs);
  }
}

installFlowOps(Flow.prototype);
bindClass('Flow', Flow);

const identityShape = (identityModule as unknown as { stage: { shape: FlowShape<unknown, unknown> } }).stage.shape;

import { SinkShape as SinkShapeOf } from '../stage/Shape.js';

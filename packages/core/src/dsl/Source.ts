import type { Module } from '../impl/Module.js';
import { AsyncIterableSource } from '../operators/fromAsyncIterable.js';
import { CycleSource } from '../operators/cycle.js';
import { IterableSource } from '../operators/fromIterable.js';
import { LazySource } from '../operators/lazySource.js';
import { PromiseSource } from '../operators/fromPromise.js';
import { RangeSource } from '../operators/range.js';
import { SingleSource } from '../operators/single.js';
import { EmptySource, FailedSource, NeverSource, RepeatSource } from '../operators/simpleSources.js';
import { UnfoldAsyncSource } from '../operators/unfoldAsync.js';
import { UnfoldSource } from '../operators/unfold.js';
import { describe } from '../operators/validate.js';
import { Attributes } from '../stage/Attributes.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import type { FlowShape, SinkShape } from '../stage/Shape.js';
import { SourceShape } from '../stage/Shape.js';
import { composeLinear, mapMaterialized } from './compose.js';
import { type FlowOps, type HKT, installFlowOps } from './FlowOps.js';
import { Keep } from './Keep.js';
import { Materializer } from './Materializer.js';
import { RunnableGraph } from './RunnableGraph.js';
import { Sink } from './Sink.js';

/** Higher-kinded view of `Source<_, Mat>` (see FlowOps). */
export interface SourceF<Mat> extends HKT {
  readonly type: Source<this['Out'], Mat>;
}

// The operators (map, filter, …) are declared once in FlowOps and installed on the prototype below.
export interface Source<Out, Mat = NotUsed> extends FlowOps<Out, SourceF<Mat>> {}

/**
 * A blueprint with one output: a description of where elements come from. Nothing happens until it is
 * run; each run is an independent materialization. `Mat` is what running it gives back (NotUsed for most
 * sources; a queue, a control or a promise for some).
 *
 * @example
 * const done = Source.range(1, 10).map((x) => x * x).runForeach((x) => console.log(x));
 */
export class Source<Out, Mat = NotUsed> implements Graph<SourceShape<Out>, Mat> {
  declare readonly _materializedType?: () => Mat;

  /** @internal Use the factories or `Source.fromGraph`. */
  constructor(
    readonly shape: SourceShape<Out>,
    readonly module: Module,
  ) {}

  // ───────────────────────────── factories ─────────────────────────────

  /** A source from any source-shaped graph: a custom `GraphStage`, a GraphDSL result, … */
  static fromGraph<T, M>(graph: Graph<SourceShape<T>, M>): Source<T, M> {
    if (graph instanceof Source) return graph as Source<T, M>;
    if (!graph || !(graph.shape instanceof SourceShape)) {
      throw new TypeError(`Source.fromGraph: expected a graph with a SourceShape, got ${describe(graph?.shape)}`);
    }
    return new Source<T, M>(graph.shape, graph.module);
  }

  /** Emits `element` once, then completes. */
  static single<T>(element: T): Source<T> {
    return Source.fromGraph(new SingleSource(element));
  }

  /**
   * Emits the elements of an iterable (array, Set, generator, …) or an async iterable, only as fast as
   * downstream demands them. Each run iterates afresh; cancelling calls the iterator's `return()`.
   */
  static from<T>(iterable: Iterable<T> | AsyncIterable<T>): Source<T> {
    if (iterable !== null && typeof iterable === 'object' || typeof iterable === 'string') {
      if (typeof (iterable as Iterable<T>)[Symbol.iterator] === 'function') return Source.fromGraph(new IterableSource(iterable as Iterable<T>));
      if (typeof (iterable as AsyncIterable<T>)[Symbol.asyncIterator] === 'function') return Source.fromGraph(new AsyncIterableSource(iterable as AsyncIterable<T>));
    }
    throw new TypeError(`Source.from: expected an iterable or async iterable, got ${describe(iterable)}`);
  }

  /** Emits `start`, `start + step`, … up to and including `endInclusive` (step may be negative). */
  static range(start: number, endInclusive: number, step = 1): Source<number> {
    return Source.fromGraph(new RangeSource(start, endInclusive, step));
  }

  /** Completes immediately without emitting. */
  static empty<T = never>(): Source<T> {
    return Source.fromGraph(new EmptySource<T>());
  }

  /** Fails immediately with `error`. */
  static failed<T = never>(error: unknown): Source<T> {
    return Source.fromGraph(new FailedSource<T>(error));
  }

  /** Never emits and never completes; it ends only when cancelled. */
  static never<T = never>(): Source<T> {
    return Source.fromGraph(new NeverSource<T>());
  }

  /** Emits `element` forever, as fast as downstream pulls. */
  static repeat<T>(element: T): Source<T> {
    return Source.fromGraph(new RepeatSource(element));
  }

  /** Emits the elements of `f()` over and over (a fresh iterable each round). */
  static cycle<T>(f: () => Iterable<T>): Source<T> {
    return Source.fromGraph(new CycleSource(f));
  }

  /** `f(state)` returns `[nextState, element]` to emit, or `undefined` to complete. */
  static unfold<S, T>(seed: S, f: (state: S) => readonly [S, T] | undefined): Source<T> {
    return Source.fromGraph(new UnfoldSource(seed, f));
  }

  /** Like `unfold` with an async `f`; one call in flight, made only on demand. */
  static unfoldAsync<S, T>(seed: S, f: (state: S) => PromiseLike<readonly [S, T] | undefined>): Source<T> {
    return Source.fromGraph(new UnfoldAsyncSource(seed, f));
  }

  /** Emits the promise's value when it resolves, then completes; fails if it rejects. */
  static fromPromise<T>(promise: PromiseLike<T>): Source<T> {
    return Source.fromGraph(new PromiseSource(promise));
  }

  /**
   * Creates and materializes the source returned by `create` only when downstream first pulls.
   * Materializes a promise of that source's materialized value.
   */
  static lazySource<T, M>(create: () => Graph<SourceShape<T>, M>): Source<T, Promise<M>> {
    return Source.fromGraph(new LazySource(create));
  }

  // ── graph area factories ──

  // ── time area factories ──

  // ── error area factories ──

  // ── interop area factories ──

  // ───────────────────────────── composition ─────────────────────────────

  /** Attaches a flow; keeps this source's materialized value. */
  via<T>(flow: Graph<FlowShape<Out, T>, unknown>): Source<T, Mat> {
    return new Source<T, Mat>(new SourceShape(flow.shape.out), composeLinear(this.module, flow.module, Keep.left));
  }

  /** Attaches a flow, combining both materialized values with `combine` (e.g. `Keep.right`). */
  viaMat<T, M2, M3>(flow: Graph<FlowShape<Out, T>, M2>, combine: (m1: Mat, m2: M2) => M3): Source<T, M3> {
    return new Source<T, M3>(new SourceShape(flow.shape.out), composeLinear(this.module, flow.module, combine));
  }

  /** Connects a sink; the result keeps this source's materialized value. */
  to(sink: Graph<SinkShape<Out>, unknown>): RunnableGraph<Mat> {
    return new RunnableGraph<Mat>(composeLinear(this.module, sink.module, Keep.left));
  }

  /** Connects a sink, combining both materialized values with `combine`. */
  toMat<M2, M3>(sink: Graph<SinkShape<Out>, M2>, combine: (m1: Mat, m2: M2) => M3): RunnableGraph<M3> {
    return new RunnableGraph<M3>(composeLinear(this.module, sink.module, combine));
  }

  /** Runs this source into `sink`; returns the sink's materialized value. */
  runWith<M2>(sink: Graph<SinkShape<Out>, M2>, materializer: Materializer = Materializer.default): M2 {
    return this.toMat(sink, Keep.right).run(materializer);
  }

  /** Runs this source, discarding elements; the promise settles when the stream ends. */
  run(materializer: Materializer = Materializer.default): Promise<void> {
    return this.runWith(Sink.ignore(), materializer);
  }

  /** Runs this source, calling `f` for each element. */
  runForeach(f: (x: Out) => void, materializer: Materializer = Materializer.default): Promise<void> {
    return this.runWith(Sink.foreach(f), materializer);
  }

  /** Runs this source, folding its elements. */
  runFold<S>(zero: S, f: (acc: S, x: Out) => S, materializer: Materializer = Materializer.default): Promise<S> {
    return this.runWith(Sink.fold(zero, f), materializer);
  }

  /** Same stream, materialized value transformed by `f` at materialization time. */
  mapMaterializedValue<M2>(f: (m: Mat) => M2): Source<Out, M2> {
    return new Source<Out, M2>(this.shape, mapMaterialized(this.module, f));
  }

  /** Adds attributes to this whole source (inherited by every stage inside it). */
  withAttributes(attributes: Attributes): Source<Out, Mat> {
    return new Source<Out, Mat>(this.shape, this.module.withAttributes(attributes));
  }

  /** Names this source; the name appears in errors, logs and diagrams. */
  named(name: string): Source<Out, Mat> {
    return this.withAttributes(Attributes.name(name));
  }

  /** Runs this source in its own island, decoupled from downstream by a bounded buffer. */
  async(): Source<Out, Mat> {
    return this.withAttributes(Attributes.asyncBoundary);
  }
}

installFlowOps(Source.prototype);

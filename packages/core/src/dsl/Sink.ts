import type { Module } from '../impl/Module.js';
import { CancelledSink } from '../operators/cancelled.js';
import { ForeachSink, FoldSink, HeadSink, IgnoreSink, LastSink, OnCompleteSink, ReduceSink, SeqSink } from '../operators/sinks.js';
import { describe } from '../operators/validate.js';
import { Attributes } from '../stage/Attributes.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import { SinkShape, type SourceShape } from '../stage/Shape.js';
import { mapMaterialized } from './compose.js';
import { Keep } from './Keep.js';
import { Materializer } from './Materializer.js';
import { Source } from './Source.js';

/**
 * A blueprint with one input: where elements end up. Most sinks materialize a promise of their result,
 * which rejects with the stream's original error if the stream fails.
 *
 * @example
 * const all: Promise<number[]> = Source.range(1, 3).runWith(Sink.seq());
 */
export class Sink<In, Mat = NotUsed> implements Graph<SinkShape<In>, Mat> {
  declare readonly _materializedType?: () => Mat;

  /** @internal Use the factories or `Sink.fromGraph`. */
  constructor(
    readonly shape: SinkShape<In>,
    readonly module: Module,
  ) {}

  static fromGraph<T, M>(graph: Graph<SinkShape<T>, M>): Sink<T, M> {
    if (graph instanceof Sink) return graph as Sink<T, M>;
    if (!graph || !(graph.shape instanceof SinkShape)) {
      throw new TypeError(`Sink.fromGraph: expected a graph with a SinkShape, got ${describe(graph?.shape)}`);
    }
    return new Sink<T, M>(graph.shape, graph.module);
  }

  /** Calls `f` for each element; resolves when the stream completes. */
  static foreach<T>(f: (x: T) => void): Sink<T, Promise<void>> {
    return Sink.fromGraph(new ForeachSink(f));
  }

  /** Folds the elements; resolves with the result. */
  static fold<T, S>(zero: S, f: (acc: S, x: T) => S): Sink<T, Promise<S>> {
    return Sink.fromGraph(new FoldSink(zero, f));
  }

  /** Reduces the elements; rejects with NoSuchElementError on an empty stream. */
  static reduce<T>(f: (acc: T, x: T) => T): Sink<T, Promise<T>> {
    return Sink.fromGraph(new ReduceSink(f));
  }

  /** Resolves with the first element, then cancels upstream; rejects on an empty stream. */
  static head<T>(): Sink<T, Promise<T>> {
    return Sink.fromGraph(new HeadSink<T, T>(false));
  }

  /** Resolves with the first element, or `undefined` for an empty stream. */
  static headOption<T>(): Sink<T, Promise<T | undefined>> {
    return Sink.fromGraph(new HeadSink<T, T | undefined>(true));
  }

  /** Resolves with the last element; rejects on an empty stream. */
  static last<T>(): Sink<T, Promise<T>> {
    return Sink.fromGraph(new LastSink<T, T>(false));
  }

  /** Resolves with the last element, or `undefined` for an empty stream. */
  static lastOption<T>(): Sink<T, Promise<T | undefined>> {
    return Sink.fromGraph(new LastSink<T, T | undefined>(true));
  }

  /** Resolves with all elements, in order. Unbounded: use on finite streams. */
  static seq<T>(): Sink<T, Promise<T[]>> {
    return Sink.fromGraph(new SeqSink<T>());
  }

  /** Consumes and discards everything; resolves on completion. */
  static ignore<T = unknown>(): Sink<T, Promise<void>> {
    return Sink.fromGraph(new IgnoreSink<T>());
  }

  /** Cancels upstream immediately. */
  static cancelled<T = unknown>(): Sink<T> {
    return Sink.fromGraph(new CancelledSink<T>());
  }

  /** Consumes everything; calls `callback()` on completion or `callback(error)` on failure. */
  static onComplete<T = unknown>(callback: (error?: unknown) => void): Sink<T> {
    return Sink.fromGraph(new OnCompleteSink<T>(callback));
  }

  // ── graph area factories ──

  // ── time area factories ──

  // ── error area factories ──

  // ── interop area factories ──

  /** Runs `source` into this sink; returns the source's materialized value. */
  runWith<M>(source: Graph<SourceShape<In>, M>, materializer: Materializer = Materializer.default): M {
    return Source.fromGraph(source).toMat(this, Keep.left).run(materializer);
  }

  mapMaterializedValue<M2>(f: (m: Mat) => M2): Sink<In, M2> {
    return new Sink<In, M2>(this.shape, mapMaterialized(this.module, f));
  }

  withAttributes(attributes: Attributes): Sink<In, Mat> {
    return new Sink<In, Mat>(this.shape, this.module.withAttributes(attributes));
  }

  named(name: string): Sink<In, Mat> {
    return this.withAttributes(Attributes.name(name));
  }

  async(): Sink<In, Mat> {
    return this.withAttributes(Attributes.asyncBoundary);
  }
}

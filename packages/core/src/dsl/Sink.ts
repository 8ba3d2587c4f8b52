import type { Module } from '../impl/Module.js';
import { AsAsyncIterableSink } from '../operators/asAsyncIterable.js';
import { AsPublisherSink } from '../operators/asPublisher.js';
import { CancelledSink } from '../operators/cancelled.js';
import { ForeachAsyncSink } from '../operators/foreachAsync.js';
import { FromSubscriberSink } from '../operators/fromSubscriber.js';
import { LazySink } from '../operators/lazySink.js';
import { QueueSink, type SinkQueue } from '../operators/sinkQueue.js';
import { FoldSink, ForeachSink, HeadSink, IgnoreSink, LastSink, OnCompleteSink, ReduceSink, SeqSink } from '../operators/sinks.js';
import { describe } from '../operators/validate.js';
import type { Publisher, Subscriber } from '../reactiveStreams.js';
import { Attributes } from '../stage/Attributes.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import { SinkShape, type SourceShape } from '../stage/Shape.js';
import type { UniformFanOutShape } from '../stage/UniformFanOutShape.js';
import { mapMaterialized } from './compose.js';
import { GraphDSL } from './GraphDSL.js';
import { Keep } from './Keep.js';
import { bindClass, boundClass } from './lateBinding.js';
import { Materializer } from './Materializer.js';
import { toMermaid } from './Mermaid.js';

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
      throw new TypeError(`Sink.fromGraph: expected a graph with a SinkShape, got ${graph?.shape?.constructor?.name ?? describe(graph)}`);
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

  /**
   * Combines several sinks with a fan-out junction: `fanOutStrategy(n)` makes the junction for the `n`
   * sinks (e.g. `(n) => Broadcast.create(n)` or `(n) => Balance.create(n)`), its outlet `i` feeding sink
   * `i`. Materializes `NotUsed`.
   *
   * @example Source.range(1, 3).runWith(Sink.combine([Sink.foreach(log), Sink.ignore()], (n) => Broadcast.create<number>(n)))
   */
  static combine<T, U>(sinks: readonly Graph<SinkShape<U>, unknown>[], fanOutStrategy: (n: number) => Graph<UniformFanOutShape<T, U>, unknown>): Sink<T> {
    if (!Array.isArray(sinks) || sinks.length === 0) throw new RangeError(`Sink.combine: sinks must be a non-empty array of Sinks, got ${describe(sinks)}`);
    if (typeof fanOutStrategy !== 'function') throw new TypeError(`Sink.combine: fanOutStrategy must be a function, got ${describe(fanOutStrategy)}`);
    const junction = fanOutStrategy(sinks.length);
    const graph = GraphDSL.create((b) => {
      const j = b.add(junction);
      if (j.outlets.length !== sinks.length || j.inlets.length !== 1) {
        throw new TypeError(
          `Sink.combine: fanOutStrategy(${sinks.length}) must return a fan-out junction with one inlet and ${sinks.length} outlets, got ${j.inlets.length} inlets and ${j.outlets.length} outlets`,
        );
      }
      sinks.forEach((s, i) => b.from<U>(j.outlets[i]!).to(s));
      return new SinkShape(j.inlets[0]!);
    });
    return Sink.fromGraph(graph) as Sink<T>;
  }

  /** A Mermaid flowchart of this sink (stages and port labels; see `toMermaid`). */
  toMermaid(): string {
    return toMermaid(this);
  }

  // ── time area factories ──

  /**
   * Calls `f` for each element, with up to `parallelism` calls (promises) in flight; resolves when
   * upstream completed and every call has settled. A rejection (or a synchronous throw) rejects the result
   * with that error and cancels upstream, unless supervision says otherwise (`resume`/`restart` skip the
   * element).
   *
   * @example await Source.from(rows).runWith(Sink.foreachAsync(4, (row) => db.insert(row)))
   */
  static foreachAsync<T>(parallelism: number, f: (x: T) => unknown): Sink<T, Promise<void>> {
    return Sink.fromGraph(new ForeachAsyncSink(parallelism, f));
  }

  /**
   * A sink drained from outside: materializes a `SinkQueue` whose `pull()` resolves with the next element,
   * with `undefined` once the stream has completed, and rejects with the stream's error if it failed. Up to
   * `Attributes.inputBuffer(…).max` elements (default 16) are fetched ahead; at most `maxConcurrentPulls`
   * pulls may be outstanding. `cancel()` cancels the stream.
   *
   * @example
   * const queue = Source.range(1, 3).runWith(Sink.queue<number>());
   * await queue.pull(); // 1
   */
  static queue<T>(maxConcurrentPulls = 1): Sink<T, SinkQueue<T>> {
    return Sink.fromGraph(new QueueSink<T>(maxConcurrentPulls));
  }

  // ── error area factories ──

  // ── interop area factories ──

  /**
   * Materializes a Reactive Streams `Publisher` of the stream's elements. Nothing is pulled before the
   * first subscriber arrives; then up to the input buffer size (`Attributes.inputBuffer`) is read ahead.
   *
   * - `fanout = false`: one subscriber; any later one gets `onSubscribe` + `onError`. Its cancellation
   *   cancels the stream.
   * - `fanout = true`: any number of subscribers share the stream at the pace of the slowest; the
   *   fastest may be at most one buffer ahead. A late subscriber starts at the oldest element still
   *   buffered. When the last subscriber cancels, the stream is cancelled.
   *
   * `request(n)` takes a positive integer or `Infinity`; anything else is signalled as
   * `onError(RangeError)` (rule 3.9). A `null`/`undefined` element fails the stream with a `TypeError`
   * (rule 2.13). Subscribers arriving after the stream ended get `onSubscribe` and its terminal signal.
   *
   * - **Backpressures when** some subscriber has no demand and the buffer is full (no subscriber yet
   *   also backpressures).
   * - **Completes when** upstream completes (each subscriber after the elements it has not seen).
   * - **Fails when** upstream fails: every subscriber gets `onError` at once.
   * - **Cancels when** the (last) subscriber cancels.
   *
   * @example const publisher = Source.range(1, 100).runWith(Sink.asPublisher(false));
   */
  static asPublisher<T>(fanout: boolean): Sink<T, Publisher<T>> {
    return Sink.fromGraph(new AsPublisherSink<T>(fanout));
  }

  /**
   * Publishes the stream to one Reactive Streams `Subscriber`: it gets `onSubscribe` when the stream
   * starts, elements only as it requests them, then `onComplete` or `onError`. Invalid requests are
   * signalled as `onError(RangeError)` (rule 3.9) and cancel the stream.
   *
   * - **Backpressures when** the subscriber has no outstanding demand.
   * - **Cancels when** the subscriber cancels (or throws from a signal method, rule 2.13).
   *
   * @example Source.range(1, 3).runWith(Sink.fromSubscriber(mySubscriber));
   */
  static fromSubscriber<T>(subscriber: Subscriber<T>): Sink<T> {
    return Sink.fromGraph(new FromSubscriberSink<T>(subscriber));
  }

  /**
   * Materializes an async iterator over the stream, for `for await`. Each `next()` pulls exactly one
   * element — nothing is read ahead — so the loop's pace is the stream's pace. `return()` (what `break`
   * calls) cancels the stream; a failure rejects `next()` with the stream's original error. The
   * iterator is single-use; an iterator that is never advanced keeps the stream backpressured.
   *
   * - **Backpressures when** no `next()` is pending.
   * - **Cancels when** the iterator's `return()` is called (e.g. `break` out of `for await`).
   *
   * @example for await (const x of Source.range(1, 3).runWith(Sink.asAsyncIterable())) console.log(x);
   */
  static asAsyncIterable<T>(): Sink<T, AsyncIterableIterator<T>> {
    return Sink.fromGraph(new AsAsyncIterableSink<T>());
  }

  // ── context and round-two ──

  /**
   * Creates and materializes the sink returned by `create` only when the first element arrives (Akka's
   * `lazySink`); it receives that element and everything after it. Until then one element is requested.
   * If the stream completes or fails before a first element, `create` is never called. Materializes a
   * promise of the inner sink's materialized value: it rejects with `create`'s error if `create` throws
   * (the stream fails with that error too), and with `NeverMaterializedException` if the stream ended first.
   *
   * - **Backpressures when** the inner sink backpressures (before it exists, after the first element).
   * - **Cancels when** the inner sink cancels, or `create` fails.
   *
   * @example Sink.lazySink(() => FileIO.toPath(name())) // no file for an empty stream
   */
  static lazySink<T, M>(create: () => Graph<SinkShape<T>, M>): Sink<T, Promise<M>> {
    return Sink.fromGraph(new LazySink<T, M>(create, false));
  }

  /**
   * `lazySink` with a factory that returns a promise of the sink (Akka's `lazyFutureSink`): the first
   * element waits until the promise resolves. A rejection fails the stream and the materialized promise
   * with that error.
   *
   * - **Backpressures when** the promise is pending, or the inner sink backpressures.
   * - **Cancels when** the inner sink cancels, or the promise rejects.
   *
   * @example Sink.lazyPromiseSink(async () => Sink.foreachAsync(4, await connect()))
   */
  static lazyPromiseSink<T, M>(create: () => PromiseLike<Graph<SinkShape<T>, M>>): Sink<T, Promise<M>> {
    return Sink.fromGraph(new LazySink<T, M>(create, true));
  }

  /**
   * Materializes this sink now and returns its materialized value together with a sink that feeds it
   * (Akka's `preMaterialize`): useful to get a sink's result promise (or queue) before the producer is
   * known. The returned sink can be run once (it is a Reactive Streams subscriber underneath; a second
   * run is rejected); until it runs, the running sink waits for elements.
   *
   * @example
   * const [all, sink] = Sink.seq<number>().preMaterialize();
   * Source.range(1, 3).runWith(sink);
   * await all; // [1, 2, 3]
   */
  preMaterialize(materializer: Materializer = Materializer.default): [Mat, Sink<In>] {
    const [subscriber, mat] = boundClass('Source').asSubscriber<In>().toMat(this, Keep.both).run(materializer);
    return [mat, Sink.fromSubscriber(subscriber)];
  }

  /** Runs `source` into this sink; returns the source's materialized value. */
  runWith<M>(source: Graph<SourceShape<In>, M>, materializer: Materializer = Materializer.default): M {
    return boundClass('Source').fromGraph(source).toMat(this, Keep.left).run(materializer);
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

bindClass('Sink', Sink);

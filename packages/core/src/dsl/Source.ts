import type { Module } from '../impl/Module.js';
import type { OverflowStrategy } from '../OverflowStrategy.js';
import { AsSubscriberSource } from '../operators/asSubscriber.js';
import { CycleSource } from '../operators/cycle.js';
import { AsyncIterableSource } from '../operators/fromAsyncIterable.js';
import { IterableSource } from '../operators/fromIterable.js';
import { PromiseSource } from '../operators/fromPromise.js';
import { FromPublisherSource } from '../operators/fromPublisher.js';
import { LazyPromiseSource } from '../operators/lazyPromise.js';
import { LazySingleSource } from '../operators/lazySingle.js';
import { LazySource } from '../operators/lazySource.js';
import { type MaybeHandle, MaybeSource } from '../operators/maybe.js';
import { RangeSource } from '../operators/range.js';
import { EmptySource, FailedSource, NeverSource, RepeatSource } from '../operators/simpleSources.js';
import { SingleSource } from '../operators/single.js';
import { QueueSource, type SourceQueue } from '../operators/sourceQueue.js';
import { type TickCancellable, TickSource } from '../operators/tick.js';
import { UnfoldSource } from '../operators/unfold.js';
import { UnfoldAsyncSource } from '../operators/unfoldAsync.js';
import { UnfoldResourceSource } from '../operators/unfoldResource.js';
import { UnfoldResourceAsyncSource } from '../operators/unfoldResourceAsync.js';
import { describe, requireFunction } from '../operators/validate.js';
import { ZipWithN as ZipWithNStage, toArray as zipToArray } from '../operators/zipWithN.js';
import type { Publisher, Subscriber } from '../reactiveStreams.js';
import { Attributes } from '../stage/Attributes.js';
import type { Graph, NotUsed } from '../stage/GraphStage.js';
import type { FlowShape, SinkShape } from '../stage/Shape.js';
import { SourceShape } from '../stage/Shape.js';
import type { UniformFanInShape } from '../stage/UniformFanInShape.js';
import { composeLinear, mapMaterialized } from './compose.js';
import { type FlowOps, type HKT, installFlowOps } from './FlowOps.js';
import { GraphDSL } from './GraphDSL.js';
import { Keep } from './Keep.js';
import { bindClass, boundClass } from './lateBinding.js';
import { Materializer } from './Materializer.js';
import { toMermaid } from './Mermaid.js';
import { RunnableGraph } from './RunnableGraph.js';
import { Sink } from './Sink.js';
import type { SourceWithContext } from './SourceWithContext.js';

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
      throw new TypeError(`Source.fromGraph: expected a graph with a SourceShape, got ${graph?.shape?.constructor?.name ?? describe(graph)}`);
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
    if ((iterable !== null && typeof iterable === 'object') || typeof iterable === 'string') {
      if (typeof (iterable as Iterable<T>)[Symbol.iterator] === 'function') return Source.fromGraph(new IterableSource(iterable as Iterable<T>));
      if (typeof (iterable as AsyncIterable<T>)[Symbol.asyncIterator] === 'function')
        return Source.fromGraph(new AsyncIterableSource(iterable as AsyncIterable<T>));
    }
    if (typeof (iterable as Partial<PromiseLike<unknown>> | null)?.then === 'function') {
      throw new TypeError(
        'Source.from: expected an iterable or async iterable, got a promise; use Source.fromPromise(promise) for the one value it resolves with',
      );
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

  // ── context and round-two factories ──

  /**
   * A source that emits at most one element, decided from outside (Akka's `Source.maybe`). It
   * materializes a `MaybeHandle`: `complete(value)` emits `value` once downstream asks and completes,
   * `complete()` completes without an element, `fail(error)` fails the stream; only the first call
   * counts. If downstream cancels first, the handle counts as completed empty (later calls return false).
   *
   * - **Emits when** `complete(value)` was called and downstream pulls.
   * - **Completes when** the element went out, or `complete()` was called.
   * - **Cancels when** never (it has no upstream); downstream cancelling completes the handle empty.
   *
   * @example
   * const [handle, first] = Source.maybe<number>().concat(Source.from([2, 3])).toMat(Sink.seq(), Keep.both).run();
   * handle.complete(1); // first resolves with [1, 2, 3]
   */
  static maybe<T>(): Source<T, MaybeHandle<T>> {
    return Source.fromGraph(new MaybeSource<T>());
  }

  /**
   * Calls `create()` when downstream first pulls — not at materialization — and emits its result, then
   * completes. A throw fails the stream with that error.
   *
   * - **Emits when** downstream pulls (the value is created then).
   * - **Completes when** the element went out.
   *
   * @example Source.lazySingle(() => Date.now()) // the time of the first pull, not of run()
   */
  static lazySingle<T>(create: () => T): Source<T> {
    return Source.fromGraph(new LazySingleSource(create));
  }

  /**
   * Calls `create()` when downstream first pulls (Akka's `lazyFuture`) and emits what its promise
   * resolves to, then completes. A rejection or a throw fails the stream with that error.
   *
   * - **Emits when** the promise resolved (downstream has pulled, since that started it).
   * - **Completes when** the element went out.
   *
   * @example Source.lazyPromise(() => fetch(url).then((r) => r.json())) // no request until the first pull
   */
  static lazyPromise<T>(create: () => PromiseLike<T>): Source<T> {
    return Source.fromGraph(new LazyPromiseSource(create));
  }

  /**
   * Calls `create()` when downstream first pulls (Akka's `lazyFutureSource`), waits for its promise of a
   * source and then runs that source in this stream's place. Materializes a promise of the inner
   * source's materialized value; it rejects with `create`'s error if the promise rejects (the stream
   * fails with it too), and with `NeverMaterializedException` if the stream is cancelled before.
   *
   * - **Emits when** the inner source emits.
   * - **Backpressures when** downstream backpressures (the inner source is pulled on demand).
   * - **Completes when** the inner source completes.
   * - **Cancels when** downstream cancels (the inner source, if created, is cancelled).
   *
   * @example Source.lazyPromiseSource(async () => Source.from(await db.loadIds()))
   */
  static lazyPromiseSource<T, M>(create: () => PromiseLike<Graph<SourceShape<T>, M>>): Source<T, Promise<M>> {
    return Source.fromGraph(new LazySource<T, M>(create, true));
  }

  // ── graph area factories ──

  /**
   * Combines several sources with a fan-in junction: `fanInStrategy(n)` makes the junction for the `n`
   * sources (e.g. `(n) => Merge.create(n)` or `(n) => Concat.create(n)`), source `i` feeding its inlet `i`.
   * Materializes `NotUsed`.
   *
   * @example Source.combine([Source.single(1), Source.single(2)], (n) => Merge.create<number>(n))
   */
  static combine<T, U>(sources: readonly Graph<SourceShape<T>, unknown>[], fanInStrategy: (n: number) => Graph<UniformFanInShape<T, U>, unknown>): Source<U> {
    if (!Array.isArray(sources) || sources.length === 0)
      throw new RangeError(`Source.combine: sources must be a non-empty array of Sources, got ${describe(sources)}`);
    if (typeof fanInStrategy !== 'function') throw new TypeError(`Source.combine: fanInStrategy must be a function, got ${describe(fanInStrategy)}`);
    const junction = fanInStrategy(sources.length);
    const graph = GraphDSL.create((b) => {
      const j = b.add(junction);
      if (j.inlets.length !== sources.length || j.outlets.length !== 1) {
        throw new TypeError(
          `Source.combine: fanInStrategy(${sources.length}) must return a fan-in junction with ${sources.length} inlets and one outlet, got ${j.inlets.length} inlets and ${j.outlets.length} outlets`,
        );
      }
      sources.forEach((s, i) => b.from<T>(s).to(j.inlets[i]!));
      return new SourceShape(j.outlets[0]!);
    });
    return Source.fromGraph(graph) as Source<U>;
  }

  /**
   * Zips the sources into arrays: one element from each, in order. Completes when any source
   * completes. No sources: an empty source.
   *
   * @example Source.zipN([Source.from([1, 2]), Source.from([3, 4])]) // [1, 3], [2, 4]
   */
  static zipN<T>(sources: readonly Graph<SourceShape<T>, unknown>[]): Source<T[]> {
    return Source.zipWithN(zipToArray, sources);
  }

  /**
   * Combines one element from each source with `zipper` (which receives a reused array: copy it if
   * you keep it). Completes when any source completes. No sources: an empty source.
   *
   * @example Source.zipWithN((xs) => xs[0]! + xs[1]!, [Source.from([1, 2]), Source.from([3, 4])]) // 4, 6
   */
  static zipWithN<T, O>(zipper: (xs: readonly T[]) => O, sources: readonly Graph<SourceShape<T>, unknown>[]): Source<O> {
    if (typeof zipper !== 'function') throw new TypeError(`Source.zipWithN: zipper must be a function, got ${describe(zipper)}`);
    if (!Array.isArray(sources)) throw new TypeError(`Source.zipWithN: sources must be an array of Sources, got ${describe(sources)}`);
    if (sources.length === 0) return Source.empty<O>();
    return Source.combine(sources, (n) => new ZipWithNStage<T, O>(zipper, n, zipper === (zipToArray as unknown) ? 'ZipN' : 'ZipWithN'));
  }

  /** A Mermaid flowchart of this source (stages and port labels; see `toMermaid`). */
  toMermaid(): string {
    return toMermaid(this);
  }

  // ── time area factories ──

  /**
   * Emits `tick` after `initialDelayMs`, then every `intervalMs` milliseconds (on the materializer's
   * scheduler). A tick that falls due while downstream is not asking is skipped, never queued.
   * Materializes a `Cancellable`: cancelling it completes the stream.
   *
   * - **Emits when** a tick falls due and downstream is asking.
   * - **Completes when** the materialized `Cancellable` is cancelled.
   *
   * @example Source.tick(0, 1000, 'tick').take(3) // 'tick' now, after 1 s and after 2 s
   */
  static tick<T>(initialDelayMs: number, intervalMs: number, tick: T): Source<T, TickCancellable> {
    return Source.fromGraph(new TickSource(initialDelayMs, intervalMs, tick));
  }

  /**
   * A source fed from outside: materializes a `SourceQueue` whose `offer(x)` resolves with a
   * `QueueOfferResult` (Enqueued / Dropped / QueueClosed / Failure). Up to `bufferSize` elements (0 is
   * allowed) wait for downstream; when the buffer is full, `overflowStrategy` decides — with
   * `OverflowStrategy.backpressure` the offer stays pending until there is room (one pending offer at a
   * time). `complete()` completes the stream after the buffered elements, `fail(e)` fails it, and
   * `watchCompletion()` tells when it ended.
   *
   * - **Emits when** an element is buffered (or offered) and downstream pulls.
   * - **Completes when** `complete()` was called and the buffer is drained; fails on `fail(e)`.
   *
   * @example
   * const queue = Source.queue<number>(16, OverflowStrategy.backpressure).to(Sink.foreach(console.log)).run();
   * await queue.offer(1); queue.complete();
   */
  static queue<T>(bufferSize: number, overflowStrategy: OverflowStrategy): Source<T, SourceQueue<T>> {
    return Source.fromGraph(new QueueSource<T>(bufferSize, overflowStrategy));
  }

  // ── error area factories ──

  /**
   * Reads from a resource that must be released: `create()` opens it when the stream starts, each pull
   * calls `read(resource)`, which returns the next element or `undefined` at the end; then `close`
   * releases it and the source completes. `close` runs exactly once however the stream ends (end of
   * data, failure, cancellation, materializer shutdown).
   *
   * - **Emits when** downstream pulls and `read` returned an element.
   * - **Completes when** `read` returned `undefined` (after `close`).
   * - **Cancels when** downstream cancels (`close` runs).
   *
   * Supervision when `read` throws: `resume` skips and reads again; `restart` closes the resource and
   * opens a new one; `stop` (default) closes it and fails with the error.
   *
   * @example Source.unfoldResource(() => openSync(path, 'r'), (fd) => readLine(fd), (fd) => closeSync(fd))
   */
  static unfoldResource<T, R>(create: () => R, read: (resource: R) => T | undefined, close: (resource: R) => void): Source<T> {
    return Source.fromGraph(new UnfoldResourceSource(create, read, close));
  }

  /**
   * `unfoldResource` with asynchronous `create`, `read` and `close` (each returns a promise). One call
   * is in flight at a time and `read` is only called on demand. When the stream ends by itself or
   * downstream cancels, the stage waits for `close` before it stops, so a finished stream has released
   * its resource; a resource whose `create` settles after the stream was stopped from outside is closed
   * when it arrives.
   *
   * - **Emits when** downstream pulls and `read`'s promise resolved with an element.
   * - **Completes when** `read` resolved with `undefined` and `close` settled.
   * - **Cancels when** downstream cancels (`close` runs).
   *
   * Supervision when `read` rejects: `resume` reads again; `restart` closes the resource and opens a new
   * one; `stop` (default) closes it and fails with the error. A rejected `create` or `close` fails the
   * stream.
   */
  static unfoldResourceAsync<T, R>(
    create: () => PromiseLike<R>,
    read: (resource: R) => PromiseLike<T | undefined>,
    close: (resource: R) => PromiseLike<unknown>,
  ): Source<T> {
    return Source.fromGraph(new UnfoldResourceAsyncSource(create, read, close));
  }

  // ── interop area factories ──

  /**
   * Elements from a Reactive Streams `Publisher`. Each materialization subscribes once, when the
   * stream starts, and requests elements in batches: a window of the input buffer size (see
   * `Attributes.inputBuffer`), renewed half a window at a time as elements go downstream.
   *
   * - **Emits when** the publisher has sent an element and downstream pulls.
   * - **Backpressures when** downstream backpressures (then no more than one window is requested).
   * - **Completes when** the publisher signals `onComplete` and the buffered elements went out.
   * - **Fails when** the publisher signals `onError` (at once: elements still buffered are dropped, as
   *   Reactive Streams lets `onError` overtake them), or breaks the protocol (more elements than
   *   requested, `null` signals).
   * - **Cancels when** downstream cancels: the subscription is cancelled.
   *
   * @example Source.fromPublisher(somePublisher).map(f).runWith(Sink.seq())
   */
  static fromPublisher<T>(publisher: Publisher<T>): Source<T> {
    return Source.fromGraph(new FromPublisherSource(publisher));
  }

  /**
   * A source that materializes a Reactive Streams `Subscriber`: subscribe it to any publisher and the
   * publisher's elements flow into the stream, requested in batches (as in `fromPublisher`). A second
   * `onSubscribe` is cancelled (rule 2.5); `null` signals throw a `TypeError` (rule 2.13).
   *
   * - **Emits when** the publisher has sent an element and downstream pulls.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** the publisher signals `onComplete` and the buffered elements went out.
   * - **Cancels when** downstream cancels: the subscription is cancelled.
   *
   * @example const [subscriber, done] = Source.asSubscriber<number>().toMat(Sink.seq(), Keep.both).run();
   */
  static asSubscriber<T>(): Source<T, Subscriber<T>> {
    return Source.fromGraph(new AsSubscriberSource<T>());
  }

  /**
   * Makes every source usable with `for await`: each iteration materializes the source (on the default
   * materializer) into `Sink.asAsyncIterable()`, which pulls one element per `next()`. Breaking out of
   * the loop cancels the stream; a failure is thrown from the loop.
   *
   * @example for await (const x of Source.range(1, 3)) console.log(x);
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<Out> {
    return this.runWith(Sink.asAsyncIterable<Out>());
  }

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

  // ───────────────────────────── context and round-two ─────────────────────────────

  /**
   * This source as a source with context: each element is paired with `extractContext(element)` (say,
   * a Kafka record with its offset), and the operators of `SourceWithContext` then carry that context
   * along. `extractContext` is called once per element; a throw fails the stream (supervision:
   * `resume`/`restart` drop the element).
   *
   * @example Source.from(records).asSourceWithContext((r) => r.offset).map((r) => r.value)
   */
  asSourceWithContext<Ctx>(extractContext: (x: Out) => Ctx): SourceWithContext<Out, Ctx, Mat> {
    requireFunction('asSourceWithContext', 'extractContext', extractContext);
    return boundClass('SourceWithContext').fromTuples(this.map((x): [Out, Ctx] => [x, extractContext(x)]));
  }

  /**
   * Materializes this source now and returns its materialized value together with a source that
   * emits its elements (Akka's `preMaterialize`): useful to obtain a queue or a control before the
   * consumer is known. The running source waits, back-pressured, until the returned source is run;
   * that source may be run several times, the runs sharing the elements at the pace of the slowest
   * (a fan-out publisher underneath). Until some run subscribes, nothing is pulled.
   *
   * @example
   * const [queue, source] = Source.queue<string>(16, OverflowStrategy.backpressure).preMaterialize();
   * await queue.offer('early'); // before anyone consumes
   * source.runForeach(console.log);
   */
  preMaterialize(materializer: Materializer = Materializer.default): [Mat, Source<Out>] {
    const [mat, publisher] = this.toMat(Sink.asPublisher<Out>(true), Keep.both).run(materializer);
    return [mat, Source.fromPublisher(publisher)];
  }
}

installFlowOps(Source.prototype);
bindClass('Source', Source);

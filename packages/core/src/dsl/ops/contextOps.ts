/**
 * The operators of `SourceWithContext` and `FlowWithContext`, declared once for both (as FlowOps is for
 * Source and Flow), with Akka's design: a stream with context is a stream of pairs `[element, context]`,
 * and each operator here is the matching plain operator applied to the pairs, written so that the
 * context stays glued to its element.
 *
 * What that gives, for every operator below:
 * - a context is never reordered relative to its element (there is no unordered operator here);
 * - a context leaves the stream together with its element: a filtered element, an element dropped by
 *   supervision or a failed call takes its context along;
 * - an operator that turns one element into several (`mapConcat`) repeats the context on each, and
 *   one that turns several into one (`grouped`, `sliding`) makes the contexts an array.
 *
 * `KindWithContext<F, O, C>` is the higher-kinded encoding: "the same kind of thing as this, emitting
 * element `O` with context `C`" — a `SourceWithContext<O, C, Mat>` on a source, a
 * `FlowWithContext<In, CtxIn, O, C, Mat>` on a flow.
 */

import type { StreamLogger } from '../../operators/log.js';
import { isThenable } from '../../operators/mapAsyncInternals.js';
import { describe, requireFunction, requirePositiveInt } from '../../operators/validate.js';
import type { Graph } from '../../stage/GraphStage.js';
import { FlowShape, SinkShape } from '../../stage/Shape.js';
import type { ThrottleOptions } from '../../ThrottleMode.js';
import { Flow } from '../Flow.js';
import { GraphDSL } from '../GraphDSL.js';
import { Unzip } from '../Unzip.js';
import { Zip } from '../Zip.js';

export interface ContextHKT {
  readonly Out: unknown;
  readonly Ctx: unknown;
  readonly type: unknown;
}

/** `F` applied to element type `O` and context type `C`. */
export type KindWithContext<F extends ContextHKT, O, C> = (F & { readonly Out: O; readonly Ctx: C })['type'];

export interface FlowWithContextOps<Out, Ctx, F extends ContextHKT> {
  /**
   * Transforms each element with `f`; its context is kept.
   *
   * - **Emits when** the function returns for an element.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   *
   * Supervision: `resume`/`restart` drop the element on which `f` threw, with its context.
   *
   * @example records.asSourceWithContext((r) => r.offset).map((r) => JSON.parse(r.value))
   */
  map<T>(f: (x: Out) => T): KindWithContext<F, T, Ctx>;

  /**
   * Passes only the elements for which `p` holds; the context of a filtered element is dropped with it.
   *
   * - **Emits when** `p` returns true for an element.
   * - **Backpressures when** `p` returns true and downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  filter<S extends Out>(p: (x: Out) => x is S): KindWithContext<F, S, Ctx>;
  filter(p: (x: Out) => boolean): KindWithContext<F, Out, Ctx>;

  /**
   * Passes only the elements for which `p` does not hold; the context of a filtered element is dropped
   * with it.
   *
   * - **Emits when** `p` returns false for an element.
   * - **Backpressures when** `p` returns false and downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  filterNot(p: (x: Out) => boolean): KindWithContext<F, Out, Ctx>;

  /**
   * Maps with a partial function (`undefined` = not defined here); an element it drops takes its context
   * along.
   *
   * - **Emits when** `pf` returns a value other than `undefined`.
   * - **Backpressures when** `pf` returns a value and downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  collect<T>(pf: (x: Out) => T | undefined): KindWithContext<F, T, Ctx>;

  /**
   * Maps each element to an iterable and emits its elements one by one, each with the context of the
   * element they came from (an empty iterable drops the context).
   *
   * - **Emits when** downstream pulls and the current iterable has a next element.
   * - **Backpressures when** downstream backpressures, or the current iterable still has elements.
   * - **Completes when** upstream completes and the last iterable is exhausted.
   * - **Cancels when** downstream cancels.
   *
   * @example batches.mapConcat((batch) => batch.items) // every item carries its batch's context
   */
  mapConcat<T>(f: (x: Out) => Iterable<T>): KindWithContext<F, T, Ctx>;

  /**
   * Calls `f` for up to `parallelism` elements at a time and emits the results in the order of the
   * elements, each with its element's context (so contexts keep their order, which is what committing
   * offsets needs).
   *
   * - **Emits when** the promise of the oldest element taken in has resolved and downstream pulls.
   * - **Backpressures when** `parallelism` elements are taken in and the oldest is not done, or
   *   downstream backpressures.
   * - **Completes when** upstream completes and every result has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * Supervision: `resume`/`restart` drop the element whose call failed, with its context.
   *
   * @example requests.mapAsync(4, (req) => handle(req)) // responses keep the request's correlation id
   */
  mapAsync<T>(parallelism: number, f: (x: Out) => T | PromiseLike<T>): KindWithContext<F, T, Ctx>;

  /**
   * `mapAsync` with at most one call per partition at a time (see the plain `mapAsyncPartitioned`);
   * results in element order, each with its element's context.
   *
   * - **Emits when** the oldest element's call has resolved and downstream pulls.
   * - **Backpressures when** `parallelism` elements are taken in and the oldest is not done, or
   *   downstream backpressures.
   * - **Completes when** upstream completes and every result has been emitted.
   * - **Cancels when** downstream cancels.
   */
  mapAsyncPartitioned<P, T>(parallelism: number, partitioner: (x: Out) => P, f: (x: Out, partition: P) => T | PromiseLike<T>): KindWithContext<F, T, Ctx>;

  /**
   * Chunks the stream into arrays of `n` elements; the context of a chunk is the array of its
   * elements' contexts, in the same order.
   *
   * - **Emits when** `n` elements have been collected, or upstream completed with some collected.
   * - **Backpressures when** a group is full and downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   *
   * @example records.grouped(100) // [100 records, their 100 offsets]
   */
  grouped(n: number): KindWithContext<F, Out[], Ctx[]>;

  /**
   * Sliding windows of `n` elements, `step` apart (see the plain `sliding`); the context of a window is
   * the array of its elements' contexts.
   *
   * - **Emits when** a window is full, or upstream completed with unseen elements in the window.
   * - **Backpressures when** a window is full and downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  sliding(n: number, step?: number): KindWithContext<F, Out[], Ctx[]>;

  /**
   * Transforms each context with `f`; elements are unchanged.
   *
   * - **Emits when** the function returns for a context.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   *
   * @example .grouped(100).mapContext((offsets) => offsets[offsets.length - 1]) // commit the last one
   */
  mapContext<C2>(f: (ctx: Ctx) => C2): KindWithContext<F, Out, C2>;

  /**
   * Replaces the error a failure carries (see the plain `mapError`); elements and contexts pass unchanged.
   *
   * - **Emits when** an element arrives.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  mapError(pf: (error: unknown) => unknown): KindWithContext<F, Out, Ctx>;

  /**
   * Logs the elements (not the contexts: `extract` receives the element), completion and failure under
   * `name`, passing everything through (see the plain `log`).
   *
   * - **Emits when** an element arrives.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  log(name: string, extract?: (x: Out) => unknown, logger?: StreamLogger): KindWithContext<F, Out, Ctx>;

  /**
   * Limits the rate (see the plain `throttle`); `options.cost` receives the element.
   *
   * - **Emits when** an element arrives and the bucket has enough tokens for it.
   * - **Backpressures when** downstream backpressures, or an element is waiting for tokens.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  throttle(elements: number, perMs: number, options?: ThrottleOptions<Out>): KindWithContext<F, Out, Ctx>;

  /**
   * Also sends every element (without its context) to `sink` (see the plain `alsoTo`).
   *
   * - **Emits when** an element is available and both downstream and the sink have demand.
   * - **Backpressures when** downstream or the sink backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream or the sink cancels.
   */
  alsoTo(sink: Graph<SinkShape<Out>, unknown>): KindWithContext<F, Out, Ctx>;

  /**
   * Also sends every context (without its element) to `sink`.
   *
   * - **Emits when** an element is available and both downstream and the sink have demand.
   * - **Backpressures when** downstream or the sink backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream or the sink cancels.
   */
  alsoToContext(sink: Graph<SinkShape<Ctx>, unknown>): KindWithContext<F, Out, Ctx>;

  /**
   * Offers every element (without its context) to `sink`, or calls `f`, never slowing the stream down
   * (see the plain `wireTap`).
   *
   * - **Emits when** an element is available and downstream has demand.
   * - **Backpressures when** downstream backpressures (never because of the tap).
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  wireTap(sink: Graph<SinkShape<Out>, unknown> | ((x: Out) => void)): KindWithContext<F, Out, Ctx>;

  /**
   * Offers every context (without its element) to `sink`, or calls `f`, never slowing the stream down.
   *
   * - **Emits when** an element is available and downstream has demand.
   * - **Backpressures when** downstream backpressures (never because of the tap).
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  wireTapContext(sink: Graph<SinkShape<Ctx>, unknown> | ((ctx: Ctx) => void)): KindWithContext<F, Out, Ctx>;

  /**
   * Appends a flow with context (or any flow of `[element, context]` pairs); keeps this blueprint's
   * materialized value.
   *
   * - **Emits when** the appended flow emits.
   * - **Backpressures when** the appended flow backpressures.
   * - **Completes when** the appended flow completes.
   * - **Cancels when** the appended flow cancels.
   *
   * @example source.via(FlowWithContext.create<Order, Offset>().mapAsync(4, price))
   */
  via<O2, C2>(flow: Graph<FlowShape<[Out, Ctx], readonly [O2, C2]>, unknown>): KindWithContext<F, O2, C2>;

  /**
   * Runs the elements, without their contexts, through a plain `flow`, and pairs its outputs with the
   * contexts again, in order. **Unsafe** (Akka's name): correct only for a flow that emits exactly one
   * element per input, in input order — no filtering, no `mapConcat`, no reordering, no failure
   * recovery that skips elements. Anything else pairs contexts with the wrong elements, silently.
   * The flow also sees one element at a time: a buffering flow (`mapAsync(8, …)`) gets no parallelism.
   *
   * - **Emits when** `flow` emits and the matching context is available.
   * - **Backpressures when** `flow` backpressures or downstream backpressures.
   * - **Completes when** `flow` completes, or upstream completes and no element is in the flow.
   * - **Cancels when** downstream cancels or `flow` cancels.
   *
   * @example records.unsafeDataVia(Flow.create<string>().map((s) => s.trim())) // a 1:1 flow written elsewhere
   */
  unsafeDataVia<O2>(flow: Graph<FlowShape<Out, O2>, unknown>): KindWithContext<F, O2, Ctx>;
}

// ───────────────────────────── implementation ─────────────────────────────

/** What the implementations need of their receiver: `via` with a flow of pairs. */
interface PairReceiver {
  via(flow: Graph<FlowShape<any, any>, unknown>): unknown;
}

type Pair = [unknown, unknown];

/** The identity flow over pairs, the start of every pair-level operator below. */
function pairs(): Flow<Pair, Pair> {
  return Flow.create<Pair>();
}

/** A result (plain or thenable) of `f` for an element, paired with that element's context. */
function withContext(result: unknown, ctx: unknown): unknown {
  if (!isThenable(result)) return [result, ctx];
  return Promise.resolve(result).then((value) => [value, ctx]);
}

/** The elements of `iterable`, each paired with `ctx` (arrays eagerly, anything else lazily). */
function eachWithContext(op: string, iterable: unknown, ctx: unknown): Iterable<Pair> {
  if (Array.isArray(iterable)) return iterable.map((x) => [x, ctx] as Pair);
  if (iterable === null || iterable === undefined || typeof (iterable as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`${op}: f must return an iterable, got ${describe(iterable)}`);
  }
  return (function* () {
    for (const x of iterable as Iterable<unknown>) yield [x, ctx] as Pair;
  })();
}

/** `[[x1, c1], [x2, c2], …]` → `[[x1, x2, …], [c1, c2, …]]`. */
function unzipPairs(group: readonly Pair[]): [unknown[], unknown[]] {
  const n = group.length;
  const xs = new Array<unknown>(n);
  const cs = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const p = group[i]!;
    xs[i] = p[0];
    cs[i] = p[1];
  }
  return [xs, cs];
}

function requireSink(op: string, sink: unknown): Graph<SinkShape<unknown>, unknown> {
  const g = sink as Graph<SinkShape<unknown>, unknown> | null | undefined;
  if (g === null || typeof g !== 'object' || !(g.shape instanceof SinkShape)) {
    throw new TypeError(`${op}: sink must be a Sink (a graph with a SinkShape), got ${g?.shape?.constructor?.name ?? describe(sink)}`);
  }
  return g;
}

const first = (p: Pair): unknown => p[0];
const second = (p: Pair): unknown => p[1];

/** The implementations; `via` is each class's own (it appends to the class's delegate). */
const contextOpsImpl: Record<Exclude<keyof FlowWithContextOps<unknown, unknown, ContextHKT>, 'via'>, (this: PairReceiver, ...args: any[]) => unknown> = {
  map(f: (x: unknown) => unknown) {
    requireFunction('map', 'f', f);
    return this.via(pairs().map((p) => [f(p[0]), p[1]]));
  },
  filter(p: (x: unknown) => boolean) {
    requireFunction('filter', 'predicate', p);
    return this.via(pairs().filter((pair) => p(pair[0])));
  },
  filterNot(p: (x: unknown) => boolean) {
    requireFunction('filterNot', 'predicate', p);
    return this.via(pairs().filterNot((pair) => p(pair[0])));
  },
  collect(pf: (x: unknown) => unknown) {
    requireFunction('collect', 'pf', pf);
    return this.via(
      pairs().collect((p) => {
        const y = pf(p[0]);
        return y === undefined ? undefined : ([y, p[1]] as Pair);
      }),
    );
  },
  mapConcat(f: (x: unknown) => Iterable<unknown>) {
    requireFunction('mapConcat', 'f', f);
    return this.via(pairs().mapConcat((p) => eachWithContext('mapConcat', f(p[0]), p[1])));
  },
  mapAsync(parallelism: number, f: (x: unknown) => unknown) {
    requirePositiveInt('mapAsync', 'parallelism', parallelism);
    requireFunction('mapAsync', 'f', f);
    return this.via(pairs().mapAsync(parallelism, (p) => withContext(f(p[0]), p[1]) as Pair | PromiseLike<Pair>));
  },
  mapAsyncPartitioned(parallelism: number, partitioner: (x: unknown) => unknown, f: (x: unknown, partition: unknown) => unknown) {
    requirePositiveInt('mapAsyncPartitioned', 'parallelism', parallelism);
    requireFunction('mapAsyncPartitioned', 'partitioner', partitioner);
    requireFunction('mapAsyncPartitioned', 'f', f);
    return this.via(
      pairs().mapAsyncPartitioned(
        parallelism,
        (p) => partitioner(p[0]),
        (p, partition) => withContext(f(p[0], partition), p[1]) as Pair | PromiseLike<Pair>,
      ),
    );
  },
  grouped(n: number) {
    return this.via(pairs().grouped(n).map(unzipPairs));
  },
  sliding(n: number, step = 1) {
    return this.via(pairs().sliding(n, step).map(unzipPairs));
  },
  mapContext(f: (ctx: unknown) => unknown) {
    requireFunction('mapContext', 'f', f);
    return this.via(pairs().map((p) => [p[0], f(p[1])]));
  },
  mapError(pf: (error: unknown) => unknown) {
    return this.via(pairs().mapError(pf));
  },
  log(name: string, extract: (x: unknown) => unknown = (x) => x, logger?: StreamLogger) {
    requireFunction('log', 'extract', extract);
    return this.via(pairs().log(name, (p) => extract(p[0]), logger));
  },
  throttle(elements: number, perMs: number, options: ThrottleOptions<unknown> = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError(`throttle: options must be an object, got ${describe(options)}`);
    const cost = options.cost;
    if (cost === undefined) return this.via(pairs().throttle(elements, perMs, options));
    requireFunction('throttle', 'cost', cost);
    return this.via(pairs().throttle(elements, perMs, { ...options, cost: (p: Pair) => cost(p[0]) }));
  },
  alsoTo(sink: unknown) {
    return this.via(pairs().alsoTo(pairs().map(first).to(requireSink('alsoTo', sink))));
  },
  alsoToContext(sink: unknown) {
    return this.via(pairs().alsoTo(pairs().map(second).to(requireSink('alsoToContext', sink))));
  },
  wireTap(sinkOrF: unknown) {
    if (typeof sinkOrF === 'function') return this.via(pairs().wireTap((p) => (sinkOrF as (x: unknown) => void)(p[0])));
    return this.via(pairs().wireTap(pairs().map(first).to(requireSink('wireTap', sinkOrF))));
  },
  wireTapContext(sinkOrF: unknown) {
    if (typeof sinkOrF === 'function') return this.via(pairs().wireTap((p) => (sinkOrF as (c: unknown) => void)(p[1])));
    return this.via(pairs().wireTap(pairs().map(second).to(requireSink('wireTapContext', sinkOrF))));
  },
  unsafeDataVia(flow: unknown) {
    const g = flow as Graph<FlowShape<unknown, unknown>, unknown> | null | undefined;
    if (g === null || typeof g !== 'object' || !(g.shape instanceof FlowShape)) {
      throw new TypeError(`unsafeDataVia: flow must be a Flow (a graph with a FlowShape), got ${g?.shape?.constructor?.name ?? describe(flow)}`);
    }
    const dataVia = GraphDSL.create(g, (b, data) => {
      const unzip = b.add(Unzip.create<unknown, unknown>());
      const zip = b.add(Zip.create<unknown, unknown>());
      b.from(unzip.out0).via(data).to(zip.in0);
      b.from(unzip.out1).to(zip.in1);
      return new FlowShape(unzip.in, zip.out);
    });
    return this.via(dataVia);
  },
};

/** Installs the operators on a class whose `via` takes a flow of pairs. */
export function installContextOps(proto: object): void {
  for (const [name, impl] of Object.entries(contextOpsImpl)) {
    Object.defineProperty(proto, name, { value: impl, writable: true, configurable: true, enumerable: false });
  }
}

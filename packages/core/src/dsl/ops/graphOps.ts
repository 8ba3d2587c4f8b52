/**
 * Graph operators of FlowOps (see ../FlowOps.ts for the pattern): declared here once with their
 * Emits / Backpressures / Completes / Cancels contract, implemented in `graphOpsImpl`, installed on
 * Source.prototype and Flow.prototype together with the basic operators.
 *
 * The area covers fan-in with another source (merge, zip, concat, …), fan-out to a sink (alsoTo,
 * wireTap, divertTo), flattening nested streams (flatMapConcat, flatMapMerge, switchMap, prefixAndTail,
 * flatMapPrefix) and substreams (groupBy, splitWhen, splitAfter → SubFlow). Each fan-in/fan-out
 * operator is a small GraphDSL graph around a junction, attached with `via`: the other graph is
 * materialized together with this one, and its materialized value is dropped (`alsoToMat`, in
 * ./matOps.ts, keeps it).
 */
import { linear, type Module } from '../../impl/Module.js';
import { Broadcast } from '../../operators/broadcast.js';
import { Concat } from '../../operators/concat.js';
import { FlatMapConcat } from '../../operators/flatMapConcat.js';
import { FlatMapMerge } from '../../operators/flatMapMerge.js';
import { FlatMapPrefix } from '../../operators/flatMapPrefix.js';
import { isInlinable } from '../../operators/flattenInternals.js';
import { GroupBy } from '../../operators/groupBy.js';
import { Interleave } from '../../operators/interleave.js';
import { Merge } from '../../operators/merge.js';
import { MergeLatest } from '../../operators/mergeLatest.js';
import { MergePreferred } from '../../operators/mergePreferred.js';
import { MergePrioritized } from '../../operators/mergePrioritized.js';
import { MergeSorted, naturalOrder } from '../../operators/mergeSorted.js';
import { OrElse } from '../../operators/orElse.js';
import { Partition } from '../../operators/partition.js';
import { PrefixAndTail } from '../../operators/prefixAndTail.js';
import { RunSubstreams } from '../../operators/runSubstreams.js';
import { ForeachSink } from '../../operators/sinks.js';
import { Split, type SubstreamCancelStrategy } from '../../operators/split.js';
import { SwitchMap } from '../../operators/switchMap.js';
import { describe, requireFunction } from '../../operators/validate.js';
import { WireTap } from '../../operators/wireTap.js';
import { ZipAll } from '../../operators/zipAll.js';
import { ZipLatestWith } from '../../operators/zipLatestWith.js';
import { pair, ZipWith } from '../../operators/zipWith.js';
import type { FanInShape2 } from '../../stage/FanInShape2.js';
import type { FanOutShape2 } from '../../stage/FanOutShape2.js';
import type { Graph } from '../../stage/GraphStage.js';
import { FlowShape, type Shape, SinkShape, SourceShape } from '../../stage/Shape.js';
import type { UniformFanInShape } from '../../stage/UniformFanInShape.js';
import type { UniformFanOutShape } from '../../stage/UniformFanOutShape.js';
import type { HKT, Kind } from '../FlowOps.js';
import { GraphDSL } from '../GraphDSL.js';
import { boundClass } from '../lateBinding.js';
import type { Source } from '../Source.js';
import type { SubFlow } from '../SubFlow.js';
import type { OpsReceiver, OpsTable } from './opsTable.js';

export interface GraphOps<Out, F extends HKT> {
  // ───────────────────────────── fan-in with another source ─────────────────────────────

  /**
   * Merges the elements of `that` into this stream as they arrive (first come, first served). Both are
   * pulled eagerly, one element each. A chain `a.merge(b).merge(c)` (or with `mergeAll`, same
   * `eagerComplete`, nothing applied in between) is built as one junction over a, b and c.
   * A `that` needing no stage of its own (`Source.single`, `Source.empty`, a plain `Source.range` or
   * `Source.from(iterable)`) is read in place by the junction, in turn with the other inputs: it reads no
   * element ahead and does not show in diagrams or snapshots.
   *
   * - **Emits when** one of the inputs has an element available.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** all upstreams complete; with `eagerComplete`, when any upstream completes.
   * - **Cancels when** downstream cancels.
   *
   * @example Source.from([1, 2]).merge(Source.from([10, 20])) // 1, 10, 2, 20 (or another interleaving)
   */
  merge<U>(that: Graph<SourceShape<U>, unknown>, eagerComplete?: boolean): Kind<F, Out | U>;

  /**
   * Merges several sources into this stream (see `merge`).
   *
   * - **Emits when** one of the inputs has an element available.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** all upstreams complete; with `eagerComplete`, when any upstream completes.
   * - **Cancels when** downstream cancels.
   */
  mergeAll<U>(those: readonly Graph<SourceShape<U>, unknown>[], eagerComplete?: boolean): Kind<F, Out | U>;

  /**
   * Merges two sorted streams into one sorted stream, ordered by `compare` (default `<`); on ties the
   * element of `that` goes first. Waits until both have an element (or one completed).
   *
   * - **Emits when** both inputs have an element available, or one completed and the other has one.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** both upstreams complete.
   * - **Cancels when** downstream cancels.
   *
   * @example Source.from([1, 4, 6]).mergeSorted(Source.from([2, 3, 5])) // 1, 2, 3, 4, 5, 6
   */
  mergeSorted(that: Graph<SourceShape<Out>, unknown>, compare?: (a: Out, b: Out) => number): Kind<F, Out>;

  /**
   * Once both streams have produced an element, emits `[latestOfThis, latestOfThat]` (a fresh array)
   * whenever either produces a new one.
   *
   * - **Emits when** an element is available from some input and each input has emitted at least one.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** all upstreams complete; with `eagerComplete`, when any upstream completes.
   * - **Cancels when** downstream cancels.
   */
  mergeLatest<U>(that: Graph<SourceShape<U>, unknown>, eagerComplete?: boolean): Kind<F, (Out | U)[]>;

  /**
   * Merges `that` into this stream, preferring one side when both have an element: this stream when
   * `priority` is true, `that` otherwise.
   *
   * - **Emits when** one of the inputs has an element available, preferring the chosen one.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** all upstreams complete; with `eagerComplete`, when any upstream completes.
   * - **Cancels when** downstream cancels.
   */
  mergePreferred<U>(that: Graph<SourceShape<U>, unknown>, priority: boolean, eagerComplete?: boolean): Kind<F, Out | U>;

  /**
   * Merges `that` into this stream; when both have an element, one is chosen at random weighted by
   * `leftPriority` (this) and `rightPriority` (that).
   *
   * - **Emits when** one of the inputs has an element available, preferring by priority if both have.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** all upstreams complete; with `eagerComplete`, when any upstream completes.
   * - **Cancels when** downstream cancels.
   */
  mergePrioritized<U>(that: Graph<SourceShape<U>, unknown>, leftPriority: number, rightPriority: number, eagerComplete?: boolean): Kind<F, Out | U>;

  /**
   * Pairs each element with one of `that`: `[x, y]`. Both sides are pulled one element ahead.
   *
   * - **Emits when** both inputs have an element available.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** either upstream completes (and no element of it is waiting).
   * - **Cancels when** downstream cancels.
   *
   * @example Source.from([1, 2, 3]).zip(Source.from(['a', 'b'])) // [1, 'a'], [2, 'b']
   */
  zip<U>(that: Graph<SourceShape<U>, unknown>): Kind<F, [Out, U]>;

  /**
   * Combines each element with one of `that` using `f`. Supervision: resume/restart drop the pair on
   * which `f` threw.
   *
   * - **Emits when** both inputs have an element available.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** either upstream completes (and no element of it is waiting).
   * - **Cancels when** downstream cancels.
   */
  zipWith<U, R>(that: Graph<SourceShape<U>, unknown>, f: (a: Out, b: U) => R): Kind<F, R>;

  /**
   * Pairs elements like `zip` until *both* streams complete; after one completes, its place is taken by
   * its fill element (`thisElem` for this stream, `thatElem` for `that`).
   *
   * - **Emits when** both inputs have an element, or one completed and the other has an element.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** both upstreams complete.
   * - **Cancels when** downstream cancels.
   *
   * @example Source.from([1, 2, 3]).zipAll(Source.from(['a']), 0, '-') // [1, 'a'], [2, '-'], [3, '-']
   */
  zipAll<U, A, B>(that: Graph<SourceShape<U>, unknown>, thisElem: A, thatElem: B): Kind<F, [Out | A, U | B]>;

  /**
   * Once both streams have produced, emits `[latestOfThis, latestOfThat]` whenever downstream pulls and
   * something new arrived on either side.
   *
   * - **Emits when** all inputs have at least one element, and then each time an element becomes available on either input.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** either upstream completes.
   * - **Cancels when** downstream cancels.
   */
  zipLatest<U>(that: Graph<SourceShape<U>, unknown>): Kind<F, [Out, U]>;

  /**
   * Like `zipLatest`, combining the latest elements with `f`. Supervision: resume/restart skip the
   * emission on which `f` threw.
   *
   * - **Emits when** all inputs have at least one element, and then each time an element becomes available on either input.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** either upstream completes.
   * - **Cancels when** downstream cancels.
   */
  zipLatestWith<U, R>(that: Graph<SourceShape<U>, unknown>, f: (a: Out, b: U) => R): Kind<F, R>;

  /**
   * Emits `that`'s elements after this stream completed. Both are materialized together, and (as in
   * Akka) both are pulled once right away, each keeping a one-element buffer; use `concatLazy` to pull
   * `that` only when its turn comes.
   *
   * - **Emits when** the current stream has an element available; when it completes, the next one is used.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** all upstreams complete.
   * - **Cancels when** downstream cancels.
   *
   * @example Source.from([1, 2]).concat(Source.from([3, 4])) // 1, 2, 3, 4
   */
  concat<U>(that: Graph<SourceShape<U>, unknown>): Kind<F, Out | U>;

  /**
   * Like `concat`, but `that` is pulled for the first time only after this stream completed (it is
   * still materialized right away; wrap it in `Source.lazySource` to defer that too).
   *
   * - **Emits when** the current stream has an element available; when it completes, the next one is used.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** all upstreams complete.
   * - **Cancels when** downstream cancels.
   */
  concatLazy<U>(that: Graph<SourceShape<U>, unknown>): Kind<F, Out | U>;

  /**
   * Emits `that`'s elements first, then this stream's. Both are materialized together and pulled once
   * right away (a one-element buffer each).
   *
   * - **Emits when** the current stream has an element available; when it completes, the next one is used.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** all upstreams complete.
   * - **Cancels when** downstream cancels.
   *
   * @example Source.from([3, 4]).prepend(Source.from([1, 2])) // 1, 2, 3, 4
   */
  prepend<U>(that: Graph<SourceShape<U>, unknown>): Kind<F, Out | U>;

  /**
   * Passes this stream through; if it completes without emitting anything, emits `secondary` instead.
   * `secondary` is cancelled as soon as this stream emits its first element.
   *
   * - **Emits when** this stream has an element available, or it completed empty and `secondary` has one.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** this stream completes after emitting, or `secondary` completes.
   * - **Cancels when** downstream cancels (and `secondary` when this stream emits its first element).
   *
   * @example Source.empty<number>().orElse(Source.single(0)) // 0
   */
  orElse<U>(secondary: Graph<SourceShape<U>, unknown>): Kind<F, Out | U>;

  /**
   * Alternates between this stream and `that`, `segmentSize` elements at a time; once one completes,
   * the rest of the other follows.
   *
   * - **Emits when** the current input has an element available.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** both upstreams complete; with `eagerClose`, when either does.
   * - **Cancels when** downstream cancels.
   *
   * @example Source.from([1, 2, 3, 4]).interleave(Source.from([10, 20, 30]), 2) // 1, 2, 10, 20, 3, 4, 30
   */
  interleave<U>(that: Graph<SourceShape<U>, unknown>, segmentSize: number, eagerClose?: boolean): Kind<F, Out | U>;

  // ───────────────────────────── fan-out to a sink ─────────────────────────────

  /**
   * Also sends every element to `sink`: an element goes out only when both downstream and the sink
   * have demanded it.
   *
   * - **Emits when** an element is available and both downstream and the sink have demand.
   * - **Backpressures when** downstream or the sink backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream or the sink cancels.
   */
  alsoTo(sink: Graph<SinkShape<Out>, unknown>): Kind<F, Out>;

  /**
   * Offers every element to `sink` (or calls `f`) without letting it slow the main line down: if the
   * tap has not demanded, the element waits in a one-element slot that the next element overwrites —
   * a slow tap sees only some elements.
   *
   * - **Emits when** an element is available and downstream has demand.
   * - **Backpressures when** downstream backpressures (never because of the tap).
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels (the tap cancelling changes nothing).
   */
  wireTap(sink: Graph<SinkShape<Out>, unknown> | ((x: Out) => void)): Kind<F, Out>;

  /**
   * Sends the elements for which `when` holds to `sink` instead of downstream.
   * Supervision: resume/restart drop the element on which `when` threw.
   *
   * - **Emits when** an element is available and its destination (downstream or the sink) has demand.
   * - **Backpressures when** the element's destination backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream or the sink cancels.
   */
  divertTo(sink: Graph<SinkShape<Out>, unknown>, when: (x: Out) => boolean): Kind<F, Out>;

  // ───────────────────────────── nesting streams ─────────────────────────────

  /**
   * Maps each element to a source and emits that source's elements, one source after the other. The
   * sources run inside this stream's island. One upstream element is pulled ahead.
   * Supervision: resume/restart skip the element on which `f` threw (or that gave no source). The inner
   * sources inherit this stage's attributes (supervision included); their own attributes win.
   *
   * - **Emits when** the current source has an element available.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes and the last source completed.
   * - **Cancels when** downstream cancels.
   *
   * @example Source.from([1, 2]).flatMapConcat((n) => Source.from([n, n])) // 1, 1, 2, 2
   */
  flatMapConcat<T>(f: (x: Out) => Graph<SourceShape<T>, unknown>): Kind<F, T>;

  /**
   * Maps each element to a source and runs up to `breadth` of them at a time (`Infinity` allowed),
   * emitting their elements as they arrive. Supervision: resume/restart skip the element on which `f` threw.
   * The inner sources inherit this stage's attributes (supervision included); their own attributes win.
   *
   * - **Emits when** one of the running sources has an element available.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes and all sources completed.
   * - **Cancels when** downstream cancels.
   */
  flatMapMerge<T>(breadth: number, f: (x: Out) => Graph<SourceShape<T>, unknown>): Kind<F, T>;

  /**
   * Maps each element to a source and emits its elements until the next upstream element arrives; then
   * the current source is cancelled and the new one takes over. Upstream is kept pulled at all times.
   * Supervision: resume/restart skip the element on which `f` threw. The inner sources inherit this
   * stage's attributes (supervision included); their own attributes win.
   *
   * - **Emits when** the current source has an element available.
   * - **Backpressures when** downstream backpressures (upstream is never back-pressured).
   * - **Completes when** upstream completes and the current source completed.
   * - **Cancels when** downstream cancels.
   */
  switchMap<T>(f: (x: Out) => Graph<SourceShape<T>, unknown>): Kind<F, T>;

  /**
   * Emits one pair `[prefix, tail]`: the first `n` elements, and a source of the rest. The tail must be
   * run within the subscription timeout (default 5 s), or it fails with `SubscriptionTimeoutException`
   * and upstream is cancelled.
   *
   * - **Emits when** `n` elements arrived (or upstream completed first: then the tail is empty).
   * - **Backpressures when** downstream backpressures, or the tail backpressures.
   * - **Completes when** the pair went out (the tail completes when upstream does).
   * - **Cancels when** downstream cancels before the pair went out, or the tail cancels.
   *
   * @example Source.range(1, 5).prefixAndTail(2) // [[1, 2], <source of 3, 4, 5>]
   */
  prefixAndTail(n: number): Kind<F, [Out[], Source<Out>]>;

  /**
   * Takes the first `n` elements, asks `f(prefix)` for a flow and runs the rest of the stream through it.
   *
   * - **Emits when** the flow emits.
   * - **Backpressures when** downstream backpressures, or the flow backpressures.
   * - **Completes when** the flow completes.
   * - **Cancels when** downstream cancels, or the flow cancels.
   *
   * @example Source.from(['csv', 'a', 'b']).flatMapPrefix(1, ([fmt]) => Flow.create<string>().map((x) => `${fmt}:${x}`))
   */
  flatMapPrefix<T>(n: number, f: (prefix: Out[]) => Graph<FlowShape<Out, T>, unknown>): Kind<F, T>;

  // ───────────────────────────── substreams ─────────────────────────────

  /**
   * Splits the stream into one substream per key; operators on the returned SubFlow run on each
   * substream, until `mergeSubstreams`/`concatSubstreams`/`to` joins them. Opening more than
   * `maxSubstreams` substreams fails with `TooManySubstreamsOpenException`; a key that is `null` or
   * `undefined` fails with a `TypeError` naming the element's position. Elements for a key whose
   * substream was cancelled are dropped, unless `allowClosedSubstreamRecreation`.
   * Supervision: resume/restart drop the element on which `keyFor` threw (or returned no key). The
   * substreams inherit the attributes of the stage that runs them (supervision included).
   *
   * - **Emits when** an element with a new key arrives (the new substream is emitted).
   * - **Backpressures when** an element is waiting for a substream that backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream and all substreams cancel.
   *
   * @example Source.range(1, 6).groupBy(2, (x) => x % 2).fold(0, (a, x) => a + x).mergeSubstreams() // 9, 12
   */
  groupBy<K>(maxSubstreams: number, keyFor: (x: Out) => K, allowClosedSubstreamRecreation?: boolean): SubFlow<Out, F>;

  /**
   * Cuts the stream into substreams, starting a new one at each element for which `p` holds (the
   * first element always starts the first substream). When a substream cancels, the stream cancels
   * (`'propagate'`) or the rest of that substream's elements are dropped (`'drain'`). Without an
   * explicit strategy, supervision decides, as in Pekko: with the default (stopping) decider a
   * cancelled substream cancels the stream; with `resume`/`restart` it is drained.
   *
   * - **Emits when** an element for which `p` holds opens a new substream.
   * - **Backpressures when** the current substream backpressures, or a new substream waits for downstream.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream and the current substream cancel, or a substream cancels and the strategy propagates.
   *
   * @example Source.from([1, 2, 0, 3, 0, 4]).splitWhen((x) => x === 0).fold([], (a, x) => [...a, x]).concatSubstreams() // [1, 2], [0, 3], [0, 4]
   */
  splitWhen(p: (x: Out) => boolean, substreamCancelStrategy?: SubstreamCancelStrategy): SubFlow<Out, F>;

  /**
   * Cuts the stream into substreams, ending the current one after each element for which `p` holds.
   * No empty substream is emitted. A cancelled substream cancels the stream or is drained, as for
   * `splitWhen` (without an explicit strategy, supervision decides: the default propagates).
   *
   * - **Emits when** the first element of a new substream arrives.
   * - **Backpressures when** the current substream backpressures, or a new substream waits for downstream.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream and the current substream cancel, or a substream cancels and the strategy propagates.
   *
   * @example Source.from([1, 2, 0, 3, 0, 4]).splitAfter((x) => x === 0).fold([], (a, x) => [...a, x]).concatSubstreams() // [1, 2, 0], [3, 0], [4]
   */
  splitAfter(p: (x: Out) => boolean, substreamCancelStrategy?: SubstreamCancelStrategy): SubFlow<Out, F>;
}

// ───────────────────────────── implementation ─────────────────────────────

/** A graph as a `Source` object (prefixAndTail's tail); `Source` through ../lateBinding.ts (Source.ts imports this module). */
function asSource(graph: Graph<SourceShape<unknown>, unknown>): unknown {
  const Source = boundClass('Source');
  return new Source(graph.shape, graph.module);
}

function requireGraph<S extends Shape>(op: string, name: string, g: unknown, shape: abstract new (...args: any[]) => S, kind: string): Graph<S, unknown> {
  const graph = g as Graph<Shape, unknown> | null | undefined;
  if (graph === null || typeof graph !== 'object' || !(graph.shape instanceof shape) || graph.module === undefined) {
    throw new TypeError(`${op}: ${name} must be a ${kind} (a graph with a ${shape.name}), got ${graph?.shape?.constructor?.name ?? describe(g)}`);
  }
  return graph as Graph<S, unknown>;
}

const requireSourceGraph = (op: string, g: unknown, name = 'that') => requireGraph(op, name, g, SourceShape, 'Source');
/** @internal Also used by alsoToMat (./matOps.ts). */
export const requireSinkGraph = (op: string, g: unknown) => requireGraph(op, 'sink', g, SinkShape, 'Sink');

function requireBoolean(op: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${op}: ${name} must be a boolean, got ${describe(v)}`);
  return v;
}

/**
 * A flow around a fan-in junction: this stream enters at inlet `thisPort`, the other graphs at the
 * remaining inlets in order. The flow materializes the other graph's value (an array of them for
 * several); `via` drops it, `viaMat` could keep it.
 */
function fanIn(
  thoseGraphs: readonly Graph<SourceShape<unknown>, unknown>[],
  junction: Graph<UniformFanInShape<unknown, unknown> | FanInShape2<unknown, unknown, unknown>, unknown>,
  thisPort: number,
): Graph<FlowShape<unknown, unknown>, unknown> {
  return GraphDSL.createWith(
    thoseGraphs,
    (...mats: unknown[]) => (mats.length === 1 ? mats[0] : mats),
    (b, ...shapes) => {
      const j = b.add(junction);
      const ins = j.inlets;
      let k = 0;
      for (let i = 0; i < ins.length; i++) if (i !== thisPort) b.from(shapes[k++] as SourceShape<unknown>).to(ins[i]!);
      return new FlowShape(ins[thisPort]!, j.outlets[0]!);
    },
  );
}

/** How a `merge`/`mergeAll` result was built: the receiver, the sources merged into it, and the flag. */
interface MergeOrigin {
  readonly base: OpsReceiver;
  readonly those: readonly Graph<SourceShape<unknown>, unknown>[];
  readonly eagerComplete: boolean;
}

/**
 * The results of `merge`/`mergeAll`, by identity. DSL values are immutable, so an entry describes its
 * key exactly: anything that changes the stream after the merge (an operator, attributes, a name, an
 * async boundary, a different materialized value) is a new object without an entry.
 */
const mergeOrigins = new WeakMap<object, MergeOrigin>();

/**
 * Flattening stops at this many inputs: each flattened merge builds its junction graph anew over all
 * of them, so a loop of k `merge` calls costs O(k²) to build; past the cap the chain starts a new
 * junction (with the previous one as its first input), which keeps building linear and an element
 * crossing at most k / 127 junctions.
 */
const MaxFlattenedInputs = 128;

/**
 * `self.merge(those…)` as one `Merge(n)` junction. When `self` is itself the unmodified result of a
 * merge with the same `eagerComplete`, its junction's inputs are taken over instead of merging the
 * merge again: `a.merge(b).merge(c)` becomes `Merge(3)` over a, b, c rather than two `Merge(2)` in a
 * row, whose nesting would make an element of `a` cross every level (a left-deep chain of k merges
 * costs O(k) junction hops per element). It is observably the same stream except for the interleaving
 * between inputs, which a merge does not specify, and for the fewer elements pulled ahead: each input
 * is still pulled once ahead and kept in order; completion, failure (the first fails the whole, the
 * others are cancelled) and cancellation are those of the nested merges; the materialized value is
 * `base`'s, as `merge` keeps the receiver's.
 */
function mergeInto(self: OpsReceiver, those: readonly Graph<SourceShape<unknown>, unknown>[], eagerComplete: boolean): unknown {
  const origin = mergeOrigins.get(self);
  let base = self;
  let all = those;
  if (origin !== undefined && origin.eagerComplete === eagerComplete && origin.those.length + those.length < MaxFlattenedInputs) {
    base = origin.base;
    all = [...origin.those, ...those];
  }
  // Sources that need no stage of their own are read in place by the junction (see `Merge`'s `inline`).
  const wired = all.filter((g) => !isInlinable(g));
  const inline = wired.length === all.length ? [] : all.filter(isInlinable);
  const junction = new Merge(wired.length + 1, eagerComplete, inline);
  const merged = base.via(fanIn(wired, junction, 0));
  mergeOrigins.set(merged, { base, those: all, eagerComplete });
  return merged;
}

/** @internal (also used by ./matOps.ts) A flow around a two-output junction: outlet 0 continues downstream, outlet 1 feeds `sink`. Materializes the sink's value. */
export function fanOut(
  sink: Graph<SinkShape<unknown>, unknown>,
  junction: Graph<UniformFanOutShape<unknown, unknown> | FanOutShape2<unknown, unknown, unknown>, unknown>,
): Graph<FlowShape<unknown, unknown>, unknown> {
  return GraphDSL.create(sink, (b, sinkShape) => {
    const j = b.add(junction);
    b.from(j.outlets[1]!).to(sinkShape as SinkShape<unknown>);
    return new FlowShape(j.inlets[0]!, j.outlets[0]!);
  });
}

/** Attaches the per-substream flow to each substream source. */
function attachFlow(flow: Module | null): (source: Graph<SourceShape<unknown>, unknown>) => Graph<SourceShape<unknown>, unknown> {
  if (flow === null) return (source) => source;
  return (source) => ({ shape: source.shape, module: linear(source.module, flow, null) });
}

/** A SubFlow over `self.via(splitter)`. */
function subFlow(self: OpsReceiver, splitter: Graph<FlowShape<any, Graph<SourceShape<unknown>, unknown>>, unknown>): SubFlow<unknown, HKT> {
  const SubFlow = boundClass('SubFlow');
  return new SubFlow<unknown, HKT>(null, {
    merge: (flow, breadth, operatorName) => self.via(splitter).via(new FlatMapMerge(breadth, attachFlow(flow), operatorName)),
    to: (flow, sink) => self.via(splitter).to(new RunSubstreams(flow, sink)),
  });
}

export const graphOpsImpl: OpsTable<GraphOps<unknown, HKT>> = {
  merge(that: unknown, eagerComplete = false) {
    const g = requireSourceGraph('merge', that);
    return mergeInto(this, [g], requireBoolean('merge', 'eagerComplete', eagerComplete));
  },
  mergeAll(those: unknown, eagerComplete = false) {
    if (!Array.isArray(those)) throw new TypeError(`mergeAll: those must be an array of Sources, got ${describe(those)}`);
    const gs = those.map((g, i) => requireSourceGraph('mergeAll', g, `those[${i}]`));
    if (gs.length === 0) return this;
    return mergeInto(this, gs, requireBoolean('mergeAll', 'eagerComplete', eagerComplete));
  },
  mergeSorted(that: unknown, compare: (a: unknown, b: unknown) => number = naturalOrder) {
    return this.via(fanIn([requireSourceGraph('mergeSorted', that)], new MergeSorted(compare), 0));
  },
  mergeLatest(that: unknown, eagerComplete = false) {
    return this.via(fanIn([requireSourceGraph('mergeLatest', that)], new MergeLatest(2, requireBoolean('mergeLatest', 'eagerComplete', eagerComplete)), 0));
  },
  mergePreferred(that: unknown, priority: unknown, eagerComplete = false) {
    const g = requireSourceGraph('mergePreferred', that);
    const preferThis = requireBoolean('mergePreferred', 'priority', priority);
    // MergePreferred(1): inlet 0 is the secondary, inlet 1 the preferred one.
    return this.via(fanIn([g], new MergePreferred(1, requireBoolean('mergePreferred', 'eagerComplete', eagerComplete)), preferThis ? 1 : 0));
  },
  mergePrioritized(that: unknown, leftPriority: number, rightPriority: number, eagerComplete = false) {
    const g = requireSourceGraph('mergePrioritized', that);
    return this.via(fanIn([g], new MergePrioritized([leftPriority, rightPriority], requireBoolean('mergePrioritized', 'eagerComplete', eagerComplete)), 0));
  },
  zip(that: unknown) {
    return this.via(fanIn([requireSourceGraph('zip', that)], new ZipWith(pair, 'Zip'), 0));
  },
  zipWith(that: unknown, f: (a: unknown, b: unknown) => unknown) {
    const g = requireSourceGraph('zipWith', that);
    return this.via(fanIn([g], new ZipWith(f), 0));
  },
  zipAll(that: unknown, thisElem: unknown, thatElem: unknown) {
    return this.via(fanIn([requireSourceGraph('zipAll', that)], new ZipAll(thisElem, thatElem), 0));
  },
  zipLatest(that: unknown) {
    return this.via(fanIn([requireSourceGraph('zipLatest', that)], new ZipLatestWith(pair, 'ZipLatest'), 0));
  },
  zipLatestWith(that: unknown, f: (a: unknown, b: unknown) => unknown) {
    const g = requireSourceGraph('zipLatestWith', that);
    return this.via(fanIn([g], new ZipLatestWith(f), 0));
  },
  concat(that: unknown) {
    return this.via(fanIn([requireSourceGraph('concat', that)], new Concat(2, true), 0));
  },
  concatLazy(that: unknown) {
    return this.via(fanIn([requireSourceGraph('concatLazy', that)], new Concat(2, false), 0));
  },
  prepend(that: unknown) {
    return this.via(fanIn([requireSourceGraph('prepend', that)], new Concat(2, true), 1));
  },
  orElse(secondary: unknown) {
    return this.via(fanIn([requireSourceGraph('orElse', secondary, 'secondary')], new OrElse(), 0));
  },
  interleave(that: unknown, segmentSize: number, eagerClose = false) {
    const g = requireSourceGraph('interleave', that);
    return this.via(fanIn([g], new Interleave(2, segmentSize, requireBoolean('interleave', 'eagerClose', eagerClose)), 0));
  },
  alsoTo(sink: unknown) {
    return this.via(fanOut(requireSinkGraph('alsoTo', sink), new Broadcast(2, true)));
  },
  wireTap(sinkOrF: unknown) {
    const sink = typeof sinkOrF === 'function' ? new ForeachSink(sinkOrF as (x: unknown) => void) : requireSinkGraph('wireTap', sinkOrF);
    return this.via(fanOut(sink, new WireTap()));
  },
  divertTo(sink: unknown, when: (x: unknown) => boolean) {
    const g = requireSinkGraph('divertTo', sink);
    requireFunction('divertTo', 'when', when);
    return this.via(fanOut(g, new Partition(2, (x: unknown) => (when(x) ? 1 : 0), true)));
  },
  flatMapConcat(f: (x: unknown) => Graph<SourceShape<unknown>, unknown>) {
    return this.via(new FlatMapConcat(f));
  },
  flatMapMerge(breadth: number, f: (x: unknown) => Graph<SourceShape<unknown>, unknown>) {
    return this.via(new FlatMapMerge(breadth, f));
  },
  switchMap(f: (x: unknown) => Graph<SourceShape<unknown>, unknown>) {
    return this.via(new SwitchMap(f));
  },
  prefixAndTail(n: number) {
    return this.via(new PrefixAndTail(n, asSource));
  },
  flatMapPrefix(n: number, f: (prefix: unknown[]) => Graph<FlowShape<unknown, unknown>, unknown>) {
    return this.via(new FlatMapPrefix(n, f));
  },
  groupBy(maxSubstreams: number, keyFor: (x: unknown) => unknown, allowClosedSubstreamRecreation = false) {
    const stage = new GroupBy(maxSubstreams, keyFor, requireBoolean('groupBy', 'allowClosedSubstreamRecreation', allowClosedSubstreamRecreation));
    return subFlow(this, stage);
  },
  splitWhen(p: (x: unknown) => boolean, substreamCancelStrategy?: SubstreamCancelStrategy) {
    return subFlow(this, new Split('when', p, substreamCancelStrategy));
  },
  splitAfter(p: (x: unknown) => boolean, substreamCancelStrategy?: SubstreamCancelStrategy) {
    return subFlow(this, new Split('after', p, substreamCancelStrategy));
  },
};

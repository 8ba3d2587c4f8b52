/**
 * Operators of FlowOps added in round two (see ../FlowOps.ts for the pattern): declared here once with
 * their Emits / Backpressures / Completes / Cancels contract, implemented in `roundTwoOpsImpl`, installed
 * on Source.prototype and Flow.prototype together with the other areas.
 *
 * The area covers completing on a condition (takeUntil), grouping by weight, by key and by a custom
 * boundary (groupedWeighted, groupedAdjacentBy, groupedAdjacentByWeighted, aggregateWithBoundary),
 * stateful flattening (statefulMapConcat) and partitioned asynchronous calls in completion order
 * (mapAsyncPartitionedUnordered).
 */
import { AggregateWithBoundary, type EmitOnTimer } from '../../operators/aggregateWithBoundary.js';
import { GroupedAdjacentBy } from '../../operators/groupedAdjacentBy.js';
import { GroupedWeighted } from '../../operators/groupedWeighted.js';
import { MapAsyncPartitionedUnordered } from '../../operators/mapAsyncPartitionedUnordered.js';
import { StatefulMapConcat } from '../../operators/statefulMapConcat.js';
import { takeUntil } from '../../operators/takeUntil.js';
import type { HKT, Kind } from '../FlowOps.js';
import type { OpsTable } from './opsTable.js';

export type { EmitOnTimer } from '../../operators/aggregateWithBoundary.js';

export interface RoundTwoOps<Out, F extends HKT> {
  /**
   * Passes elements up to **and including** the first one for which `p` holds, then completes (Reactor's
   * `takeUntil`). Unlike `takeWhile(p)`, which stops *before* the element that fails its predicate, the
   * element that ends the stream is emitted: `takeUntil(p)` is `takeWhile((x) => !p(x), true)`.
   *
   * - **Emits when** an element arrives (including the one for which `p` holds).
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** `p` held for an element (after emitting it), or upstream completes.
   * - **Cancels when** `p` held for an element, or downstream cancels.
   *
   * Supervision: `resume`/`restart` drop the element on which `p` threw.
   *
   * @example Source.from(['a', 'b', 'END', 'c']).takeUntil((s) => s === 'END') // 'a', 'b', 'END'
   */
  takeUntil(p: (x: Out) => boolean): Kind<F, Out>;

  /**
   * Chunks the stream into groups whose total cost (`costFn`, a non-negative number per element)
   * reaches at least `minWeight`; the last group may weigh less.
   *
   * - **Emits when** the total cost of the group reaches `minWeight`, or upstream completed with a partial group.
   * - **Backpressures when** a group is complete and downstream backpressures.
   * - **Completes when** upstream completes (after the last group).
   * - **Cancels when** downstream cancels.
   *
   * Supervision when `costFn` throws: `resume` drops the element, `restart` also drops the partial
   * group. A cost that is not a non-negative number fails the stream.
   *
   * @example Source.from(['ab', 'c', 'def', 'g']).groupedWeighted(3, (s) => s.length) // ['ab', 'c'], ['def'], ['g']
   */
  groupedWeighted(minWeight: number, costFn: (x: Out) => number): Kind<F, Out[]>;

  /**
   * Groups runs of adjacent elements with the same key `f(x)` (compared like `Map` keys): a group is
   * emitted when an element with a different key arrives, or when upstream completes.
   *
   * - **Emits when** an element with a new key arrives (the group before it goes out), or upstream
   *   completed with a group collected.
   * - **Backpressures when** a group is complete and downstream backpressures.
   * - **Completes when** upstream completes (after the last group).
   * - **Cancels when** downstream cancels.
   *
   * Supervision when `f` throws: `resume` drops the element, `restart` also drops the group being collected.
   *
   * @example Source.from([1, 1, 2, 2, 2, 1]).groupedAdjacentBy((x) => x) // [1, 1], [2, 2, 2], [1]
   */
  groupedAdjacentBy<K>(f: (x: Out) => K): Kind<F, Out[]>;

  /**
   * Like `groupedAdjacentBy`, and a group also closes before an element that would take its total
   * cost above `maxWeight` (an element heavier than `maxWeight` forms a group of its own).
   *
   * - **Emits when** an element with a new key arrives, or one that would exceed `maxWeight` (the group
   *   before it goes out), or upstream completed with a group collected.
   * - **Backpressures when** a group is complete and downstream backpressures.
   * - **Completes when** upstream completes (after the last group).
   * - **Cancels when** downstream cancels.
   *
   * Supervision when `f` or `costFn` throws: `resume` drops the element, `restart` also drops the group
   * being collected. A cost that is not a non-negative number fails the stream.
   *
   * @example Source.from(['a', 'a', 'a', 'b']).groupedAdjacentByWeighted((s) => s, 2, () => 1) // ['a', 'a'], ['a'], ['b']
   */
  groupedAdjacentByWeighted<K>(f: (x: Out) => K, maxWeight: number, costFn: (x: Out) => number): Kind<F, Out[]>;

  /**
   * Folds elements into an aggregate and emits it when a custom boundary is reached (Akka's, a
   * generalised `groupedWeightedWithin`): `allocate()` makes a new aggregate for the first element after
   * each emission; `aggregate(agg, x)` returns `[updatedAggregate, isComplete]`; a complete aggregate is
   * turned into the output by `harvest(agg)`. With `emitOnTimer = [isReady, intervalMs]`, every
   * `intervalMs` (on the materializer's scheduler) a non-empty aggregate for which `isReady(agg)` holds is
   * emitted as well.
   *
   * - **Emits when** `aggregate` reports the aggregate complete, or the timer finds it ready, and
   *   downstream pulls; on upstream completion, the pending aggregate.
   * - **Backpressures when** an emitted aggregate is waiting for downstream.
   * - **Completes when** upstream completes and the last aggregate has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * Supervision (`stop` fails): if `allocate` or `aggregate` throws, the element is dropped — `resume`
   * keeps the aggregate, `restart` discards it; if `harvest` throws the aggregate is discarded; if
   * `isReady` throws, `resume` keeps the aggregate for the next tick and `restart` discards it.
   *
   * @example
   * // batches of at most 100 bytes, or whatever is there every second
   * lines.aggregateWithBoundary(() => [] as string[], (acc, l) => [[...acc, l], acc.join('').length + l.length >= 100], (acc) => acc, [(acc) => acc.length > 0, 1000])
   */
  aggregateWithBoundary<Agg, Emit>(
    allocate: () => Agg,
    aggregate: (agg: Agg, x: Out) => readonly [Agg, boolean],
    harvest: (agg: Agg) => Emit,
    emitOnTimer?: EmitOnTimer<Agg>,
  ): Kind<F, Emit>;

  /**
   * `mapConcat` with state: `create()` is called for each materialization and returns the function to
   * apply, which keeps its state in its closure. Each element is mapped to an iterable whose elements are
   * emitted one by one, lazily.
   *
   * - **Emits when** downstream pulls and the current iterable has a next element.
   * - **Backpressures when** downstream backpressures, or the current iterable still has elements.
   * - **Completes when** upstream completes and the last iterable is exhausted.
   * - **Cancels when** downstream cancels.
   *
   * Supervision: `resume` drops the element (and the rest of its iterable) and keeps the state;
   * `restart` also calls `create()` again, for a fresh function and state.
   *
   * @example
   * // repeats each element as often as the previous one said
   * Source.from([1, 2, 3]).statefulMapConcat(() => { let prev = 1; return (x) => { const out = Array(prev).fill(x); prev = x; return out; }; }) // 1, 2, 3, 3
   */
  statefulMapConcat<T>(create: () => (x: Out) => Iterable<T>): Kind<F, T>;

  /**
   * Like `mapAsyncPartitioned` (at most one call per partition at a time, each partition's elements in
   * their order), but each result is emitted as soon as it is there: the output order is the
   * completion order. At most `parallelism` elements are taken in (queued for their partition,
   * running, or finished and not yet emitted).
   *
   * - **Emits when** any call has resolved and downstream pulls.
   * - **Backpressures when** `parallelism` elements are taken in, or downstream backpressures.
   * - **Completes when** upstream completes and every result has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * Supervision as for `mapAsync`, also when `partitioner` throws: `resume`/`restart` drop the element.
   *
   * @example events.mapAsyncPartitionedUnordered(8, (e) => e.deviceId, (e) => store(e)) // per-device order, no head-of-line blocking
   */
  mapAsyncPartitionedUnordered<P, T>(parallelism: number, partitioner: (x: Out) => P, f: (x: Out, partition: P) => T | PromiseLike<T>): Kind<F, T>;
}

export const roundTwoOpsImpl: OpsTable<RoundTwoOps<unknown, HKT>> = {
  takeUntil(p: (x: unknown) => boolean) {
    return this.via(takeUntil(p));
  },
  groupedWeighted(minWeight: number, costFn: (x: unknown) => number) {
    return this.via(new GroupedWeighted(minWeight, costFn));
  },
  groupedAdjacentBy(f: (x: unknown) => unknown) {
    return this.via(new GroupedAdjacentBy(f, Infinity, null));
  },
  groupedAdjacentByWeighted(f: (x: unknown) => unknown, maxWeight: number, costFn: (x: unknown) => number) {
    return this.via(new GroupedAdjacentBy(f, maxWeight, costFn));
  },
  aggregateWithBoundary(
    allocate: () => unknown,
    aggregate: (agg: unknown, x: unknown) => readonly [unknown, boolean],
    harvest: (agg: unknown) => unknown,
    emitOnTimer?: EmitOnTimer<unknown>,
  ) {
    return this.via(new AggregateWithBoundary(allocate, aggregate, harvest, emitOnTimer));
  },
  statefulMapConcat(create: () => (x: unknown) => Iterable<unknown>) {
    return this.via(new StatefulMapConcat(create));
  },
  mapAsyncPartitionedUnordered(parallelism: number, partitioner: (x: unknown) => unknown, f: (x: unknown, partition: unknown) => unknown) {
    return this.via(new MapAsyncPartitionedUnordered(parallelism, partitioner, f));
  },
};

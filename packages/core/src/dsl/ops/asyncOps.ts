/**
 * Asynchronous operators of FlowOps (see ../FlowOps.ts for the pattern): declared here once with their
 * Emits / Backpressures / Completes / Cancels contract, implemented in the table below, installed on
 * Source.prototype and Flow.prototype together with the other areas.
 *
 * The area covers operators that call asynchronous user functions: mapAsync, mapAsyncUnordered,
 * mapAsyncPartitioned, scanAsync and foldAsync (mapAsyncPartitionedUnordered is in ./roundTwoOps.ts).
 */
import { FoldAsync } from '../../operators/foldAsync.js';
import { MapAsync } from '../../operators/mapAsync.js';
import { MapAsyncPartitioned } from '../../operators/mapAsyncPartitioned.js';
import { MapAsyncUnordered } from '../../operators/mapAsyncUnordered.js';
import { ScanAsync } from '../../operators/scanAsync.js';
import type { HKT, Kind } from '../FlowOps.js';
import type { Fn, OpsTable } from './opsTable.js';

export interface AsyncOps<Out, F extends HKT> {
  /**
   * Calls `f` (which returns a promise, or a plain value) for each element, with up to `parallelism`
   * calls running at a time, and emits the results **in the order of the elements**, whatever the order
   * in which the promises settle. At most `parallelism` elements are taken in at a time (running or
   * finished but not yet emitted), so memory stays bounded.
   *
   * - **Emits when** the promise of the oldest element taken in has resolved and downstream pulls.
   * - **Backpressures when** `parallelism` elements are taken in and the oldest is not done, or
   *   downstream backpressures.
   * - **Completes when** upstream completes and every result has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * A rejection — or `f` throwing synchronously, which is handled the same way — fails the stream with the
   * original error as soon as it happens. Supervision: `resume`/`restart` drop that element; the elements
   * after it are not held up.
   *
   * @example Source.from(urls).mapAsync(4, (url) => fetch(url).then((r) => r.status))
   */
  mapAsync<T>(parallelism: number, f: (x: Out) => T | PromiseLike<T>): Kind<F, T>;

  /**
   * Like `mapAsync`, but each result is emitted as soon as its promise resolves: the output order is
   * the completion order.
   *
   * - **Emits when** any call's promise has resolved and downstream pulls.
   * - **Backpressures when** `parallelism` calls are running or finished but not emitted, or downstream
   *   backpressures.
   * - **Completes when** upstream completes and every result has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * Supervision as for `mapAsync`: `resume`/`restart` drop the element whose call failed.
   *
   * @example Source.from(ids).mapAsyncUnordered(8, (id) => db.load(id))
   */
  mapAsyncUnordered<T>(parallelism: number, f: (x: Out) => T | PromiseLike<T>): Kind<F, T>;

  /**
   * Like `mapAsync` (results in element order, at most `parallelism` elements taken in), with one more
   * rule: **at most one call per partition** is running at any time. `partitioner` assigns each element
   * a partition (compared like `Set` keys); elements of one partition are passed to `f` one after the
   * other, in their order, each call starting when the previous one of its partition has settled, while
   * different partitions run concurrently. An element whose partition is busy waits (and counts towards
   * `parallelism`).
   *
   * - **Emits when** the oldest element's call has resolved and downstream pulls.
   * - **Backpressures when** `parallelism` elements are taken in and the oldest is not done, or
   *   downstream backpressures.
   * - **Completes when** upstream completes and every result has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * Supervision as for `mapAsync`, also when `partitioner` throws: `resume`/`restart` drop the element.
   *
   * @example events.mapAsyncPartitioned(8, (e) => e.accountId, (e) => ledger.apply(e)) // per-account order
   */
  mapAsyncPartitioned<P, T>(parallelism: number, partitioner: (x: Out) => P, f: (x: Out, partition: P) => T | PromiseLike<T>): Kind<F, T>;

  /**
   * Like `scan`, with an asynchronous `f`: emits `zero` first, then each accumulation its promise resolves
   * to. One call runs at a time, and the next element is requested only after its result went out.
   *
   * - **Emits when** `f`'s promise resolves (and first, `zero`).
   * - **Backpressures when** downstream backpressures, or a call is running.
   * - **Completes when** upstream completes and the running call's result has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * Supervision (rejection or throw): `resume` keeps the accumulator, `restart` resets it to `zero`; the
   * element is dropped either way.
   *
   * @example Source.from(events).scanAsync(state0, (s, e) => store.apply(s, e))
   */
  scanAsync<S>(zero: S, f: (acc: S, x: Out) => S | PromiseLike<S>): Kind<F, S>;

  /**
   * Like `fold`, with an asynchronous `f` (one call at a time): emits the final accumulation when
   * upstream completes.
   *
   * - **Emits when** upstream completes and the last call has resolved.
   * - **Backpressures when** downstream backpressures (only for the single result).
   * - **Completes when** upstream completes and the result has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * Supervision (rejection or throw): `resume` keeps the accumulator, `restart` resets it to `zero`.
   */
  foldAsync<S>(zero: S, f: (acc: S, x: Out) => S | PromiseLike<S>): Kind<F, S>;
}

/** The implementations, installed on Source.prototype and Flow.prototype. */
export const asyncOpsImpl: OpsTable<AsyncOps<unknown, HKT>> = {
  mapAsync(parallelism: number, f: Fn) {
    return this.via(new MapAsync(parallelism, f));
  },
  mapAsyncUnordered(parallelism: number, f: Fn) {
    return this.via(new MapAsyncUnordered(parallelism, f));
  },
  mapAsyncPartitioned(parallelism: number, partitioner: Fn, f: Fn) {
    return this.via(new MapAsyncPartitioned(parallelism, partitioner, f));
  },
  scanAsync(zero: unknown, f: Fn) {
    return this.via(new ScanAsync(zero, f));
  },
  foldAsync(zero: unknown, f: Fn) {
    return this.via(new FoldAsync(zero, f));
  },
};

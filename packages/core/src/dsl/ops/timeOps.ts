/**
 * Time operators of FlowOps (see ../FlowOps.ts for the pattern): declared here once with their
 * Emits / Backpressures / Completes / Cancels contract, implemented in `timeOpsImpl`, installed on
 * Source.prototype and Flow.prototype together with the basic operators.
 *
 * The area covers asynchronous user functions (mapAsync…), rate and buffering (buffer, throttle,
 * conflate, expand…) and timers (groupedWithin, delay, the timeouts…). Every timer runs on the
 * materializer's `Scheduler`, so all of them can be tested in virtual time.
 */
import { BackpressureTimeout } from '../../operators/backpressureTimeout.js';
import { Batch } from '../../operators/batch.js';
import { BatchWeighted } from '../../operators/batchWeighted.js';
import { Buffer } from '../../operators/buffer.js';
import { CompletionTimeout } from '../../operators/completionTimeout.js';
import { Conflate } from '../../operators/conflate.js';
import { ConflateWithSeed } from '../../operators/conflateWithSeed.js';
import { Delay } from '../../operators/delay.js';
import { Detach } from '../../operators/detach.js';
import { DropWithin } from '../../operators/dropWithin.js';
import { Expand, type IterableOrIterator } from '../../operators/expand.js';
import { Extrapolate } from '../../operators/extrapolate.js';
import { FoldAsync } from '../../operators/foldAsync.js';
import { GroupedWeightedWithin } from '../../operators/groupedWeightedWithin.js';
import { GroupedWithin } from '../../operators/groupedWithin.js';
import { IdleTimeout } from '../../operators/idleTimeout.js';
import { InitialDelay } from '../../operators/initialDelay.js';
import { InitialTimeout } from '../../operators/initialTimeout.js';
import { KeepAlive } from '../../operators/keepAlive.js';
import { MapAsync } from '../../operators/mapAsync.js';
import { MapAsyncPartitioned } from '../../operators/mapAsyncPartitioned.js';
import { MapAsyncUnordered } from '../../operators/mapAsyncUnordered.js';
import { DelayOverflowStrategy, type OverflowStrategy } from '../../OverflowStrategy.js';
import { ScanAsync } from '../../operators/scanAsync.js';
import { TakeWithin } from '../../operators/takeWithin.js';
import type { ThrottleOptions } from '../../ThrottleMode.js';
import { Throttle } from '../../operators/throttle.js';
import type { HKT, Kind } from '../FlowOps.js';

export interface TimeOps<Out, F extends HKT> {
  // ───────────────────────────── async ─────────────────────────────

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

  // ───────────────────────────── rate and buffering ─────────────────────────────

  /**
   * Detaches upstream from downstream by one element: upstream is asked for an element before downstream
   * asks, so one element is always ready.
   *
   * - **Emits when** an element is held and downstream pulls.
   * - **Backpressures when** an element is held and downstream has not pulled.
   * - **Completes when** upstream completes and the held element (if any) has been emitted.
   * - **Cancels when** downstream cancels.
   */
  detach(): Kind<F, Out>;

  /**
   * Holds up to `size` elements that downstream has not asked for yet, asking upstream for more while
   * there is room. When an element arrives and the buffer is full, `overflowStrategy` decides:
   * `OverflowStrategy.dropHead` (drop the oldest), `dropTail` (drop the youngest), `dropBuffer` (drop all
   * buffered), `dropNew` (drop the new one), `backpressure` (stop asking upstream), `fail` (fail with
   * `BufferOverflowError`).
   *
   * - **Emits when** downstream pulls and an element is buffered.
   * - **Backpressures when** the buffer is full and the strategy is `backpressure` (the drop strategies
   *   never backpressure; `fail` fails instead).
   * - **Completes when** upstream completes and the buffered elements have been emitted.
   * - **Cancels when** downstream cancels.
   *
   * @example Source.from(ticks).buffer(100, OverflowStrategy.dropHead) // keep the 100 most recent
   */
  buffer(size: number, overflowStrategy: OverflowStrategy): Kind<F, Out>;

  /**
   * Limits the rate to `elements` per `perMs` milliseconds with a token bucket on the materializer's
   * scheduler clock: tokens arrive one every `perMs / elements` ms, the bucket holds up to `maximumBurst`
   * (default: what arrives in 100 ms, at least 1) and starts full, and each element takes `cost(x)`
   * tokens (default 1). In `ThrottleMode.shaping` (the default) an element without enough tokens waits
   * for them; in `ThrottleMode.enforcing` it fails the stream with `RateExceededError`.
   *
   * - **Emits when** an element arrives and the bucket has enough tokens for it (shaping: once they arrived).
   * - **Backpressures when** downstream backpressures, or an element is waiting for tokens.
   * - **Completes when** upstream completes (after a waiting element went out).
   * - **Cancels when** downstream cancels.
   *
   * Supervision (for `cost`): `resume`/`restart` drop the element.
   *
   * @example Source.from(requests).throttle(10, 1000, { maximumBurst: 10 }) // at most 10 per second
   */
  throttle(elements: number, perMs: number, options?: ThrottleOptions<Out>): Kind<F, Out>;

  /**
   * While downstream is busy, combines incoming elements into one with `aggregate`; never backpressures
   * (upstream runs at full speed, downstream sees a summary of what it missed).
   *
   * - **Emits when** downstream stops backpressuring and there is a conflated element.
   * - **Backpressures when** never.
   * - **Completes when** upstream completes and the last conflated element has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * Supervision (for `aggregate`): `resume` drops the element, `restart` also drops what was conflated.
   *
   * @example Source.from(prices).conflate((a, b) => b) // always the latest price
   */
  conflate(aggregate: (acc: Out, x: Out) => Out): Kind<F, Out>;

  /**
   * Like `conflate`, but the summary may have another type: `seed` turns the first element into it, and
   * `aggregate` adds the following ones.
   *
   * - **Emits when** downstream stops backpressuring and there is a conflated element.
   * - **Backpressures when** never.
   * - **Completes when** upstream completes and the last conflated element has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * Supervision (for `seed`/`aggregate`): `resume` drops the element, `restart` also drops the summary.
   *
   * @example Source.from(events).conflateWithSeed((e) => [e], (acc, e) => [...acc, e])
   */
  conflateWithSeed<S>(seed: (x: Out) => S, aggregate: (acc: S, x: Out) => S): Kind<F, S>;

  /**
   * Like `conflateWithSeed`, but a summary holds at most `max` elements; when it is full, upstream is
   * backpressured until downstream takes it.
   *
   * - **Emits when** downstream stops backpressuring and there is a batch.
   * - **Backpressures when** the batch holds `max` elements and downstream backpressures.
   * - **Completes when** upstream completes and the last batch has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * Supervision (for `seed`/`aggregate`): `resume` drops the element, `restart` also drops the batch.
   */
  batch<S>(max: number, seed: (x: Out) => S, aggregate: (acc: S, x: Out) => S): Kind<F, S>;

  /**
   * Like `batch`, limited by the total `costFn` of the batched elements instead of their number. An
   * element that would take the batch over `max` waits (backpressuring upstream) and starts the next
   * batch; a single element costing more than `max` forms a batch of its own.
   *
   * - **Emits when** downstream stops backpressuring and there is a batch.
   * - **Backpressures when** the next element does not fit into the batch and downstream backpressures.
   * - **Completes when** upstream completes and the last batch has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * Supervision (for `costFn`/`seed`/`aggregate`): `resume` drops the element, `restart` also drops the batch.
   */
  batchWeighted<S>(max: number, costFn: (x: Out) => number, seed: (x: Out) => S, aggregate: (acc: S, x: Out) => S): Kind<F, S>;

  /**
   * Lets a faster downstream run ahead of a slower upstream: each element becomes an iterator
   * (`extrapolate(x)`), and while upstream has nothing new, every pull takes the next value of the current
   * iterator. A new element replaces the iterator. Upstream elements take priority: upstream is asked
   * again as soon as the first value of an iterator went out.
   *
   * - **Emits when** downstream pulls and the current iterator has a value.
   * - **Backpressures when** downstream backpressures, or the current iterator is exhausted.
   * - **Completes when** upstream completes and the current iterator's first value has gone out.
   * - **Cancels when** downstream cancels.
   *
   * Supervision, as in Pekko: when `extrapolate` throws, `resume` drops the element and keeps the current
   * iterator, `restart` drops the element and discards the current iterator (it emits nothing more from
   * it); when the iterator throws, `resume` and `restart` both drop the rest of it.
   *
   * @example Source.from(readings).expand((x) => repeat(x)) // repeat the last reading while waiting
   */
  expand<T>(extrapolate: (x: Out) => IterableOrIterator<T>): Kind<F, T>;

  /**
   * Like `expand`, but every element is emitted as it is first; only then, while upstream is slower than
   * downstream, come the values of `extrapolator(element)` (called only when they are needed). With
   * `initial`, that element is emitted (and extrapolated) if downstream asks before upstream's first
   * element arrives.
   *
   * - **Emits when** downstream pulls and an element, or an extrapolated value, is available.
   * - **Backpressures when** downstream backpressures, or the extrapolation is exhausted.
   * - **Completes when** upstream completes and its last element has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * Supervision (for `extrapolator`): `resume`/`restart` drop the rest of the extrapolation.
   */
  extrapolate(extrapolator: (x: Out) => IterableOrIterator<Out>): Kind<F, Out>;
  extrapolate(extrapolator: (x: Out) => IterableOrIterator<Out>, initial: Out): Kind<F, Out>;

  // ───────────────────────────── timers ─────────────────────────────

  /**
   * Chunks the stream into arrays of at most `n` elements, emitted every `ms` milliseconds or as soon as
   * `n` elements are collected, whichever happens first. Empty groups are not emitted; the clock restarts
   * when a group closes because it is full.
   *
   * - **Emits when** `n` elements are collected or `ms` elapsed since the last group, and downstream pulls.
   * - **Backpressures when** a full group has not been taken by downstream yet.
   * - **Completes when** upstream completes (after the last, possibly shorter, group).
   * - **Cancels when** downstream cancels.
   *
   * @example Source.from(events).groupedWithin(100, 1000) // batches of up to 100, at least every second
   */
  groupedWithin(n: number, ms: number): Kind<F, Out[]>;

  /**
   * Like `groupedWithin`, limited by the total weight (`costFn`) of a group, and optionally also by its
   * size (`maxNumber`). An element that does not fit waits for the next group (backpressuring upstream);
   * a single element heavier than `maxWeight` forms a group of its own.
   *
   * - **Emits when** the group reaches `maxWeight` or `maxNumber`, or `ms` elapsed since the last group,
   *   and downstream pulls.
   * - **Backpressures when** a full group has not been taken by downstream yet.
   * - **Completes when** upstream completes (after the last group).
   * - **Cancels when** downstream cancels.
   *
   * Supervision (for `costFn`), as in Pekko: `resume` drops the element and keeps the current group;
   * `restart` drops the element and the current group, and starts a new time window.
   *
   * @example Source.from(messages).groupedWeightedWithin(64 * 1024, (m) => m.byteLength, 100)
   */
  groupedWeightedWithin(maxWeight: number, costFn: (x: Out) => number, ms: number): Kind<F, Out[]>;
  groupedWeightedWithin(maxWeight: number, maxNumber: number, costFn: (x: Out) => number, ms: number): Kind<F, Out[]>;

  /**
   * Delays every element by `ms` milliseconds (from its arrival). Up to `Attributes.inputBuffer(…).max`
   * elements (default 16) are held at a time; when an element arrives and they are all taken,
   * `overflowStrategy` decides (default `DelayOverflowStrategy.dropTail`): drop the oldest / youngest /
   * all / the new element, `emitEarly` (emit the oldest before its time, if downstream wants it),
   * `backpressure`, or `fail` with `BufferOverflowError`.
   *
   * - **Emits when** the oldest held element's delay has passed and downstream pulls.
   * - **Backpressures when** the buffer is full and the strategy is `backpressure` (or `emitEarly` while
   *   downstream backpressures).
   * - **Completes when** upstream completes and every held element has been emitted.
   * - **Cancels when** downstream cancels.
   *
   * @example Source.from(retries).delay(500, DelayOverflowStrategy.backpressure)
   */
  delay(ms: number, overflowStrategy?: DelayOverflowStrategy): Kind<F, Out>;

  /**
   * Asks upstream for nothing during the first `ms` milliseconds, then passes every element through.
   *
   * - **Emits when** upstream emits, once the initial delay has passed.
   * - **Backpressures when** downstream backpressures, or the initial delay has not passed yet.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  initialDelay(ms: number): Kind<F, Out>;

  /**
   * Passes elements through for `ms` milliseconds after the stream started, then completes (and cancels
   * upstream).
   *
   * - **Emits when** upstream emits and the time has not run out.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** `ms` have passed, or upstream completes.
   * - **Cancels when** `ms` have passed, or downstream cancels.
   */
  takeWithin(ms: number): Kind<F, Out>;

  /**
   * Drops the elements that arrive during the first `ms` milliseconds after the stream started, then
   * passes everything through.
   *
   * - **Emits when** `ms` have passed and upstream emits.
   * - **Backpressures when** `ms` have passed and downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   */
  dropWithin(ms: number): Kind<F, Out>;

  /**
   * When no element has gone downstream for `maxIdleMs` milliseconds and downstream is asking, emits
   * `injected()` (a heartbeat). Upstream elements always take priority.
   *
   * - **Emits when** upstream emits, or downstream is waiting and nothing was emitted for `maxIdleMs`.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes.
   * - **Cancels when** downstream cancels.
   *
   * Supervision (for `injected`): `resume`/`restart` skip that heartbeat.
   *
   * @example socketMessages.keepAlive(30_000, () => ({ type: 'ping' }))
   */
  keepAlive<U>(maxIdleMs: number, injected: () => U): Kind<F, Out | U>;

  /**
   * Fails the stream with `InitialTimeoutError` (a `TimeoutError`) if the first element has not passed
   * within `ms` milliseconds of the start.
   *
   * - **Emits when** upstream emits.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes, or fails if the first element did not pass in time.
   * - **Cancels when** downstream cancels.
   */
  initialTimeout(ms: number): Kind<F, Out>;

  /**
   * Fails the stream with `CompletionTimeoutError` (a `TimeoutError`) if it has not completed within `ms`
   * milliseconds of the start.
   *
   * - **Emits when** upstream emits.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes, or fails if it did not complete in time.
   * - **Cancels when** downstream cancels.
   */
  completionTimeout(ms: number): Kind<F, Out>;

  /**
   * Fails the stream with `IdleTimeoutError` (a `TimeoutError`) when no element has passed for `ms`
   * milliseconds (counted from the start, then from each element).
   *
   * - **Emits when** upstream emits.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes, or fails if no element passed for `ms`.
   * - **Cancels when** downstream cancels.
   */
  idleTimeout(ms: number): Kind<F, Out>;

  /**
   * Fails the stream with `BackpressureTimeoutError` (a `TimeoutError`) when downstream has not asked for
   * an element for `ms` milliseconds after the previous one was emitted (or after the start).
   *
   * - **Emits when** upstream emits.
   * - **Backpressures when** downstream backpressures.
   * - **Completes when** upstream completes, or fails if downstream did not signal demand in time.
   * - **Cancels when** downstream cancels.
   */
  backpressureTimeout(ms: number): Kind<F, Out>;
}

type Fn = (...args: any[]) => any;

/** The implementations, installed on Source.prototype and Flow.prototype. */
export const timeOpsImpl: { [K in keyof TimeOps<unknown, HKT>]: (this: { via(stage: unknown): unknown }, ...args: any[]) => unknown } = {
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
  detach() {
    return this.via(new Detach());
  },
  buffer(size: number, overflowStrategy: OverflowStrategy) {
    return this.via(new Buffer(size, overflowStrategy));
  },
  throttle(elements: number, perMs: number, options?: ThrottleOptions<unknown>) {
    return this.via(new Throttle(elements, perMs, options));
  },
  conflate(aggregate: Fn) {
    return this.via(new Conflate(aggregate));
  },
  conflateWithSeed(seed: Fn, aggregate: Fn) {
    return this.via(new ConflateWithSeed(seed, aggregate));
  },
  batch(max: number, seed: Fn, aggregate: Fn) {
    return this.via(new Batch(max, seed, aggregate));
  },
  batchWeighted(max: number, costFn: Fn, seed: Fn, aggregate: Fn) {
    return this.via(new BatchWeighted(max, costFn, seed, aggregate));
  },
  expand(extrapolate: Fn) {
    return this.via(new Expand(extrapolate));
  },
  extrapolate(...args: unknown[]) {
    if (args.length === 1) return this.via(new Extrapolate(args[0] as Fn));
    if (args.length === 2) return this.via(new Extrapolate(args[0] as Fn, args[1]));
    throw new TypeError(`extrapolate: expected (extrapolator) or (extrapolator, initial), got ${args.length} arguments`);
  },
  groupedWithin(n: number, ms: number) {
    return this.via(new GroupedWithin(n, ms));
  },
  groupedWeightedWithin(...args: unknown[]) {
    if (args.length === 3) return this.via(new GroupedWeightedWithin(args[0] as number, Infinity, args[1] as Fn, args[2] as number));
    if (args.length === 4) return this.via(new GroupedWeightedWithin(args[0] as number, args[1] as number, args[2] as Fn, args[3] as number));
    throw new TypeError(`groupedWeightedWithin: expected (maxWeight, costFn, ms) or (maxWeight, maxNumber, costFn, ms), got ${args.length} arguments`);
  },
  delay(ms: number, overflowStrategy: DelayOverflowStrategy = DelayOverflowStrategy.dropTail) {
    return this.via(new Delay(ms, overflowStrategy));
  },
  initialDelay(ms: number) {
    return this.via(new InitialDelay(ms));
  },
  takeWithin(ms: number) {
    return this.via(new TakeWithin(ms));
  },
  dropWithin(ms: number) {
    return this.via(new DropWithin(ms));
  },
  keepAlive(maxIdleMs: number, injected: Fn) {
    return this.via(new KeepAlive(maxIdleMs, injected));
  },
  initialTimeout(ms: number) {
    return this.via(new InitialTimeout(ms));
  },
  completionTimeout(ms: number) {
    return this.via(new CompletionTimeout(ms));
  },
  idleTimeout(ms: number) {
    return this.via(new IdleTimeout(ms));
  },
  backpressureTimeout(ms: number) {
    return this.via(new BackpressureTimeout(ms));
  },
};

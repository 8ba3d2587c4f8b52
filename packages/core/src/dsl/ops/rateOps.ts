/**
 * Rate and buffering operators of FlowOps (see ../FlowOps.ts for the pattern): declared here once with their
 * Emits / Backpressures / Completes / Cancels contract, implemented in the table below, installed on
 * Source.prototype and Flow.prototype together with the other areas.
 *
 * The area covers decoupling a fast side from a slow one: detach, buffer, throttle, conflate,
 * conflateWithSeed, batch, batchWeighted, expand and extrapolate.
 */

import type { OverflowStrategy } from '../../OverflowStrategy.js';
import { Batch } from '../../operators/batch.js';
import { BatchWeighted } from '../../operators/batchWeighted.js';
import { Buffer } from '../../operators/buffer.js';
import { Conflate } from '../../operators/conflate.js';
import { ConflateWithSeed } from '../../operators/conflateWithSeed.js';
import { Detach } from '../../operators/detach.js';
import { Expand, type IterableOrIterator } from '../../operators/expand.js';
import { Extrapolate } from '../../operators/extrapolate.js';
import { Throttle } from '../../operators/throttle.js';
import type { ThrottleOptions } from '../../ThrottleMode.js';
import type { HKT, Kind } from '../FlowOps.js';
import type { Fn, OpsTable } from './opsTable.js';

export interface RateOps<Out, F extends HKT> {
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
}

/** The implementations, installed on Source.prototype and Flow.prototype. */
export const rateOpsImpl: OpsTable<RateOps<unknown, HKT>> = {
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
};
